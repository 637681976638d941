"""votes judged as they stood on the day: who could vote, and how many could

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_attendance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("can_vote", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voting_members", sa.Integer(), nullable=False, server_default="0"))
    # Meetings recorded before this revision kept no such record: the best evidence left is who was
    # 正式 when upgrading, and the voters the attendance listed (the denominator used until now).
    op.execute(
        "UPDATE meeting_attendance SET can_vote = TRUE WHERE member_id IN "
        "(SELECT id FROM members WHERE member_type = 'full')"
    )
    op.execute(
        "UPDATE meetings SET voting_members = "
        "(SELECT count(*) FROM meeting_attendance a WHERE a.meeting_id = meetings.id AND a.can_vote = TRUE)"
    )


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("voting_members")
    with op.batch_alter_table("meeting_attendance", schema=None) as batch_op:
        batch_op.drop_column("can_vote")
