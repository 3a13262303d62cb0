"""Learners and enrolments on SQLite and PostgreSQL (several workers share them). The functions
never commit: the tests commit, as a unit of work would."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot.dialogue.models import Dialogue
from bot.learners import service as learners
from bot.learners.models import Enrolment, Learner
from catalog.courses.ingest import ingest_bytes
from catalog.settings import CatalogSettings
from catalog.storage.models import Course
from tests.support import catalog_json, course

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def course_ids(advisor_session: Session, settings: CatalogSettings) -> list[int]:
    ingest_bytes(advisor_session, settings, catalog_json(course(code="A-1"), course(code="B-2")), "c.json")
    advisor_session.commit()
    return list(advisor_session.scalars(select(Course.id).order_by(Course.code)))


def test_learner_is_created_once(advisor_session: Session) -> None:
    session = advisor_session
    first, created = learners.get_or_add_learner(session, "telegram", "42")
    session.commit()
    again, created_again = learners.get_or_add_learner(session, "telegram", "42")
    other_channel, _ = learners.get_or_add_learner(session, "web", "42")
    session.commit()
    assert created and not created_again
    assert first.id == again.id != other_channel.id
    assert session.get(Dialogue, first.id) is None  # the dialogue is the conversation's, made on first contact


def test_enrol_is_idempotent_and_withdraw_keeps_the_row(advisor_session: Session, course_ids: list[int]) -> None:
    session = advisor_session
    learner, _ = learners.get_or_add_learner(session, "telegram", "7")
    session.commit()
    assert learners.enrol(session, learner, course_ids[0], NOW) is True
    session.commit()
    assert learners.enrol(session, learner, course_ids[0], NOW) is False  # second tap / redelivered update
    assert learners.is_enrolled(session, learner, course_ids[0])
    assert learners.taken_course_ids(session, learner) == {course_ids[0]}
    assert [v.course.code for v in learners.enrolments(session, learner)] == ["A-1"]
    assert learners.withdraw(session, learner, course_ids[0], NOW) is True
    session.commit()
    assert learners.withdraw(session, learner, course_ids[0], NOW) is False
    assert learners.taken_course_ids(session, learner) == set()
    assert learners.enrol(session, learner, course_ids[0], NOW) is True  # re-enrol reuses the row
    session.commit()
    assert session.scalar(select(func.count()).select_from(Enrolment)) == 1


def test_erase_removes_the_learner_and_their_enrolments(advisor_session: Session, course_ids: list[int]) -> None:
    session = advisor_session
    keep, _ = learners.get_or_add_learner(session, "telegram", "1")
    gone, _ = learners.get_or_add_learner(session, "telegram", "2")
    session.add(Dialogue(learner=gone, step="ready", state={"goal": "cook"}))
    session.commit()
    for who in (keep, gone):
        learners.enrol(session, who, course_ids[1], NOW)
    session.commit()
    learners.erase_learner(session, gone)
    session.commit()
    assert session.scalars(select(Learner.external_id)).all() == ["1"]
    assert session.scalar(select(func.count()).select_from(Enrolment)) == 1
    assert session.scalar(select(func.count()).select_from(Dialogue)) == 0


def test_concurrent_dialogue_writes_fail_loudly(advisor_session: Session) -> None:
    """Two workers read the same dialogue, think, and write: the second write fails instead of
    silently overwriting the first (units of work end their read before thinking)."""
    session = advisor_session
    learner, _ = learners.get_or_add_learner(session, "telegram", "9")
    dialogue = Dialogue(learner=learner, step="ready", state={})
    session.add(dialogue)
    session.commit()
    with Session(session.get_bind(), expire_on_commit=False) as other:
        stale = other.get(Dialogue, learner.id)
        assert stale is not None
        other.commit()  # its read is over; it thinks
        dialogue.state = {"goal": "cook"}
        session.commit()
        stale.state = {"goal": "driver"}
        with pytest.raises(StaleDataError):
            other.commit()
