"""Learners and enrolments. Every function takes the caller's session and never commits: the
update's unit of work commits once, so an enrolment and its confirmation happen together or not
at all. Written for several workers: uniqueness constraints, not in-process locks, keep rows single
(a conflicting insert fails the unit of work, which is then retried)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.learners.models import Enrolment, EnrolmentEvent, Learner
from catalog.storage.models import Course, Provider

ENROLLED = "enrolled"
COMPLETED = "completed"
WITHDRAWN = "withdrawn"
NOT_COMPLETED = "not_completed"
# The lifecycle: completed is final; withdrawn and not completed may enrol again.
TRANSITIONS = {(None, ENROLLED), (ENROLLED, COMPLETED), (ENROLLED, WITHDRAWN), (ENROLLED, NOT_COMPLETED),
               (WITHDRAWN, ENROLLED), (NOT_COMPLETED, ENROLLED)}
ACTORS = ("learner", "provider", "admin", "operator")


class TransitionRefused(Exception):
    """An illegal change of status (completing a withdrawn enrolment, completing twice, ...);
    nothing was changed."""

    def __init__(self, current: str | None, wanted: str) -> None:
        super().__init__(f"an enrolment that is {current or 'absent'} cannot become {wanted}")
        self.current, self.wanted = current, wanted


def change_status(session: Session, enrolment: Enrolment, to: str, *, actor: str, now: dt.datetime,
                  actor_ref: str | None = None) -> None:
    """Move ``enrolment`` to ``to``, recording who did it and when; :class:`TransitionRefused` otherwise."""
    if actor not in ACTORS:
        raise ValueError(f"unknown actor {actor!r}")
    current = enrolment.status or None  # a new row has no status yet
    if (current, to) not in TRANSITIONS:
        raise TransitionRefused(current, to)
    enrolment.status, enrolment.updated_at = to, now
    session.add(EnrolmentEvent(enrolment=enrolment, from_status=current, to_status=to, actor=actor,
                               actor_ref=actor_ref, at=now))


def find_learner(session: Session, channel: str, external_id: str) -> Learner | None:
    return session.scalar(select(Learner).where(Learner.channel == channel, Learner.external_id == external_id))


def get_or_add_learner(session: Session, channel: str, external_id: str) -> tuple[Learner, bool]:
    """The learner, or a new one added to the session (written when the unit of work commits)."""
    learner = find_learner(session, channel, external_id)
    if learner is not None:
        return learner, False
    learner = Learner(channel=channel, external_id=external_id)
    session.add(learner)
    return learner, True


@dataclass(frozen=True)
class EnrolmentView:
    course: Course
    provider: Provider


def find_enrolment(session: Session, learner: Learner, course_id: int) -> Enrolment | None:
    return session.scalar(select(Enrolment).where(Enrolment.learner_id == learner.id, Enrolment.course_id == course_id))


def enrol(session: Session, learner: Learner, course_id: int, now: dt.datetime) -> bool:
    """Enrol (or again, after withdrawing). False when already enrolled or completed, so a second tap
    or a redelivered update changes nothing."""
    row = find_enrolment(session, learner, course_id)
    if row is None:
        row = Enrolment(learner_id=learner.id, course_id=course_id, status="", source=learner.source,
                        created_at=now, updated_at=now)
        session.add(row)
    elif row.status in (ENROLLED, COMPLETED):
        return False
    change_status(session, row, ENROLLED, actor="learner", now=now)
    return True


def withdraw(session: Session, learner: Learner, course_id: int, now: dt.datetime) -> bool:
    """Withdraw from a course; False when there was no active enrolment."""
    row = find_enrolment(session, learner, course_id)
    if row is None or row.status != ENROLLED:
        return False
    change_status(session, row, WITHDRAWN, actor="learner", now=now)
    return True


def enrolments(session: Session, learner: Learner, *, status: str = ENROLLED) -> list[EnrolmentView]:
    rows = session.execute(
        select(Course, Provider).join(Enrolment, Enrolment.course_id == Course.id)
        .join(Provider, Course.provider_id == Provider.id)
        .where(Enrolment.learner_id == learner.id, Enrolment.status == status)
        .order_by(Enrolment.created_at, Enrolment.id)
    ).all()
    return [EnrolmentView(c, p) for c, p in rows]


def taken_course_ids(session: Session, learner: Learner) -> set[int]:
    """Courses not to recommend again: enrolled in or completed (withdrawn ones may come back)."""
    if learner.id is None:
        return set()
    return set(session.scalars(select(Enrolment.course_id).where(Enrolment.learner_id == learner.id,
                                                                 Enrolment.status.in_((ENROLLED, COMPLETED)))))


def is_enrolled(session: Session, learner: Learner, course_id: int) -> bool:
    row = find_enrolment(session, learner, course_id)
    return row is not None and row.status == ENROLLED


def erase_learner(session: Session, learner: Learner) -> None:
    """Delete the learner and everything tied to them (enrolments, dialogue: by cascade)."""
    session.delete(learner)
