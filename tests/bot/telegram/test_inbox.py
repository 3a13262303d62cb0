"""The inbox: stored before acknowledged, handled once, taken over from a dead worker."""

from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import func, select

from bot.telegram import inbox
from bot.telegram.inbox import Worker
from bot.telegram.models import InboxUpdate
from tests.support import memory_database

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
BOT = 7001


def update(update_id: int, chat: int = 5) -> dict[str, object]:
    return {"update_id": update_id, "message": {"message_id": 1, "date": 0, "chat": {"id": chat, "type": "private"},
                                                "text": "hello"}}


def test_store_once_finish_forget_prune() -> None:
    _, sessions = memory_database()
    me = Worker()
    with sessions.begin() as s:
        assert inbox.store(s, BOT, update(100), me, NOW) is True
        assert inbox.store(s, BOT, update(100), me, NOW) is False  # redelivered while in hand
        assert inbox.store(s, BOT + 1, update(100), me, NOW) is True  # another bot's id space
        row = s.get(InboxUpdate, (BOT, 100))
        assert row is not None and row.chat_id == 5 and row.payload is not None
        inbox.finish(s, BOT, 100, NOW)
    with sessions.begin() as s:
        row = s.get(InboxUpdate, (BOT, 100))
        assert row is not None and row.done_at is not None and row.payload is None  # what they wrote is gone
        assert inbox.store(s, BOT, update(100), Worker(), NOW) is False  # handled: never again
        assert inbox.prune(s, BOT, NOW + inbox.RETENTION + dt.timedelta(minutes=1)) == 1
        assert s.scalar(select(func.count()).select_from(InboxUpdate)) == 1


def test_a_dead_workers_updates_are_taken_over_at_once() -> None:
    _, sessions = memory_database()
    killed = Worker(pid=os.getpid(), token="before-restart")  # this pid, an earlier start: it is gone
    me = Worker()
    with sessions.begin() as s:
        for i in (1, 2, 3):
            inbox.store(s, BOT, update(i, chat=i % 2), killed, NOW)
        inbox.finish(s, BOT, 2, NOW)
    with sessions.begin() as s:
        taken = inbox.claim_pending(s, BOT, me, NOW)
        assert [p["update_id"] for p in taken] == [1, 3]  # oldest first, finished ones left alone
        assert inbox.store(s, BOT, update(3), me, NOW) is False  # Telegram redelivers it: already in hand


def test_a_live_workers_lease_is_respected_until_it_runs_out() -> None:
    _, sessions = memory_database()
    other_host = Worker(host="another-machine", pid=1, token="alive")
    me = Worker()
    with sessions.begin() as s:
        inbox.store(s, BOT, update(1), other_host, NOW)
        assert inbox.claim_pending(s, BOT, me, NOW) == []
        assert inbox.store(s, BOT, update(1), me, NOW) is False
        later = NOW + inbox.LEASE + dt.timedelta(seconds=1)
        assert [p["update_id"] for p in inbox.claim_pending(s, BOT, me, later)] == [1]


def test_worker_ids_tell_the_dead_from_the_unknown() -> None:
    me = Worker()
    assert not me.knows_dead(me.id) and not me.knows_dead(None) and not me.knows_dead("garbage")
    assert me.knows_dead(f"{me.host}:{me.pid}:00000000")  # same pid, another start
    assert me.knows_dead(f"{me.host}:999999999:abc")  # no such process here
    assert not me.knows_dead(f"{me.host}:1:abc")  # pid 1 is alive (someone else's)
    assert not me.knows_dead("elsewhere:123:abc")


def test_chat_of_every_update_shape() -> None:
    assert inbox.chat_of({"callback_query": {"from": {"id": 9}, "inline_message_id": "x"}}) == 9
    assert inbox.chat_of({"callback_query": {"from": {"id": 9}, "message": {"chat": {"id": -5}}}}) == -5
    assert inbox.chat_of({"edited_message": {"chat": {"id": 3}}}) == 3
    assert inbox.chat_of({"my_chat_member": {"chat": {"id": 4}}}) == 4
    assert inbox.chat_of({"poll": {}}) is None
