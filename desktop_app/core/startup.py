"""Opening the data directory: engine, migrations (after a backup), ready to use."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from desktop_app.core import migrate
from desktop_app.core.backup import integrity_problems, list_backups
from desktop_app.core.database import Database, build_engine, database_path, environment_failure, sqlite_url
from desktop_app.core.errors import AppError, DatabaseDamagedError
from desktop_app.core.paths import BACKUP_DIRNAME, resolve_data_dir


def check_health(db_file: Path, backup_dir: Path) -> None:
    """The start-up quick_check: a damaged file is not opened; the newest good backup is offered."""
    problems = integrity_problems(db_file, quick=True)
    if not problems:
        return
    from desktop_app.core.restore import InvalidBackupError, inspect_backup

    good = None
    for backup in list_backups(backup_dir):
        try:
            inspect_backup(backup.path)
        except InvalidBackupError:
            continue
        good = backup
        break
    offer = (
        f"可以从最近的完好备份（{good.created:%Y-%m-%d %H:%M}）恢复。"
        if good
        else "没有找到完好的备份，请联系技术支持，不要删除数据文件。"
    )
    raise DatabaseDamagedError(f"数据文件 {db_file} 检查未通过（{problems[0]}），为保护数据没有打开它。{offer}", good)


def open_database(
    data_dir: str | os.PathLike[str] | None = None, url: str | None = None, check: bool = True
) -> Database:
    """Open (creating if needed) and migrate the database.

    `url` selects another database server (e.g. PostgreSQL); the data directory
    still holds backups, attachments and logs. `check=False` skips the health check
    and the migration, for restoring a backup over a damaged file.
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
        if check and db_file.exists():
            check_health(db_file, directory / BACKUP_DIRNAME)
    engine = build_engine(url)
    db = Database(engine, directory)
    if not check:
        return db  # for restoring over a damaged file: no check, no migration
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
