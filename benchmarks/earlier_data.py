"""Plain (unencrypted) data at the current schema, as an earlier version left it. The program itself only ever
makes encrypted data; the benchmarks (the encryption's cost, a first start that encrypts) and most tests (which
read their data with plain sqlite3) need the plain kind too."""

from __future__ import annotations

from pathlib import Path


def make_plain_database(path: Path) -> Path:
    from desktop_app.core.storage import migrate
    from desktop_app.core.storage.database import build_engine, sqlite_url

    path.parent.mkdir(parents=True, exist_ok=True)
    engine = build_engine(sqlite_url(path))
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    return path


def open_earlier_version(directory: Path):
    """Plain data as an earlier version left it, opened."""
    from desktop_app.core.storage.paths import DATABASE_FILENAME
    from desktop_app.core.storage.startup import open_database

    make_plain_database(directory / DATABASE_FILENAME)
    return open_database(directory)
