"""members' dates: 转正, 转入, 转出 — who belonged and who could vote on a given day

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("full_date", "transfer_in_date", "left_date")


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
