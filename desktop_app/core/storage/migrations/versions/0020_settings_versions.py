"""the smaller settings records carry a version and who saved them last, as migration 0015's records do: two
people editing the community's profile, a care category, a 三会一课 norm or a member's 党费 核定 never overwrite
each other silently. The profile and the norms, which kept no time of their last save, get one.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED_TABLES = ("community_profile", "care_categories", "meeting_norms", "dues_assessments")
WITHOUT_SAVE_TIME = ("community_profile", "meeting_norms")


def upgrade() -> None:
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
            batch_op.add_column(sa.Column("updated_by", sa.String(length=100), nullable=False, server_default=""))
            if table in WITHOUT_SAVE_TIME:
                batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table in WITHOUT_SAVE_TIME:
                batch_op.drop_column("updated_at")
            batch_op.drop_column("updated_by")
            batch_op.drop_column("version")
