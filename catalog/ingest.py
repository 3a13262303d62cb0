"""Applying validated uploads to the database, all or nothing.

A file with any problem changes nothing. Otherwise, in one transaction: the provider is created
or updated, each course is created, updated or left alone (a re-upload of the same file is a
no-op), and the catalog version grows by one if anything changed, so every process sees that its
index needs an incremental update.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from catalog.errors import InputError
from catalog.models import CatalogState, Course, Provider, Upload
from catalog.places import gazetteer
from catalog.schema import CourseRecord, ProviderRecord
from catalog.settings import Settings
from catalog.tokens import TOKENIZER_VERSION, tokenize
from catalog.validation import ParsedUpload, Problem, parse_upload

# Title, skills and keywords say what a course is about; repeating their tokens weighs them
# above the description in BM25 (a cheap form of BM25F field weighting).
FIELD_REPEAT = {"title": 3, "skills": 2, "keywords": 2}


@dataclass
class IngestReport:
    filename: str
    provider: str | None = None
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    version: int = 0

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


class SearchFields(Protocol):
    title: dict[str, str]
    skills: list[str]
    keywords: list[str]
    description: dict[str, str]
    learning_outcomes: dict[str, list[str]]


def lexical_tokens(record: SearchFields) -> list[str]:
    """Tokens of a course for the lexical index, with title/skills/keywords weighted up."""
    tokens: list[str] = []
    for text in record.title.values():
        tokens += tokenize(text) * FIELD_REPEAT["title"]
    for phrase in record.skills:
        tokens += tokenize(phrase) * FIELD_REPEAT["skills"]
    for phrase in record.keywords:
        tokens += tokenize(phrase) * FIELD_REPEAT["keywords"]
    for text in record.description.values():
        tokens += tokenize(text)
    for items in record.learning_outcomes.values():
        for item in items:
            tokens += tokenize(item)
    return tokens


def _apply_record(course: Course, record: CourseRecord, version: int) -> None:
    for name in (
        "title", "description", "skills", "keywords", "sector", "level", "duration_hours", "cost_amount",
        "cost_currency", "delivery", "country", "province", "language_of_instruction", "schedule", "women_only",
        "min_age", "max_age", "start_dates", "learning_outcomes", "assessment", "quality_assurance",
        "stackable_into", "url", "active", "original",
    ):
        setattr(course, name, getattr(record, name))
    content_hash = record.content_hash()
    if course.content_hash != content_hash or course.tokenizer_version != TOKENIZER_VERSION:
        course.tokens = lexical_tokens(record)
        course.tokenizer_version = TOKENIZER_VERSION
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


def ingest_bytes(session: Session, settings: Settings, data: bytes, filename: str,
                 provider_code: str | None = None) -> IngestReport:
    """Validate and store one upload; commits on success, leaves the database untouched otherwise."""
    report = IngestReport(filename=filename)
    parsed: ParsedUpload = parse_upload(data, filename, gazetteer(), max_bytes=settings.max_upload_bytes,
                                        provider_code=provider_code)
    report.problems = list(parsed.problems)
    report.provider = parsed.provider_code
    if report.problems:
        return report
    try:
        # Serialise writers: the state row is locked until commit (FOR UPDATE on PostgreSQL).
        state = session.scalar(select(CatalogState).where(CatalogState.id == 1).with_for_update())
        if state is None:
            raise InputError("the database has no catalog_state row; run the migrations")
        new_version = state.version + 1
        provider_changed = False
        if parsed.provider:
            provider, provider_changed = _upsert_provider(session, parsed.provider)
        else:
            provider = session.scalar(select(Provider).where(Provider.code == parsed.provider_code))
            if provider is None:
                report.problems.append(Problem(None, "provider", (
                    f"unknown provider {parsed.provider_code!r}; upload its JSON file with a provider section first")))
                session.rollback()
                return report
        existing = {c.code: c for c in session.scalars(select(Course).where(Course.provider_id == provider.id))}
        known_codes = set(existing) | {r.code for r in parsed.courses}
        for row_no, record in enumerate(parsed.courses, start=1):
            for target in record.stackable_into:
                if target not in known_codes:
                    report.problems.append(Problem(row_no, "stackable_into", (
                        f"{target!r} is not a course of provider {provider.code}")))
        if report.problems:
            session.rollback()
            return report
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
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return report


def ingest_path(session: Session, settings: Settings, path: Path, provider_code: str | None = None) -> IngestReport:
    try:
        size = path.stat().st_size
        if size > settings.max_upload_bytes:
            report = IngestReport(filename=path.name)
            report.problems.append(Problem(None, "", (
                f"the file is {size:,} bytes, the limit is {settings.max_upload_bytes:,}")))
            return report
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a file") from None
    except PermissionError:
        raise InputError(f"cannot read {path}: permission denied") from None
    return ingest_bytes(session, settings, data, path.name, provider_code)


def sample_files() -> list[Path]:
    """The bundled sample catalog: provider JSON files first, then CSV files (whose provider is
    declared in a ``NAME.provider.json`` file beside them)."""
    folder = Path(str(resources.files("catalog") / "sample"))
    files = sorted(folder.glob("*.json"))
    return [p for p in files if p.name.endswith(".provider.json")] + [
        p for p in files if not p.name.endswith(".provider.json")] + sorted(folder.glob("*.csv"))


def load_sample(session: Session, settings: Settings) -> list[IngestReport]:
    """Load the sample catalog (idempotent). Raises if a bundled file is invalid: that is a bug."""
    reports = []
    for path in sample_files():
        provider = path.stem if path.suffix == ".csv" else None
        report = ingest_path(session, settings, path, provider)
        if not report.ok:
            raise InputError(f"bundled sample {path.name} is invalid: {report.problems[0]}")
        reports.append(report)
    return reports
