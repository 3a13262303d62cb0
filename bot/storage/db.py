"""The advisor's tables share the catalog's database and declarative base but keep their own
Alembic history (version table ``advisor_alembic_version``), run after the catalog's at start."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from sqlalchemy import Engine

from catalog.storage.db import alembic_config, check_connection
from catalog.storage.db import migrate as migrate_catalog

ADVISOR_MIGRATIONS = Path(str(resources.files("bot.storage") / "migrations"))
VERSION_TABLE = "advisor_alembic_version"


def migrate(engine: Engine) -> None:
    """Bring the catalog's and then the advisor's tables to their newest revisions (idempotent)."""
    check_connection(engine)
    migrate_catalog(engine)
    command.upgrade(alembic_config(engine, ADVISOR_MIGRATIONS, VERSION_TABLE), "head")
