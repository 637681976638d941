"""every editable record carries a version and who saved it last: two people editing one record never
overwrite each other silently

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The record kinds (models.RecordRow): a meeting's attendance and a visit's 借鉴举措 are saved with it.
VERSIONED_TABLES = (
    "residents",
    "party_groups",
    "members",
    "care_actions",
    "study_visits",
    "meetings",
    "studio_activities",
    "studio_problems",
)


def upgrade() -> None:
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
            batch_op.add_column(sa.Column("updated_by", sa.String(length=100), nullable=False, server_default=""))


def downgrade() -> None:
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("updated_by")
            batch_op.drop_column("version")
