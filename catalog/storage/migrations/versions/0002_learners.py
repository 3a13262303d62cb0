"""learner tables (moved to the advisor's own migration history)

Revision ID: 0002
Revises: 0001

Learners, enrolments and Telegram update claims were once created here. They belong to the advisor
(``bot``), whose history creates them, or adopts the tables a database created before the move
already has. This revision stays so that such databases still find their recorded revision.
"""

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing: see the module docstring."""


def downgrade() -> None:
    """Nothing: see the module docstring."""
