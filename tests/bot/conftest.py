"""Fixtures of the advisor's tests: a session on a database with every table (each kind)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from bot.storage.db import migrate
from catalog.settings import CatalogSettings
from catalog.storage.db import make_engine, session_factory, writer_engine


@pytest.fixture
def advisor_session(settings: CatalogSettings) -> Iterator[Session]:
    """A session on the catalog's and the advisor's migrated tables (SQLite and PostgreSQL)."""
    engine = make_engine(settings)
    migrate(engine)
    with session_factory(writer_engine(engine))() as s:
        yield s
    engine.dispose()
