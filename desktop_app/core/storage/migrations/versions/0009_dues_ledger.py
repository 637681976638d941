"""党费 ledger: the year's 核定 per member, payments, 减免 with their approval

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dues_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("from_month", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "employed",
                "retired",
                "student",
                "unemployed",
                "relief",
                "minimum_living",
                "farmer",
                "pays_at_work",
                name="duescategory",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("base", sa.BigInteger(), nullable=True),
        sa.Column("monthly_amount", sa.BigInteger(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_dues_assessments_member_id_members"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_assessments")),
        sa.UniqueConstraint("member_id", "year", "from_month", name=op.f("uq_dues_assessments_member_id")),
    )
    op.create_table(
        "dues_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column(
            "way",
            sa.Enum("cash", "transfer", "deducted", name="duespaymentway", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "regular", "catch_up", "advance", "voluntary", name="duespaymentkind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("collector", sa.String(length=50), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_dues_payments_member_id_members"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_payments")),
    )
    with op.batch_alter_table("dues_payments", schema=None) as batch_op:
        batch_op.create_index("ix_dues_payments_year_member", ["year", "member_id", "month"], unique=False)

    op.create_table(
        "dues_reliefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("from_month", sa.Integer(), nullable=False),
        sa.Column("to_month", sa.Integer(), nullable=False),
        sa.Column("monthly_amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("branch_decision_date", sa.Date(), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=False),
        sa.Column("approval_date", sa.Date(), nullable=False),
        sa.Column("document_no", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_dues_reliefs_member_id_members"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_reliefs")),
    )


def downgrade() -> None:
    op.drop_table("dues_reliefs")
    with op.batch_alter_table("dues_payments", schema=None) as batch_op:
        batch_op.drop_index("ix_dues_payments_year_member")

    op.drop_table("dues_payments")
    op.drop_table("dues_assessments")
