"""街道汇总: the community's 单位代码; the street office's units and imported packages

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("community_profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_code", sa.String(length=30), server_default="", nullable=False))
    op.create_table(
        "street_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_street_units")),
        sa.UniqueConstraint("code", name=op.f("uq_street_units_code")),
    )
    op.create_table(
        "street_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=30), nullable=False),
        sa.Column("unit_name", sa.String(length=100), nullable=False),
        sa.Column("period", sa.String(length=30), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("program_version", sa.String(length=30), nullable=False),
        sa.Column("format_version", sa.Integer(), nullable=False),
        sa.Column("includes_names", sa.Boolean(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"],
            ["street_packages.id"],
            name=op.f("fk_street_packages_replaced_by_id_street_packages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_street_packages")),
        sa.UniqueConstraint("file_sha256", name=op.f("uq_street_packages_file_sha256")),
        sa.UniqueConstraint("unit_code", "period", "sequence", name=op.f("uq_street_packages_unit_code")),
    )
    op.create_index(op.f("ix_street_packages_unit_code"), "street_packages", ["unit_code"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_street_packages_unit_code"), table_name="street_packages")
    op.drop_table("street_packages")
    op.drop_table("street_units")
    with op.batch_alter_table("community_profile", schema=None) as batch_op:
        batch_op.drop_column("unit_code")
