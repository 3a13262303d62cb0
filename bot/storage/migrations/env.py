"""Alembic environment of the advisor's tables (learners, enrolments, dialogues, Telegram inbox and
outbox, group notices)."""

from alembic import context

import bot.accounts.models
import bot.alerts.models
import bot.credentials.models
import bot.dialogue.models
import bot.learners.models
import bot.programs.models
import bot.providers.models
import bot.telegram.models  # noqa: F401  (the modules that declare the advisor's tables)
from catalog.storage.db import run_migration_environment
from catalog.storage.models import Base

run_migration_environment(context, Base.metadata, "advisor_alembic_version")
