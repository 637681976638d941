"""Restoring a backup: refuse anything that is not a good backup of this app, keep a copy of the
current data first, copy the backup in with SQLite's backup API, migrate it, bring back attachments."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.errors import AppError
from desktop_app.core.storage import app_settings, audit, cipher, keys, migrate
from desktop_app.core.storage.backup import (
    ATTACHMENT_STORE,
    BUNDLE_DATABASE,
    copy_database,
    integrity_problems,
    make_backup,
)
from desktop_app.core.storage.database import Database, query_file
from desktop_app.core.storage.keys import KEYS_FILENAME
from desktop_app.core.storage.plain import REVISION_QUERY
from desktop_app.core.storage.targets import input_file

REQUIRED_TABLES = {"residents", "members", "care_actions", "meetings", "study_visits", "alembic_version"}
COUNTED = {
    "residents": "居民",
    "members": "党员",
    "care_actions": "关怀记录",
    "meetings": "三会一课",
    "study_visits": "学习考察",
}


RESTORING = ".restoring-"  # the folder a restore builds its file in; a killed restore's is removed at start


class InvalidBackupError(AppError):
    """The file chosen to restore from is missing, damaged, or not a backup of this program; nothing was changed."""


@dataclass(frozen=True)
class BackupContents:
    revision: str
    counts: dict[str, int]  # Chinese label -> records
    key: bytes | None = field(default=None, repr=False)  # what the backup opens with (None: plain)

    def describe(self) -> str:
        return "，".join(f"{label} {count}" for label, count in self.counts.items())


class BundleSecretRequiredError(AppError):
    """A bundle made with other data's key: its own password or recovery key opens it."""


@contextmanager
def database_file(source: Path) -> Iterator[Path]:
    """The database inside a backup: the file itself, or the one unpacked from a .zip bundle (with the
    bundle's wrapped keys beside it, if it has them)."""
    if zipfile.is_zipfile(source):
        with tempfile.TemporaryDirectory() as tmp:
            try:
                with zipfile.ZipFile(source) as bundle:
                    bundle.extract(BUNDLE_DATABASE, tmp)
                    if KEYS_FILENAME in bundle.namelist():
                        bundle.extract(KEYS_FILENAME, tmp)
            except (KeyError, zipfile.BadZipFile) as exc:
                raise InvalidBackupError(f"“{source.name}”不是书记工作台的备份包。") from exc
            yield Path(tmp) / BUNDLE_DATABASE
    else:
        yield source


@contextmanager
def carried_keys(source: Path) -> Iterator[Path | None]:
    """The wrapped keys a .zip bundle carries, unpacked to a temporary folder; None for a file without them."""
    if not zipfile.is_zipfile(source):
        yield None
        return
    with zipfile.ZipFile(source) as bundle, tempfile.TemporaryDirectory() as tmp:
        if KEYS_FILENAME not in bundle.namelist():
            yield None
            return
        yield Path(bundle.extract(KEYS_FILENAME, tmp))


def opens_with(path: Path, key: bytes | None) -> bool:
    """The file opens as a database with this key (None: as a plain file, as any SQLite program reads it)."""
    try:
        query_file(path, "SELECT count(*) FROM sqlite_master", key=key)
    except cipher.database_errors():
        return False
    return True


def file_key(path: Path, key: bytes | None, name: str, bundle_secret: str | None = None) -> bytes | None:
    """The key a backup file opens with: none for a plain one (an earlier version's), this data's key for
    its own backups, and for a bundle made with other data (another PC) the key its own password or
    recovery key unwraps from the keys it carries."""
    if cipher.is_plain(path):
        return None
    if key is not None and opens_with(path, key):
        return key
    if (path.parent / KEYS_FILENAME).is_file():
        if bundle_secret is None:
            raise BundleSecretRequiredError(
                f"备份包“{name}”来自另一份数据（如另一台电脑），需要输入它的密码或恢复密钥。"
            )
        try:
            bundle_key = keys.open_keys(path.parent, bundle_secret)
        except keys.WrongPasswordError as exc:
            raise keys.WrongPasswordError(f"这个密码或恢复密钥打不开备份包“{name}”，未做任何改动。") from exc
        if opens_with(path, bundle_key):
            return bundle_key
    raise InvalidBackupError(f"“{name}”不是书记工作台的备份文件（或是加密的，而没有能打开它的密钥），未做任何改动。")


def live_count(table_name: str) -> str:
    """SQLite's statement counting a table's records not in the 回收站, for a raw connection to a backup file (no
    engine opens it): made from the models' own predicate of live rows, so no SQL is written here."""
    from sqlalchemy import func, select, table
    from sqlalchemy.dialects import sqlite

    from desktop_app.core.storage.models import LIVE_ROWS

    counted = select(func.count()).select_from(table(table_name)).where(LIVE_ROWS)
    return str(counted.compile(dialect=sqlite.dialect()))


def inspect_backup(source: Path, key: bytes | None = None, bundle_secret: str | None = None) -> BackupContents:
    """Check that a file is a good backup of this app (encrypted ones open with `key`, or a bundle of other
    data with `bundle_secret`), and say what it holds."""
    source = Path(source)
    if not source.is_file():
        raise InvalidBackupError(f"找不到备份文件：{source}")
    with database_file(source) as path:
        key = file_key(path, key, source.name, bundle_secret)
        problems = integrity_problems(path, key=key)
        if problems:
            raise InvalidBackupError(f"备份文件“{source.name}”已损坏（{problems[0]}），不能用来恢复，未做任何改动。")
        conn = cipher.connect(f"file:{path}?mode=ro", key, uri=True)
        try:
            tables = {row[0] for row in conn.execute("select name from sqlite_master where type='table'")}
            if not tables >= REQUIRED_TABLES:
                raise InvalidBackupError(f"“{source.name}”不是书记工作台的备份文件（缺少数据表），未做任何改动。")
            revision = conn.execute(REVISION_QUERY).fetchone()
            counts = {label: conn.execute(live_count(table)).fetchone()[0] for table, label in COUNTED.items()}
        except cipher.database_errors() as exc:
            raise InvalidBackupError(f"备份文件“{source.name}”无法读取（{exc}），未做任何改动。") from exc
        finally:
            conn.close()
    if revision is None:
        raise InvalidBackupError(f"“{source.name}”没有数据版本信息，不是书记工作台的备份文件，未做任何改动。")
    if revision[0] not in migrate.known_revisions():
        raise InvalidBackupError(
            f"备份“{source.name}”由更新版本的书记工作台创建（数据版本 {revision[0]}），"
            "请先升级程序再恢复，未做任何改动。"
        )
    return BackupContents(revision[0], counts, key)


@dataclass(frozen=True)
class RestoreResult:
    contents: BackupContents
    safety_copy: Path
    attachments_restored: int


def restore_backup(db: Database, source: Path, bundle_secret: str | None = None) -> RestoreResult:
    """Replace the current data with a backup. The current data is backed up first. A bundle of other
    data opens with `bundle_secret` (its password or recovery key) and is re-keyed to this data's key."""
    source = Path(source)
    target = db.file_path
    if target is None:
        raise AppError("当前使用的是数据库服务器，请由服务器管理员恢复。")
    source = input_file(source, "备份文件")
    if source.resolve() == target.resolve():
        raise AppError("这是正在使用的数据文件本身，不能用它恢复自己。请选择 backups 文件夹中的备份或 .zip 备份包。")
    contents = inspect_backup(source, db.key, bundle_secret)
    with db.gate.replacing():
        safety_copy = keep_current(target, db.backup_dir, db.key)
        db.engine.dispose()  # no pooled connection may hold the old pages
        with database_file(source) as path, tempfile.TemporaryDirectory(prefix=RESTORING, dir=target.parent) as work:
            # The restored file is made whole beside the target, checked, then renamed over it: an interruption
            # leaves the old file (kept as a backup above too) or the restored one, never a mixture.
            restoring = Path(work) / "restoring.sqlite3"
            if contents.key == db.key:
                copy_database(path, restoring, db.key)
            else:  # an earlier version's plain backup, or other data's bundle: under this data's key on the way
                cipher.export_copy(path, restoring, db.key, contents.key)
                problems = integrity_problems(restoring, key=db.key)
                if problems:
                    raise AppError(f"恢复的数据校验未通过（{problems[0]}），当前数据没有改动。")
            Path(f"{target}-journal").unlink(missing_ok=True)  # a hot journal belongs to the file being replaced
            restoring.replace(target)
            restored = _restore_attachments(source, db, contents.key)
        migrate.upgrade(db.engine, backup_dir=db.backup_dir, db_file=target, key=db.key)
        with db.session() as session:
            app_settings.reseal_secrets(session, contents.key, db.key)  # another copy's secrets, under this key
            audit.record(
                session,
                AuditAction.RESTORE_BACKUP,
                summary="从备份恢复",
                details=f"备份：{source}（{contents.describe()}）；恢复前的数据已备份到：{safety_copy}",
            )
    return RestoreResult(contents, safety_copy, restored)


def keep_current(target: Path, backup_dir: Path, key: bytes | None = None) -> Path:
    """A copy of the data about to be replaced: verified if it is healthy, byte for byte if it is damaged."""
    if target.exists() and integrity_problems(target, quick=True, key=key):
        backup_dir.mkdir(parents=True, exist_ok=True)
        damaged = backup_dir / f"{datetime.now():%Y%m%d-%H%M%S}-damaged.sqlite3.keep"
        shutil.copyfile(target, damaged)
        return damaged
    return make_backup(target, backup_dir, "before-restore", key=key)


def _restore_attachments(source: Path, db: Database, source_key: bytes | None) -> int:
    """Bring back attachment files the data directory lacks, from the bundle or the backup store; files
    sealed under another data's key (a bundle from another PC) are sealed anew under this data's key."""
    restored = 0
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as bundle:
            for name in bundle.namelist():
                if name.startswith("attachments/") and not name.endswith("/"):
                    relative = Path(name.removeprefix("attachments/"))
                    restored += _bring_back(bundle.read(name), relative, db, source_key)
        return restored
    store = source.parent / ATTACHMENT_STORE
    if store.is_dir():
        for path in store.rglob("*"):
            if path.is_file() and not path.name.endswith(".partial"):
                restored += _bring_back(path.read_bytes(), path.relative_to(store), db, source_key)
    return restored


def _bring_back(data: bytes, relative: Path, db: Database, source_key: bytes | None) -> int:
    """One attachment file into the data directory, as this data keeps it; 1 if it was missing."""
    if db.key is not None:
        if data.startswith(cipher.SEALED_MARKER):
            if source_key != db.key:
                data = cipher.seal(cipher.unseal(data, source_key or db.key), db.key)
        else:  # an earlier version's plain file
            data = cipher.seal(data, db.key)
            relative = relative.with_name(relative.stem + cipher.SEALED_SUFFIX)
    target = db.attachment_dir / relative
    if target.exists():
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(data)
    partial.replace(target)
    return 1
