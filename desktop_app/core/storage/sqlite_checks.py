"""SQLite's own checks of the open file, on a connection of the engine: plumbing of the engine, no record read."""

from __future__ import annotations

from sqlalchemy import Connection, text


def integrity_problems(conn: Connection) -> list[str]:
    """What `PRAGMA integrity_check` finds; empty when the file is whole."""
    rows = [row[0] for row in conn.execute(text("PRAGMA integrity_check"))]
    return [] if rows == ["ok"] else rows


def broken_references(conn: Connection) -> list[str]:
    """The table of each row whose foreign key finds no row (`PRAGMA foreign_key_check`)."""
    return [row[0] for row in conn.execute(text("PRAGMA foreign_key_check"))]
