"""Backups: copies made with SQLite's online backup API (never a file copy of an open database),
verified before anything older is pruned, thinned to 7 daily / 4 weekly / 12 monthly, and
carrying the attachment files too."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from desktop_app.core.domain.errors import AppError
from desktop_app.core.storage import app_settings, cipher
from desktop_app.core.storage.backup_files import OFFSITE_BACKUP_KEY, backup_name, list_backups
from desktop_app.core.storage.database import Database, query_file
from desktop_app.core.storage.paths import KEYS_FILENAME, has_keys, keys_path
from desktop_app.core.storage.targets import os_failure, output_file

ATTACHMENT_STORE = "attachments"  # inside backups/: every attachment file ever backed up, by hash
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
AUTO_BACKUP_AGE = dt.timedelta(days=1)


def integrity_problems(path: Path, quick: bool = False, key: bytes | None = None) -> list[str]:
    """`PRAGMA integrity_check` (or `quick_check`) of a database file; an empty list means healthy.

    A file that cannot be checked because of the machine (another program holds it, the disk fails)
    raises DatabaseEnvironmentError: busy is not damaged, and must never lead to a restore over it.
    """
    pragma = "quick_check" if quick else "integrity_check"
    try:
        # Read-write (never create): a hot journal left by a crash must be rolled back first.
        rows = query_file(path, f"PRAGMA {pragma}", mode="rw", key=key)
    except cipher.database_errors() as exc:
        return [str(exc)]
    problems = [row[0] for row in rows]
    return [] if problems == ["ok"] else problems


def copy_database(source: Path, target: Path, key: bytes | None = None) -> Path:
    """Copy a live SQLite database to `target` and verify the copy; an encrypted one stays encrypted with
    the same key (the backup API copies its pages).

    Writes to a temporary name first, so a failed or interrupted backup never
    leaves a half-written file under the target name.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        src = cipher.connect(f"file:{source}?mode=ro", key, uri=True)
        try:
            dst = cipher.connect(partial, key)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        problems = integrity_problems(partial, key=key)
        if problems:
            raise AppError(f"备份文件校验失败：{'；'.join(problems[:3])}")
        partial.replace(target)
    except cipher.driver_errors() as exc:
        raise AppError(f"备份失败：{exc}") from exc
    except OSError as exc:
        raise AppError(f"备份失败：无法写入 {target.parent}（{exc.strerror or exc}）") from exc
    finally:
        partial.unlink(missing_ok=True)
    return target


def _free_name(directory: Path, reason: str, when: dt.datetime | None) -> Path:
    target = directory / backup_name(reason, when)
    number = 2
    while target.exists():
        stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        target = directory / f"{stamp}-{number}-{reason}.sqlite3"
        number += 1
    return target


def store_attachments(attachment_dir: Path, backup_dir: Path) -> int:
    """Copy attachment files the backup store does not have yet; they never change, so copying once is enough."""
    if not attachment_dir.is_dir():
        return 0
    copied = 0
    for source in attachment_dir.rglob("*"):
        if source.is_file() and not source.name.endswith(".partial"):
            target = backup_dir / ATTACHMENT_STORE / source.relative_to(attachment_dir)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
                copied += 1
    return copied


def make_backup(
    source: Path, backup_dir: Path, reason: str, when: dt.datetime | None = None, key: bytes | None = None
) -> Path:
    """A verified copy in backups/, plus any attachment files not stored there yet."""
    target = copy_database(source, _free_name(backup_dir, reason, when), key)
    store_attachments(source.parent / "attachments", backup_dir)
    return target


def backups_to_keep(
    times: Iterable[dt.datetime], daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY, monthly: int = KEEP_MONTHLY
) -> set[dt.datetime]:
    """The newest backup of each of the last `daily` days, `weekly` ISO weeks and `monthly` months that have one."""
    newest_first = sorted(set(times), reverse=True)
    keep: set[dt.datetime] = set()
    buckets: list[tuple[int, Callable[[dt.datetime], object]]] = [
        (daily, lambda t: t.date()),
        (weekly, lambda t: t.isocalendar()[:2]),
        (monthly, lambda t: (t.year, t.month)),
    ]
    for count, bucket in buckets:
        seen: set[object] = set()
        for time in newest_first:
            key = bucket(time)
            if key not in seen:
                seen.add(key)
                keep.add(time)
                if len(seen) == count:
                    break
    return keep


def thin_backups(backup_dir: Path) -> list[Path]:
    """Delete backups beyond the promised set; returns what was removed."""
    backups = list_backups(backup_dir)
    keep = backups_to_keep(b.created for b in backups)
    kept_times: set[dt.datetime] = set()
    removed = []
    for backup in backups:  # newest first: of two in the same second, the newer name stays
        if backup.created in keep and backup.created not in kept_times:
            kept_times.add(backup.created)
            continue
        backup.path.unlink(missing_ok=True)
        removed.append(backup.path)
    return removed


def auto_backup(db: Database, now: dt.datetime | None = None) -> Path | None:
    """At start-up: back up when the newest backup is a day old and the data changed since; then thin."""
    source = db.file_path
    if source is None or not source.exists():
        return None
    now = now or dt.datetime.now()
    backups = list_backups(db.backup_dir)
    if backups:
        newest = backups[0]
        changed = source.stat().st_mtime > newest.path.stat().st_mtime
        if now - newest.created < AUTO_BACKUP_AGE or not changed:
            return None
    target = make_backup(source, db.backup_dir, "daily", now, db.key)
    os.utime(target, (now.timestamp(), now.timestamp()))  # "changed since" compares file times on one clock
    thin_backups(db.backup_dir)  # only after the new copy passed its integrity check
    return target


def backup_now(db: Database, target: Path | None = None) -> Path:
    """A manual backup into backups/; or, to a chosen folder or .zip (a USB stick), a bundle with the attachments."""
    source = db.file_path
    if source is None:
        raise AppError("当前使用的是数据库服务器，请由服务器管理员备份。")
    if target is None:
        made = make_backup(source, db.backup_dir, "manual", key=db.key)
        _audit_backup(db, "立即备份", f"备份：{made.name}")
        return made
    if target.is_dir():
        target = target / f"书记工作台备份-{dt.datetime.now():%Y%m%d-%H%M%S}.zip"
    # A name the person gave is kept, or refused: "b.db" silently becoming b.zip lost the file they looked for.
    target = output_file(target, (".zip",), "备份包")
    try:
        written = write_bundle(db, target)
    except OSError as exc:
        raise os_failure(exc, "写入备份包") from exc
    with db.session() as session:  # 开始使用 counts the backup place as set once a copy went there
        app_settings.store(
            session,
            OFFSITE_BACKUP_KEY,
            {"at": dt.datetime.now().isoformat(timespec="seconds"), "folder": str(written.parent)},
        )
    sealed = "已加密，" if db.key is not None else ""
    _audit_backup(db, "备份到其他位置", f"备份包（{sealed}含附件）：{written}")
    return written


def _audit_backup(db: Database, summary: str, details: str) -> None:
    """A backup the person asked for, in 操作记录 (the automatic daily ones are not: 从备份恢复 lists them)."""
    from desktop_app.core.domain.enums import AuditAction
    from desktop_app.core.storage.audit import AuditService

    AuditService(db).log(AuditAction.BACKUP, summary, details, "backup")


BUNDLE_DATABASE = "shuji.sqlite3"


def write_bundle(db: Database, target: Path) -> Path:
    """One .zip holding a verified copy of the database and every attachment file."""
    assert db.file_path is not None
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    copy = db.backup_dir / ".bundle-copy.sqlite3"
    try:
        copy_database(db.file_path, copy, db.key)
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
            bundle.write(copy, BUNDLE_DATABASE)
            if has_keys(db.data_dir):  # the wrapped keys: the password or recovery key opens the bundle elsewhere
                bundle.write(keys_path(db.data_dir), KEYS_FILENAME)
            if db.attachment_dir.is_dir():
                for path in sorted(db.attachment_dir.rglob("*")):
                    if path.is_file() and not path.name.endswith(".partial"):
                        bundle.write(path, f"attachments/{path.relative_to(db.attachment_dir).as_posix()}")
        partial.replace(target)
    except OSError as exc:
        raise AppError(f"备份失败：无法写入 {target}（{exc.strerror or exc}）") from exc
    finally:
        partial.unlink(missing_ok=True)
        copy.unlink(missing_ok=True)
    return target
