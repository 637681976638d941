"""Reads have one home: SQL text lives in `core/reads` (and the migrations), each statement is a fixed text whose
values are bound parameters, and the reads answer the same on SQLite and PostgreSQL."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

import desktop_app
from desktop_app.core.reads import care, dues, duties, meetings, records, settings, studio, visits
from desktop_app.core.reads.rules import among, belonged_on, belonged_on_params
from desktop_app.core.storage.plain import Reader

PACKAGE = Path(desktop_app.__file__).parent
READS = PACKAGE / "core" / "reads"
MIGRATIONS = PACKAGE / "core" / "storage" / "migrations"
STORAGE = PACKAGE / "core" / "storage"
# The shared server's administration (`desktop-app server …`): its roles, grants, row-level security, the views
# it serves and the change triggers it installs (server_notify), written as DDL the way a migration is, and its
# own tables of communities and logins. It reads no community's records, and sits in storage, below core/reads.
SERVER_ADMINISTRATION = (STORAGE / "server.py", STORAGE / "server_notify.py")

# Words only a statement or a fragment of one says, in either case ("Select" alone is English: lower-case
# select counts only with its FROM).
SQL_WORDS = re.compile(
    r"\b((?-i:SELECT)|select\b.*\bfrom|PRAGMA|INSERT INTO|DELETE FROM|UPDATE \w+ SET|ALTER TABLE|ATTACH DATABASE"
    r"|CREATE (TABLE|INDEX|UNIQUE)|DROP (TABLE|INDEX)|IS (NOT )?NULL|GROUP BY|ORDER BY"
    r"|(LEFT |CROSS )?(OUTER )?JOIN \w+ ON|COALESCE\(|CASE WHEN|BETWEEN \S+ AND)\b",
    re.IGNORECASE,
)
# The one exemption: the storage layer's plumbing of the engine and the file, which reads no record — the
# connection's pragmas and key, SQLCipher's export, the probes that tell a database file (sqlite_master) and
# its schema revision (alembic_version) before any model is loaded, and a server connection's liveness probe.
ENGINE_PLUMBING = re.compile(
    r"PRAGMA|sqlite_master|alembic_version|sqlcipher_export|(ATTACH|DETACH) DATABASE|^SELECT 1$", re.IGNORECASE
)


def sql_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string literal that is SQL text, the parts of f-strings included; docstrings,
    which may speak of SQL, are not statements."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and SQL_WORDS.search(node.value)
    ]


def test_the_scan_finds_sql_text_however_it_is_written():
    source = '''
"""A docstring may say SELECT and IS NULL."""
LIVE = "deleted_at IS NULL"
def read(reader, table, day):
    """Nor this: SELECT * FROM nowhere."""
    reader.rows(f"SELECT id FROM {table} WHERE day <= :day")
    reader.rows("PRAGMA foreign_keys=ON")
    reader.rows("select count(*) from members where deleted_at is null")
    return "Select a file", "请选择", "null"
'''
    found = [text for _, text in sorted(sql_literals(source))]
    assert found == [
        "deleted_at IS NULL",
        "SELECT id FROM ",
        "PRAGMA foreign_keys=ON",
        "select count(*) from members where deleted_at is null",
    ]


def test_sql_text_lives_only_in_core_reads_and_the_migrations():
    misplaced = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(READS) or path.is_relative_to(MIGRATIONS) or path in SERVER_ADMINISTRATION:
            continue
        for line, text in sql_literals(path.read_text(encoding="utf-8")):
            if path.is_relative_to(STORAGE) and ENGINE_PLUMBING.search(text):
                continue
            misplaced.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {text[:60]!r}")
    assert misplaced == [], "SQL text outside core/reads:\n" + "\n".join(misplaced)


def statements() -> dict[str, str]:
    """Every statement the driver-only reads define, by module and name."""
    return {
        f"{module.__name__}.{name}": value
        for module in (care, dues, duties, meetings, records, settings, studio, visits)
        for name, value in vars(module).items()
        if isinstance(value, str) and value.startswith("SELECT ") and not name.startswith("_")
    } | {f"{records.__name__}.ANY_LIVE[{table}]": statement for table, statement in records.ANY_LIVE.items()}


def test_the_reads_statements_bind_their_values():
    for name, statement in statements().items():
        assert "?" not in statement, f"{name}: named parameters (:name), portable to PostgreSQL's driver"
        assert "'" not in statement, f"{name}: no quoted value written into the text"
        assert "%" not in statement, f"{name}: psycopg would read % as a placeholder"


def test_the_member_on_a_day_rule_binds_its_days_and_formats_no_value_into_sql():
    fragment = belonged_on("end_of_march")
    assert "'" not in fragment, "no value written into the statement"
    assert ":end_of_march" in fragment
    assert ":active_status" in fragment
    assert belonged_on_params(end_of_march=dt.date(2026, 3, 31))["end_of_march"] == dt.date(2026, 3, 31)
    with pytest.raises(ValueError, match="not a parameter name"):
        belonged_on("2026-03-31")


class Traced:
    """A DB-API connection that notes every statement's text before it runs."""

    def __init__(self, connection, texts: list[str]) -> None:
        self.connection, self.texts = connection, texts

    def cursor(self):
        cursor, texts = self.connection.cursor(), self.texts

        class Cursor:
            def execute(self, sql, params=()):
                texts.append(sql)
                return cursor.execute(sql, params)

            def __getattr__(self, name):
                return getattr(cursor, name)

        return Cursor()


@pytest.fixture
def demo_db(engine_db):
    from desktop_app.core.exchange.demo import fill_demo

    fill_demo(engine_db, "small", today=dt.date(2024, 6, 15))
    return engine_db


def test_every_statement_of_the_workbench_is_a_reads_text_whatever_the_day(demo_db):
    """Read on two days of two years, the 工作台 and the 党费 ledger run the same texts (values are bound, never
    written in), each one of those core/reads defines; on SQLite and PostgreSQL alike."""
    from desktop_app.core.services.dues_ledger import read_ledger
    from desktop_app.core.services.workbench import workbench_data

    def texts_on(today: dt.date) -> tuple[set[str], object]:
        texts: list[str] = []
        with demo_db.plain() as reader:
            traced = Reader(Traced(reader.connection, texts), demo_db.engine.dialect.paramstyle)
            data = workbench_data(traced, today, None)
            read_ledger(traced, today.year, group_id=1)
        return set(texts), data

    first, data = texts_on(dt.date(2024, 6, 15))
    second, _ = texts_on(dt.date(2023, 2, 1))
    # psycopg's spelling back to ours, and the members a restriction names (as many as the day's data has) left out
    first, second = (
        {AMONG.sub("", re.sub(r"%\((\w+)\)s", r":\1", text)) for text in texts} for texts in (first, second)
    )
    assert first == second
    assert data.reminders, "the demo's data holds something to remind of"
    assert data.latest
    assert any(total.actions for total in data.care_totals)
    assert data.meetings.series, "the charts' counts"
    assert data.care.series
    assert first <= defined_texts()


# `rules.among`'s restriction to some members: a bound parameter per member, so its length follows the data.
AMONG = re.compile(r" AND [\w.]+ IN \((?::member_\d+(?:, :member_\d+)*|NULL)\)")


def defined_texts() -> set[str]:
    """The texts the reads define, a statement's `{only}` filled as they fill it (every member, or a 党小组)."""
    return {
        " ".join(statement.format(only=only).split()) if "{only}" in statement else " ".join(statement.split())
        for statement in statements().values()
        for only in ("", dues.IN_GROUP)
    }


def test_a_restriction_to_some_members_binds_each_of_them():
    fragment, params = among("members.id", "member", [7, 3])
    assert fragment == " AND members.id IN (:member_0, :member_1)"
    assert params == {"member_0": 7, "member_1": 3}
    assert AMONG.fullmatch(fragment)
    assert among("members.id", "member", []) == (" AND members.id IN (NULL)", {}), "no member: no row"
    assert among("members.id", "member", None) == ("", {}), "every member"
    with pytest.raises(ValueError, match="not a parameter name"):
        among("members.id", "7", [7])


def test_the_settings_reads_answer_alike_on_both_engines(engine_db):
    """JSON settings come as text from SQLite's driver and decoded from psycopg's: the same answers either way."""
    from desktop_app.core.services.mode import ModeService
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.core.services.workbench import workbench_of

    modes = ModeService(engine_db)
    assert modes.get() == settings.COMMUNITY
    ProfileService(engine_db).save({"community_name": "康宁居民区"})
    assert workbench_of(engine_db).community == "康宁居民区"
    modes.set(settings.STREET)
    assert modes.get() == settings.STREET
    with engine_db.plain() as reader:
        first = settings.first_audit_day(reader)
    assert first in {dt.date.today(), dt.datetime.now(dt.UTC).date()}, "the profile's save is the first entry"
