"""Shared mode: one PostgreSQL database for a 街道's communities, with the roles the server itself enforces.

`init` brings the schema to head (Alembic, as on every start) and lays the role model on it: four group roles
(书记, 社工, 街道, 管理员), their grants, row-level security on every table of a community's records, security-
barrier views for what a role may see only in part, and the audit log's triggers. Every statement is written so
that running it again changes nothing (`init` is idempotent, and is run again after an upgrade: a new table gets
its grants and policy then). `add_community`, `add_user` and `disable_user` are the owner's (or a superuser's)
work; each returns what it did, in Chinese.

Why keyed on the login: a policy on a session variable is no boundary (any login can `set_config` it), so each
policy compares the row's community with `shuji_current_community()`, which reads the login's community from
`server_logins` (only the owner writes it) through SECURITY DEFINER, keyed on `session_user`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, String, create_engine, literal_column, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from desktop_app.core.domain.enums import MeetingKind
from desktop_app.core.domain.errors import AppError
from desktop_app.core.storage import migrate, passwords, server_notify
from desktop_app.core.storage.database import search_text_of
from desktop_app.core.storage.models import COMMUNITY_NAME_LENGTH, Base, Resident
from desktop_app.core.storage.roles import HIDDEN_FROM_WORKERS, MASKED_VIEWS


@dataclass(frozen=True)
class Role:
    label: str  # as typed after --role and shown
    key: str  # stored in server_logins.role
    group: str  # the PostgreSQL group role a login of it is a member of
    needs_community: bool


ROLES = {
    role.label: role
    for role in (
        Role("书记", "secretary", "shuji_secretary", True),
        Role("社工", "worker", "shuji_worker", True),
        Role("街道", "street", "shuji_street", False),
        Role("管理员", "admin", "shuji_admin", False),
    )
}
ROLE_BY_KEY = {role.key: role for role in ROLES.values()}

ROLE_MODEL_VERSION = 1  # server_settings.role_model: what `init` installed
# The street office's package tables belong to a street copy (offline 街道汇总), not to a community.
STREET_COPY_TABLES = ("street_units", "street_packages")
SERVER_TABLES = ("communities", "server_logins", "server_settings", "alembic_version")


def community_tables() -> list[str]:
    """Every table of a community's records: those that carry community_id (from the models, so a table added
    later is covered by the next `init`)."""
    return sorted(
        table.name
        for table in Base.metadata.sorted_tables
        if "community_id" in table.c and table.name not in ("server_logins",)
    )


def binned_tables() -> list[str]:
    """The community tables with a 回收站 (deleted_at): deleting, restoring and purging happen there."""
    return [name for name in community_tables() if "deleted_at" in Base.metadata.tables[name].c]


# Never written by a 社工: a new resident's ID number is left empty (the INSERT names the column, its value is
# refused unless NULL by `residents_no_id_number_from_workers`), an existing one never changes.
NOT_UPDATED_BY_WORKERS = {"residents": ("id_number",)}
# The 社工's tables: residents and care, 学习考察, studio (read and write, never delete a record); what they refer
# to, read only. The link tables a form rewrites when saved may lose rows.
WORKER_WRITES = (
    "residents",
    "care_actions",
    "study_visits",
    "visit_participants",
    "adopted_practices",
    "studio_activities",
    "studio_problems",
    "studio_problem_activities",
    "attachments",
    "attachment_contents",
)
WORKER_READS = ("members", "care_categories", "studio_topics", "party_groups", "community_profile", "app_settings")
WORKER_LINK_DELETES = ("visit_participants", "adopted_practices", "studio_problem_activities")

# Aggregates for the 街道: numbers per community, never a row of a table with personal data.
STREET_VIEWS = {
    "street_people_totals": """
        SELECT c.name AS community,
               (SELECT count(*) FROM residents r WHERE r.community_id = c.id AND r.deleted_at IS NULL) AS residents,
               (SELECT count(*) FROM members m WHERE m.community_id = c.id AND m.deleted_at IS NULL) AS members
        FROM communities c""",
    "street_care_totals": """
        SELECT c.name AS community, cat.name AS category, extract(year FROM a.date)::int AS year,
               extract(month FROM a.date)::int AS month, count(*) AS actions,
               COALESCE(sum(a.amount), 0) / 100.0 AS amount_yuan
        FROM care_actions a JOIN communities c ON c.id = a.community_id
        JOIN care_categories cat ON cat.id = a.category_id
        WHERE a.deleted_at IS NULL GROUP BY c.name, cat.name, 3, 4""",
    "street_meeting_counts": """
        SELECT c.name AS community, m.kind, extract(year FROM m.date)::int AS year,
               extract(month FROM m.date)::int AS month, count(*) AS meetings
        FROM meetings m JOIN communities c ON c.id = m.community_id
        WHERE m.deleted_at IS NULL GROUP BY c.name, m.kind, 3, 4""",
    "street_meeting_norms": """
        SELECT c.name AS community, n.kind, n.period, n.count, n.per_group
        FROM meeting_norms n JOIN communities c ON c.id = n.community_id""",
    "street_dues_totals": """
        SELECT c.name AS community, p.year, p.month, count(DISTINCT p.member_id) AS members_paid,
               sum(p.amount) / 100.0 AS paid_yuan
        FROM dues_payments p JOIN communities c ON c.id = p.community_id
        WHERE p.deleted_at IS NULL GROUP BY c.name, p.year, p.month""",
}


def street_meeting_verdicts() -> str:
    """The 街道's 三会一课 verdict per community for a period: `street_meeting_verdicts(first_day, last_day)`, judged
    as the desktop's compliance check judges (domain.rules.evaluate_compliance, summed per kind as
    domain.street_sums.kind_sums): each whole month, quarter or year of the period under a norm, per 党小组 where the
    norm applies to each (only groups that existed all of it; one in the 回收站 counts as dissolved that day); a kind
    falls short when any of its units held fewer than the norm asks. 达标, or 未达标 with each kind short as
    实开/应开. Runs with its owner's rights (the 街道 reads no table), and returns numbers and words only."""
    kinds = ", ".join(f"('{kind.value}', {position}, '{kind.label}')" for position, kind in enumerate(MeetingKind))
    return f"""
CREATE OR REPLACE FUNCTION street_meeting_verdicts(first_day date, last_day date)
RETURNS TABLE (community text, met boolean, verdict text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
WITH kinds (kind, position, label) AS (VALUES {kinds}),
units AS (
    SELECT n.community_id, n.kind, n.count, n.per_group, u.first::date AS unit_first,
           (u.first + s.step - interval '1 day')::date AS unit_last
    FROM meeting_norms n
    CROSS JOIN LATERAL (SELECT CASE n.period WHEN 'month' THEN interval '1 month'
                               WHEN 'quarter' THEN interval '3 months' ELSE interval '1 year' END AS step) s
    CROSS JOIN LATERAL generate_series(date_trunc(n.period, first_day::timestamp), last_day::timestamp, s.step) u(first)
    WHERE u.first >= first_day AND u.first + s.step - interval '1 day' <= last_day
),
scoped AS (
    SELECT u.*, NULL::integer AS group_id FROM units u WHERE NOT u.per_group
    UNION ALL
    SELECT u.*, g.id FROM units u JOIN party_groups g ON g.community_id = u.community_id
    WHERE u.per_group AND (g.founded_date IS NULL OR g.founded_date <= u.unit_first)
      AND (COALESCE(g.dissolved_date, g.deleted_at::date) IS NULL
           OR COALESCE(g.dissolved_date, g.deleted_at::date) > u.unit_last)
),
held_in AS (
    SELECT sc.community_id, sc.kind, sc.group_id, sc.count, sc.unit_first, sc.unit_last,
           (SELECT count(*) FROM meetings m WHERE m.community_id = sc.community_id AND m.kind = sc.kind
              AND m.deleted_at IS NULL AND m.date BETWEEN sc.unit_first AND sc.unit_last
              AND (sc.group_id IS NULL OR m.group_id = sc.group_id)) AS held
    FROM scoped sc
),
per_kind AS (
    SELECT community_id, kind, sum(count) AS required, bool_and(held >= count) AS complete
    FROM held_in GROUP BY community_id, kind
),
held_per_kind AS (
    SELECT j.community_id, j.kind,
           sum((SELECT count(*) FROM meetings m WHERE m.community_id = j.community_id AND m.kind = j.kind
                  AND m.deleted_at IS NULL AND m.date BETWEEN first_day AND last_day
                  AND (j.group_id IS NULL OR m.group_id = j.group_id))) AS held
    FROM (SELECT DISTINCT community_id, kind, group_id FROM scoped) j GROUP BY j.community_id, j.kind
),
short AS (
    SELECT p.community_id,
           string_agg(k.label || '（实开' || h.held || '/应开' || p.required || '）', '、' ORDER BY k.position) AS kinds
    FROM per_kind p JOIN held_per_kind h USING (community_id, kind) JOIN kinds k ON k.kind = p.kind
    WHERE NOT p.complete GROUP BY p.community_id
)
SELECT c.name::text, s.kinds IS NULL, CASE WHEN s.kinds IS NULL THEN '达标' ELSE '未达标：' || s.kinds END
FROM communities c LEFT JOIN short s ON s.community_id = c.id
ORDER BY c.name
$$;
REVOKE ALL ON FUNCTION street_meeting_verdicts(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION street_meeting_verdicts(date, date) TO shuji_street;
"""


# Who did what, for the 街道 and the 管理员: when, which login, what kind of action on which kind of record;
# the summary and the changes (names, values) stay with the community.
AUDIT_OVERVIEW = """
    SELECT c.name AS community, a.at, a.os_user AS login, a.action, a.record_kind, a.record_id
    FROM audit_log a JOIN communities c ON c.id = a.community_id"""


def masked_phone(value: str) -> str:
    """SQL for a phone as core.domain.masking.mask_phone shows it (138****5678)."""
    return (
        f"CASE WHEN {value} IS NULL OR {value} = '' THEN {value}"
        f" WHEN length({value}) <= 7 THEN left({value}, 2) || repeat('*', length({value}) - 2)"
        f" ELSE left({value}, 3) || repeat('*', length({value}) - 7) || right({value}, 4) END"
    )


# The login's community, as migration 0014 defines it (its own row in server_logins; for the owner or a superuser
# of a database holding one community, that one; else none), in the form cheapest to call: a column's default
# calls it once per inserted row (an attendance list of 600 members: 600 calls), every policy once per statement.
# A `SELECT … INTO` runs one cached index lookup; the COALESCE of two subqueries it replaces ran a plan with two
# subplans at every call (0.065 against 0.016 ms a call, as a 书记, `count(shuji_current_community())` over
# generate_series). The second lookup runs only for a login without a row of its own, as before.
CURRENT_COMMUNITY = """
CREATE OR REPLACE FUNCTION shuji_current_community() RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    own integer;
BEGIN
    SELECT community_id INTO own FROM public.server_logins WHERE login = session_user AND NOT disabled;
    IF FOUND THEN
        RETURN own;  -- NULL for the 街道 and the 管理员: no community
    END IF;
    IF EXISTS (SELECT 1 FROM public.server_logins WHERE login = session_user) THEN
        RETURN NULL;  -- a disabled account
    END IF;
    RETURN (SELECT min(id) FROM public.communities
            WHERE (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user)
               OR session_user = (SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database
                                  WHERE datname = pg_catalog.current_database())
            HAVING count(*) = 1);
END $$;
"""

FUNCTIONS = """
CREATE OR REPLACE FUNCTION shuji_current_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT role FROM public.server_logins WHERE login = session_user AND NOT disabled
$$;

CREATE OR REPLACE FUNCTION shuji_refuse_bin_for_workers() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF NEW.deleted_at IS DISTINCT FROM OLD.deleted_at AND shuji_current_role() = 'worker' THEN
        RAISE EXCEPTION '社工账号不能删除或恢复记录（回收站由书记处理）' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION shuji_audit_stamp() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    NEW.os_user := session_user;
    NEW.at := localtimestamp;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION shuji_audit_unchangeable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- No percent sign here: the driver would take it for a parameter.
    RAISE EXCEPTION USING MESSAGE = '操作记录只能追加，不能修改或删除（' || TG_OP || '）',
        ERRCODE = 'insufficient_privilege';
END $$;
"""

AUDIT_TRIGGERS = """
CREATE OR REPLACE TRIGGER audit_log_stamp BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION shuji_audit_stamp();
CREATE OR REPLACE TRIGGER audit_log_unchangeable BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION shuji_audit_unchangeable();
CREATE OR REPLACE TRIGGER audit_log_not_truncated BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION shuji_audit_unchangeable();
"""


def worker_resident_triggers() -> str:
    """A 社工 saves a resident without reading its phone: the server fills the search text as the program does
    (`search_text_of` over the same columns, here the row's own), and keeps a new resident's ID number empty."""
    searched = search_text_of([literal_column(f"NEW.{name}", String) for name in Resident.SEARCHED])
    expression = searched.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    return f"""
CREATE OR REPLACE FUNCTION shuji_resident_saved_by_worker() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF shuji_current_role() = 'worker' THEN
        IF TG_OP = 'INSERT' AND NEW.id_number IS NOT NULL THEN
            RAISE EXCEPTION '社工账号不能填写身份证号（由书记填写）' USING ERRCODE = 'insufficient_privilege';
        END IF;
        NEW.search_text := {expression};
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER residents_saved_by_worker BEFORE INSERT OR UPDATE ON residents
    FOR EACH ROW EXECUTE FUNCTION shuji_resident_saved_by_worker();
"""


@contextmanager
def audit_stamps_held(conn: Connection) -> Iterator[None]:
    """Audit lines written meanwhile keep their own times and users (a PC's, moved in): the server's stamp is held
    back for this transaction alone (transactional DDL: no other session ever sees it off; the ALTER locks the
    table until the commit, so other clients' audit lines wait)."""
    conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_stamp")
    yield
    conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_stamp")


def refuse_password_in_url(url: str) -> None:
    """A server address must not carry a password: it would show in the process list and the shell's history."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise AppError(
            f"数据库地址无法识别：{url}。地址应写成 postgresql+psycopg://用户@服务器/数据库 这样的形式。"
        ) from exc
    if parsed.password is not None:
        raise AppError(
            "数据库地址中不能含密码（它会出现在进程列表和命令历史中），什么也没有做。"
            "请写成 postgresql+psycopg://用户@服务器/数据库：密码会在终端中提示输入，或写在 libpq 的标准密码文件"
            " ~/.pgpass（Windows：%APPDATA%\\postgresql\\pgpass.conf，只有本人可读）中。"
        )


def server_engine(url: str, password: str | None = None) -> Engine:
    """An engine on the server; the password (typed at a prompt) is held in memory only, never in the URL
    text. Without one, libpq finds it in ~/.pgpass or the server asks for none."""
    refuse_password_in_url(url)
    address = make_url(url)
    if not address.drivername.startswith("postgresql"):
        raise AppError(
            f"服务器命令只用于 PostgreSQL 服务器，地址应以 postgresql+psycopg:// 开头，而不是 {address.drivername}://。"
        )
    if password is not None:
        address = address.set(password=password)
    return create_engine(address, hide_parameters=True)


def needs_password(exc: BaseException) -> bool:
    """The server asked for a password and none was given (libpq's wording)."""
    return "no password supplied" in str(exc)


def init(engine: Engine) -> list[str]:
    """The schema at head and the role model over it; idempotent. Returns what was done."""
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    head = migrate.head_revision()
    with engine.begin() as conn:
        installed = conn.execute(text("SELECT value FROM server_settings WHERE key = 'role_model'")).scalar()
        _roles(conn)
        conn.exec_driver_sql(CURRENT_COMMUNITY)
        conn.exec_driver_sql(FUNCTIONS)
        _grants(conn)
        _policies(conn)
        _community_indexes(conn)
        _views(conn)
        conn.exec_driver_sql(AUDIT_TRIGGERS)
        conn.exec_driver_sql(worker_resident_triggers())
        server_notify.install_change_triggers(conn)  # other clients' pages follow each commit
        conn.execute(text("DELETE FROM server_settings WHERE key = 'role_model'"))
        conn.execute(
            text("INSERT INTO server_settings (key, value) VALUES ('role_model', :value)"),
            {"value": f"{ROLE_MODEL_VERSION}"},
        )
    database = make_url(str(engine.url)).database
    lines = [
        f"数据库 {database} 的数据结构已是最新（版本 {head}），未改动。"
        if before == head
        else f"已在数据库 {database} 上建立书记工作台的数据结构（版本 {head}）。"
    ]
    tables = len(community_tables())
    if installed is None:
        lines.append(
            "已建立角色 书记、社工、街道、管理员，以及 "
            f"{tables} 张表的按居民区行级安全策略、社工看不到的字段、街道的汇总视图；操作记录只能追加。"
        )
    else:
        lines.append(f"角色、权限和 {tables} 张表的行级安全策略已核对（已存在的保持不变，缺少的已补上）。")
    return lines


def _roles(conn: Connection) -> None:
    for role in ROLES.values():
        if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": role.group}).first():
            conn.exec_driver_sql(f"CREATE ROLE {role.group} NOLOGIN")


def _grants(conn: Connection) -> None:
    every = [role.group for role in ROLES.values()]
    tables = community_tables()
    everything = [*tables, *SERVER_TABLES, *STREET_COPY_TABLES, *STREET_VIEWS, "audit_overview", "residents_masked"]
    present = {name for (name,) in conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))}
    present |= {name for (name,) in conn.execute(text("SELECT viewname FROM pg_views WHERE schemaname = 'public'"))}
    for table in everything:  # start from nothing, so a second run grants exactly the same
        if table in present:
            conn.exec_driver_sql(f"REVOKE ALL ON {table} FROM PUBLIC, {', '.join(every)}")
    for group in every:
        conn.exec_driver_sql(f"GRANT SELECT ON alembic_version, server_settings TO {group}")
    secretary, worker, admin = "shuji_secretary", "shuji_worker", "shuji_admin"
    for table in tables:
        if table == "audit_log":
            conn.exec_driver_sql(f"GRANT SELECT, INSERT ON audit_log TO {secretary}, {worker}")
        else:
            conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {secretary}")
    conn.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {secretary}, {worker}")
    for table in (*WORKER_WRITES, *WORKER_READS):
        hidden = HIDDEN_FROM_WORKERS.get(table, ())
        columns = [c.name for c in Base.metadata.tables[table].c]
        readable = ", ".join(c for c in columns if c not in hidden)
        conn.exec_driver_sql(f"GRANT SELECT ({readable}) ON {table} TO {worker}")
        if table in WORKER_WRITES:
            inserted = [c for c in columns if c != "community_id"]
            updated = ", ".join(c for c in inserted if c not in NOT_UPDATED_BY_WORKERS.get(table, ()))
            conn.exec_driver_sql(f"GRANT INSERT ({', '.join(inserted)}), UPDATE ({updated}) ON {table} TO {worker}")
    for table in WORKER_LINK_DELETES:
        conn.exec_driver_sql(f"GRANT DELETE ON {table} TO {worker}")
    conn.exec_driver_sql(f"GRANT SELECT ON communities, server_logins TO {admin}")


def references_within_reach(table: str) -> list[str]:
    """What a row written to `table` must refer to only inside the login's community: a foreign key is checked
    past row-level security, so without this a row could point at another community's resident or member. Each
    reference is looked up through the writer's own policies."""
    guarded = set(community_tables())
    return [
        f"({key.parent.name} IS NULL OR EXISTS (SELECT 1 FROM {key.column.table.name} referred"
        f" WHERE referred.{key.column.name} = {table}.{key.parent.name}))"
        for key in sorted(Base.metadata.tables[table].foreign_keys, key=lambda k: k.parent.name)
        if key.column.table.name in guarded and key.column.table.name != "communities"
    ]


def _policies(conn: Connection) -> None:
    for table in community_tables():
        own = "community_id = (SELECT shuji_current_community())"
        conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        conn.exec_driver_sql(f"DROP POLICY IF EXISTS community_rows ON {table}")
        conn.exec_driver_sql(
            f"CREATE POLICY community_rows ON {table} USING ({own})"
            f" WITH CHECK ({' AND '.join([own, *references_within_reach(table)])})"
        )
    for table in binned_tables():
        conn.exec_driver_sql(
            f"CREATE OR REPLACE TRIGGER {table}_bin_not_for_workers BEFORE UPDATE OF deleted_at ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION shuji_refuse_bin_for_workers()"
        )


def community_index_names() -> dict[str, str]:
    """{table: its list index}: the covering index of a list's live rows (`models.live_index`), which ends with
    community_id for the policies' test."""
    return {
        table: f"ix_{table}_live"
        for table in community_tables()
        if any(index.name == f"ix_{table}_live" for index in Base.metadata.tables[table].indexes)
    }


def _community_indexes(conn: Connection) -> None:
    """Each list index again with community_id first, on a server only. The migrations' index (in list order,
    community_id last: what one community's database needs) makes a list or a search under the policies read
    every community's entries and drop the others' (a search in a 400-resident community read all 47,000 of the
    street's); this one reads the login's community's range alone, in list order. Idempotent: one already there
    stays; one on other columns (the list index changed since) is made again."""
    for table, name in community_index_names().items():
        index = next(index for index in Base.metadata.tables[table].indexes if index.name == name)
        columns = ["community_id", *(column.name for column in index.columns if column.name != "community_id")]
        present = conn.execute(text(INDEX_COLUMNS), {"name": f"{name}_by_community"}).scalar()
        if present is not None and list(present) != columns:
            conn.exec_driver_sql(f"DROP INDEX {name}_by_community")
        conn.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {name}_by_community ON {table} ({', '.join(columns)}) WHERE deleted_at IS NULL"
        )


INDEX_COLUMNS = """
    SELECT array_agg(a.attname::text ORDER BY k.n) FROM pg_class c
    JOIN pg_index i ON i.indexrelid = c.oid
    CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE c.relname = :name AND c.relnamespace = 'public'::regnamespace"""


def _views(conn: Connection) -> None:
    """Views run with their owner's rights (past row-level security), so each says whose rows it shows: the
    login's community (residents_masked) or only numbers (the 街道's)."""
    typed_phone = "COALESCE(phone, '')"
    shown = {
        "phone": f"{masked_phone('phone')} AS phone",
        # search_text holds the phone as typed: there it is masked the same way.
        "search_text": f"replace(search_text, {typed_phone}, {masked_phone(typed_phone)}) AS search_text",
    }
    _, left_out = MASKED_VIEWS["residents"]
    residents = Base.metadata.tables["residents"]
    columns = ", ".join(shown.get(c.name, c.name) for c in residents.c if c.name not in left_out)
    conn.exec_driver_sql(
        "CREATE OR REPLACE VIEW residents_masked WITH (security_barrier) AS"
        f" SELECT {columns} FROM residents WHERE community_id = (SELECT shuji_current_community())"
    )
    conn.exec_driver_sql("GRANT SELECT ON residents_masked TO shuji_worker, shuji_secretary")
    for name, query in STREET_VIEWS.items():
        conn.exec_driver_sql(f"CREATE OR REPLACE VIEW {name} AS {query}")
        conn.exec_driver_sql(f"GRANT SELECT ON {name} TO shuji_street")
    conn.exec_driver_sql(street_meeting_verdicts())
    conn.exec_driver_sql(f"CREATE OR REPLACE VIEW audit_overview AS {AUDIT_OVERVIEW}")
    conn.exec_driver_sql("GRANT SELECT ON audit_overview TO shuji_street, shuji_admin")


# A new community starts as the first migrations start a database (0001, 0004 keep their own frozen copy).
CARE_CATEGORIES = (
    ("新生儿送鸡蛋", "鸡蛋一箱", 10000, False),
    ("新婚送蜂蜜", "蜂蜜两瓶", 12000, False),
    ("乔迁送糕点", "糕点礼盒", 8000, False),
    ("升学送钢笔", "钢笔一支", 6000, False),
    ("重病帮困", "帮困金", 50000, True),
    ("其他", "", None, False),
)
MEETING_NORMS = (
    ("general_assembly", "quarter", False),
    ("committee", "month", False),
    ("group_meeting", "month", True),
    ("party_lesson", "quarter", False),
    ("theme_day", "month", False),
    ("org_life", "year", False),
    ("member_review", "year", False),
)
STUDIO_TOPICS = ("业委会建设", "小区治理", "加装电梯", "美丽楼道", "物业管理", "其他")


def require_init(conn: Connection) -> None:
    """The commands after `init` need its tables and roles."""
    ready = (
        conn.execute(text("SELECT to_regclass('public.server_settings') IS NOT NULL")).scalar()
        and conn.execute(text("SELECT 1 FROM server_settings WHERE key = 'role_model'")).first()
    )
    if not ready:
        raise AppError("这个数据库还没有建立书记工作台的结构和角色：请先运行 server init，什么也没有做。")


def add_community(engine: Engine, name: str) -> str:
    name = name.strip()
    if not name or len(name) > COMMUNITY_NAME_LENGTH:
        raise AppError("居民区名称不能为空，也不能超过 100 个字，什么也没有做。")
    with engine.begin() as conn:
        require_init(conn)
        if conn.execute(text("SELECT 1 FROM communities WHERE name = :name"), {"name": name}).first():
            raise AppError(f"居民区“{name}”已经存在，什么也没有做。")
        # The database's first community was made by the migration without a name: the first one added is it.
        unnamed = conn.execute(
            text(
                "SELECT id FROM communities WHERE name = '' AND NOT EXISTS"
                " (SELECT 1 FROM server_logins WHERE community_id = communities.id)"
            )
        ).scalar()
        if unnamed is not None:
            conn.execute(text("UPDATE communities SET name = :name WHERE id = :id"), {"name": name, "id": unnamed})
            conn.execute(
                text("UPDATE community_profile SET community_name = :name WHERE community_id = :id"),
                {"name": name, "id": unnamed},
            )
            return f"已建立居民区“{name}”（编号 {unnamed}），带有默认的关怀类别、三会一课要求和工作室课题。"
        community = conn.execute(
            text("INSERT INTO communities (name) VALUES (:name) RETURNING id"), {"name": name}
        ).scalar_one()
        _seed(conn, community, name)
    return f"已建立居民区“{name}”（编号 {community}），带有默认的关怀类别、三会一课要求和工作室课题。"


def _seed(conn: Connection, community: int, name: str) -> None:
    conn.execute(
        text(
            "INSERT INTO community_profile (community_id, community_name, street_office, org_name, secretary_name,"
            " reporter_name, unit_code) VALUES (:c, :name, '', '', '', '', '')"
        ),
        {"c": community, "name": name},
    )
    conn.execute(
        text(
            "INSERT INTO care_categories (community_id, name, default_item, default_amount, sort_order, retired,"
            " sensitive) VALUES (:c, :name, :item, :amount, :order, false, :sensitive)"
        ),
        [
            {"c": community, "name": n, "item": item, "amount": amount, "order": order, "sensitive": sensitive}
            for order, (n, item, amount, sensitive) in enumerate(CARE_CATEGORIES, start=1)
        ],
    )
    conn.execute(
        text(
            "INSERT INTO meeting_norms (community_id, kind, period, count, per_group)"
            " VALUES (:c, :kind, :period, 1, :per_group)"
        ),
        [{"c": community, "kind": k, "period": p, "per_group": g} for k, p, g in MEETING_NORMS],
    )
    conn.execute(
        text("INSERT INTO studio_topics (community_id, name, sort_order, retired) VALUES (:c, :name, :order, false)"),
        [{"c": community, "name": n, "order": order} for order, n in enumerate(STUDIO_TOPICS, start=1)],
    )


LOGIN_PATTERN = re.compile(r"[a-z][a-z0-9_]{2,30}")


def add_user(engine: Engine, login: str, role_label: str, community_name: str | None, password: str) -> str:
    if not LOGIN_PATTERN.fullmatch(login):
        raise AppError(
            f"登录名“{login}”不合格：请用 3 到 31 个小写字母、数字或下划线，以字母开头（例如 wangli），什么也没有做。"
        )
    role = ROLES.get(role_label)
    if role is None:
        raise AppError(f"没有“{role_label}”这个角色：请用 {'、'.join(ROLES)} 之一，什么也没有做。")
    if role.needs_community and not community_name:
        raise AppError(f"{role.label}账号要属于一个居民区：请用 --community 名称 给出，什么也没有做。")
    if not role.needs_community and community_name:
        raise AppError(f"{role.label}账号不属于某个居民区，不要给 --community，什么也没有做。")
    passwords.require_strong(password, [login, community_name or ""])
    with engine.begin() as conn:
        require_init(conn)
        community = None
        if community_name:
            community = conn.execute(
                text("SELECT id FROM communities WHERE name = :name"), {"name": community_name}
            ).scalar()
            if community is None:
                raise AppError(f"没有名为“{community_name}”的居民区：请先用 server add-community 建立，什么也没有做。")
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :login"), {"login": login}).first():
            raise AppError(f"登录名“{login}”已被这台服务器上的账号使用，请换一个，什么也没有做。")
        # The server keeps only the SCRAM verifier, made here: the password itself never reaches it (nor its log).
        conn.exec_driver_sql(f"CREATE ROLE {login} LOGIN PASSWORD '{scram_verifier(password)}' IN ROLE {role.group}")
        conn.execute(
            text("INSERT INTO server_logins (login, role, community_id) VALUES (:login, :role, :community)"),
            {"login": login, "role": role.key, "community": community},
        )
    where = (
        f"（居民区“{community_name}”）" if community_name else "（全部居民区的汇总）" if role.key == "street" else ""
    )
    return f"已建立{role.label}账号 {login}{where}，密码已设置。"


def disable_user(engine: Engine, login: str) -> str:
    with engine.begin() as conn:
        require_init(conn)
        found = conn.execute(
            text("SELECT role, disabled FROM server_logins WHERE login = :login"), {"login": login}
        ).first()
        if found is None or not LOGIN_PATTERN.fullmatch(login):
            raise AppError(f"没有书记工作台的账号“{login}”，什么也没有做。")
        conn.exec_driver_sql(f"ALTER ROLE {login} NOLOGIN")
        conn.execute(text("UPDATE server_logins SET disabled = true WHERE login = :login"), {"login": login})
    # From here its open connections see no row (the policies ask for an account that is not disabled); ending
    # them needs pg_signal_backend, which an owner who is no superuser may lack: then they stay until they close.
    try:
        with engine.begin() as conn:
            ended = conn.execute(
                text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = :login"),
                {"login": login},
            ).scalar()
        note = f"，断开了它正在使用的 {ended} 个连接" if ended else ""
    except DBAPIError:
        note = "（它已打开的连接看不到任何数据，但要等关闭后才断开：立即断开需要 pg_signal_backend 权限）"
    label = ROLE_BY_KEY[found.role].label
    if found.disabled:
        return f"{label}账号 {login} 本来就已停用{note}。"
    return f"已停用{label}账号 {login}：不能再登录，也看不到任何数据{note}；它的操作记录保留。"


def scram_verifier(password: str, iterations: int = 4096) -> str:
    """PostgreSQL's SCRAM-SHA-256 verifier of a password (RFC 5802/7677, as `password_encryption` makes it)."""
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", unicodedata.normalize("NFKC", password).encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = base64.b64encode
    return f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}${b64(stored_key).decode()}:{b64(server_key).decode()}"
