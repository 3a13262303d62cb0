"""End-to-end harness: the real Application, polling the in-process Bot API emulator over HTTP, on
the session's sample-catalog database (each test uses its own learner and bot ids)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.demo.emulator import BotApiEmulator
from bot.dialogue.conversation import Conversation
from bot.dialogue.flows import build_router
from bot.i18n import Catalogs
from bot.services import Services
from bot.settings import Settings, TelegramSettings
from bot.telegram.application import Advisor, build_application, running
from catalog.app import CatalogApp
from catalog.retrieval.recommender import Recommender


@pytest.fixture(scope="session")
def services(sample_app: CatalogApp, sample: Recommender) -> Services:
    translations = Catalogs()
    settings = Settings(catalog=sample_app.settings, telegram=TelegramSettings.from_env({}))
    return Services(settings, sample_app, sample, translations, Conversation(build_router(), translations, sample))


@asynccontextmanager
async def running_bot(services: Services, emu: BotApiEmulator, *, rate_limiter: BaseRateLimiter | None = None,
                      concurrency: int = 64) -> AsyncIterator[Advisor]:
    """Start the bot against ``emu`` with the production lifecycle, inside the test's event loop."""
    settings = services.settings.with_bot_api(token=emu.token, api_url=emu.api_url, file_url=emu.file_url)
    settings = Settings(settings.catalog, settings.telegram.model_copy(update={"concurrency": concurrency}))
    app = build_application(settings, services, rate_limiter=rate_limiter, own_services=False)
    async with running(app, poll_timeout=1):
        yield app


def fast_limiter() -> AIORateLimiter:
    """Retries on 429 like production, without the 30 messages/s budget (for load tests)."""
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=5)
