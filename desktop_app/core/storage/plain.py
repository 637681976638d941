"""Reading through the database driver alone, without SQLAlchemy.

The 工作台 is the first thing a secretary sees, and importing SQLAlchemy and the models takes longer than
reading everything the 工作台 shows: at start-up it is read on a connection of its own while the ORM loads
behind it, and afterwards through `Database.plain` on a pooled connection. Values come as the database
keeps them (dates as ISO text on SQLite, money as whole fen, enums as their values, JSON as text); the
converters here turn them into what the rest of the program uses.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop_app.core.storage import cipher

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Revisions are numbered in order (0001_…, 0002_…), one after another: the file names alone tell the
# known revisions and the head, so an up-to-date start-up never imports Alembic. test_revision_names_match_alembic
# keeps this true.
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")
FEN = Decimal("0.01")
EACH_BATCH = 500  # rows fetched at a time by `Reader.each`


def known_revisions() -> list[str]:
    names = (_REVISION_FILE.match(path.name) for path in (MIGRATIONS_DIR / "versions").iterdir())
    return sorted(match[1] for match in names if match)


def head_revision() -> str:
    return known_revisions()[-1]


# The file's schema revision as Alembic keeps it: plumbing of the file, asked before any model is loaded (by the
# start-up's first look, the migration and a backup's inspection alike).
REVISION_QUERY = "SELECT version_num FROM alembic_version"


def schema_revision(reader: Reader) -> str | None:
    return reader.scalar(REVISION_QUERY)


# A named parameter in the statements of core.reads (`:day`), as SQLite's driver and SQLAlchemy's text() write it.
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class Reader:
    """Statements on a DB-API connection (those of core.reads), written with `:name` parameters whatever the driver's
    own style: no value is ever formatted into the text."""

    def __init__(self, connection: Any, paramstyle: str = "qmark") -> None:
        self.connection = connection
        # SQLite's driver takes `:name` as it is; psycopg (PostgreSQL) spells it `%(name)s`.
        self._sqlite = paramstyle == "qmark"
        # SQLite's driver hands JSON columns over as text; psycopg decodes them itself.
        self._json_as_text = self._sqlite

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        cursor = self._run(sql, params)
        try:
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def each(self, sql: str, params: Mapping[str, Any] | None = None) -> Iterator[tuple[Any, ...]]:
        """The rows a batch at a time, for thousands of rows each turned into something else as it comes (the 党费
        grid's payments): the rows already used are let go, so they never pile up to set the collector off."""
        cursor = self._run(sql, params)
        try:
            while batch := cursor.fetchmany(EACH_BATCH):
                yield from batch
        finally:
            cursor.close()

    def _run(self, sql: str, params: Mapping[str, Any] | None) -> Any:
        cursor = self.connection.cursor()
        try:
            named = sql if self._sqlite else _NAMED.sub(r"%(\1)s", sql)
            cursor.execute(named, {name: self._stored(value) for name, value in (params or {}).items()})
        except BaseException:
            cursor.close()
            raise
        return cursor

    def _stored(self, value: Any) -> Any:
        """A date as the file keeps it: ISO text on SQLite (whose driver's own date adapter is deprecated)."""
        return value.isoformat() if self._sqlite and isinstance(value, dt.date) else value

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        found = self.rows(sql, params)
        return found[0][0] if found else None

    def json_value(self, value: Any) -> Any:
        """A JSON column's value as Python (see storage.app_settings)."""
        return json.loads(value) if self._json_as_text and isinstance(value, str) else value


def open_reader(path: Path, key: bytes | None) -> Reader:
    """A reader on a connection of its own to the data file: the start-up look at the data, taken before the
    database layer is loaded. It only reads, but opens read-write (never creating), as every first look at the
    live file does: a save a crash cut off is rolled back, where a read-only connection would fail on it.
    The caller closes `reader.connection`."""
    uri = f"{path.resolve().as_uri()}?mode=rw"
    return Reader(cipher.connect(uri, key, uri=True, check_same_thread=False))


def day(value: str | dt.date) -> dt.date:
    """A Date column's value (ISO text on SQLite)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def optional_day(value: str | dt.date | None) -> dt.date | None:
    return None if value is None else day(value)


def moment(value: str | dt.datetime) -> dt.datetime:
    """A DateTime column's value (ISO text with a space on SQLite)."""
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def money(fen: int) -> Decimal:
    """A Money column's whole fen as yuan (see storage.models.Money)."""
    return (Decimal(fen) / 100).quantize(FEN)
