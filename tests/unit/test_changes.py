"""The change feed: what each successful commit wrote, told after the commit, without Qt."""

from __future__ import annotations

import threading

import pytest

from desktop_app.core.domain.errors import ValidationError
from desktop_app.core.services.people import ResidentService
from desktop_app.core.services.street import StreetKeyService
from desktop_app.core.storage.changes import Change, ChangeFeed
from desktop_app.core.storage.recipient_key import PublicKey, new_private_key, public_of


@pytest.fixture
def heard(db):
    changes: list[Change] = []
    db.changes.subscribe(changes.append)
    return changes


def test_a_saved_record_is_told_with_its_table_and_id(db, heard):
    resident_id = ResidentService(db).create({"name": "朱国萍"})
    assert len(heard) == 1
    assert resident_id in heard[0].rows["residents"]
    assert heard[0].touches({"residents"})
    assert "audit_log" in heard[0].tables, "the 操作记录 entry was written in the same commit"


def test_an_update_and_a_delete_are_told(db, heard):
    service = ResidentService(db)
    resident_id = service.create({"name": "朱国萍"})
    service.update(resident_id, {"name": "朱国平"})
    service.soft_delete([resident_id])  # one UPDATE for many ids: the table is told
    assert [resident_id in change.rows.get("residents", ()) for change in heard] == [True, True, False]
    assert heard[2].touches({"residents"})


def test_a_refused_save_and_a_read_tell_nothing(db, heard):
    service = ResidentService(db)
    with pytest.raises(ValidationError):
        service.create({"name": ""})
    service.list_ids()
    with db.read_session() as session:
        session.execute(ResidentService.model.__table__.select())
    assert heard == []


def test_a_rolled_back_unit_of_work_tells_nothing(db, heard):
    from desktop_app.core.storage.models import Resident

    def fail_half_way() -> None:
        with db.session() as session:
            session.add(Resident(name="不会保存", name_initials="bhbc", name_pinyin="buhuibaocun", search_text=""))
            session.flush()
            raise RuntimeError("failed half way")

    with pytest.raises(RuntimeError):
        fail_half_way()
    assert heard == []


def test_a_setting_keyed_by_name_is_told(db, heard):
    StreetKeyService(db).set_street_key(PublicKey(public_of(new_private_key()), "测试街道"))
    assert any(change.touches({"app_settings"}) for change in heard)
    assert any(StreetKeyService.STREET_PUBLIC in change.rows.get("app_settings", ()) for change in heard)


def test_a_bulk_statement_tells_its_table_without_ids(db, heard):
    from sqlalchemy import update

    from desktop_app.core.storage.models import Resident

    ResidentService(db).create({"name": "朱国萍"})
    heard.clear()
    with db.session() as session:
        session.execute(update(Resident).values(notes="批量").execution_options(synchronize_session=False))
    assert heard == [Change({"residents": frozenset()})]


def test_the_feed_tells_every_subscriber_until_it_stops_listening():
    feed = ChangeFeed()
    first: list[Change] = []
    second: list[Change] = []
    stop_first = feed.subscribe(first.append)
    feed.subscribe(second.append)
    change = Change({"meetings": frozenset({7})})
    feed.publish(change)
    stop_first()
    feed.publish(Change({"members": frozenset({3})}))
    feed.publish(Change())  # nothing written: nothing told
    assert first == [change]
    assert [c.tables for c in second] == [frozenset({"meetings"}), frozenset({"members"})]


def test_a_commit_on_a_worker_is_told_on_that_worker(db, heard):
    threads: list[str] = []
    db.changes.subscribe(lambda change: threads.append(threading.current_thread().name))
    worker = threading.Thread(target=lambda: ResidentService(db).create({"name": "朱国萍"}), name="导入")
    worker.start()
    worker.join()
    assert threads == ["导入"]
