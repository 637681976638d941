"""Copies of the database made with SQLite's online backup API (never a file copy)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from desktop_app.core.database import Database
from desktop_app.core.errors import AppError


def integrity_problems(path: Path) -> list[str]:
    """`PRAGMA integrity_check` of a database file; an empty list means healthy."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    problems = [row[0] for row in rows]
    return [] if problems == ["ok"] else problems


def copy_database(source: Path, target: Path) -> Path:
    """Copy a live SQLite database to `target` and verify the copy.

    Writes to a temporary name first, so a failed or interrupted backup never
    leaves a half-written file under the target name.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        problems = integrity_problems(partial)
        if problems:
            raise AppError(f"备份文件校验失败：{'；'.join(problems[:3])}")
        partial.replace(target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise AppError(f"备份失败：{exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def backup_name(reason: str, when: dt.datetime | None = None) -> str:
    when = when or dt.datetime.now()
    return f"{when:%Y%m%d-%H%M%S}-{reason}.sqlite3"


def make_backup(source: Path, backup_dir: Path, reason: str) -> Path:
    return copy_database(source, backup_dir / backup_name(reason))


def backup_now(db: Database, target: Path | None = None) -> Path:
    """A manual backup: into the data directory's backups/, or to a chosen file or folder (a USB stick)."""
    source = db.file_path
    if source is None:
        raise AppError("当前使用的是数据库服务器，请由服务器管理员备份。")
    if target is None:
        target = db.backup_dir / backup_name("manual")
    elif target.is_dir():
        target = target / backup_name("manual")
    return copy_database(source, target)
