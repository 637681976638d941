"""What a commit changed, told to whoever listens (pages showing that data), after the commit succeeded.

Every write goes through `Database.session()`; the session notes the rows each flush wrote (table and
primary key) and the tables a bulk statement wrote, and after a successful commit `ChangeFeed.publish`
hands one `Change` to the subscribers. A rolled-back unit of work tells nothing. No Qt here: the GUI bridges
the feed to a signal (ui/kit/changes.py), and a server's notifications (PostgreSQL LISTEN/NOTIFY, carrying only
table names and ids: storage/server_notify.py) feed the same `publish`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker

RowKey = int | str  # a row's primary key (app_settings is keyed by name)
NOTED = "changes.noted"  # session.info: {table: set of row keys} written in this unit of work


@dataclass(frozen=True)
class Change:
    """One commit's writes: each table written, with the keys of the rows written. A table written by a bulk
    statement (an import, an UPDATE … WHERE) lists no keys: any of its rows may have changed."""

    rows: Mapping[str, frozenset[RowKey]] = field(default_factory=dict)
    # Written by another client of the same server (told by its notifications), not by this program: a page
    # showing it reads afresh at once, as nobody here will.
    elsewhere: bool = False

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(self.rows)

    def touches(self, tables: Iterable[str]) -> bool:
        return not self.tables.isdisjoint(tables)

    def __bool__(self) -> bool:
        return bool(self.rows)


Subscriber = Callable[[Change], None]


class ChangeFeed:
    """Subscribers called with each `Change`, in the thread that committed it (a worker's commit is told on
    the worker: a subscriber that must act on another thread hands it over itself)."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Listen from now on; returns the call that stops listening."""
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def publish(self, change: Change) -> None:
        if not change:
            return
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            subscriber(change)


def _noted(session: Session) -> dict[str, set[RowKey]]:
    noted: dict[str, set[RowKey]] = session.info.setdefault(NOTED, {})
    return noted


def _note_flush(session: Session, _flush: UOWTransaction) -> None:
    """After a flush the rows written have their keys (new rows too); the lists still say what was written."""
    noted = _noted(session)
    dirty = session.dirty  # computed over the whole session at each asking: once, not once per row (a 600-row save)
    for obj in (*session.new, *dirty, *session.deleted):
        state = inspect(obj)
        if obj in dirty and not session.is_modified(obj):
            continue  # touched, not changed
        table = state.mapper.persist_selectable
        keys = noted.setdefault(str(getattr(table, "name", table)), set())
        identity = state.identity if state.identity is not None else state.mapper.primary_key_from_instance(obj)
        if identity and len(identity) == 1 and identity[0] is not None:
            keys.add(identity[0])


def _note_statement(state: ORMExecuteState) -> None:
    """A bulk INSERT, UPDATE or DELETE: the table is known, the rows are not."""
    if state.is_insert or state.is_update or state.is_delete:
        table: Any = getattr(state.statement, "table", None)
        if table is not None:
            _noted(state.session).setdefault(str(table.name), set())


def track_changes(factory: sessionmaker[Session]) -> None:
    """Note what every session of `factory` writes (read back by `taken`)."""
    event.listen(factory, "after_flush", _note_flush)
    event.listen(factory, "do_orm_execute", _note_statement)


def taken(session: Session) -> Change:
    """What the session wrote since it began (or was last taken), forgotten from the session."""
    noted = session.info.pop(NOTED, {})
    return Change({table: frozenset(keys) for table, keys in noted.items()})
