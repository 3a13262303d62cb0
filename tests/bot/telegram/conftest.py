"""End-to-end harness: the real Application, polling the in-process Bot API emulator over HTTP, on
the session's sample-catalog database (each test uses its own learner and bot ids)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.clock import utcnow
from bot.credentials.issuing import Issuer
from bot.credentials.keys import KeyStore
from bot.demo.emulator import BotApiEmulator
from bot.dialogue.conversation import Conversation
from bot.dialogue.flows import build_router
from bot.i18n import Catalogs
from bot.services import Services
from bot.settings import CredentialSettings, Settings, TelegramSettings
from bot.telegram.application import Advisor, build_application, running
from catalog.app import CatalogApp
from catalog.retrieval.recommender import Recommender

ADMIN_ID = 4242
PUBLIC_URL = "https://advisor.example.org"


@pytest.fixture(scope="session")
def services(sample_app: CatalogApp, sample: Recommender, tmp_path_factory: pytest.TempPathFactory) -> Services:
    """The bot's services on the sample database, issuing credentials (an admin: :data:`ADMIN_ID`)."""
    translations = Catalogs()
    settings = Settings(catalog=sample_app.settings, telegram=TelegramSettings.from_env({}),
                        credentials=CredentialSettings.from_env({"ADVISOR_PUBLIC_URL": PUBLIC_URL}))
    issuer = Issuer(KeyStore(tmp_path_factory.mktemp("keys"), PUBLIC_URL, bits=2048), PUBLIC_URL)
    with sample_app.write_sessions.begin() as session:  # as make_issuer does when the bot starts
        issuer.keys.ensure(session, utcnow())
    conversation = Conversation(build_router(), translations, sample, issuer=issuer, admins=frozenset({str(ADMIN_ID)}),
                                catalog_settings=sample_app.settings)
    return Services(settings, sample_app, sample, translations, conversation, issuer)


@asynccontextmanager
async def running_bot(services: Services, emu: BotApiEmulator, *, rate_limiter: BaseRateLimiter | None = None,
                      concurrency: int = 64) -> AsyncIterator[Advisor]:
    """Start the bot against ``emu`` with the production lifecycle, inside the test's event loop."""
    settings = services.settings.with_bot_api(token=emu.token, api_url=emu.api_url, file_url=emu.file_url)
    settings = dataclasses.replace(settings, telegram=settings.telegram.model_copy(update={"concurrency": concurrency}))
    app = build_application(settings, services, rate_limiter=rate_limiter, own_services=False)
    async with running(app, poll_timeout=1):
        yield app


def fast_limiter() -> AIORateLimiter:
    """Retries on 429 like production, without the 30 messages/s budget (for load tests)."""
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=5)
