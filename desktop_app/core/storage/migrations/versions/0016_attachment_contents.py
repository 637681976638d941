"""attachments' contents in the database, for a server: a client PC keeps no file of them, the server's own
backups carry them, and row-level security guards them as it guards their records

On SQLite (a single PC) the table stays empty: the files are kept sealed in the data directory as before.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attachment_contents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), server_default="1", nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_attachment_contents_community_id_communities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment_contents")),
        sa.UniqueConstraint("community_id", "sha256", name=op.f("uq_attachment_contents_community_id")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE attachment_contents ALTER COLUMN community_id SET DEFAULT shuji_current_community()")


def downgrade() -> None:
    op.drop_table("attachment_contents")
