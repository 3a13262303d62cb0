"""course locality: the town, district or former province a course is taught in

Revision ID: 0005
Revises: 0004

Since the 2025 merger one Vietnamese province can span 100 km or more ("Vũng Tàu" is now in TP. Hồ Chí
Minh); learners name the part they live in, so ranking prefers courses there and the list shows it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("courses", sa.Column("locality", sa.String(80), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("locality")
