"""Indexes for ten times the data: the live care actions by category (设置's 已用次数 counts from it alone),
and each record kind's rows in the 回收站 (listed without reading the live ones)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("deleted_at IS NULL")
BINNED = sa.text("deleted_at IS NOT NULL")
RECORD_TABLES = (
    "residents",
    "members",
    "care_actions",
    "study_visits",
    "meetings",
    "studio_activities",
    "studio_problems",
)


def upgrade() -> None:
    op.create_index(
        "ix_care_actions_live_category", "care_actions", ["category_id"], sqlite_where=LIVE, postgresql_where=LIVE
    )
    for table in RECORD_TABLES:
        op.create_index(f"ix_{table}_binned", table, ["deleted_at"], sqlite_where=BINNED, postgresql_where=BINNED)


def downgrade() -> None:
    for table in RECORD_TABLES:
        op.drop_index(f"ix_{table}_binned", table_name=table)
    op.drop_index("ix_care_actions_live_category", table_name="care_actions")
