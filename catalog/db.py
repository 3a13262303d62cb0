"""Engine, sessions and schema migrations (SQLite file by default, PostgreSQL by URL)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from catalog.errors import StorageError
from catalog.models import CatalogState
from catalog.settings import Settings


def make_engine(settings: Settings) -> Engine:
    """Create the engine; a missing SQLite folder is created only under the data directory."""
    try:
        url = make_url(settings.database_url)
    except ArgumentError as exc:
        raise StorageError(f"ADVISOR_DATABASE_URL is not a valid database URL: {exc}") from None
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        folder = Path(url.database).resolve().parent
        if not folder.exists():
            if folder.is_relative_to(settings.data_dir.resolve()):
                folder.mkdir(parents=True, exist_ok=True)
            else:
                raise StorageError(f"database folder {folder} does not exist")
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as exc:
        raise StorageError(f"cannot use database URL {settings.database_url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("catalog") / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent; safe at every start)."""
    try:
        with engine.connect() as conn:
            conn.close()
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StorageError(f"cannot open the database {engine.url.render_as_string(hide_password=True)}: "
                           f"{reason}") from None
    command.upgrade(alembic_config(engine), "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def catalog_version(session: Session) -> int:
    state = session.scalar(select(CatalogState).where(CatalogState.id == 1))
    return state.version if state else 0
