"""Alembic environment of the catalog's tables."""

from alembic import context

from catalog.storage.db import run_migration_environment
from catalog.storage.models import Base

run_migration_environment(context, Base.metadata, "alembic_version")
