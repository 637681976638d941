"""Live pages on a server: what one client saves reaches the other's change feed within a moment, carrying
only table names and keys; a client is not told its own commits twice. Two real clients of a real server."""

from __future__ import annotations

import queue
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import insert, select, text, update

from desktop_app.core.services.people import ResidentService
from desktop_app.core.storage.changes import Change
from desktop_app.core.storage.database import Database, build_engine
from desktop_app.core.storage.models import Base, Resident
from desktop_app.core.storage.server_notify import install_change_triggers
from tests.conftest import POSTGRES_TEMPLATE

WAIT_SECONDS = 10  # how long a test waits before it calls a notification lost (it comes in milliseconds)


@pytest.fixture
def server_database(postgres) -> str:
    name = f"t_{uuid.uuid4().hex}"
    postgres.execute(f"CREATE DATABASE {name} TEMPLATE {POSTGRES_TEMPLATE}")
    url = postgres.url(name)
    engine = build_engine(url)
    try:
        with engine.begin() as connection:
            installed = install_change_triggers(connection)
            install_change_triggers(connection)  # as `server init` run twice: replaced, not doubled
        assert {"residents", "care_actions", "meetings", "meeting_attendance", "audit_log"} <= set(installed)
        assert set(installed) <= set(Base.metadata.tables)
    finally:
        engine.dispose()
    return url


def client(url: str, tmp_path, name: str) -> Database:
    return Database(build_engine(url), tmp_path / name)


@pytest.fixture
def two_clients(server_database, tmp_path) -> Iterator[tuple[Database, Database, queue.Queue[Change]]]:
    """(mine, theirs, what mine was told): mine listens."""
    mine, theirs = client(server_database, tmp_path, "mine"), client(server_database, tmp_path, "theirs")
    heard: queue.Queue[Change] = queue.Queue()
    mine.changes.subscribe(heard.put)
    mine.listen_for_others()
    assert mine.listener is not None
    assert mine.listener.listening.wait(WAIT_SECONDS)
    yield mine, theirs, heard
    mine.dispose()
    theirs.dispose()


def told(heard: queue.Queue[Change], table: str) -> Change:
    while True:
        change = heard.get(timeout=WAIT_SECONDS)
        if table in change.rows:
            return change


def test_another_clients_save_is_told_with_its_table_and_keys_only(two_clients):
    _, theirs, heard = two_clients
    resident_id = ResidentService(theirs).create({"name": "朱国萍", "phone": "13812345678"})
    change = told(heard, "residents")
    assert change.elsewhere
    assert change.rows["residents"] == frozenset({resident_id})
    assert "13812345678" not in repr(change), "a notification carries keys, never the row"
    ResidentService(theirs).soft_delete([resident_id])
    assert told(heard, "residents").rows["residents"] == frozenset({resident_id})


def test_own_commits_are_told_once_not_echoed_by_the_server(two_clients):
    mine, theirs, heard = two_clients
    own_id = ResidentService(mine).create({"name": "自己存的"})
    first = told(heard, "residents")
    assert not first.elsewhere
    assert first.rows["residents"] == frozenset({own_id})
    their_id = ResidentService(theirs).create({"name": "别人存的"})  # then one from elsewhere: the next told
    second = told(heard, "residents")
    assert second.elsewhere, "the server's echo of our own save was left out"
    assert second.rows["residents"] == frozenset({their_id})


def test_a_rolled_back_write_tells_nothing_and_a_big_one_tells_its_table(two_clients):
    _, theirs, heard = two_clients

    def fail_after_writing() -> None:
        with theirs.session() as session:
            session.add(Resident(name="撤回的"))
            session.flush()
            raise RuntimeError("the unit of work fails")

    with pytest.raises(RuntimeError):
        fail_after_writing()
    with theirs.session() as session:  # as an import writes, then one statement over all of them
        session.execute(insert(Resident), [{"name": f"居民{n}"} for n in range(150)])
        session.execute(update(Resident).values(notes="已核对"))
    with theirs.read_session() as session:
        saved = set(session.scalars(select(Resident.id)))
    keys_told: set[object] = set()
    while (change := told(heard, "residents")).rows["residents"]:
        keys_told |= change.rows["residents"]
    assert keys_told == saved, "every saved row told, the rolled-back one not"


def test_the_listener_comes_back_after_the_server_cut_it_off(two_clients, postgres):
    mine, theirs, heard = two_clients
    assert mine.listener is not None
    with theirs.session() as session:
        session.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
            )
        )
    missed = told(heard, "meetings")
    assert missed.elsewhere, "after a reconnect anything may have changed: every table is told"
    assert mine.listener.listening.wait(WAIT_SECONDS)
    resident_id = ResidentService(theirs).create({"name": "重连之后"})
    while True:
        change = told(heard, "residents")
        if resident_id in change.rows["residents"]:
            break
