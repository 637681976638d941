"""search_text and covering indexes of the live rows

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The searchable columns of each table as this revision defines them (the services keep them up to date).
SEARCHED = {
    "residents": ("name", "name_initials", "address", "notes", "phone"),
    "members": ("name", "name_initials", "notes", "committee_role", "phone"),
    "party_groups": ("name", "notes"),
    "care_actions": ("recipient_name", "recipient_initials", "recipient_address", "item", "handled_by", "notes"),
    "study_visits": ("destination", "district", "organiser", "highlights", "takeaways", "notes"),
    "meetings": ("topic", "host", "recorder", "lecturer", "place", "content", "agenda"),
}
LIVE_INDEXES = {
    "residents": "name_initials",
    "members": "name_initials",
    "care_actions": "date",
    "study_visits": "date",
    "meetings": "date",
}
LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    for table, columns in SEARCHED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
        joined = " || ' ' || ".join(f"coalesce({column}, '')" for column in columns)
        op.execute(f"UPDATE {table} SET search_text = lower({joined})")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("search_text", server_default=None)
    for table, first in LIVE_INDEXES.items():
        op.create_index(
            f"ix_{table}_live",
            table,
            [first, "id", "search_text"],
            unique=False,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        )


def downgrade() -> None:
    for table in LIVE_INDEXES:
        op.drop_index(f"ix_{table}_live", table_name=table)
    for table in SEARCHED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("search_text")
