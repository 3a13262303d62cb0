"""A provider's files: a catalog (checked by the catalog engine, shown as what would change, applied
only when confirmed) or a list of completions (every row checked; confirmed all together or not at all).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.providers.models import CATALOG, COMPLETIONS, PendingUpload
from catalog.courses.ingest import IngestReport, ingest_bytes
from catalog.courses.tables import decode, is_xlsx, read_xlsx, sniff
from catalog.language.text import fold
from catalog.settings import CatalogSettings
from catalog.storage.models import Course, Provider

KEEP_PENDING = dt.timedelta(days=2)  # an unconfirmed upload is forgotten after this
ENROLMENT_COLUMN, RESULT_COLUMN = "enrolment", "result"
COMPLETED_WORDS = ("completed", "complete", "yes", "passed", "x", "hoàn thành", "hoan thanh", "đạt", "dat",
                   "បានបញ្ចប់", "បញ្ចប់", "ជាប់")
NOT_COMPLETED_WORDS = ("not completed", "no", "failed", "không hoàn thành", "khong hoan thanh", "không đạt",
                       "khong dat", "មិនបានបញ្ចប់", "ធ្លាក់")
_REF = re.compile(r"^[Ee]?(\d{1,9})$")


def preview(session: Session, settings: CatalogSettings, provider: Provider, filename: str,
            data: bytes) -> IngestReport:
    """What the file would change, without changing anything (the ingest runs in a savepoint that is
    rolled back), or every problem in it."""
    with session.begin_nested() as trial:
        report = ingest_bytes(session, settings, data, filename, provider_code=provider.code, courses_only=True)
        trial.rollback()
    return report


def is_completion_list(filename: str, data: bytes) -> bool:
    """A list of completions has an ``enrolment`` column (the template the bot hands out has one)."""
    header = _rows(filename, data, limit=1)
    return bool(header) and ENROLMENT_COLUMN in [fold(c) for c in header[0]]


def _rows(filename: str, data: bytes, limit: int | None = None) -> list[list[str]]:
    """The cells of a workbook or a CSV file (empty when it is neither)."""
    if is_xlsx(data):
        rows = read_xlsx(data)[0] or []
    elif sniff(data, filename) is not None:
        return []
    else:
        text = decode(data)[0]
        if text is None or not text.text.strip():
            return []
        first = text.text.splitlines()[0]
        try:
            rows = list(csv.reader(io.StringIO(text.text), delimiter=max(("\t", ",", ";"), key=first.count)))
        except csv.Error:
            return []
    return rows[:limit] if limit else rows


@dataclass
class RowProblem:
    row: int
    column: str
    kind: str  # unknown_enrolment, not_yours, bad_result, withdrawn, duplicate, no_column
    value: str = ""


@dataclass
class CompletionPlan:
    """What a list of completions would do: enrolment ids to complete and to mark not completed."""

    complete: list[int] = field(default_factory=list)
    fail: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.complete or self.fail or self.unchanged)


def plan_completions(session: Session, provider_ids: frozenset[int], filename: str, data: bytes) -> CompletionPlan:
    """Check every row of a completion list against this provider's enrolments; nothing changes."""
    from bot.learners.models import Enrolment
    from bot.learners.service import COMPLETED, ENROLLED, NOT_COMPLETED

    plan = CompletionPlan()
    rows = _rows(filename, data)
    header = [fold(c) for c in rows[0]] if rows else []
    if ENROLMENT_COLUMN not in header or RESULT_COLUMN not in header:
        plan.problems.append(RowProblem(1, RESULT_COLUMN if ENROLMENT_COLUMN in header else ENROLMENT_COLUMN,
                                        "no_column"))
        return plan
    ref_at, result_at = header.index(ENROLMENT_COLUMN), header.index(RESULT_COLUMN)
    seen: set[int] = set()
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        raw = cells[ref_at].strip() if ref_at < len(cells) else ""
        result = fold(cells[result_at]) if result_at < len(cells) else ""
        if not result:
            continue  # a row the provider left open: nothing to confirm yet
        match = _REF.match(raw)
        enrolment = session.get(Enrolment, int(match.group(1))) if match else None
        course = session.get(Course, enrolment.course_id) if enrolment is not None else None
        if enrolment is None or course is None:
            plan.problems.append(RowProblem(number, ENROLMENT_COLUMN, "unknown_enrolment", raw))
            continue
        if course.provider_id not in provider_ids:  # another provider's learner: said as if unknown
            plan.problems.append(RowProblem(number, ENROLMENT_COLUMN, "unknown_enrolment", raw))
            continue
        if enrolment.id in seen:
            plan.problems.append(RowProblem(number, ENROLMENT_COLUMN, "duplicate", raw))
            continue
        seen.add(enrolment.id)
        done = result in {fold(w) for w in COMPLETED_WORDS}
        failed = result in {fold(w) for w in NOT_COMPLETED_WORDS}
        if not done and not failed:
            plan.problems.append(RowProblem(number, RESULT_COLUMN, "bad_result", cells[result_at].strip()))
            continue
        wanted = COMPLETED if done else NOT_COMPLETED
        if enrolment.status == wanted:
            plan.unchanged.append(enrolment.id)
        elif enrolment.status != ENROLLED:
            plan.problems.append(RowProblem(number, RESULT_COLUMN, "not_open", enrolment.status))
        else:
            (plan.complete if done else plan.fail).append(enrolment.id)
    return plan


def keep(session: Session, *, account_id: int, provider_id: int, kind: str, filename: str, data: bytes,
         now: dt.datetime) -> PendingUpload:
    """Store a checked file until the provider confirms it (their earlier unconfirmed ones go)."""
    session.execute(delete(PendingUpload).where(PendingUpload.account_id == account_id))
    row = PendingUpload(account_id=account_id, provider_id=provider_id, kind=kind, filename=filename[:255],
                        data=data, created_at=now)
    session.add(row)
    session.flush()
    return row


def pending(session: Session, upload_id: int, account_ids: Collection[int], now: dt.datetime) -> PendingUpload | None:
    """The caller's own pending upload, if it is still there and recent."""
    row = session.get(PendingUpload, upload_id)
    if row is None or row.account_id not in account_ids or now - row.created_at > KEEP_PENDING:
        return None
    return row


def prune(session: Session, now: dt.datetime) -> None:
    session.execute(delete(PendingUpload).where(PendingUpload.created_at < now - KEEP_PENDING))


__all__ = ["CATALOG", "COMPLETIONS", "CompletionPlan", "RowProblem", "is_completion_list", "keep", "pending",
           "plan_completions", "preview", "prune"]
