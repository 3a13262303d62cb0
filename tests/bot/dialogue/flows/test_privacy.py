"""Privacy and deletion: erasing always asks first, and a stale confirmation does nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.dialogue.flows.onboarding import Privacy
from bot.dialogue.flows.privacy import ConfirmDelete, Deleted, KeptData
from bot.learners.models import Learner
from tests.support import Talk


def learners(db: Any) -> int:
    with db[0]() as s:
        return int(s.scalar(select(func.count()).select_from(Learner)))


def test_privacy_notice_and_deletion(talk: Talk, db: Any) -> None:
    talk.agree()
    [notice] = talk.say("/privacy")
    assert isinstance(notice, Privacy) and not notice.ask
    [confirm] = talk.say("/delete")
    assert isinstance(confirm, ConfirmDelete)
    [kept] = talk.press("p.d:n")
    assert isinstance(kept, KeptData) and learners(db) == 1
    [stale] = talk.press("p.d:y")  # the same confirmation, pressed again after cancelling
    assert isinstance(stale, KeptData) and learners(db) == 1
    talk.say("/delete")
    [deleted] = talk.press("p.d:y")
    assert isinstance(deleted, Deleted) and learners(db) == 0
    assert talk.last.erased


def test_delete_before_consent(talk: Talk, db: Any) -> None:
    talk.say("/start")
    [confirm] = talk.say("/delete")
    assert isinstance(confirm, ConfirmDelete)
    [deleted] = talk.press("p.d:y")
    assert isinstance(deleted, Deleted) and learners(db) == 0
