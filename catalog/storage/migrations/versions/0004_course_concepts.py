"""course concepts: what each course is about, in thesaurus concepts, tagged when it is ingested

Revision ID: 0004
Revises: 0003

Tagging a course means segmenting its Khmer text; doing it for the whole catalog on a learner's first
goal took 8 s at 10,000 courses. The tags are stored with the thesaurus version they were made with;
courses tagged by another version (or by none, as after this revision) are tagged again when the
catalog is next loaded, once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("courses", sa.Column("concepts", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("courses", sa.Column("concepts_version", sa.String(32), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("concepts_version")
        batch.drop_column("concepts")
