"""Thin python-telegram-bot handlers: parse the update, run its unit of work in a thread, wake the
sender. Updates that are not a person in their private chat with the bot are answered here, before
the conversation sees them, and the error handler turns any failure into a retry or a reply."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import traceback
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import ApplicationHandlerStop, CallbackContext, ExtBot

from bot.dialogue.core import Command, Contact, Input, Other, Press, Start, Text, TooLarge, Upload, Visitor
from bot.i18n import DEFAULT_LANGUAGE, negotiate
from bot.services import Services
from bot.storage.uow import WriteBeforeThinking
from bot.telegram import updates
from bot.telegram.inbox import DurableUpdateQueue
from bot.telegram.outbox import Sender

log = logging.getLogger(__name__)
RETRIES = 3  # attempts for an update that failed for a passing reason (a busy database)
RETRY_LEASE = dt.timedelta(seconds=30)
TRANSIENT = (OperationalError, StaleDataError, IntegrityError, TimeoutError, NetworkError)


@dataclass
class BotData:
    """What handlers need, typed (python-telegram-bot builds it empty; the application fills it)."""

    services: Services = field(init=False)
    queue: DurableUpdateQueue = field(init=False)
    sender: Sender = field(init=False)
    bot_id: int = 0
    own_services: bool = True
    # Updates this process finished or scheduled for a retry; the processor finishes any other.
    accounted: set[int] = field(default_factory=set)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    # Run (in the background) after an update of this process changed the catalog.
    catalog_changed: Callable[[], Coroutine[Any, Any, None]] | None = None

    def done(self, update_id: int) -> None:
        if len(self.accounted) > 10_000:
            self.accounted.clear()
        self.accounted.add(update_id)


Context: TypeAlias = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]


async def _run(context: Context, fn: Callable[..., Any], /, **kwargs: Any) -> Any:
    data = context.bot_data
    result = await asyncio.to_thread(fn, data.services, bot_id=data.bot_id, **kwargs)
    data.sender.wake()
    return result


async def _answer(update: Update, context: Context, inp: Input) -> None:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None  # screen() let only private chats with a person through
    query = update.callback_query
    pressed = query.message.message_id if query is not None and query.message is not None else None
    message = update.effective_message
    incoming = updates.Incoming(context.bot_data.bot_id, update.update_id, chat.id,
                                Visitor(str(user.id), user.language_code), inp, pressed,
                                message.message_id if message is not None else None)
    data = context.bot_data
    outcome = await asyncio.to_thread(updates.answer, data.services, incoming)
    data.done(update.update_id)
    data.sender.wake()
    if outcome.catalog_changed and data.catalog_changed is not None:
        task = asyncio.create_task(data.catalog_changed(), name="catalog-changed")
        data.tasks.add(task)
        task.add_done_callback(data.tasks.discard)


async def on_start(update: Update, context: Context) -> None:
    """/start, or /start <campaign> from a deep link."""
    await _answer(update, context, Start(context.args[0] if context.args else None))


async def on_command(update: Update, context: Context) -> None:
    """Any other command (unknown ones too: the conversation says what it can do)."""
    text = update.effective_message.text if update.effective_message else None
    words = (text or "/").split()
    await _answer(update, context, Command(words[0][1:].split("@")[0].lower(), tuple(words[1:])))


async def on_text(update: Update, context: Context) -> None:
    text = update.effective_message.text if update.effective_message else None
    await _answer(update, context, Text(text or ""))


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.answer()  # stop the spinner at once; the answer follows as a message or an edit
    except TelegramError as exc:  # too old, or answered before a restart: the reply still comes
        log.info("update %s: callback query not answered: %s", update.update_id, type(exc).__name__)
    await _answer(update, context, Press(query.data or ""))


async def on_document(update: Update, context: Context) -> None:
    """A file: downloaded when it is not larger than uploads may be (checked before downloading)."""
    message = update.effective_message
    document = message.document if message is not None else None
    if document is None:
        await _answer(update, context, Other())
        return
    name = document.file_name or "file"
    user = update.effective_user
    limit = await asyncio.to_thread(updates.upload_limit, context.bot_data.services,
                                    str(user.id) if user else "")
    if document.file_size is not None and document.file_size > limit:
        await _answer(update, context, TooLarge(name, document.file_size))
        return
    file = await context.bot.get_file(document.file_id)
    data = bytes(await file.download_as_bytearray())
    await _answer(update, context, TooLarge(name, len(data)) if len(data) > limit else Upload(name, data))


async def on_contact(update: Update, context: Context) -> None:
    """A shared phone number; Telegram fills ``user_id`` when it is a Telegram user's contact."""
    message, user = update.effective_message, update.effective_user
    contact = message.contact if message is not None else None
    if contact is None or user is None:
        await _answer(update, context, Other())
        return
    await _answer(update, context, Contact(contact.phone_number, own=contact.user_id == user.id))


async def on_other(update: Update, context: Context) -> None:
    """Stickers, photos, voice notes, files...: explain what the advisor can read."""
    await _answer(update, context, Other())


async def screen(update: object, context: Context) -> None:
    """Before any handler: only a person in their private chat with the bot reaches the conversation.
    Everything else is finished here: a group hears once to use a private chat, a button pressed in
    a group or on an inline message gets a short notice, edits and other kinds of update are ignored."""
    if not isinstance(update, Update):
        return
    user, chat, query = update.effective_user, update.effective_chat, update.callback_query
    private = chat is not None and chat.type == ChatType.PRIVATE
    person = user is not None and not user.is_bot
    if private and person and (update.message is not None or (query is not None and query.message is not None)):
        return  # the conversation's
    if query is not None:
        t = context.bot_data.services.translations.translator(negotiate(user.language_code if user else None))
        try:
            await query.answer(t.gettext("Open a private chat with me to use this."))
        except TelegramError as exc:
            log.info("update %s: callback query not answered: %s", update.update_id, type(exc).__name__)
    if update.message is not None and chat is not None and not private and person:
        await _run(context, updates.tell_group, update_id=update.update_id, chat_id=chat.id,
                   language_code=user.language_code if user else None)
    else:
        await _run(context, updates.finish_silently, update_id=update.update_id)
    context.bot_data.done(update.update_id)
    raise ApplicationHandlerStop


def _safe_traceback(error: BaseException) -> str:
    """The frames of a failure without its message, which may quote what a learner typed."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    return f"{frames}{type(error).__module__}.{type(error).__qualname__}"


async def on_error(update: object, context: Context) -> None:
    """A passing failure (a busy database) is retried, twice; anything else is logged, without
    message text or data, and the learner is told to try again. Either way nothing is lost."""
    error = context.error
    if not isinstance(update, Update) or error is None:
        log.error("error outside an update: %s", type(error).__name__)
        return
    data = context.bot_data
    user, chat = update.effective_user, update.effective_chat
    transient = isinstance(error, TRANSIENT) and not isinstance(error, BadRequest)  # a refusal stays one
    if transient or (isinstance(error, DBAPIError) and error.connection_invalidated):
        try:  # keep the lease while waiting, so that no other worker takes the update meanwhile
            attempts = await _run(context, updates.retry_later, update_id=update.update_id, delay=RETRY_LEASE)
        except Exception:  # the database is what failed: the stored update is tried after a restart
            attempts = RETRIES
        if attempts < RETRIES:
            log.warning("update %s: %s; trying again (attempt %d)", update.update_id, type(error).__name__,
                        attempts + 1)
            data.done(update.update_id)
            task = asyncio.create_task(data.queue.put_later(update, 0.5 * 3 ** attempts))
            data.tasks.add(task)
            task.add_done_callback(data.tasks.discard)
            return
    level = logging.CRITICAL if isinstance(error, WriteBeforeThinking) else logging.ERROR
    log.log(level, "update %s failed: %s\n%s", update.update_id, type(error).__name__, _safe_traceback(error))
    try:
        await _run(context, updates.answer_failure, update_id=update.update_id,
                   chat_id=chat.id if chat is not None and chat.type == ChatType.PRIVATE else None,
                   external_id=str(user.id) if user else None, language_code=user.language_code if user else None,
                   message_id=update.effective_message.message_id if update.effective_message else None)
        data.done(update.update_id)
    except Exception as exc:  # the database is down: answer directly; the update stays stored for later
        log.error("update %s: could not store the error reply: %s", update.update_id, type(exc).__name__)
        if chat is not None and chat.type == ChatType.PRIVATE:
            t = data.services.translations.translator(negotiate(user.language_code if user else None)
                                                      or DEFAULT_LANGUAGE)
            try:
                await context.bot.send_message(chat.id, t.gettext(
                    "Sorry, something went wrong on my side. Please try again in a moment."))
            except TelegramError as send_error:
                log.warning("update %s: could not send the error reply: %s", update.update_id,
                            type(send_error).__name__)
