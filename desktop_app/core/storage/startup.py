"""Opening the data directory: engine, migrations (after a backup), ready to use."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from desktop_app.core.domain.errors import AppError, DatabaseDamagedError, PasswordRequiredError
from desktop_app.core.storage import app_settings, cipher, migrate, security_events
from desktop_app.core.storage.backup import integrity_problems, list_backups
from desktop_app.core.storage.conversion import encrypt_data, needs_encrypting
from desktop_app.core.storage.database import (
    Database,
    build_engine,
    database_path,
    query_file,
    raise_if_environment,
    sqlite_url,
)
from desktop_app.core.storage.keys import WrongPasswordError
from desktop_app.core.storage.paths import BACKUP_DIRNAME, has_keys, resolve_data_dir
from desktop_app.core.storage.restore import RESTORING
from desktop_app.core.storage.targets import os_failure


def check_health(db_file: Path, backup_dir: Path, key: bytes | None = None) -> None:
    """The start-up quick_check: a damaged file is not opened; the newest good backup is offered."""
    problems = integrity_problems(db_file, quick=True, key=key)
    if not problems:
        return
    from desktop_app.core.storage.restore import InvalidBackupError, inspect_backup

    good = None
    for backup in list_backups(backup_dir):
        try:
            inspect_backup(backup.path, key)
        except InvalidBackupError:
            continue
        good = backup
        break
    offer = (
        f"可以从最近的完好备份（{good.created:%Y-%m-%d %H:%M}）恢复。"
        if good
        else "没有找到完好的备份，请联系技术支持，不要删除数据文件。"
    )
    raise DatabaseDamagedError(
        f"数据文件 {db_file} 检查未通过（{problems[0]}），为保护数据没有打开它。{offer}", good.path if good else None
    )


def refuse_foreign_file(db_file: Path) -> None:
    """An empty file, or another program's SQLite database, is never turned into ours: creating our
    tables in it would hide what it is. A brand-new data directory (no file yet) is set up as usual."""
    if db_file.stat().st_size == 0:
        raise AppError(
            f"数据文件 {db_file} 是空的（0 字节），可能是复制中断或被其他程序清空。为保护数据没有打开它；"
            "请从备份恢复，或把它移走后重新打开（会建立新的空白数据）。"
        )
    try:
        tables = {
            row[0] for row in query_file(db_file, "SELECT name FROM sqlite_master WHERE type = 'table'", mode="rw")
        }
    except cipher.database_errors():
        return  # not a database at all: the health check says damaged and offers a backup
    if tables and "alembic_version" not in tables:
        raise AppError(f"数据文件 {db_file} 是其他程序的数据库，不是书记工作台的数据文件。为保护它没有做任何改动。")


def needs_new_keys(data_dir: Path) -> bool:
    """Data without keys yet that the program may key: a folder with no data file, or the plain file of an
    earlier version (an empty or foreign file is refused here, before anything is made)."""
    db_file = database_path(data_dir)
    if has_keys(data_dir):
        return False
    if not db_file.exists():
        return True
    refuse_foreign_file(db_file)
    return cipher.is_plain(db_file)


def opening_key(db_file: Path, data_dir: Path, key: bytes | None) -> bytes | None:
    """The key the file needs now: none while it is plain (an earlier version's, or a conversion not yet
    done), the data key once encrypted. An encrypted file is never judged without its key: that is no
    damage, and must never lead to an offer to restore over it. The probe is read-write, as every first look
    at the live file is (see query_file): it rolls back a save a crash cut off."""
    if db_file.stat().st_size == 0 or cipher.is_plain(db_file):
        return None
    if key is not None:
        try:
            query_file(db_file, "SELECT count(*) FROM sqlite_master", mode="rw", key=key)
        except cipher.database_errors() as exc:
            raise_if_environment(exc)
            raise WrongPasswordError("数据文件无法用这个密钥打开：密码或恢复密钥不属于这份数据。") from exc
        return key
    if has_keys(data_dir):
        raise PasswordRequiredError("这份数据已加密，需要输入密码才能打开。")
    return None  # neither our plain file nor keys to open it: the health check judges it


CREATING_SUFFIX = ".creating"


def creating_path(db_file: Path) -> Path:
    """Where a new data file is built before it is whole."""
    return db_file.with_name(db_file.name + CREATING_SUFFIX)


def create_database(db_file: Path, key: bytes) -> None:
    """A new data file, whole or not at all: built, keyed and migrated under a temporary name, then renamed
    into place. A first start cut off at any moment leaves no data file (the next start begins again,
    quietly) or a complete one; never an empty file that a later start would have to refuse."""
    building = creating_path(db_file)
    discard_unfinished_creation(db_file)
    engine = build_engine(sqlite_url(building), key)
    try:
        migrate.upgrade(engine, key=key)
    except DBAPIError as exc:
        raise_if_environment(exc)
        raise
    finally:
        engine.dispose()
    try:
        with building.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(building, db_file)
        sync_folder(db_file.parent)
    except OSError as exc:
        raise os_failure(exc, "建立数据文件") from exc


def discard_unfinished_creation(db_file: Path) -> None:
    """What a cut-off first start left under the temporary name: the program's own, never a person's data."""
    building = creating_path(db_file)
    for leftover in (building, building.with_name(building.name + "-journal")):
        leftover.unlink(missing_ok=True)


def sync_folder(folder: Path) -> None:
    """A rename is durable once its folder is synced (POSIX; Windows has no such call and needs none)."""
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove_leftovers(backup_dir: Path) -> None:
    """Half-written copies a killed backup left behind (whole files appear only under their final names)."""
    if not backup_dir.is_dir():
        return
    for leftover in [*backup_dir.glob("*.partial"), backup_dir / ".bundle-copy.sqlite3"]:
        leftover.unlink(missing_ok=True)


def open_database(
    data_dir: str | os.PathLike[str] | None = None,
    url: str | None = None,
    check: bool = True,
    key: bytes | None = None,
    check_integrity: bool = True,
    password: str | None = None,
) -> Database:
    """Open (creating if needed) and migrate the database.

    `url` selects another database server (e.g. PostgreSQL); the data directory
    still holds backups, attachments and logs. `check=False` skips the health check
    and the migration, for restoring a backup over a damaged file. `key` is the data key
    (`keys.open_keys`): a new file is created encrypted with it, and plain files an earlier
    version left are encrypted first (`conversion.encrypt_data`). `check_integrity=False` leaves out the
    quick_check of the whole file (after a normal last run the GUI runs it in the background instead).
    `password`: a server's, typed at sign-in (never in `url`).
    """
    directory = resolve_data_dir(data_dir)
    if directory.exists() and not directory.is_dir():
        raise AppError(f"数据目录“{directory}”是一个文件，不是文件夹。")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise os_failure(exc, "创建数据目录") from exc
    db_file: Path | None = None
    converted: str | None = None
    if url is None:
        db_file = database_path(directory)
        url = sqlite_url(db_file)
        if db_file.exists():
            discard_unfinished_creation(db_file)
            file_key = opening_key(db_file, directory, key)
            if file_key is None:
                refuse_foreign_file(db_file)
            if check and check_integrity:
                check_health(db_file, directory / BACKUP_DIRNAME, file_key)
        elif key is None:
            raise AppError(
                f"数据目录“{directory}”中还没有数据。新的数据必须先设置密码才能建立（数据要加密保存），什么也没有做。"
            )
        else:
            create_database(db_file, key)
        remove_leftovers(directory / BACKUP_DIRNAME)
        for unfinished in directory.glob(f"{RESTORING}*"):
            shutil.rmtree(unfinished, ignore_errors=True)
        if key is not None and check and needs_encrypting(db_file, directory / BACKUP_DIRNAME):
            converted = encrypt_data(db_file, directory / BACKUP_DIRNAME, key).describe()
    engine = build_engine(url, key if db_file is not None else None, password)
    db = Database(engine, directory, key if db_file is not None else None)
    db.conversion_report = converted
    if not check:
        return db  # for restoring over a damaged file: no check, no migration
    try:
        migrate.upgrade(engine, backup_dir=db.backup_dir, db_file=db_file, key=db.key)
    except DBAPIError as exc:
        engine.dispose()
        if db_file is None and isinstance(exc, OperationalError):  # before the general words: name the server
            raise AppError(
                f"无法连接数据库服务器（{make_url(url).host or '本机'}）：服务器没有响应或拒绝了连接。"
                "请检查服务器地址、网络和服务器是否在运行，稍后再试；本机的数据不受影响。"
            ) from exc
        raise_if_environment(exc)
        raise AppError(
            f"无法打开数据文件 {db_file or url}：文件已损坏，或不是书记工作台的数据文件（{exc.orig}）"
        ) from exc
    except BaseException:
        engine.dispose()
        raise
    if db.key is not None:
        with db.session() as session:  # secrets an earlier version kept plain, sealed under the data key
            app_settings.reseal_secrets(session, db.key, db.key)
    if key is not None:
        security_events.record_pending(db)  # what happened while the data was closed: wrong passwords, 设置密码…
    return db


def restore_over_damaged(
    data_dir: str | os.PathLike[str] | None, url: str | None, backup: Path, key: bytes | None = None
) -> Database:
    """After the person agreed: replace a damaged data file with a backup (the damaged file is kept as it
    was), then open the restored data as usual."""
    from desktop_app.core.storage.restore import restore_backup

    raw = open_database(data_dir, url, check=False, key=key)
    try:
        restore_backup(raw, backup)
    finally:
        raw.dispose()
    return open_database(data_dir, url, key=key)
