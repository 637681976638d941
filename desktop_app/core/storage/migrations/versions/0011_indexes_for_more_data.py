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


def upgrade() -> None:
    op.create_index(
        "ix_care_actions_live_category",
        "care_actions",
        ["category_id"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_residents_binned",
        "residents",
        ["deleted_at"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NOT NULL"),
        postgresql_where=sa.text("deleted_at IS NOT NULL"),
    )
    op.create_index(
        "ix_members_binned",
        "members",
        ["deleted_at"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NOT NULL"),
        postgresql_where=sa.text("deleted_at IS NOT NULL"),
    )
    op.create_index(
        "ix_care_actions_binned",
        "care_actions",
        ["deleted_at"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NOT NULL"),
        postgresql_where=sa.text("deleted_at IS NOT NULL"),
    )
    op.create_index(
        "ix_study_visits_binned",
        "study_visits",
        ["deleted_at"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NOT NULL"),
        postgresql_where=sa.text("deleted_at IS NOT NULL"),
    )
    op.create_index(
        "ix_meetings_binned",
        "meetings",
        ["deleted_at"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NOT NULL"),
        postgresql_where=sa.text("deleted_at IS NOT NULL"),
    )
    op.create_index(
        "ix_studio_activities_binned",
        "studio_activities",
        ["deleted_at"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NOT NULL"),
        postgresql_where=sa.text("deleted_at IS NOT NULL"),
    )
    op.create_index(
        "ix_studio_problems_binned",
        "studio_problems",
        ["deleted_at"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NOT NULL"),
        postgresql_where=sa.text("deleted_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_residents_binned", table_name="residents")
    op.drop_index("ix_members_binned", table_name="members")
    op.drop_index("ix_care_actions_binned", table_name="care_actions")
    op.drop_index("ix_study_visits_binned", table_name="study_visits")
    op.drop_index("ix_meetings_binned", table_name="meetings")
    op.drop_index("ix_studio_activities_binned", table_name="studio_activities")
    op.drop_index("ix_studio_problems_binned", table_name="studio_problems")
    op.drop_index("ix_care_actions_live_category", table_name="care_actions")
