"""Alembic environment: the engine comes from the caller (catalog.db.migrate) or ADVISOR_* settings."""

from alembic import context

from catalog.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:
    from catalog.db import make_engine
    from catalog.settings import Settings

    engine = make_engine(Settings.from_env())

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    context.run_migrations()
