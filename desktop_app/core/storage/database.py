"""Engine and short-lived sessions, built from a data directory chosen at start-up."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, func
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from desktop_app.core.domain.errors import (
    AppError,
    ConcurrentWriteError,
    DatabaseEnvironmentError,
    PermissionRefusedError,
)
from desktop_app.core.storage import cipher
from desktop_app.core.storage.changes import Change, ChangeFeed, taken, track_changes
from desktop_app.core.storage.paths import ATTACHMENT_DIRNAME, BACKUP_DIRNAME, DATABASE_FILENAME
from desktop_app.core.storage.plain import Reader
from desktop_app.core.storage.roles import Reach, hide_unseen, read_reach

if TYPE_CHECKING:
    from desktop_app.core.storage.server_notify import OwnConnections, ServerChangeListener

BUSY_TIMEOUT_MS = 5000

BUSY_MESSAGE = (
    "另一个程序正在使用数据文件（可能是另一个书记工作台、备份软件或杀毒软件），"
    "请稍后重试或关闭占用它的程序。数据文件没有损坏。"
)

# Failures of the machine rather than of the program, by SQLite's own result code (the primary code
# of an extended one: SQLITE_IOERR_WRITE is an SQLITE_IOERR). CORRUPT and NOTADB are not here: they
# mean the file itself is bad. An error the table does not know is a bug and gets a crash dialog.
_ENVIRONMENT_CODES = {
    "SQLITE_BUSY": BUSY_MESSAGE,
    "SQLITE_LOCKED": BUSY_MESSAGE,
    "SQLITE_FULL": "磁盘空间已满，无法保存。请清理磁盘后重试，已保存的数据不受影响。",
    "SQLITE_READONLY": "数据文件是只读的，无法保存。请检查数据目录的写入权限。",
    "SQLITE_CANTOPEN": "无法打开数据文件，数据目录可能已被删除、移走或没有访问权限。",
    "SQLITE_PERM": "没有访问数据文件的权限。请检查数据目录的权限。",
    "SQLITE_IOERR": "读写磁盘出错（可能是磁盘已满、U 盘被拔出或网络盘断开）。",
}
# Extended codes that say more than their primary one: which read-only, and why. Asked first.
_EXTENDED_CODES = {
    "SQLITE_READONLY_ROLLBACK": "上次保存时程序被中断（例如断电），数据文件需要恢复，但数据文件或数据目录是只读的，"
    "无法恢复。请检查数据目录的写入权限后重新打开程序；恢复后数据与中断前最后一次保存时相同。",
    # The journal of a cut-off save is rolled back, and then cannot be removed: a protected folder.
    "SQLITE_IOERR_DELETE": "上次保存时程序被中断（例如断电），数据文件需要恢复，但数据目录是只读的或受保护，"
    "恢复时无法删除数据文件旁边的日志文件。请检查数据目录的写入权限后重新打开程序。",
    "SQLITE_READONLY_DBMOVED": "数据文件在程序使用它时被移动、改名或删除，无法继续保存。"
    "请把数据目录放回原处，然后重新打开程序。",
    "SQLITE_READONLY_DIRECTORY": "数据目录是只读的，无法在其中保存（保存时需要在数据文件旁边建立临时文件）。"
    "请检查数据目录的写入权限。",
    "SQLITE_READONLY_RECOVERY": "数据文件需要恢复，但数据目录是只读的，无法恢复。请检查数据目录的写入权限。",
    "SQLITE_READONLY_CANTLOCK": "无法在数据目录中建立锁文件（数据目录可能是只读的）。请检查数据目录的写入权限。",
    "SQLITE_READONLY_CANTINIT": "无法在数据目录中建立锁文件（数据目录可能是只读的）。请检查数据目录的写入权限。",
}
# Other drivers (and SQLAlchemy's own wrappers) carry no SQLite code: their words, as a fallback.
_ENVIRONMENT_WORDS = (
    ("database or disk is full", _ENVIRONMENT_CODES["SQLITE_FULL"]),
    ("readonly database", _ENVIRONMENT_CODES["SQLITE_READONLY"]),
    ("database is locked", BUSY_MESSAGE),
    ("unable to open database file", _ENVIRONMENT_CODES["SQLITE_CANTOPEN"]),
    ("disk i/o error", _ENVIRONMENT_CODES["SQLITE_IOERR"]),
)


def environment_failure(exc: BaseException) -> DatabaseEnvironmentError | None:
    """The one classifier of database failures: the environment's (a plain message), else None (a bug,
    or a damaged file). The GUI, the CLI and the start-up check all ask it."""
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    name = getattr(original, "sqlite_errorname", None)
    if isinstance(name, str):
        if name in _EXTENDED_CODES:
            return DatabaseEnvironmentError(_EXTENDED_CODES[name])
        primary = next((code for code in _ENVIRONMENT_CODES if name == code or name.startswith(code + "_")), None)
        return DatabaseEnvironmentError(_ENVIRONMENT_CODES[primary]) if primary else None
    if (isinstance(exc, DBAPIError) and exc.connection_invalidated) or _server_unreachable(original):
        return DatabaseEnvironmentError(SERVER_AWAY_MESSAGE)
    if not isinstance(original, (*cipher.database_errors(), OperationalError)):
        return None
    text = str(original).lower()
    for needle, message in _ENVIRONMENT_WORDS:
        if needle in text:
            return DatabaseEnvironmentError(message)
    return None


CONCURRENT_WRITE_MESSAGE = (
    "保存时发现要改的记录刚刚被别人修改了，为了不覆盖对方的修改，这次什么都没有保存。"
    "请重新打开这条记录，看过对方的修改后再改。"
)
SERVER_AWAY_MESSAGE = (
    "连接不上数据库服务器，或连接断开了（服务器没有响应或网络不通），刚才的操作没有完成。没有保存的内容都还在："
    "请检查网络，稍后再试一次；不会改用本机的数据。"
)
# libpq's words for a server that cannot be reached or went away (psycopg carries no code for them).
_SERVER_AWAY_WORDS = (
    "connection failed",
    "could not connect",
    "server closed the connection unexpectedly",
    "terminating connection",
    "connection timeout expired",
    "the connection is closed",
    "consuming input failed",
    "connection is lost",
)


def _server_unreachable(original: BaseException | None) -> bool:
    if type(original).__module__.split(".")[0] != "psycopg" or type(original).__name__ != "OperationalError":
        return False
    text = str(original).lower()
    return any(words in text for words in _SERVER_AWAY_WORDS)


REFUSED_BY_ROLE = (
    "服务器拒绝了这个操作：您的账号{role}没有这样做的权限（由服务器上的角色决定），什么也没有保存。"
    "如确需这样做，请书记或管理服务器的人处理。"
)


def raise_if_refused(exc: BaseException, role_label: str) -> None:
    """The server refused what this login's role may not do (SQLSTATE 42501): said in Chinese, never as the
    driver's words. The server's own message when it is ours (the 回收站 and audit triggers speak Chinese)."""
    original = getattr(exc, "orig", None)
    if getattr(original, "sqlstate", None) != "42501":
        return
    said = str(original).splitlines()[0] if str(original) else ""
    if any("\u4e00" <= char <= "\u9fff" for char in said):
        raise PermissionRefusedError(said if said.endswith("。") else f"{said}，什么也没有保存。") from exc
    raise PermissionRefusedError(REFUSED_BY_ROLE.format(role=f"（{role_label}）" if role_label else "")) from exc


def raise_if_environment(exc: BaseException) -> None:
    """A failure of the machine is raised as the person should read it (see environment_failure); anything else
    returns, for the caller to raise as it is or judge."""
    failure = environment_failure(exc)
    if failure is not None:
        raise failure from exc


def query_file(path: Path, sql: str, mode: str = "ro", key: bytes | None = None) -> list[tuple[Any, ...]]:
    """One statement on an SQLite file outside the engine (checks before it is opened), never creating it;
    an encrypted file is opened with `key`. The live data file is probed with `mode="rw"`: a save cut off by a
    crash leaves a hot journal, which only a read-write connection rolls back (a read-only one fails as if
    the file were read-only).

    A failure of the machine raises DatabaseEnvironmentError; any other DatabaseError (a damaged, foreign
    or wrongly keyed file) is raised as it is, for the caller to judge.
    """
    try:
        conn = cipher.connect(f"file:{path}?mode={mode}", key, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            return list(conn.execute(sql).fetchall())
        finally:
            conn.close()
    except cipher.database_errors() as exc:
        raise_if_environment(exc)
        raise


def _set_sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        # A rollback journal, not WAL: WAL breaks on network drives.
        cursor.execute("PRAGMA journal_mode=DELETE")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with the wildcards in it escaped (ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_text_of(columns: Sequence[Any]) -> Any:
    """SQL that builds a record's search_text from its searchable columns: one definition for every writer, the
    program's (RecordService.refresh_search_text) and the server's (a 社工's resident, storage.server)."""
    parts = [func.coalesce(column, "") for column in columns]
    joined: Any = parts[0]
    for part in parts[1:]:
        joined = joined + " " + part
    return func.lower(joined)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def build_engine(url: str, key: bytes | None = None, password: str | None = None) -> Engine:
    """The engine; an SQLite file with a `key` is opened through SQLCipher, keyed on every new connection. A
    server's `password` (typed at sign-in, or from the keyring) is handed to the driver, never put in the URL."""
    # Long work (exports, imports) runs on a worker thread; a pooled connection is still
    # used by one thread at a time, so SQLite's same-thread check is not needed.
    on_file = url.startswith("sqlite")
    connect_args: dict[str, Any] = {"check_same_thread": False} if on_file else {}
    options: dict[str, Any] = {"module": cipher.sqlcipher()} if key is not None and on_file else {}
    if not on_file:
        # A connection the server or the network dropped is found before use and opened again: the next try
        # after the server is back simply works.
        options["pool_pre_ping"] = True
        if password is not None:
            connect_args["password"] = password
    try:
        # hide_parameters: a failed statement's message (in a log, a crash report) must not carry the
        # values being saved (phones, ID numbers, illness).
        engine = create_engine(url, connect_args=connect_args, hide_parameters=True, **options)
    except ArgumentError as exc:  # includes an unknown database kind (NoSuchModuleError)
        raise AppError(
            f"数据库地址无法识别：{url}。地址应写成 postgresql+psycopg://用户@服务器/数据库 这样的形式。"
        ) from exc
    except ImportError as exc:
        raise AppError(
            f"连接这种数据库需要的组件（{exc.name or exc}）没有安装，请联系技术支持；本机的数据不受影响。"
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
        if key is not None:
            # Before anything else on the connection: nothing can be read before the key is set.
            event.listen(engine, "connect", partial(_set_key, key), insert=True)
    return engine


# Decrypted pages kept per connection (KiB, negative as SQLite counts it): a plain file's pages come back
# from the OS cache for nothing, an encrypted one's are decrypted and checked again on every read.
ENCRYPTED_PAGE_CACHE_KIB = 64 * 1024


def _set_key(key: bytes, dbapi_connection: Any, _record: object) -> None:
    dbapi_connection.execute("PRAGMA cipher_log_level = NONE")
    dbapi_connection.execute(cipher.key_pragma(key))
    dbapi_connection.execute(f"PRAGMA cache_size = -{ENCRYPTED_PAGE_CACHE_KIB}")


class ReplacementGate:
    """Reads share the data file; replacing it (a restore) waits for the reads under way and holds new
    ones back until the file is whole and migrated again. A list that fills its rows while a restore
    runs in the background waits for it instead of reading half a file or an old schema.

    A waiting replacement goes first (a list reading in a loop would otherwise keep it out), except for
    a thread that is already reading: its nested read goes on, or it would wait for itself. The thread
    that replaces may read too (the restore migrates and audits through the same database)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._reads: dict[int, int] = {}  # thread -> reads under way
        self._replacer: int | None = None
        self._waiting_replacers = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._changed:
            if me not in self._reads and self._replacer != me:
                self._changed.wait_for(lambda: self._replacer is None and not self._waiting_replacers)
            self._reads[me] = self._reads.get(me, 0) + 1
        try:
            yield
        finally:
            with self._changed:
                self._reads[me] -= 1
                if not self._reads[me]:
                    del self._reads[me]
                self._changed.notify_all()

    @contextmanager
    def replacing(self) -> Iterator[None]:
        with self._changed:
            self._waiting_replacers += 1
            self._changed.wait_for(lambda: self._replacer is None and not self._reads)
            self._waiting_replacers -= 1
            self._replacer = threading.get_ident()
        try:
            yield
        finally:
            with self._changed:
                self._replacer = None
                self._changed.notify_all()


@dataclass
class Database:
    """The open database: the engine plus where its files live."""

    engine: Engine
    data_dir: Path
    key: bytes | None = field(default=None, repr=False)  # the data key of an encrypted file
    # What opening it encrypted of an earlier version's plain data, to tell the person once.
    conversion_report: str | None = field(default=None, repr=False)
    _factory: sessionmaker[Session] = field(init=False, repr=False)
    gate: ReplacementGate = field(default_factory=ReplacementGate, repr=False)
    # Told what each successful commit wrote (tables and row keys): pages showing that data read it afresh.
    changes: ChangeFeed = field(default_factory=ChangeFeed, repr=False)
    _own_connections: OwnConnections | None = field(init=False, default=None, repr=False)
    _listener: ServerChangeListener | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        track_changes(self._factory)
        if not self.is_sqlite:
            from desktop_app.core.storage.server_notify import OwnConnections  # the models: not on the PC's start

            self._own_connections = OwnConnections(self.engine)

    def listen_for_others(self) -> None:
        """On a server, `changes` tells from now on what other clients commit too (see storage.server_notify);
        on the PC nobody else writes."""
        if self._own_connections is not None and self._listener is None:
            from desktop_app.core.storage.server_notify import ServerChangeListener

            self._listener = ServerChangeListener(self.engine, self.changes, self._own_connections).start()

    @cached_property
    def reach(self) -> Reach:
        """What the signed-in login may see and do (storage.roles): everything on this PC's file."""
        if self.is_sqlite:
            return Reach()
        with self.engine.connect() as connection:
            reach = read_reach(connection)
        hide_unseen(self._factory, reach)
        return reach

    @cached_property
    def _reading_engine(self) -> Engine:
        """A server's read sessions run in autocommit: each statement is its own transaction, which reads exactly
        what it would inside one (READ COMMITTED, PostgreSQL's default, takes a snapshot per statement anyway), and
        a read is spared the BEGIN and the ROLLBACK, two of its round trips (a search's two reads: 8 → 4). The same
        pool and events as `engine`; the connection is back out of autocommit when it returns to the pool."""
        return self.engine.execution_options(isolation_level="AUTOCOMMIT")

    @property
    def listener(self) -> ServerChangeListener | None:
        return self._listener

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def file_path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        if not self.is_sqlite:
            return None
        database = make_url(str(self.engine.url)).database
        return Path(database) if database else None

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / BACKUP_DIRNAME

    @property
    def attachment_dir(self) -> Path:
        return self.data_dir / ATTACHMENT_DIRNAME

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any exception."""
        with self._session(commit=True) as session:
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reads only; nothing is committed."""
        with self._session(commit=False) as session:
            yield session

    @contextmanager
    def _session(self, commit: bool) -> Iterator[Session]:
        path = self.file_path
        if commit and path is not None and not path.exists():
            # SQLite would keep writing into the deleted file, and everything would be lost on exit.
            raise DatabaseEnvironmentError(
                f"数据文件 {path} 已不存在（数据目录可能被删除或移走），无法保存。"
                "请不要关闭程序，先把数据目录放回原处，或联系技术支持。"
            )
        change = Change()
        reach = self.reach  # read once, before the first session: its sessions hide what the login may not read
        with self.gate.reading():
            session = self._factory() if commit or self.is_sqlite else self._factory(bind=self._reading_engine)
            try:
                yield session
                if commit:
                    session.commit()
                    change = taken(session)
            except StaleDataError as exc:
                session.rollback()
                raise ConcurrentWriteError(CONCURRENT_WRITE_MESSAGE) from exc
            except BaseException as exc:
                session.rollback()
                raise_if_environment(exc)
                raise_if_refused(exc, reach.label)
                raise
            finally:
                session.close()
        self.changes.publish(change)  # after the commit, outside the session: a listener may read at once

    @contextmanager
    def plain(self) -> Iterator[Reader]:
        """Reads through the driver alone (see storage.plain), on a pooled connection in a read transaction."""
        with self.read_session() as session:
            yield Reader(session.connection().connection.driver_connection, self.engine.dialect.paramstyle)

    def fetch_ids(self, stmt: Any) -> list[int]:
        """Integer ids of a one-column query (a list opens with the ids of every matching record)."""
        return [row[0] for row in self.fetch_stored(stmt)]

    def fetch_stored(self, stmt: Any, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Rows of a query as the database stores them, read straight from the driver's cursor.

        Lists read 50,000 ids at a time and thousands of cells while scrolling; going around
        SQLAlchemy's per-row result processing makes that 2-3x faster. Values are not converted:
        dates come as ISO text (on SQLite), money as whole fen, JSON as text.

        All rows are read in one short transaction, also for an export of the whole ledger: under a
        rollback journal a reader keeps every writer out, and a cursor held open while a workbook is
        written (seconds) made a secretary's save wait and fail as "busy".
        """
        with self.read_session() as session:
            result = session.connection().execute(stmt, params or {})
            try:
                return list(result.cursor.fetchall())
            finally:
                result.close()

    def dispose(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        self.engine.dispose()


def database_path(data_dir: Path) -> Path:
    return data_dir / DATABASE_FILENAME
