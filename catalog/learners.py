"""Learners, their enrolments and update de-duplication: the state any chat front end needs.

Every function takes its session explicitly and commits nothing unless it says so, so a caller can
group a dialogue step and its side effects into one transaction. Written for several workers: the
uniqueness constraints, not in-process locks, are what keep enrolments and claims single.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalog.models import Course, Enrolment, Learner, ProcessedUpdate, Provider

ENROLLED = "enrolled"
WITHDRAWN = "withdrawn"
CLAIM_GRACE = dt.timedelta(seconds=60)  # a claim older than this without done_at belongs to a dead worker
UPDATE_RETENTION = dt.timedelta(days=2)  # Telegram keeps undelivered updates for 24 h


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def get_learner(session: Session, channel: str, external_id: str) -> Learner | None:
    return session.scalar(select(Learner).where(Learner.channel == channel, Learner.external_id == external_id))


def get_or_create_learner(session: Session, channel: str, external_id: str) -> Learner:
    """The learner row, created on first contact (committed, so a concurrent first message from the
    same person in another worker finds it instead of failing)."""
    learner = get_learner(session, channel, external_id)
    if learner is not None:
        return learner
    learner = Learner(channel=channel, external_id=external_id, step="new", state={})
    session.add(learner)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        learner = get_learner(session, channel, external_id)
        if learner is None:  # pragma: no cover - the conflicting row vanished again
            raise
    return learner


@dataclass(frozen=True)
class EnrolmentView:
    enrolment_id: int
    course_id: int
    status: str
    course: Course
    provider: Provider


def enrol(session: Session, learner: Learner, course_id: int) -> bool:
    """Enrol (or re-enrol after withdrawing). Returns False when already enrolled, so a second tap or
    a redelivered update changes nothing. Commits."""
    row = session.scalar(select(Enrolment).where(Enrolment.learner_id == learner.id,
                                                 Enrolment.course_id == course_id))
    if row is not None:
        if row.status == ENROLLED:
            return False
        row.status = ENROLLED
        session.commit()
        return True
    session.add(Enrolment(learner_id=learner.id, course_id=course_id, status=ENROLLED, source=learner.source))
    try:
        session.commit()
    except IntegrityError:  # the same enrolment committed concurrently by another worker
        session.rollback()
        return False
    return True


def withdraw(session: Session, learner: Learner, course_id: int) -> bool:
    """Withdraw from a course; False when there was no active enrolment. Commits."""
    result = session.execute(
        update(Enrolment)
        .where(Enrolment.learner_id == learner.id, Enrolment.course_id == course_id, Enrolment.status == ENROLLED)
        .values(status=WITHDRAWN, updated_at=utcnow())
    )
    session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def enrolments(session: Session, learner: Learner, *, status: str = ENROLLED) -> list[EnrolmentView]:
    rows = session.execute(
        select(Enrolment, Course, Provider).join(Course, Enrolment.course_id == Course.id)
        .join(Provider, Course.provider_id == Provider.id)
        .where(Enrolment.learner_id == learner.id, Enrolment.status == status)
        .order_by(Enrolment.created_at, Enrolment.id)
    ).all()
    return [EnrolmentView(e.id, c.id, e.status, c, p) for e, c, p in rows]


def taken_course_ids(session: Session, learner: Learner) -> set[int]:
    """Courses not to recommend again: everything enrolled in (withdrawn ones may come back)."""
    return set(session.scalars(select(Enrolment.course_id).where(Enrolment.learner_id == learner.id,
                                                                 Enrolment.status == ENROLLED)))


def is_enrolled(session: Session, learner: Learner, course_id: int) -> bool:
    return session.scalar(select(Enrolment.id).where(
        Enrolment.learner_id == learner.id, Enrolment.course_id == course_id, Enrolment.status == ENROLLED)) is not None


def erase_learner(session: Session, learner: Learner) -> None:
    """Delete the learner and everything tied to them (enrolments). Commits."""
    session.execute(delete(Enrolment).where(Enrolment.learner_id == learner.id))
    session.execute(delete(Learner).where(Learner.id == learner.id))
    session.commit()
    session.expunge_all()


def claim_update(session: Session, channel: str, update_id: int, now: dt.datetime | None = None) -> bool:
    """Take an inbound update for processing. False when another worker has it or it was handled
    already; True for a new update or one whose worker died before finishing. Commits."""
    now = now or utcnow()
    session.add(ProcessedUpdate(channel=channel, update_id=update_id, claimed_at=now))
    try:
        session.commit()
        return True
    except IntegrityError:
        session.rollback()
    taken = session.execute(
        update(ProcessedUpdate)
        .where(ProcessedUpdate.channel == channel, ProcessedUpdate.update_id == update_id,
               ProcessedUpdate.done_at.is_(None), ProcessedUpdate.claimed_at < now - CLAIM_GRACE)
        .values(claimed_at=now)
    )
    session.commit()
    return bool(taken.rowcount)  # type: ignore[attr-defined]


def finish_update(session: Session, channel: str, update_id: int) -> None:
    session.execute(update(ProcessedUpdate)
                    .where(ProcessedUpdate.channel == channel, ProcessedUpdate.update_id == update_id)
                    .values(done_at=utcnow()))
    session.commit()


def prune_updates(session: Session, now: dt.datetime | None = None) -> int:
    """Forget update ids old enough that Telegram can no longer redeliver them. Commits."""
    result = session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.claimed_at < (now or utcnow())
                                                           - UPDATE_RETENTION))
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
