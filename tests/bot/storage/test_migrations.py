"""The advisor's migrations: they build exactly the tables the models describe (SQLite and
PostgreSQL), and adopt a database made before the advisor had its own history."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import bot.credentials.models
import bot.dialogue.models
import bot.learners.models
import bot.telegram.models  # noqa: F401  (every table of the advisor)
from bot.storage.db import migrate
from catalog.settings import CatalogSettings
from catalog.storage.db import make_engine
from catalog.storage.db import migrate as migrate_catalog
from catalog.storage.models import Base


def test_migrations_match_the_models(settings: CatalogSettings) -> None:
    engine = make_engine(settings)
    migrate(engine)
    migrate(engine)  # idempotent: every start runs it
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert [d for d in diff if not (isinstance(d, tuple) and d[0] == "remove_table" and "alembic" in d[1].name)] == []


def test_a_database_from_before_the_move_is_adopted(settings: CatalogSettings) -> None:
    engine = make_engine(settings)
    migrate_catalog(engine)
    with engine.begin() as conn:  # the tables the catalog's revision 0002 used to create
        conn.execute(sa.text(
            "CREATE TABLE learners (id INTEGER PRIMARY KEY, channel VARCHAR(16) NOT NULL, external_id VARCHAR(64) "
            "NOT NULL, language VARCHAR(2), source VARCHAR(64), consented_at TIMESTAMP WITH TIME ZONE, step "
            "VARCHAR(24) NOT NULL, state JSON NOT NULL, state_version INTEGER NOT NULL, created_at TIMESTAMP WITH "
            "TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP, last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT "
            "CURRENT_TIMESTAMP, CONSTRAINT uq_learner_channel_external UNIQUE (channel, external_id))"))
        conn.execute(sa.text(
            "CREATE TABLE enrolments (id INTEGER PRIMARY KEY, learner_id INTEGER NOT NULL REFERENCES learners(id) "
            "ON DELETE CASCADE, course_id INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE, status "
            "VARCHAR(16) NOT NULL, source VARCHAR(64), created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT "
            "CURRENT_TIMESTAMP, updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP, "
            "CONSTRAINT uq_enrolment_learner_course UNIQUE (learner_id, course_id))"))
        conn.execute(sa.text("CREATE INDEX ix_enrolments_course_id ON enrolments (course_id)"))
        conn.execute(sa.text(
            "CREATE TABLE processed_updates (channel VARCHAR(32) NOT NULL, update_id BIGINT NOT NULL, claimed_at "
            "TIMESTAMP WITH TIME ZONE NOT NULL, done_at TIMESTAMP WITH TIME ZONE, PRIMARY KEY (channel, update_id))"))
        conn.execute(sa.text("CREATE INDEX ix_processed_updates_claimed_at ON processed_updates (claimed_at)"))
        conn.execute(sa.text("INSERT INTO learners (id, channel, external_id, language, step, state, state_version) "
                             "VALUES (1, 'telegram', '42', 'km', 'ready', '{\"goal\": \"cook\"}', 3)"))
    migrate(engine)
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        assert {c["name"] for c in inspector.get_columns("learners")} == set(Base.metadata.tables["learners"].c.keys())
        assert not inspector.has_table("processed_updates")
        row = conn.execute(sa.text("SELECT step, state FROM dialogues WHERE learner_id = 1")).one()
        assert set(inspector.get_table_names()) >= set(Base.metadata.tables)
    engine.dispose()
    assert row.step == "ready" and "cook" in str(row.state)
