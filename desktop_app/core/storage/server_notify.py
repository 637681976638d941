"""Live pages on a server: what another client saved, told to this one within a moment.

Triggers on every table of the program send a notification after each statement that wrote rows (PostgreSQL
NOTIFY, delivered when the writer commits) carrying only the table's name and the written rows' keys: NOTIFY
ignores row-level security, so a notification must hold nothing a listener may not see, and each client reads
the rows afresh through its own rights. One listening connection per client waits on its socket (no statement
is sent while nothing happens) and hands each notification to the client's `ChangeFeed`, as a commit of its own
would be told; notifications of the client's own connections are left out (their commits were told already).

`install_change_triggers` is what `desktop-app server init` runs (idempotent: CREATE OR REPLACE).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import DBAPIError

from desktop_app.core.storage.changes import Change, ChangeFeed, RowKey
from desktop_app.core.storage.models import Base

if TYPE_CHECKING:
    import psycopg  # the server's driver, installed with the server extra

CHANNEL = "shuji_changes"
# More rows than this in one statement (an import) are told as "this table changed": a notification holds at
# most 8000 bytes, and a page reads its rows afresh either way.
MAX_KEYS = 100
FUNCTION = "shuji_notify_change"
# The listener wakes this often to see whether it is to stop; it sends nothing to the server meanwhile.
WAKE_SECONDS = 1.0
RECONNECT_SECONDS = (1, 2, 5, 10, 30)

log = logging.getLogger(__name__)

_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$
DECLARE
    written integer;
    row_keys jsonb;
BEGIN
    -- changed_rows: the statement's transition table (new rows, or the old ones of a DELETE).
    IF TG_NARGS = 0 THEN
        PERFORM 1 FROM changed_rows LIMIT 1;
        IF FOUND THEN
            PERFORM pg_notify('{CHANNEL}', jsonb_build_object('table', TG_TABLE_NAME)::text);
        END IF;
        RETURN NULL;
    END IF;
    SELECT count(*), jsonb_agg(row_key) INTO written, row_keys
        FROM (SELECT DISTINCT to_jsonb(r) -> TG_ARGV[0] AS row_key FROM changed_rows r LIMIT {MAX_KEYS + 1}) k;
    IF written > 0 THEN
        IF written > {MAX_KEYS} THEN
            row_keys := NULL;
        END IF;
        PERFORM pg_notify('{CHANNEL}', jsonb_build_object('table', TG_TABLE_NAME, 'keys', row_keys)::text);
    END IF;
    RETURN NULL;
END
$body$
"""

_EVENTS = {"insert": "NEW", "update": "NEW", "delete": "OLD"}


def install_change_triggers(connection: Connection, tables: Collection[str] | None = None) -> list[str]:
    """Create (or replace) the notification triggers on the program's tables present in the database (or on
    `tables`); returns the tables they are on. Run by the database's owner, in the caller's transaction."""
    connection.execute(text(_FUNCTION_SQL))
    wanted = [table for table in Base.metadata.sorted_tables if tables is None or table.name in tables]
    installed = []
    for table in wanted:
        if connection.scalar(text("SELECT to_regclass(:name)"), {"name": f"public.{table.name}"}) is None:
            continue
        key = list(table.primary_key.columns)
        argument = f"'{key[0].name}'" if len(key) == 1 else ""
        for event_name, transition in _EVENTS.items():
            connection.execute(
                text(
                    f'CREATE OR REPLACE TRIGGER "{FUNCTION}_{event_name}" AFTER {event_name.upper()} ON "{table.name}"'
                    f" REFERENCING {transition} TABLE AS changed_rows FOR EACH STATEMENT"
                    f" EXECUTE FUNCTION {FUNCTION}({argument})"
                )
            )
        installed.append(table.name)
    return installed


def change_of(payload: str) -> Change:
    """A notification's payload as the change it tells (keys none when the statement wrote too many)."""
    told = json.loads(payload)
    keys: list[RowKey] = told.get("keys") or []
    return Change({str(told["table"]): frozenset(keys)}, elsewhere=True)


def everything_changed() -> Change:
    """After the listener was cut off: what it may have missed is anything."""
    return Change({table: frozenset() for table in Base.metadata.tables}, elsewhere=True)


class OwnConnections:
    """The server processes of this client's own connections: their notifications are its own commits."""

    def __init__(self, engine: Engine) -> None:
        self._pids: set[int] = set()
        self._lock = threading.Lock()
        event.listen(engine, "connect", self._opened)
        event.listen(engine, "close", self._closed)
        event.listen(engine, "close_detached", self._closed_detached)

    def _opened(self, dbapi_connection: object, record: object) -> None:
        pid = getattr(getattr(dbapi_connection, "info", None), "backend_pid", None)
        if isinstance(pid, int):
            with self._lock:
                self._pids.add(pid)

    def _closed(self, dbapi_connection: object, _record: object) -> None:
        self._closed_detached(dbapi_connection)

    def _closed_detached(self, dbapi_connection: object) -> None:
        pid = getattr(getattr(dbapi_connection, "info", None), "backend_pid", None)
        with self._lock:
            self._pids.discard(pid if isinstance(pid, int) else -1)

    def __contains__(self, pid: object) -> bool:
        with self._lock:
            return pid in self._pids


class ServerChangeListener:
    """One listening connection per client, on a thread of its own; reconnects after the server was away and
    then tells that anything may have changed."""

    def __init__(self, engine: Engine, feed: ChangeFeed, own: OwnConnections) -> None:
        self._engine = engine
        self._feed = feed
        self._own = own
        self._stop = threading.Event()
        self.listening = threading.Event()  # set while LISTEN is in force (tests wait for it)
        self._thread = threading.Thread(target=self._run, name="server-changes", daemon=True)

    def start(self) -> ServerChangeListener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(WAKE_SECONDS * 3)

    def _run(self) -> None:
        import psycopg

        attempt = 0
        while not self._stop.is_set():
            try:
                self._listen(tell_missed=attempt > 0)
                attempt = 0
            except (DBAPIError, psycopg.Error, OSError) as exc:  # the server is away: wait, then listen again
                self.listening.clear()
                log.warning("listening for other clients' changes failed: %s", type(exc).__name__)
                self._stop.wait(RECONNECT_SECONDS[min(attempt, len(RECONNECT_SECONDS) - 1)])
                attempt += 1

    def _listen(self, tell_missed: bool) -> None:
        pooled = self._engine.raw_connection()
        connection = cast("psycopg.Connection[Any]", pooled.driver_connection)
        pooled.detach()  # in autocommit for good: never handed back to the sessions' pool
        try:
            connection.autocommit = True
            connection.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            if tell_missed:
                self._feed.publish(everything_changed())
            while not self._stop.is_set():
                for note in connection.notifies(timeout=WAKE_SECONDS):
                    if note.pid not in self._own:
                        self._feed.publish(change_of(note.payload))
                    if self._stop.is_set():
                        break
        finally:
            self.listening.clear()
            pooled.close()
