"""The python-telegram-bot Application: built from settings and services, with the inbox as its
update queue, the outbox sender and housekeeping started in ``post_init`` and stopped in
``post_stop``, and the services closed in ``post_shutdown``. ``python -m bot`` runs it with
``run_polling``; the demo and the tests use :func:`running`, the same lifecycle inside their own
event loop. The webhook server will build the same Application without the polling updater."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

from sqlalchemy import delete
from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.clock import utcnow
from bot.providers import uploads
from bot.services import Services
from bot.settings import Settings
from bot.telegram import alerts, handlers, inbox, reminders, updates
from bot.telegram.handlers import BotData
from bot.telegram.inbox import DurableUpdateQueue
from bot.telegram.models import OutboxMessage
from bot.telegram.outbox import Sender
from catalog.courses.schema import LANGUAGES

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query"]
REFRESH_EVERY = 30.0  # seconds between checks for a newer catalog version
REMIND_EVERY = 600.0
PRUNE_EVERY = 3600.0
Advisor = Application[ExtBot[None], Any, dict[Any, Any], dict[Any, Any], BotData, Any]  # type: ignore[type-var]


class PerChatProcessor(BaseUpdateProcessor):
    """Many chats at once, each chat's updates one after another in arrival order (so a quick
    second tap never races the first over the same dialogue); and every update finished, even
    one that no handler took."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self.data: BotData | None = None  # the application's, set once it is built
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Coroutine[Any, Any, Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
        else:
            lock = self._locks.setdefault(chat.id, asyncio.Lock())
            self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
            try:
                async with lock:
                    await coroutine
            finally:
                self._waiting[chat.id] -= 1
                if not self._waiting[chat.id]:
                    del self._waiting[chat.id], self._locks[chat.id]
        data = self.data
        if data is not None and isinstance(update, Update) and update.update_id not in data.accounted:
            await asyncio.to_thread(updates.finish_silently, data.services, bot_id=data.bot_id,
                                    update_id=update.update_id)

    async def initialize(self) -> None:
        """Nothing to set up: locks are created per chat on demand."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def build_application(settings: Settings, services: Services, *, rate_limiter: BaseRateLimiter | None = None,
                      own_services: bool = True) -> Advisor:
    """The Application with every handler registered, talking to ``settings.telegram.api_url``."""
    token = settings.telegram.token
    assert token is not None, "checked by Settings.from_env"
    # Time periods from Telegram (a 429's retry_after) as timedelta now, as python-telegram-bot's next major
    # version will give them: the library's own switch, read when it builds each error, process-wide.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    processor = PerChatProcessor(settings.telegram.concurrency)
    queue = DurableUpdateQueue(services.catalog.write_sessions, settings.telegram.bot_id)
    app: Advisor = (
        ApplicationBuilder()
        .token(token.get_secret_value())
        .base_url(settings.telegram.api_url)
        .base_file_url(settings.telegram.file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(rate_limiter or AIORateLimiter(max_retries=5))
        .concurrent_updates(processor)
        .update_queue(queue)
        .context_types(ContextTypes(bot_data=BotData))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    data = processor.data = app.bot_data
    data.services, data.queue, data.bot_id, data.own_services = services, queue, settings.telegram.bot_id, own_services
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs every request URL, and URLs hold the token
    # Order matters: the screen first (group -1), then exactly one handler of group 0.
    app.add_handler(TypeHandler(Update, handlers.screen), group=-1)
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", handlers.on_start, filters=private))
    app.add_handler(MessageHandler(private & filters.COMMAND, handlers.on_command))
    app.add_handler(MessageHandler(private & filters.TEXT, handlers.on_text))
    app.add_handler(CallbackQueryHandler(handlers.on_button))
    app.add_handler(MessageHandler(private & filters.Document.ALL, handlers.on_document))
    app.add_handler(MessageHandler(private & filters.CONTACT, handlers.on_contact))
    app.add_handler(MessageHandler(private, handlers.on_other))
    app.add_error_handler(handlers.on_error)
    return app


async def post_init(app: Advisor) -> None:
    """Localized command menus, stored updates from before a restart queued first, the sender and
    housekeeping started."""
    data = app.bot_data
    services = data.services
    for lang in LANGUAGES:
        t = services.translations.translator(lang)
        commands = [BotCommand(name, t.gettext(description)) for name, description in
                    services.conversation.router.menu()]
        await app.bot.set_my_commands(commands, language_code=None if lang == "en" else lang)
    services.conversation.bot_username = app.bot.username or ""  # campaign links name the bot
    data.queue.bot = app.bot
    await asyncio.to_thread(_prune, data)
    await data.queue.requeue_pending()
    data.sender = Sender(app.bot, services.catalog.write_sessions, data.bot_id, worker=data.queue.worker,
                         clock=services.clock)
    data.sender.start()
    data.catalog_changed = lambda: catalog_changed(data)
    task = asyncio.create_task(_housekeeping(data), name="housekeeping")
    data.tasks.add(task)


async def post_stop(app: Advisor) -> None:
    data = app.bot_data
    for task in list(data.tasks):
        task.cancel()
    await asyncio.gather(*data.tasks, return_exceptions=True)
    await data.sender.stop()


async def post_shutdown(app: Advisor) -> None:
    if app.bot_data.own_services:
        app.bot_data.services.close()


def _prune(data: BotData) -> None:
    """Forget handled updates Telegram can no longer redeliver, and messages sent a day ago."""
    now = utcnow()
    with data.services.unit_of_work() as uow:
        inbox.prune(uow.session, data.bot_id, now)
        uploads.prune(uow.session, now)
        uow.session.execute(delete(OutboxMessage).where(OutboxMessage.bot_id == data.bot_id,
                                                        OutboxMessage.created_at < now - inbox.RETENTION / 2,
                                                        (OutboxMessage.sent_at.is_not(None))
                                                        | (OutboxMessage.failed_at.is_not(None))))
        uow.commit()


def _remind(data: BotData) -> int:
    with data.services.unit_of_work() as uow:
        count = reminders.send_due(uow.session, data.services.translations, bot_id=data.bot_id,
                                   now=data.services.clock())
        uow.commit()
    return count


async def _housekeeping(data: BotData) -> None:
    """Pick up catalog changes (an upload by any process) within half a minute, and send the alerts
    they bring; send due reminders every ten minutes; prune once an hour."""
    elapsed = 0.0
    while True:
        await asyncio.sleep(REFRESH_EVERY)
        elapsed += REFRESH_EVERY
        jobs: list[tuple[str, Callable[[], Awaitable[None]]]] = [("catalog refresh", lambda: _refresh(data))]
        if elapsed % REMIND_EVERY < REFRESH_EVERY:
            jobs.append(("reminders", lambda: _remind_now(data)))
            jobs.append(("alerts", lambda: send_alerts(data)))  # also after a round that failed
        if elapsed % PRUNE_EVERY < REFRESH_EVERY:
            jobs.append(("pruning", lambda: asyncio.to_thread(_prune, data)))
        for name, job in jobs:  # one failing job does not skip the others
            try:
                await job()
            except Exception as exc:  # keep serving with what we have
                log.warning("housekeeping: %s failed: %s", name, type(exc).__name__)


async def _refresh(data: BotData) -> None:
    if await asyncio.to_thread(data.services.recommender.refresh):
        log.info("catalog changed: %d active courses", len(data.services.recommender.snapshot.courses))
        await send_alerts(data)


async def catalog_changed(data: BotData) -> None:
    """Right after this worker changed the catalog (a provider's upload): new courses are recommended,
    and announced to those waiting for them, within seconds; other workers follow within a minute."""
    try:
        await _refresh(data)
    except Exception as exc:  # the next housekeeping round tries again
        log.warning("catalog refresh after an upload failed: %s", type(exc).__name__)


async def send_alerts(data: BotData) -> None:
    if await asyncio.to_thread(alerts.send_due, data.services, data.bot_id):
        data.sender.wake()


async def _remind_now(data: BotData) -> None:
    if await asyncio.to_thread(_remind, data):
        data.sender.wake()


@contextlib.asynccontextmanager
async def running(app: Advisor, *, poll_timeout: float = 5) -> AsyncIterator[Advisor]:
    """Run ``app`` with long polling inside the caller's event loop, with the same lifecycle as
    ``run_polling`` (post_init, post_stop and post_shutdown included)."""
    await app.initialize()
    try:
        await post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES)
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            await post_stop(app)
    finally:
        await app.shutdown()
        await post_shutdown(app)
