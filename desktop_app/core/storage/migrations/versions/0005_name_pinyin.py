"""names sort by full pinyin; surnames read as surnames

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from desktop_app.core.domain.pinyin import initials, sort_key

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("deleted_at IS NULL")
# search_text as revision 0003 defines it: it holds the initials, which now read surnames as surnames.
SEARCHED = {
    "residents": ("name", "name_initials", "address", "notes", "phone"),
    "members": ("name", "name_initials", "notes", "committee_role", "phone"),
    "care_actions": ("recipient_name", "recipient_initials", "recipient_address", "item", "handled_by", "notes"),
}


def _refill(table: str, name_column: str, values: dict[str, Callable[[str], str]]) -> None:
    """Recompute the name-derived columns of every row (a few seconds for 20,000 names)."""
    connection = op.get_bind()
    rows = connection.execute(sa.text(f"SELECT id, {name_column} FROM {table}")).all()
    assignments = ", ".join(f"{column} = :{column}" for column in values)
    statement = sa.text(f"UPDATE {table} SET {assignments} WHERE id = :id")
    params = [{"id": row_id, **{column: make(name or "") for column, make in values.items()}} for row_id, name in rows]
    if params:
        connection.execute(statement, params)


def _refresh_search_text(table: str) -> None:
    joined = " || ' ' || ".join(f"coalesce({column}, '')" for column in SEARCHED[table])
    op.execute(f"UPDATE {table} SET search_text = lower({joined})")


def _create_live_index(table: str, first: str) -> None:
    """The covering index of live rows in list order (see models.live_index)."""
    op.create_index(
        f"ix_{table}_live", table, [first, "id", "search_text"], unique=False, sqlite_where=LIVE, postgresql_where=LIVE
    )


def upgrade() -> None:
    for table in ("residents", "members"):
        op.drop_index(f"ix_{table}_live", table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            # A server default: rows written by other tools (or older scripts) still insert.
            batch_op.add_column(sa.Column("name_pinyin", sa.String(length=400), nullable=False, server_default=""))
        _refill(table, "name", {"name_initials": initials, "name_pinyin": sort_key})
        _refresh_search_text(table)
        _create_live_index(table, "name_pinyin")
    _refill("care_actions", "recipient_name", {"recipient_initials": initials})
    _refresh_search_text("care_actions")


def downgrade() -> None:
    for table in ("residents", "members"):
        op.drop_index(f"ix_{table}_live", table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("name_pinyin")
        _create_live_index(table, "name_initials")
