"""Composition root: builds the python-telegram-bot Application from settings and services.

Handlers are thin: they turn an update into a call on :class:`bot.advisor.Advisor` (run in a
thread), render the screens it returns and send them. Cross-cutting concerns live here too:
de-duplication of redelivered updates, per-chat ordering, flood control and the error handler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseRateLimiter,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import callbacks as cb
from bot.advisor import Advisor, Visitor
from bot.config import BotSettings
from bot.i18n import Catalogs, negotiate
from bot.render import COMMANDS, Reply, render, split_message
from bot.screens import Failure, Screen
from catalog import learners
from catalog.recommender import Recommender

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query"]


@dataclass
class Services:
    """Everything handlers need, built once at start and kept in ``bot_data``."""

    advisor: Advisor
    catalogs: Catalogs
    sessions: sessionmaker[Session]
    channel: str


def make_services(sessions: sessionmaker[Session], recommender: Recommender, catalogs: Catalogs,
                  bot_id: int) -> Services:
    channel = f"telegram:{bot_id}"  # update ids are per bot
    return Services(Advisor(sessions, recommender, catalogs, channel="telegram"), catalogs, sessions, channel)


class PerChatProcessor(BaseUpdateProcessor):
    """Handle many chats at once but each chat's updates one after another, in arrival order, so a
    quick second tap never races the first one over the same dialogue state."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Coroutine[Any, Any, Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[chat.id] -= 1
            if not self._waiting[chat.id]:
                del self._waiting[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up: locks are created per chat on demand."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def services_of(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data["services"]  # type: ignore[no-any-return]


def visitor(update: Update) -> Visitor:
    user = update.effective_user
    assert user is not None  # every update this bot handles comes from a person
    return Visitor(str(user.id), user.language_code)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                 for row in reply.buttons])


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE, screens: list[Screen]) -> None:
    """Send each screen; a screen marked ``replace`` edits the message whose button was pressed."""
    services = services_of(context)
    chat = update.effective_chat
    assert chat is not None
    pressed = update.callback_query.message if update.callback_query else None
    for screen in screens:
        reply = render(screen, services.catalogs.translator(screen.lang))
        parts = split_message(reply.text)
        markup = keyboard(reply)
        if reply.replace and isinstance(pressed, Message) and len(parts) == 1:
            try:
                await pressed.edit_text(parts[0], reply_markup=markup)
            except BadRequest as exc:
                if "not modified" not in exc.message.lower():
                    raise
            continue
        for i, part in enumerate(parts):
            await context.bot.send_message(chat.id, part, reply_markup=markup if i == len(parts) - 1 else None)


async def run(update: Update, context: ContextTypes.DEFAULT_TYPE,
              step: Callable[[Advisor, Visitor], list[Screen]]) -> None:
    """Run one dialogue step off the event loop and show its result."""
    advisor = services_of(context).advisor
    who = visitor(update)
    screens = await asyncio.to_thread(step, advisor, who)
    await show(update, context, screens)


# -- handlers ----------------------------------------------------------------------------------------

async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, or /start <campaign> from a deep link."""
    payload = context.args[0] if context.args else None
    await run(update, context, lambda a, who: a.start(who, payload))


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help, /privacy, /language, /mycourses, /delete, /choose, and any unknown command."""
    assert update.effective_message is not None and update.effective_message.text is not None
    name = update.effective_message.text.split()[0][1:].split("@")[0].lower()
    await run(update, context, lambda a, who: a.command(who, name))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text: a goal."""
    assert update.effective_message is not None
    text = update.effective_message.text or ""
    await run(update, context, lambda a, who: a.text(who, text))


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice notes, files...: explain what the advisor can read."""
    await run(update, context, lambda a, who: a.other(who))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()  # stop the spinner at once; the answer follows as a message or edit
    data = cb.decode(query.data)
    if data is None:
        await run(update, context, lambda a, who: a.command(who, "help"))
        return
    await run(update, context, lambda a, who: a.button(who, data))


# -- cross-cutting -----------------------------------------------------------------------------------

async def claim(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Skip an update another worker has, or that was handled before (Telegram redelivers after a
    crash or when the offset was not confirmed)."""
    services = services_of(context)

    def take() -> bool:
        with services.sessions() as s:
            return learners.claim_update(s, services.channel, update.update_id)

    if not await asyncio.to_thread(take):
        log.info("update %s already handled; skipped", update.update_id)
        raise ApplicationHandlerStop


async def finish(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)

    def done() -> None:
        with services.sessions() as s:
            learners.finish_update(s, services.channel, update.update_id)

    await asyncio.to_thread(done)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure (type and update id only: never message text or the token) and tell the learner."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        log.info("update %s: the learner blocked the bot", update_id)
        return
    log.error("update %s failed: %s", update_id, type(error).__name__,
              exc_info=(type(error), error, error.__traceback__) if error else None)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    services = services_of(context)
    user = update.effective_user
    lang = negotiate(user.language_code if user else None)
    if user is not None:
        try:
            lang = await asyncio.to_thread(_stored_language, services, str(user.id)) or lang
        except Exception:  # the database may be what failed
            log.warning("update %s: could not read the learner's language", update_id)
    reply = render(Failure(lang or "en"), services.catalogs.translator(lang))
    try:
        await context.bot.send_message(update.effective_chat.id, reply.text)
    except Exception as exc:  # nothing more we can do; the original error is logged above
        log.warning("update %s: could not send the error reply: %s", update_id, type(exc).__name__)


def _stored_language(services: Services, external_id: str) -> str | None:
    with services.sessions() as s:
        learner = learners.get_learner(s, services.advisor.channel, external_id)
        return learner.language if learner else None


async def post_init(app: Application) -> None:  # type: ignore[type-arg]
    """Localized command menus, and forgetting update ids Telegram can no longer redeliver."""
    services: Services = app.bot_data["services"]
    for lang in ("en", "km", "vi"):
        t = services.catalogs.translator(lang)
        commands = [BotCommand(name, t.gettext(description)) for name, description in COMMANDS]
        await app.bot.set_my_commands(commands, language_code=None if lang == "en" else lang)

    def prune() -> None:
        with services.sessions() as s:
            learners.prune_updates(s)

    await asyncio.to_thread(prune)


def build_application(settings: BotSettings, services: Services, *,
                      rate_limiter: BaseRateLimiter | None = None) -> Application:  # type: ignore[type-arg]
    """The Application with every handler registered, pointed at ``settings.api_url``."""
    assert settings.token, "checked by BotSettings.from_env"
    app = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_url)
        .base_file_url(settings.file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(rate_limiter or AIORateLimiter(max_retries=5))
        .concurrent_updates(PerChatProcessor(settings.concurrency))
        .post_init(post_init)
        .build()
    )
    app.bot_data["services"] = services
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs every request URL, and URLs hold the token
    # Order matters: claim first (group -1), then exactly one handler in group 0, then mark done.
    app.add_handler(TypeHandler(Update, claim), group=-1)
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", on_start, filters=private))
    app.add_handler(MessageHandler(private & filters.COMMAND, on_command))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.UpdateType.EDITED, on_text))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(private & ~filters.UpdateType.EDITED, on_other))
    app.add_handler(TypeHandler(Update, finish), group=1)
    app.add_error_handler(on_error)
    return app


class TokenRedactor(logging.Filter):
    """Belt and braces: libraries may log request URLs, which contain the token."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), None
        return True


def configure_logging(token: str | None, level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if token:
        for handler in logging.getLogger().handlers:
            handler.addFilter(TokenRedactor(token))
