"""The branch's yearly duties: 谈心谈话 (talks and who took part), the dates of a member's term on the 支部委员会,
and 民主评议党员 (a year's review and each member's entry). Each row carries its community (as migration 0014's
tables do); a talk carries its version and who saved it last (as migration 0015's records do).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMMUNITY_TABLES = ("talks", "talk_participants", "member_reviews", "member_review_entries")


def upgrade() -> None:
    op.create_table(
        "talks",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column(
            "way", sa.Enum("face", "phone", "home", name="talkway", native_enum=False, length=32), nullable=False
        ),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_by", sa.String(length=100), server_default="", nullable=False),
        sa.Column("community_id", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_talks_community_id_communities"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talks")),
    )
    with op.batch_alter_table("talks", schema=None) as batch_op:
        batch_op.create_index("ix_talks_date", ["date"], unique=False)
        batch_op.create_index(
            "ix_talks_live",
            ["date", "id", "search_text", "community_id"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(
            "ix_talks_binned",
            ["deleted_at"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NOT NULL"),
            postgresql_where=sa.text("deleted_at IS NOT NULL"),
        )
    op.create_table(
        "talk_participants",
        sa.Column("talk_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_talk_participants_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["talk_id"], ["talks.id"], name=op.f("fk_talk_participants_talk_id_talks"), ondelete="CASCADE"
        ),
        sa.Column("community_id", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_talk_participants_community_id_communities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("talk_id", "member_id", name=op.f("pk_talk_participants")),
    )
    with op.batch_alter_table("talk_participants", schema=None) as batch_op:
        batch_op.create_index("ix_talk_participants_member_id", ["member_id"], unique=False)
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("committee_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("committee_until", sa.Date(), nullable=True))
    op.create_table(
        "member_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column(
            "decided_by",
            sa.Enum("general_assembly", "committee", name="reviewbody", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_member_reviews_meeting_id_meetings"), ondelete="SET NULL"
        ),
        sa.Column("community_id", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_member_reviews_community_id_communities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_reviews")),
        sa.UniqueConstraint("community_id", "year", name=op.f("uq_member_reviews_community_id")),
    )
    op.create_table(
        "member_review_entries",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("self_assessed", sa.Boolean(), nullable=False),
        sa.Column("votes_excellent", sa.Integer(), nullable=False),
        sa.Column("votes_qualified", sa.Integer(), nullable=False),
        sa.Column("votes_basic", sa.Integer(), nullable=False),
        sa.Column("votes_unqualified", sa.Integer(), nullable=False),
        sa.Column(
            "grade",
            sa.Enum("excellent", "qualified", "basic", "unqualified", name="reviewgrade", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column(
            "disposal",
            sa.Enum("correct", "persuade", "remove", name="reviewdisposal", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("disposal_date", sa.Date(), nullable=True),
        sa.Column("disposal_ref", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_review_entries_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["member_reviews.id"],
            name=op.f("fk_member_review_entries_review_id_member_reviews"),
            ondelete="CASCADE",
        ),
        sa.Column("community_id", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_member_review_entries_community_id_communities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("review_id", "member_id", name=op.f("pk_member_review_entries")),
    )
    if op.get_bind().dialect.name == "postgresql":  # a new row's community is the login's (migration 0014)
        for table in COMMUNITY_TABLES:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN community_id SET DEFAULT shuji_current_community()")


def downgrade() -> None:
    op.drop_table("member_review_entries")
    op.drop_table("member_reviews")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("committee_until")
        batch_op.drop_column("committee_from")
    op.drop_table("talk_participants")
    op.drop_table("talks")
