"""The inbox: every update the bot receives is stored before Telegram is told it arrived.

python-telegram-bot's updater confirms a batch (sends the next ``offset``) only after putting each
update of the batch into the application's update queue. :class:`DurableUpdateQueue` is that queue:
its ``put`` writes the update to the database first, so an update that was fetched is never lost,
whatever happens to the process afterwards. At start, updates stored but not finished (the process
was killed) are queued again, ahead of anything new; an update Telegram delivers a second time is
recognised by its id and handled once. The webhook server will put into the same queue.

A stored update is leased by the worker that handles it (``claimed_by``/``claimed_until``). A lease
held by a process that no longer runs on this machine is taken over at once; any other lease when
it runs out, so that several workers can share one database.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, Update

from bot.clock import utcnow
from bot.telegram.models import InboxUpdate

log = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=2)
RETENTION = dt.timedelta(days=2)  # Telegram keeps undelivered updates for 24 h


@dataclass(frozen=True)
class Worker:
    """This process, as it signs its leases: host, pid and a token unique to this start."""

    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    token: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    @property
    def id(self) -> str:
        return f"{self.host[:60]}:{self.pid}:{self.token}"

    def knows_dead(self, holder: str | None) -> bool:
        """Whether the lease ``holder`` certainly belongs to a process that has ended: one of this
        host's whose pid is gone, or an earlier process that had this very pid (a restarted container)."""
        if not holder or holder == self.id:
            return False
        parts = holder.rsplit(":", 2)
        if len(parts) != 3 or parts[0] != self.host[:60] or not parts[1].isdigit():
            return False
        pid = int(parts[1])
        if pid == self.pid:
            return True
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, someone else's
            return False
        return False


def chat_of(payload: dict[str, Any]) -> int | None:
    """The chat an update belongs to (what keeps one chat's updates in order)."""
    for key in ("message", "edited_message", "channel_post", "edited_channel_post", "business_message"):
        if isinstance(payload.get(key), dict):
            return (payload[key].get("chat") or {}).get("id")
    query = payload.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message")
        if isinstance(message, dict):
            return (message.get("chat") or {}).get("id")
        return (query.get("from") or {}).get("id")
    for key in ("my_chat_member", "chat_member", "chat_join_request"):
        if isinstance(payload.get(key), dict):
            return (payload[key].get("chat") or {}).get("id")
    return None


def store(session: Session, bot_id: int, payload: dict[str, Any], worker: Worker, now: dt.datetime) -> bool:
    """Store a received update under this worker's lease. True when this worker should handle it
    (new, or stored earlier and abandoned by a dead worker); False for one already handled or
    being handled."""
    update_id = int(payload["update_id"])
    values = {"bot_id": bot_id, "update_id": update_id, "chat_id": chat_of(payload), "payload": payload,
              "received_at": now, "claimed_by": worker.id, "claimed_until": now + LEASE, "attempts": 0}
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = session.execute(insert(InboxUpdate).values(**values).on_conflict_do_nothing())
    if result.rowcount:  # type: ignore[attr-defined]
        return True
    row = session.get(InboxUpdate, (bot_id, update_id))
    if row is None or row.done_at is not None or row.claimed_by == worker.id:
        return False
    if worker.knows_dead(row.claimed_by) or (row.claimed_until or now) <= now:
        row.claimed_by, row.claimed_until = worker.id, now + LEASE
        return True
    return False


def claim_pending(session: Session, bot_id: int, worker: Worker, now: dt.datetime,
                  limit: int = 10_000) -> list[dict[str, Any]]:
    """Take over stored updates nobody is handling (their worker died, or their lease or retry delay
    ran out), oldest first; returns their payloads."""
    rows = session.scalars(select(InboxUpdate).where(
        InboxUpdate.bot_id == bot_id, InboxUpdate.done_at.is_(None)).order_by(InboxUpdate.update_id).limit(limit))
    taken = []
    for row in rows:
        if worker.knows_dead(row.claimed_by) or (row.claimed_until or now) <= now:
            row.claimed_by, row.claimed_until = worker.id, now + LEASE
            if row.payload is not None:
                taken.append(row.payload)
    return taken


def finish(session: Session, bot_id: int, update_id: int, now: dt.datetime) -> None:
    """Mark an update handled and forget what it said (the key stays, to recognise a redelivery)."""
    session.execute(update(InboxUpdate).where(InboxUpdate.bot_id == bot_id, InboxUpdate.update_id == update_id)
                    .values(done_at=now, payload=None, claimed_by=None, claimed_until=None))


def retry_later(session: Session, bot_id: int, update_id: int, delay: dt.timedelta, now: dt.datetime) -> int:
    """Count a failed attempt and keep the lease until it may be tried again; returns the attempts."""
    row = session.get(InboxUpdate, (bot_id, update_id))
    if row is None:
        return 0
    row.attempts += 1
    row.claimed_until = now + delay
    return row.attempts


def scrub_chat(session: Session, bot_id: int, chat_id: int) -> None:
    """Erase what a person wrote that is still stored (they asked to delete their data)."""
    session.execute(update(InboxUpdate).where(InboxUpdate.bot_id == bot_id, InboxUpdate.chat_id == chat_id)
                    .values(payload=None))


def prune(session: Session, bot_id: int, now: dt.datetime) -> int:
    """Forget handled updates old enough that Telegram can no longer deliver them again."""
    result = session.execute(delete(InboxUpdate).where(
        InboxUpdate.bot_id == bot_id, InboxUpdate.done_at.is_not(None), InboxUpdate.done_at < now - RETENTION))
    return int(result.rowcount)  # type: ignore[attr-defined]


class DurableUpdateQueue(asyncio.Queue[object]):
    """The application's update queue, backed by the inbox (see the module docstring)."""

    def __init__(self, sessions: sessionmaker[Session], bot_id: int, worker: Worker | None = None) -> None:
        super().__init__()
        self.sessions = sessions
        self.bot_id = bot_id
        self.worker = worker or Worker()
        self.bot: Bot | None = None  # set at start: turns stored payloads back into Updates

    def _store(self, payload: dict[str, Any]) -> bool:
        with self.sessions.begin() as session:
            return store(session, self.bot_id, payload, self.worker, utcnow())

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and not await asyncio.to_thread(self._store, item.to_dict()):
            log.info("update %s already handled or being handled; skipped", item.update_id)
            return
        await super().put(item)

    def _claim(self) -> list[dict[str, Any]]:
        with self.sessions.begin() as session:
            return claim_pending(session, self.bot_id, self.worker, utcnow())

    async def requeue_pending(self) -> int:
        """Queue the stored updates nobody is handling (after a crash: before polling starts)."""
        assert self.bot is not None, "set .bot before requeueing stored updates"
        payloads = await asyncio.to_thread(self._claim)
        for payload in payloads:
            await super().put(Update.de_json(payload, self.bot))
        if payloads:
            log.info("%d stored update(s) from before the restart queued again", len(payloads))
        return len(payloads)

    async def put_later(self, update: Update, delay: float) -> None:
        """Queue an update again after ``delay`` seconds (a transient failure is retried)."""
        await asyncio.sleep(delay)
        await super().put(update)
