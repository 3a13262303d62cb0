"""The unit of work: one commit, everything or nothing, and no write before thinking."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from bot.learners.models import Learner
from bot.storage.uow import UnitOfWork, WriteBeforeThinking
from tests.support import memory_database


def count(sessions: object) -> int:
    with sessions() as s:  # type: ignore[operator]
        return int(s.scalar(select(func.count()).select_from(Learner)))


def test_nothing_is_written_without_commit_and_everything_with_it() -> None:
    _, sessions = memory_database()
    with UnitOfWork(sessions) as uow:
        uow.session.add(Learner(channel="telegram", external_id="1"))
    assert count(sessions) == 0
    with pytest.raises(RuntimeError), UnitOfWork(sessions) as uow:
        uow.session.add(Learner(channel="telegram", external_id="2"))
        uow.session.flush()
        raise RuntimeError("after the first write")
    assert count(sessions) == 0
    with UnitOfWork(sessions) as uow:
        uow.session.add(Learner(channel="telegram", external_id="3"))
        uow.commit()
    assert count(sessions) == 1


def test_release_ends_the_read_and_refuses_after_a_write() -> None:
    _, sessions = memory_database()
    with UnitOfWork(sessions) as uow:
        uow.session.scalar(select(func.count()).select_from(Learner))
        assert uow.session.in_transaction()
        uow.release()
        assert not uow.session.in_transaction()  # no transaction (no SQLite lock) while thinking
        uow.session.add(Learner(channel="telegram", external_id="1"))
        uow.commit()
    assert count(sessions) == 1
    with UnitOfWork(sessions) as uow:
        uow.session.add(Learner(channel="telegram", external_id="2"))
        with pytest.raises(WriteBeforeThinking):
            uow.release()
    with UnitOfWork(sessions) as uow:
        uow.session.execute(update(Learner).values(language="km"))
        with pytest.raises(WriteBeforeThinking):
            uow.release()
    assert count(sessions) == 1
