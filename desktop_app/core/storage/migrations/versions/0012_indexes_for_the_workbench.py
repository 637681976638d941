"""Indexes for the 工作台, read at every start, and the 党费 grid: the live care actions by category and day with
their amounts (replacing the one by category alone, which it covers), those awaiting a follow-up by its date, a
year's 核定 and its payments with their amounts (replacing the one by year, member and month)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    op.drop_index("ix_care_actions_live_category", table_name="care_actions")
    op.create_index(
        "ix_care_actions_live_category_day",
        "care_actions",
        ["category_id", "date", "amount"],
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )
    op.create_index(
        "ix_care_actions_follow_up",
        "care_actions",
        ["status", "follow_up_date"],
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )
    op.create_index(
        "ix_dues_assessments_year", "dues_assessments", ["year", "member_id", "from_month", "monthly_amount"]
    )
    op.drop_index("ix_dues_payments_year_member", table_name="dues_payments")
    op.create_index("ix_dues_payments_ledger", "dues_payments", ["year", "member_id", "month", "deleted_at", "amount"])


def downgrade() -> None:
    op.drop_index("ix_dues_payments_ledger", table_name="dues_payments")
    op.create_index("ix_dues_payments_year_member", "dues_payments", ["year", "member_id", "month"])
    op.drop_index("ix_dues_assessments_year", table_name="dues_assessments")
    op.drop_index("ix_care_actions_follow_up", table_name="care_actions")
    op.drop_index("ix_care_actions_live_category_day", table_name="care_actions")
    op.create_index(
        "ix_care_actions_live_category", "care_actions", ["category_id"], sqlite_where=LIVE, postgresql_where=LIVE
    )
