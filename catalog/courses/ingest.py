"""Applying validated uploads to the database, all or nothing.

A file with any problem writes nothing. Otherwise, inside the caller's transaction: the provider is
created or updated, each course is created, updated or left alone (a re-upload of the same file is
a no-op), the catalog version grows by one if anything changed (so every process sees that its
index needs an incremental update), and an audit row records the upload. The caller commits, so an
upload and whatever else its unit of work does (a confirmation in the chat) happen together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from catalog.courses.problems import Problem, problem
from catalog.courses.schema import CourseRecord, ProviderRecord
from catalog.courses.search import lexical_tokens, tag_concepts
from catalog.courses.validation import ParsedUpload, parse_upload, size_problem
from catalog.errors import InputError
from catalog.language.concepts import thesaurus
from catalog.language.places import gazetteer
from catalog.language.text import normalize, script_language
from catalog.language.tokens import TOKENIZER_VERSION
from catalog.settings import CatalogSettings
from catalog.storage.models import CatalogState, Course, Provider, Upload


@dataclass
class IngestReport:
    filename: str
    provider: str | None = None
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # accepted, but learners would be served badly
    version: int = 0
    titles: dict[str, dict[str, str]] = field(default_factory=dict)  # code → title per language
    encoding: str = ""  # how a text file was read (cp1258: an old Windows Vietnamese export)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        if not self.ok:
            return f"{self.filename}: rejected, {len(self.problems)} problem(s); nothing was changed"
        return (f"{self.filename}: provider {self.provider}: {len(self.created)} created, {len(self.updated)} updated"
                f" ({len(self.retired)} retired), {len(self.unchanged)} unchanged; catalog version {self.version}")


def _apply_record(course: Course, record: CourseRecord, version: int) -> None:
    for name in (
        "title", "description", "skills", "keywords", "sector", "level", "duration_hours", "cost_amount",
        "cost_currency", "delivery", "country", "province", "locality", "language_of_instruction", "schedule",
        "women_only", "min_age", "max_age", "start_dates", "learning_outcomes", "assessment", "quality_assurance",
        "stackable_into", "url", "active", "original",
    ):
        setattr(course, name, getattr(record, name))
    content_hash = record.content_hash()
    if course.content_hash != content_hash or course.tokenizer_version != TOKENIZER_VERSION:
        course.tokens = lexical_tokens(record)
        course.tokenizer_version = TOKENIZER_VERSION
    if course.content_hash != content_hash or course.concepts_version != thesaurus().version:
        tag_concepts(course)
    course.content_hash = content_hash
    course.record_hash = record.record_hash()
    course.changed_in_version = version


def _upsert_provider(session: Session, record: ProviderRecord) -> tuple[Provider, bool]:
    provider = session.scalar(select(Provider).where(Provider.code == record.code))
    if provider is None:
        provider = Provider(code=record.code, name=record.name, country=record.country, url=record.url,
                            contact=record.contact)
        session.add(provider)
        session.flush()
        return provider, True
    changed = (provider.name, provider.country, provider.url, provider.contact) != (
        record.name, record.country, record.url, record.contact)
    if changed:
        provider.name, provider.country, provider.url, provider.contact = (
            record.name, record.country, record.url, record.contact)
    return provider, changed


def ingest_bytes(session: Session, settings: CatalogSettings, data: bytes, filename: str,
                 provider_code: str | None = None, provider_name: str | None = None,
                 courses_only: bool = False) -> IngestReport:
    """Validate one upload and apply it in the caller's transaction (which commits it); when the
    report has problems nothing was written. ``provider_name`` creates a provider the file does not
    describe (a CSV of a new provider), named in the language the name is written in.
    ``courses_only``: a provider section in the file is checked but not applied (a provider's upload
    in the chat must not rename the organisation learners see)."""
    report = IngestReport(filename=filename)
    parsed: ParsedUpload = parse_upload(data, filename, gazetteer(), max_bytes=settings.max_upload_bytes,
                                        provider_code=provider_code)
    report.problems = list(parsed.problems)
    report.warnings = list(parsed.warnings)
    report.provider = parsed.provider_code
    report.titles = {record.code: record.title for record in parsed.courses}
    report.encoding = parsed.encoding
    if courses_only:
        parsed.provider = None
    if report.problems:
        return report
    # Serialise writers: the state row is locked until commit (FOR UPDATE on PostgreSQL).
    state = session.scalar(select(CatalogState).where(CatalogState.id == 1).with_for_update())
    if state is None:
        raise InputError("the database has no catalog_state row; run the migrations")
    provider = session.scalar(select(Provider).where(Provider.code == parsed.provider_code))
    if provider is None and parsed.provider is None and provider_name and parsed.provider_code:
        name = normalize(provider_name)
        parsed.provider = ProviderRecord(code=parsed.provider_code, name={script_language(name) or "en": name})
    if provider is None and parsed.provider is None:
        report.problems.append(problem(None, "provider", "unknown_provider", code=parsed.provider_code))
        return report
    existing = {c.code: c for c in session.scalars(select(Course).where(Course.provider_id == provider.id))} \
        if provider is not None else {}
    known_codes = set(existing) | {r.code for r in parsed.courses}
    for row_no, record in zip(parsed.rows, parsed.courses, strict=True):
        for target in record.stackable_into:
            if target not in known_codes:
                report.problems.append(problem(row_no, "stackable_into", "not_this_providers", value=target))
    if report.problems:
        return report
    provider_changed = False
    if parsed.provider:
        provider, provider_changed = _upsert_provider(session, parsed.provider)
    assert provider is not None
    new_version = state.version + 1
    for record in parsed.courses:
        course = existing.get(record.code)
        if course is not None and course.record_hash == record.record_hash():
            report.unchanged.append(record.code)
            continue
        if course is None:
            course = Course(provider_id=provider.id, code=record.code, content_hash="", tokenizer_version=0)
            session.add(course)
            report.created.append(record.code)
        else:
            report.updated.append(record.code)
            if course.active and not record.active:
                report.retired.append(record.code)
        _apply_record(course, record, new_version)
    if report.changed:
        session.execute(update(CatalogState).where(CatalogState.id == 1).values(version=new_version))
        report.version = new_version
    else:
        report.version = state.version
    if report.changed or provider_changed:
        session.add(Upload(provider_id=provider.id, filename=filename[:255],
                           sha256=hashlib.sha256(data).hexdigest(), created=len(report.created),
                           updated=len(report.updated), unchanged=len(report.unchanged),
                           catalog_version=report.version))
    session.flush()
    return report


def set_active(session: Session, course: Course, active: bool) -> bool:
    """Retire a course (or bring it back) in the caller's transaction; the catalog version grows so
    that every process stops (or starts) recommending it. Returns whether anything changed."""
    if course.active == active:
        return False
    state = session.scalar(select(CatalogState).where(CatalogState.id == 1).with_for_update())
    if state is None:
        raise InputError("the database has no catalog_state row; run the migrations")
    course.active, course.changed_in_version = active, state.version + 1
    session.execute(update(CatalogState).where(CatalogState.id == 1).values(version=state.version + 1))
    session.flush()
    return True


def ingest_path(session: Session, settings: CatalogSettings, path: Path,
                provider_code: str | None = None, provider_name: str | None = None) -> IngestReport:
    """:func:`ingest_bytes` for a file, refusing an oversized one before reading it."""
    try:
        too_big = size_problem(path.stat().st_size, settings.max_upload_bytes)
        if too_big:
            return IngestReport(filename=path.name, problems=[too_big])
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a file") from None
    except PermissionError:
        raise InputError(f"cannot read {path}: permission denied") from None
    return ingest_bytes(session, settings, data, path.name, provider_code, provider_name)
