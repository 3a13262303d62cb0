"""Engine, sessions and schema migrations (SQLite file by default, PostgreSQL by URL).

Each package that owns tables keeps its own Alembic history and version table (the catalog's is
here; the advisor's lives in ``bot``), so the catalog can be migrated and used on its own.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from catalog.errors import StorageError
from catalog.settings import CatalogSettings
from catalog.storage.models import CatalogState

CATALOG_MIGRATIONS = Path(str(resources.files("catalog.storage") / "migrations"))
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_engine(settings: CatalogSettings) -> Engine:
    """Create the engine. A SQLite file is created owner-only (it holds learners' data), and its
    folder is created only under the data directory."""
    try:
        url = make_url(settings.database_url)
    except ArgumentError as exc:
        raise StorageError(f"ADVISOR_DATABASE_URL is not a valid database URL: {exc}") from None
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database).resolve()
        if not path.parent.exists():
            if path.parent.is_relative_to(settings.data_dir.resolve()):
                path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
            else:
                raise StorageError(f"database folder {path.parent} does not exist")
        if not path.exists():
            # SQLite gives its -wal and -shm files the permissions of the database file.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    try:
        # hide_parameters: an error must never print learners' data (goals, names) into a log.
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    except (NoSuchModuleError, ImportError) as exc:
        raise StorageError(f"cannot use database URL {settings.database_url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", sqlite_connect)
        event.listen(engine, "begin", sqlite_begin)
    return engine


def sqlite_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_conn.isolation_level = None  # transactions are begun by sqlite_begin, not by the driver
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes in WAL mode
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    """``BEGIN IMMEDIATE`` for sessions that will write (``writer_engine``): a deferred transaction that
    read first and writes later fails at once with "database is locked" when another writer
    committed in between, whatever the busy timeout; an immediate one waits its turn instead."""
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def writer_engine(engine: Engine) -> Engine:
    """The same engine and pool, with transactions that take SQLite's write lock when they begin."""
    return engine.execution_options(sqlite_begin="IMMEDIATE") if engine.dialect.name == "sqlite" else engine


def alembic_config(engine: Engine, location: Path = CATALOG_MIGRATIONS,
                   version_table: str = "alembic_version") -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(location))
    cfg.attributes["engine"] = engine
    cfg.attributes["version_table"] = version_table
    return cfg


def run_migration_environment(context: Any, target_metadata: Any, default_version_table: str) -> None:
    """The body of an Alembic ``env.py``: the engine handed over by :func:`alembic_config`, or, for
    developers running ``alembic`` by hand, one built from ADVISOR_* settings."""
    config = context.config
    engine = config.attributes.get("engine")
    if engine is None:
        engine = make_engine(CatalogSettings.from_env())
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          version_table=config.attributes.get("version_table", default_version_table))
        context.run_migrations()


def check_connection(engine: Engine) -> None:
    """Fail with one readable line when the database cannot be opened."""
    try:
        with engine.connect() as conn:
            conn.close()
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StorageError(f"cannot open the database {engine.url.render_as_string(hide_password=True)}: "
                           f"{reason}") from None


def migrate(engine: Engine) -> None:
    """Bring the catalog's tables to the newest revision (idempotent; safe at every start)."""
    check_connection(engine)
    command.upgrade(alembic_config(engine), "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def catalog_version(session: Session) -> int:
    state = session.scalar(select(CatalogState).where(CatalogState.id == 1))
    return state.version if state else 0
