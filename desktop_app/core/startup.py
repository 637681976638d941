"""Opening the data directory: engine, migrations (after a backup), ready to use."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from desktop_app.core import migrate
from desktop_app.core.database import Database, build_engine, database_path, environment_failure, sqlite_url
from desktop_app.core.errors import AppError
from desktop_app.core.paths import resolve_data_dir


def open_database(data_dir: str | os.PathLike[str] | None = None, url: str | None = None) -> Database:
    """Open (creating if needed) and migrate the database.

    `url` selects another database server (e.g. PostgreSQL); the data directory
    still holds backups, attachments and logs.
    """
    directory = resolve_data_dir(data_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AppError(f"无法创建数据目录 {directory}：{exc.strerror or exc}") from exc
    db_file: Path | None = None
    if url is None:
        db_file = database_path(directory)
        url = sqlite_url(db_file)
    engine = build_engine(url)
    db = Database(engine, directory)
    try:
        migrate.upgrade(engine, backup_dir=db.backup_dir, db_file=db_file)
    except DBAPIError as exc:
        engine.dispose()
        failure = environment_failure(exc)
        if failure is not None:
            raise failure from exc
        raise AppError(
            f"无法打开数据文件 {db_file or url}：文件已损坏，或不是书记工作台的数据文件（{exc.orig}）"
        ) from exc
    except BaseException:
        engine.dispose()
        raise
    return db
