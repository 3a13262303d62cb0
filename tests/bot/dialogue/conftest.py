"""The conversation on an in-memory database with a fake recommender: no model, no Telegram."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.dialogue.conversation import Conversation
from bot.dialogue.flows import build_router
from bot.i18n import Catalogs
from tests.support import FakeRecommender, Talk, memory_database

CATALOGS = Catalogs()


@pytest.fixture
def db() -> Iterator[tuple[Any, FakeRecommender, Conversation]]:
    """(sessions, recommender, conversation) on a fresh in-memory database."""
    engine, sessions = memory_database()
    recommender = FakeRecommender(sessions)
    yield sessions, recommender, Conversation(build_router(), CATALOGS, recommender)
    engine.dispose()


@pytest.fixture
def talk(db: tuple[Any, FakeRecommender, Conversation]) -> Talk:
    sessions, _, conversation = db
    return Talk(sessions, conversation)
