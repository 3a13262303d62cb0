"""fields of training: the advisor's sectors become ISCED-F 2013 detailed fields

Revision ID: 0003
Revises: 0002

``courses.sector`` held one of 17 words ("electrical"); it now holds an ISCED-F 2013 detailed field
code ("0713"). Each word maps to the field most of its courses are in (``LEGACY_SECTORS``); a
provider's next upload can move a course to a better one. The catalog version grows so that every
process rebuilds its view of the catalog.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen copy of catalog.courses.fields.LEGACY_SECTORS as of this revision (migrations never import
# code that may change later).
LEGACY = {
    "agriculture": "0811", "automotive": "0716", "beauty": "1012", "business": "0413", "care": "0921",
    "construction": "0732", "electrical": "0713", "electronics": "0714", "food": "1013", "garment": "0723",
    "hospitality": "1013", "ict": "0611", "languages": "0231", "logistics": "1041", "manufacturing": "0715",
    "retail": "0416", "tourism": "1015",
}


def upgrade() -> None:
    courses = sa.table("courses", sa.column("sector", sa.String))
    for word, code in LEGACY.items():
        op.execute(courses.update().where(courses.c.sector == word).values(sector=code))
    op.execute("UPDATE catalog_state SET version = version + 1 WHERE id = 1 AND EXISTS (SELECT 1 FROM courses)")


def downgrade() -> None:
    courses = sa.table("courses", sa.column("sector", sa.String))
    back: dict[str, str] = {}
    for word, code in LEGACY.items():
        back.setdefault(code, word)
    for code, word in back.items():
        op.execute(courses.update().where(courses.c.sector == code).values(sector=word))
