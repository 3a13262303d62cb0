"""Learners, enrolments and update claims on SQLite and PostgreSQL (several workers share them)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from catalog import learners
from catalog.ingest import ingest_bytes
from catalog.models import Course, Enrolment, Learner, ProcessedUpdate
from catalog.settings import Settings
from tests.catalog.helpers import catalog_json, course


@pytest.fixture
def course_ids(session: Session, settings: Settings) -> list[int]:
    ingest_bytes(session, settings, catalog_json(course(code="A-1"), course(code="B-2")), "c.json")
    return list(session.scalars(select(Course.id).order_by(Course.code)))


def test_learner_is_created_once(session: Session) -> None:
    first = learners.get_or_create_learner(session, "telegram", "42")
    again = learners.get_or_create_learner(session, "telegram", "42")
    other_channel = learners.get_or_create_learner(session, "web", "42")
    assert first.id == again.id != other_channel.id
    assert first.step == "new" and first.state == {}


def test_enrol_is_idempotent_and_withdraw_reverts(session: Session, course_ids: list[int]) -> None:
    learner = learners.get_or_create_learner(session, "telegram", "7")
    learner.source = "camp-1"
    session.commit()
    assert learners.enrol(session, learner, course_ids[0]) is True
    assert learners.enrol(session, learner, course_ids[0]) is False  # second tap / redelivered update
    assert session.scalar(select(func.count()).select_from(Enrolment)) == 1
    assert session.scalar(select(Enrolment.source)) == "camp-1"
    assert learners.taken_course_ids(session, learner) == {course_ids[0]}
    assert [v.course.code for v in learners.enrolments(session, learner)] == ["A-1"]
    assert learners.withdraw(session, learner, course_ids[0]) is True
    assert learners.withdraw(session, learner, course_ids[0]) is False
    assert learners.taken_course_ids(session, learner) == set()
    assert learners.enrol(session, learner, course_ids[0]) is True  # re-enrol reuses the row
    assert session.scalar(select(func.count()).select_from(Enrolment)) == 1


def test_erase_removes_learner_and_enrolments(session: Session, course_ids: list[int]) -> None:
    keep = learners.get_or_create_learner(session, "telegram", "1")
    gone = learners.get_or_create_learner(session, "telegram", "2")
    for who in (keep, gone):
        learners.enrol(session, who, course_ids[1])
    learners.erase_learner(session, gone)
    assert session.scalars(select(Learner.external_id)).all() == ["1"]
    assert session.scalar(select(func.count()).select_from(Enrolment)) == 1


def test_concurrent_dialogue_writes_fail_loudly(session: Session, settings: Settings) -> None:
    learner = learners.get_or_create_learner(session, "telegram", "9")
    with Session(session.get_bind()) as other:
        stale = other.get(Learner, learner.id)
        assert stale is not None
        learner.state = {"goal": "cook"}
        session.commit()
        stale.state = {"goal": "driver"}
        with pytest.raises(StaleDataError):
            other.commit()


def test_update_claims(session: Session) -> None:
    now = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
    assert learners.claim_update(session, "telegram:1", 100, now) is True
    assert learners.claim_update(session, "telegram:1", 100, now) is False  # duplicate while in progress
    assert learners.claim_update(session, "telegram:2", 100, now) is True  # another bot's id space
    # A claim whose worker died (never finished) is taken over after the grace period ...
    later = now + learners.CLAIM_GRACE + dt.timedelta(seconds=1)
    assert learners.claim_update(session, "telegram:1", 100, later) is True
    # ... but a finished update never runs again.
    learners.finish_update(session, "telegram:1", 100)
    assert learners.claim_update(session, "telegram:1", 100, later + dt.timedelta(hours=1)) is False
    assert learners.prune_updates(session, now + learners.UPDATE_RETENTION + dt.timedelta(minutes=1)) == 1
    assert session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 1
