"""流动党员: a member away for work or living, from the day they left to the day they came back, where, how to reach
them (a phone, masked like one), the 流入地党组织, the 流动党员活动证 number, how they take part in 组织生活 (回原支部 /
流入地 / 线上) and when the branch last reached them. A record kind of its own (回收站, versions, the community), as
migration 0017's talks are.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mobile_members",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("fixed_place", sa.Boolean(), nullable=False),
        sa.Column("contact", sa.String(length=20), nullable=True),
        sa.Column("host_organisation", sa.String(length=100), nullable=False),
        sa.Column("card_no", sa.String(length=50), nullable=False),
        sa.Column(
            "participation",
            sa.Enum("returns", "host", "online", name="mobileparticipation", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("last_contact", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_by", sa.String(length=100), server_default="", nullable=False),
        sa.Column("community_id", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_mobile_members_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_mobile_members_community_id_communities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mobile_members")),
    )
    with op.batch_alter_table("mobile_members", schema=None) as batch_op:
        batch_op.create_index("ix_mobile_members_member_id", ["member_id"], unique=False)
        batch_op.create_index(
            "ix_mobile_members_live",
            ["left_on", "id", "search_text", "community_id"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(
            "ix_mobile_members_binned",
            ["deleted_at"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NOT NULL"),
            postgresql_where=sa.text("deleted_at IS NOT NULL"),
        )
    if op.get_bind().dialect.name == "postgresql":  # a new row's community is the login's (migration 0014)
        op.execute("ALTER TABLE mobile_members ALTER COLUMN community_id SET DEFAULT shuji_current_community()")


def downgrade() -> None:
    op.drop_table("mobile_members")
