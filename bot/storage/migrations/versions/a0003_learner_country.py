"""learners' country: where an English-speaking learner lives (asked once, or inferred from a place
they named), so that courses there come first

Revision ID: a0003
Revises: a0002
"""

import sqlalchemy as sa
from alembic import op

revision = "a0003"
down_revision = "a0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("learners", sa.Column("country", sa.String(length=2), nullable=True))
    op.add_column("learners", sa.Column("country_asked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("learners") as batch:
        batch.drop_column("country_asked_at")
        batch.drop_column("country")
