"""The outbox: replies are stored with the effects that caused them, then sent from the table.

A handler never calls Telegram itself. Its unit of work writes the rendered replies here in the same
transaction as the enrolment (or whatever it changed) and the inbox row it finishes, so either all
of it happened or none. :class:`Sender` delivers the rows: each chat's messages in order, chats in
parallel, within Telegram's limits (python-telegram-bot's rate limiter, and ``retry_after`` on 429),
retrying network failures with bounded backoff, and never sending a row again once Telegram accepted
it. Messages nobody asked for (completions, revocations, reminders) are rows here too, written when
they are due: a chat's rows go out in order, so a row waiting on ``not_before`` holds back the chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.clock import utcnow
from bot.dialogue.core import SAY, SHARE_CONTACT, Reply
from bot.dialogue.html import split_message
from bot.learners.models import Learner
from bot.telegram.inbox import Worker
from bot.telegram.models import OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8  # network failures before a message is given up (about 4 minutes of backoff)
STALE_SEND = dt.timedelta(minutes=10)  # a send in progress for this long belongs to a worker that is gone
PROBE = 10  # message ids checked after a crash for a reply that may have been sent
BATCH = 500


def enqueue(session: Session, *, bot_id: int, chat_id: int, replies: Sequence[Reply], now: dt.datetime,
            edit_message_id: int | None = None, after_message_id: int | None = None, update_id: int | None = None,
            fallback: str | None = None) -> int:
    """Store ``replies`` for ``chat_id``; a reply marked ``replace`` edits ``edit_message_id`` (the
    message whose button was pressed) when it fits in one message. ``after_message_id`` is the message
    that brought the update. Returns the rows written."""
    count = 0
    for reply in replies:
        if reply.attachment is not None:  # a file or a picture, with its caption and buttons
            session.add(OutboxMessage(bot_id=bot_id, chat_id=chat_id, after_message_id=after_message_id,
                                      text=reply.text, buttons=stored_buttons(reply),
                                      attachment_kind=reply.attachment.kind,
                                      attachment_name=reply.attachment.filename, attachment=reply.attachment.data,
                                      fallback=fallback, update_id=update_id, created_at=now, not_before=now,
                                      attempts=0))
            count += 1
            continue
        parts = split_message(reply.text)
        buttons = stored_buttons(reply)
        editable = buttons is None or not (reply.remove_keyboard or _reply_keyboard(buttons))
        edit = edit_message_id if reply.replace and edit_message_id and len(parts) == 1 and editable else None
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            session.add(OutboxMessage(bot_id=bot_id, chat_id=chat_id, edit_message_id=edit,
                                      after_message_id=after_message_id, text=part,
                                      buttons=buttons if last else None, fallback=fallback, update_id=update_id,
                                      created_at=now, not_before=now, attempts=0))
            count += 1
    return count


REMOVE_KEYBOARD = "remove:"  # stored as the one button: the reply takes away the keyboard under the text field
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def stored_buttons(reply: Reply) -> list[list[list[str]]] | None:
    if reply.remove_keyboard and not reply.buttons:
        return [[["", REMOVE_KEYBOARD]]]
    return [[list(b) for b in row] for row in reply.buttons] or None


def _reply_keyboard(buttons: list[list[Any]]) -> bool:
    return any(data.startswith((SHARE_CONTACT, SAY)) for row in buttons for _, data in row)


def keyboard(buttons: list[list[Any]] | None) -> Markup | None:
    """Inline buttons (data ``url:…`` a link, anything else callback data), or the keyboard under the
    text field when a button shares the phone number or says its label, or that keyboard's removal."""
    if not buttons:
        return None
    if buttons == [[["", REMOVE_KEYBOARD]]]:
        return ReplyKeyboardRemove()
    if _reply_keyboard(buttons):
        return ReplyKeyboardMarkup([[KeyboardButton(label, request_contact=data.startswith(SHARE_CONTACT))
                                     for label, data in row] for row in buttons],
                                   resize_keyboard=True, one_time_keyboard=True)
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=data[4:]) if data.startswith("url:")
                                  else InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                 for row in buttons])


def _inline(markup: Markup | None) -> InlineKeyboardMarkup | None:
    """What an edit may carry: Telegram edits inline keyboards only."""
    return markup if isinstance(markup, InlineKeyboardMarkup) else None


class Sender:
    """Delivers the outbox of one bot; ``wake()`` after committing new rows, ``stop()`` to finish."""

    def __init__(self, bot: Bot, sessions: sessionmaker[Session], bot_id: int, *, worker: Worker | None = None,
                 concurrency: int = 16, clock: Callable[[], dt.datetime] = utcnow, idle_poll: float = 2.0) -> None:
        self.bot, self.sessions, self.bot_id = bot, sessions, bot_id
        self.worker = worker or Worker()
        self.clock = clock
        self.idle_poll = idle_poll
        self._slots = asyncio.Semaphore(concurrency)
        self._busy: set[int] = set()  # chats with a send in progress in this process
        self._event = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._chats: set[asyncio.Task[None]] = set()
        self._stopping = False

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    def wake(self) -> None:
        """Look for new rows now (safe from any thread)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._event.set)

    async def stop(self, drain: float = 5.0) -> None:
        """Send what is due for up to ``drain`` seconds, then stop; the rest goes out after a restart."""
        if self._task is None:
            return
        deadline = asyncio.get_running_loop().time() + drain
        while asyncio.get_running_loop().time() < deadline and (self._chats or await self._has_due()):
            self.wake()
            await asyncio.sleep(0.05)
        self._stopping = True
        self._task.cancel()
        for task in list(self._chats):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await asyncio.gather(*self._chats, return_exceptions=True)
        self._task = None

    async def _has_due(self) -> bool:
        rows, _ = await asyncio.to_thread(self._due)
        return bool(rows)

    # -- the loop -----------------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            self._event.clear()
            try:
                by_chat, wait = await asyncio.to_thread(self._due)
            except Exception as exc:  # the database may be briefly unavailable: try again soon
                log.warning("outbox: cannot read pending messages: %s", type(exc).__name__)
                by_chat, wait = {}, self.idle_poll
            for chat_id, ids in by_chat.items():
                if chat_id not in self._busy:
                    self._busy.add(chat_id)
                    task = asyncio.create_task(self._send_chat(chat_id, ids))
                    self._chats.add(task)
                    task.add_done_callback(self._chats.discard)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event.wait(), timeout=min(wait, self.idle_poll))

    def _due(self) -> tuple[dict[int, list[int]], float]:
        """Rows to send now, by chat (a chat waits whole while its first row is not due), and how
        long until the next one becomes due."""
        now = self.clock()
        with self.sessions() as s:
            rows = s.execute(select(OutboxMessage.id, OutboxMessage.chat_id, OutboxMessage.not_before,
                                    OutboxMessage.sending_by, OutboxMessage.sending_since)
                             .where(OutboxMessage.bot_id == self.bot_id, OutboxMessage.sent_at.is_(None),
                                    OutboxMessage.failed_at.is_(None))
                             .order_by(OutboxMessage.id).limit(BATCH)).all()
        by_chat: dict[int, list[int]] = defaultdict(list)
        blocked: set[int] = set()
        wait = self.idle_poll
        for row in rows:
            if row.chat_id in blocked:
                continue
            not_before = row.not_before or now
            in_hand = row.sending_by is not None and not self.worker.knows_dead(row.sending_by) and \
                (row.sending_since or now) > now - STALE_SEND
            if not_before > now or (in_hand and row.sending_by != self.worker.id):
                blocked.add(row.chat_id)  # keep the chat's order: nothing after a row that must wait
                wait = min(wait, max((not_before - now).total_seconds(), 0.05))
                continue
            by_chat[row.chat_id].append(row.id)
        return dict(by_chat), wait

    async def _send_chat(self, chat_id: int, ids: list[int]) -> None:
        try:
            async with self._slots:
                for row_id in ids:
                    if not await self._send_one(row_id):
                        break  # wait for the retry; later messages of the chat stay behind it
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never let one chat stop the sender
            log.error("outbox: sending to a chat failed: %s", type(exc).__name__)
        finally:
            self._busy.discard(chat_id)
            self.wake()

    # -- one message ----------------------------------------------------------------------------

    def _claim(self, row_id: int) -> tuple[OutboxMessage, int | None] | None:
        """Take the row for sending. For a row a dead worker was sending (it may or may not have
        reached Telegram), also the id after which its message would be, when that can be known."""
        now = self.clock()
        with self.sessions.begin() as s:
            row = s.get(OutboxMessage, row_id)
            if row is None or row.sent_at is not None or row.failed_at is not None:
                return None
            if row.sending_by not in (None, self.worker.id) and not self.worker.knows_dead(row.sending_by) and \
                    (row.sending_since or now) > now - STALE_SEND:
                return None
            floor = None
            if row.sending_by is not None and row.sending_by != self.worker.id and row.edit_message_id is None \
                    and row.attachment_kind is None:  # (a file cannot be found that way: it is sent again)
                sent = s.scalar(select(func.max(OutboxMessage.sent_message_id)).where(
                    OutboxMessage.bot_id == row.bot_id, OutboxMessage.chat_id == row.chat_id,
                    OutboxMessage.sent_at.is_not(None), OutboxMessage.edit_message_id.is_(None)))
                known = [i for i in (sent, row.after_message_id) if i is not None]
                floor = max(known) if known else None
            row.sending_by, row.sending_since, row.attempts = self.worker.id, now, row.attempts + 1
            s.flush()
            s.expunge(row)
            return row, floor

    async def _find_delivered(self, row: OutboxMessage, floor: int) -> int | None:
        """Whether a message a dead worker was sending reached the chat, and under which id.

        A chat's message ids grow by one per message, and every message the bot sends to a private
        chat goes through this table in order; so a bot message above ``floor`` can only be this row's.
        Editing a candidate to this row's exact text is refused with "not modified" exactly when it is
        this message; other ids are the learner's messages ("can't be edited") or nothing yet."""
        markup = _inline(keyboard(row.buttons))
        for candidate in range(floor + 1, floor + 1 + PROBE):
            try:
                await self.bot.edit_message_text(row.text, chat_id=row.chat_id, message_id=candidate,
                                                 reply_markup=markup)
            except BadRequest as exc:
                if "not modified" in exc.message.lower():
                    return candidate
                continue
            except Exception as exc:  # cannot tell: send it (a rare duplicate rather than a lost reply)
                log.info("outbox: could not check message %s: %s", row.id, type(exc).__name__)
                return None
            return candidate  # an edit went through: that message existed, and now reads exactly like this row
        return None

    def _settle(self, row_id: int, **values: Any) -> None:
        with self.sessions.begin() as s:
            s.execute(update(OutboxMessage).where(OutboxMessage.id == row_id)
                      .values(sending_by=None, sending_since=None, **values))

    def _blocked(self, row: OutboxMessage) -> None:
        now = self.clock()
        with self.sessions.begin() as s:
            s.execute(update(OutboxMessage).where(OutboxMessage.bot_id == self.bot_id,
                                                  OutboxMessage.chat_id == row.chat_id,
                                                  OutboxMessage.sent_at.is_(None))
                      .values(failed_at=now, sending_by=None, sending_since=None))
            s.execute(update(Learner).where(Learner.channel == "telegram", Learner.external_id == str(row.chat_id))
                      .values(blocked_at=now))

    async def _send_one(self, row_id: int) -> bool:
        """Send one row; True when the chat may go on with its next row."""
        claimed = await asyncio.to_thread(self._claim, row_id)
        if claimed is None:
            return False
        row, floor = claimed
        if floor is not None:
            delivered = await self._find_delivered(row, floor)
            if delivered is not None:
                log.info("outbox: message %s had reached the chat before a crash; not sent again", row.id)
                await asyncio.to_thread(self._settle, row.id, sent_at=self.clock(), sent_message_id=delivered)
                return True
            log.info("outbox: message %s had not reached the chat before a crash; sending it", row.id)
        now = self.clock()
        try:
            markup = keyboard(row.buttons)
            if row.attachment_kind is not None and row.attachment is not None:
                file = InputFile(row.attachment, filename=row.attachment_name)
                send = self.bot.send_photo if row.attachment_kind == "photo" else self.bot.send_document
                sent = await send(row.chat_id, file, caption=row.text or None, reply_markup=markup)
            elif row.edit_message_id is not None:
                sent = await self.bot.edit_message_text(row.text, chat_id=row.chat_id,
                                                        message_id=row.edit_message_id, reply_markup=_inline(markup))
            else:
                sent = await self.bot.send_message(row.chat_id, row.text, reply_markup=markup)
        except RetryAfter as exc:
            delay = exc.retry_after if isinstance(exc.retry_after, int | float) else exc.retry_after.total_seconds()
            await asyncio.to_thread(self._settle, row.id, not_before=now + dt.timedelta(seconds=float(delay) + 0.1))
            return False
        except Forbidden:
            log.info("outbox: a learner blocked the bot; their pending messages are dropped")
            await asyncio.to_thread(self._blocked, row)
            return False
        except BadRequest as exc:
            return await self._refused(row, exc.message.lower())
        except (InvalidToken, NetworkError) as exc:  # TimedOut is a NetworkError
            if row.attempts >= MAX_ATTEMPTS and not isinstance(exc, InvalidToken):
                log.warning("outbox: message %s given up after %d attempts: %s", row.id, row.attempts,
                            type(exc).__name__)
                await asyncio.to_thread(self._settle, row.id, failed_at=now)
                return False
            delay = dt.timedelta(seconds=min(0.5 * 2 ** (row.attempts - 1), 60))
            log.info("outbox: %s sending message %s; retrying in %ds", type(exc).__name__, row.id, delay.seconds)
            await asyncio.to_thread(self._settle, row.id, not_before=now + delay)
            return False
        message_id = sent.message_id if hasattr(sent, "message_id") else None
        await asyncio.to_thread(self._settle, row.id, sent_at=self.clock(), sent_message_id=message_id)
        return True

    async def _refused(self, row: OutboxMessage, reason: str) -> bool:
        """Telegram refused the request (400): make the learner still get an answer."""
        now = self.clock()
        if row.edit_message_id is not None and "not modified" in reason:
            await asyncio.to_thread(self._settle, row.id, sent_at=now, sent_message_id=row.edit_message_id)
            return True
        if row.edit_message_id is not None and ("edit" in reason or "not found" in reason):
            await asyncio.to_thread(self._settle, row.id, edit_message_id=None, not_before=now)  # send it instead
            return False
        if row.fallback and row.text != row.fallback:
            log.error("outbox: Telegram refused message %s (%s); sending the fallback", row.id,
                      reason.split(":")[0][:80])
            await asyncio.to_thread(self._settle, row.id, text=row.fallback, buttons=None, edit_message_id=None,
                                    attachment_kind=None, attachment_name=None, attachment=None, not_before=now)
            return False
        log.error("outbox: Telegram refused message %s (%s); dropped", row.id, reason.split(":")[0][:80])
        await asyncio.to_thread(self._settle, row.id, failed_at=now)
        return True
