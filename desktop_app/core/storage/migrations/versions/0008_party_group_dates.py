"""party groups' founding and dissolution dates: judged only while they existed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("party_groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("founded_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("dissolved_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("party_groups", schema=None) as batch_op:
        batch_op.drop_column("dissolved_date")
        batch_op.drop_column("founded_date")
