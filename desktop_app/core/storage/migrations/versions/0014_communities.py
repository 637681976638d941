"""every community's rows carry their community: communities, server logins and server-wide settings; what was
one per database (profile, settings, norms, care categories, studio topics) becomes one per community

On SQLite (a single PC) every row belongs to community 1, the database's one community, and keeps working
unchanged. On PostgreSQL a new row's community is the login's (`shuji_current_community()`, read through a
SECURITY DEFINER function from `server_logins`, which only the owner writes); `desktop-app server init` adds
the roles, grants and row-level security on top.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table of a community's records (the street office's package tables are a street copy's own, not a
# community's: they stay as they were).
COMMUNITY_TABLES = (
    "community_profile",
    "residents",
    "party_groups",
    "members",
    "care_categories",
    "care_actions",
    "study_visits",
    "visit_participants",
    "adopted_practices",
    "meetings",
    "meeting_attendance",
    "meeting_norms",
    "attachments",
    "audit_log",
    "studio_activities",
    "studio_topics",
    "studio_problems",
    "studio_problem_activities",
    "dues_assessments",
    "dues_payments",
    "dues_reliefs",
    "app_settings",
)
# Names unique in a community, no longer in the database.
NAMED_ONCE = ("party_groups", "care_categories", "studio_topics")
# Keyed by (community, key) in the table.
KEYED = {"meeting_norms": "kind", "app_settings": "key"}
LIVE = sa.text("deleted_at IS NULL")
# Covering indexes (lists, search, the 工作台, the 党费 grid) that row-level security must be able to read from
# alone: community_id at their end. (name, table, columns before, partial on the live rows)
COVERING = (
    ("ix_residents_live", "residents", ["name_pinyin", "id", "search_text"], True),
    ("ix_members_live", "members", ["name_pinyin", "id", "search_text"], True),
    ("ix_care_actions_live", "care_actions", ["date", "id", "search_text"], True),
    ("ix_study_visits_live", "study_visits", ["date", "id", "search_text"], True),
    ("ix_meetings_live", "meetings", ["date", "id", "search_text"], True),
    ("ix_studio_activities_live", "studio_activities", ["date", "id", "search_text"], True),
    ("ix_studio_problems_live", "studio_problems", ["raised_date", "id", "search_text"], True),
    ("ix_care_actions_live_category_day", "care_actions", ["category_id", "date", "amount"], True),
    ("ix_dues_assessments_year", "dues_assessments", ["year", "member_id", "from_month", "monthly_amount"], False),
    ("ix_dues_payments_ledger", "dues_payments", ["year", "member_id", "month", "deleted_at", "amount"], False),
)


def rebuild_covering(with_community: bool) -> None:
    for name, table, columns, live in COVERING:
        where = LIVE if live else None
        op.drop_index(name, table_name=table)
        columns = [*columns, *(["community_id"] if with_community else [])]
        op.create_index(name, table, columns, sqlite_where=where, postgresql_where=where)


# The login's community: its row in server_logins; for the owner or a superuser of a database that holds one
# community (a single PostgreSQL database without shared mode, the tests' server), that one. Any other login
# (街道, 管理员, disabled, unknown) has none, so it can neither see nor add a community's row.
CURRENT_COMMUNITY = """
CREATE OR REPLACE FUNCTION shuji_current_community() RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    -- PL/pgSQL keeps these plans for the session: every policy asks once per statement (~0.5 ms a call as SQL).
    RETURN COALESCE(
        (SELECT community_id FROM public.server_logins WHERE login = session_user AND NOT disabled),
        (SELECT min(id) FROM public.communities
            WHERE NOT EXISTS (SELECT 1 FROM public.server_logins WHERE login = session_user)
              AND ((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user)
                   OR session_user = (SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database
                                      WHERE datname = pg_catalog.current_database()))
            HAVING count(*) = 1)
    );
END
$$
"""


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "communities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communities")),
        sa.UniqueConstraint("name", name=op.f("uq_communities_name")),
    )
    # The database's one community, named as its profile says (empty for a new database: the first
    # `server add-community` names it).
    op.execute(
        "INSERT INTO communities (name) SELECT COALESCE((SELECT community_name FROM community_profile"
        " ORDER BY id LIMIT 1), '')"
    )
    op.create_table(
        "server_logins",
        sa.Column("login", sa.String(length=63), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_server_logins_community_id_communities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("login", name=op.f("pk_server_logins")),
    )
    op.create_table(
        "server_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_server_settings")),
    )
    if postgres:
        op.execute(CURRENT_COMMUNITY)
        # 0001 wrote the profile's row with its id, which PostgreSQL's sequence did not count: the next
        # community's profile would take id 1 again.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('community_profile', 'id'),"
            " (SELECT COALESCE(max(id), 0) + 1 FROM community_profile), false)"
        )
    for table in COMMUNITY_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("community_id", sa.Integer(), nullable=False, server_default="1"))
            batch_op.create_foreign_key(
                op.f(f"fk_{table}_community_id_communities"),
                "communities",
                ["community_id"],
                ["id"],
                ondelete="RESTRICT",
            )
            if table in NAMED_ONCE:
                batch_op.drop_constraint(op.f(f"uq_{table}_name"), type_="unique")
                batch_op.create_unique_constraint(op.f(f"uq_{table}_community_id"), ["community_id", "name"])
            if table in KEYED:
                batch_op.drop_constraint(op.f(f"pk_{table}"), type_="primary")
                batch_op.create_primary_key(op.f(f"pk_{table}"), ["community_id", KEYED[table]])
            if table == "community_profile":
                batch_op.create_unique_constraint(op.f("uq_community_profile_community_id"), ["community_id"])
        if postgres:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN community_id SET DEFAULT shuji_current_community()")
    rebuild_covering(with_community=True)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    rebuild_covering(with_community=False)
    for table in reversed(COMMUNITY_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "community_profile":
                batch_op.drop_constraint(op.f("uq_community_profile_community_id"), type_="unique")
            if table in KEYED:
                batch_op.drop_constraint(op.f(f"pk_{table}"), type_="primary")
                batch_op.create_primary_key(op.f(f"pk_{table}"), [KEYED[table]])
            if table in NAMED_ONCE:
                batch_op.drop_constraint(op.f(f"uq_{table}_community_id"), type_="unique")
                batch_op.create_unique_constraint(op.f(f"uq_{table}_name"), ["name"])
            batch_op.drop_constraint(op.f(f"fk_{table}_community_id_communities"), type_="foreignkey")
            batch_op.drop_column("community_id")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS shuji_current_community()")
    op.drop_table("server_settings")
    op.drop_table("server_logins")
    op.drop_table("communities")
