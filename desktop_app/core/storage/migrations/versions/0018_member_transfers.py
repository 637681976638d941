"""组织关系转接 as records: a member's 转入 and 转出, each with its 介绍信 number, the organisation it came from or
went to, who handled it, its day and the 回执's day. The members' two dates stay where the membership-on-a-day rule
reads them (transfer_in_date, left_date), copied from these records when a member is saved; the dates a member
already had become records with the rest left blank, so old data keeps its dates.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_transfers",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("in", "out", name="transferdirection", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("organisation", sa.String(length=100), nullable=False),
        sa.Column("letter_no", sa.String(length=50), nullable=False),
        sa.Column("handled_by", sa.String(length=50), nullable=False),
        sa.Column("receipt_date", sa.Date(), nullable=True),
        sa.Column("community_id", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_transfers_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_member_transfers_community_id_communities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("member_id", "direction", name=op.f("pk_member_transfers")),
    )
    with op.batch_alter_table("member_transfers", schema=None) as batch_op:
        batch_op.create_index("ix_member_transfers_date", ["direction", "date"], unique=False)
    # The dates members already had: each a record of its direction, in the member's community.
    for direction, column in (("in", "transfer_in_date"), ("out", "left_date")):
        op.execute(
            sa.text(
                "INSERT INTO member_transfers"
                " (member_id, direction, date, organisation, letter_no, handled_by, receipt_date, community_id)"
                f" SELECT id, :direction, {column}, '', '', '', NULL, community_id FROM members"
                f" WHERE {column} IS NOT NULL"
            ).bindparams(direction=direction)
        )
    if op.get_bind().dialect.name == "postgresql":  # a new row's community is the login's (migration 0014)
        op.execute("ALTER TABLE member_transfers ALTER COLUMN community_id SET DEFAULT shuji_current_community()")


def downgrade() -> None:
    # The members' dates were kept all along: dropping the records loses only their letters and 回执.
    op.drop_table("member_transfers")
