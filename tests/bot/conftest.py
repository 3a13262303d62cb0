"""End-to-end harness: the real Application, polling the in-process Bot API emulator over HTTP, on
the session's sample-catalog database (each test uses its own learner ids)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
from telegram.ext import AIORateLimiter, Application, BaseRateLimiter

from bot.app import ALLOWED_UPDATES, Services, build_application, make_services
from bot.config import BotSettings
from bot.emulator import BotApiEmulator, BotMessage, TgUser
from bot.i18n import Catalogs
from catalog.recommender import Recommender
from catalog.service import CatalogApp

_user_ids = itertools.count(500_000)
_bot_ids = itertools.count(700_001)


def emulator() -> BotApiEmulator:
    """A fresh emulated Bot API for a new bot (update ids are per bot, as the de-duplication assumes)."""
    return BotApiEmulator(token=f"{next(_bot_ids)}:TEST-TOKEN")


def new_user(language_code: str | None = "en") -> TgUser:
    return TgUser(next(_user_ids), first_name="Learner", language_code=language_code)


@dataclass
class Stack:
    """What a test needs to start bots: the catalog app (database) and the shared recommender."""

    catalog: CatalogApp
    recommender: Recommender
    catalogs: Catalogs

    def services(self, emu: BotApiEmulator) -> Services:
        return make_services(self.catalog.sessions, self.recommender, self.catalogs, emu.bot_id)


@pytest.fixture(scope="session")
def stack(sample_app: CatalogApp, sample: Recommender) -> Stack:
    return Stack(sample_app, sample, Catalogs())


@asynccontextmanager
async def running_bot(stack: Stack, emu: BotApiEmulator, *, rate_limiter: BaseRateLimiter | None = None,
                      concurrency: int = 64) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Start the bot against ``emu`` (manual lifecycle, as inside any other asyncio program)."""
    settings = BotSettings(catalog=stack.catalog.settings, token=emu.token, api_url=emu.api_url,
                           file_url=emu.file_url, concurrency=concurrency)
    app = build_application(settings, stack.services(emu), rate_limiter=rate_limiter)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


def fast_limiter() -> AIORateLimiter:
    """Retries on 429 like production, without the 30 messages/s budget (for load tests)."""
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=5)


class Chat:
    """One simulated learner: type, tap, and read what the bot shows."""

    def __init__(self, emu: BotApiEmulator, user: TgUser, timeout: float = 30.0) -> None:
        self.emu, self.user, self.timeout = emu, user, timeout

    async def say(self, text: str, replies: int = 1) -> list[BotMessage]:
        mark = self.emu.last_message_id(self.user.id)
        self.emu.send_text(self.user, text)
        return await self.emu.replies(self.user.id, mark, replies, self.timeout)

    async def tap(self, message: BotMessage, label: str, *, new: int = 0) -> BotMessage | list[BotMessage]:
        """Press the button whose label contains ``label``. With ``new=0`` the pressed message is
        expected to change in place and is returned; otherwise the ``new`` fresh messages are."""
        current = self.emu.message(self.user.id, message.message_id)
        _, data = current.find_button(label)
        mark = self.emu.last_message_id(self.user.id)
        self.emu.press(self.user, current, data)
        if new:
            return await self.emu.replies(self.user.id, mark, new, self.timeout)
        await self.emu.wait_for(lambda: self.emu.message(self.user.id, message.message_id).edits > current.edits,
                                self.timeout)
        return self.emu.message(self.user.id, message.message_id)

    def last(self) -> BotMessage:
        return self.emu.messages(self.user.id)[-1]


async def consented(chat: Chat) -> BotMessage:
    """Walk a new learner through /start, English and consent; returns the goal prompt."""
    [welcome] = await chat.say("/start")
    privacy = await chat.tap(welcome, "English")
    assert isinstance(privacy, BotMessage)
    ask = await chat.tap(privacy, "I agree")
    assert isinstance(ask, BotMessage)
    return ask
