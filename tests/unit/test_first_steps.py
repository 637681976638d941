"""开始使用: the first steps of a new program, each done as the data shows it (read through the driver alone)."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.domain.enums import MeetingKind
from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.services.care import CareCategoryService, CareService
from desktop_app.core.services.meetings import NormService
from desktop_app.core.services.people import MemberService, ResidentService
from desktop_app.core.services.profile import ProfileService
from desktop_app.core.services.workbench import workbench_of
from desktop_app.core.storage.backup import backup_now


@pytest.fixture
def db(engine_db):
    """The steps are read on SQLite and on PostgreSQL (but for the backup place: see its test)."""
    return engine_db


@pytest.fixture
def file_db(data_dir):
    from desktop_app.core.storage.startup import open_database

    database = open_database(data_dir)
    yield database
    database.dispose()


def steps(db) -> dict[str, bool]:
    return {step.label: step.done for step in workbench_of(db).first_steps}


def test_each_first_step_is_ticked_by_the_data_that_does_it(db):
    assert steps(db) == {
        "填写居民区信息": False,
        "导入党员名册": False,
        "导入居民名单": False,
        "设置三会一课规范": False,
        "设置备份位置（备份到 U 盘等其他位置）": False,
    }
    ProfileService(db).save({"community_name": "康宁居民区"})
    assert not steps(db)["填写居民区信息"], "the party organisation and the secretary are still missing"
    ProfileService(db).save(
        {"community_name": "康宁居民区", "org_name": "康宁居民区党总支", "secretary_name": "朱国萍"}
    )
    assert steps(db)["填写居民区信息"]
    member = MemberService(db).create({"name": "陈建珍", "gender": "female", "member_type": "full"})
    assert steps(db)["导入党员名册"]
    MemberService(db).soft_delete([member])
    assert not steps(db)["导入党员名册"], "a member in the 回收站 is no roster"
    MemberService(db).create({"name": "陈建珍", "gender": "female", "member_type": "full"})
    ResidentService(db).create({"name": "朱国萍"})
    assert steps(db)["导入居民名单"]
    norms = NormService(db)
    kept = {
        norm.kind: {"period": norm.period, "count": norm.count, "per_group": norm.per_group} for norm in norms.list()
    }
    norms.save_all(kept)
    assert not steps(db)["设置三会一课规范"], "saved with the rest of 设置, not looked at"
    norms.save_all(kept, reviewed=True)
    assert steps(db)["设置三会一课规范"], "gone through and kept as they were"
    assert norms.list()[0].kind is MeetingKind.GENERAL_ASSEMBLY
    assert [label for label, done in steps(db).items() if not done] == ["设置备份位置（备份到 U 盘等其他位置）"]


def test_a_backup_elsewhere_is_the_last_step(file_db, tmp_path):
    """The program backs up a data file; a server is backed up by its own tools, so this is SQLite's alone."""
    ProfileService(file_db).save(
        {"community_name": "康宁居民区", "org_name": "康宁居民区党总支", "secretary_name": "朱国萍"}
    )
    MemberService(file_db).create({"name": "陈建珍", "gender": "female", "member_type": "full"})
    ResidentService(file_db).create({"name": "朱国萍"})
    norms = NormService(file_db)
    kept = {n.kind: {"period": n.period, "count": n.count, "per_group": n.per_group} for n in norms.list()}
    norms.save_all(kept, reviewed=True)
    backup_now(file_db)
    assert not steps(file_db)["设置备份位置（备份到 U 盘等其他位置）"], "a copy beside the data is no other place"
    usb = tmp_path / "usb"
    usb.mkdir()
    backup_now(file_db, usb)
    assert steps(file_db) == {}, "every step done: the list is gone"


def test_a_program_in_use_shows_no_first_steps(db):
    fill_demo(db, "small", today=dt.date(2024, 6, 15))
    assert steps(db) == {}


def test_the_first_record_of_the_days_work_ends_the_first_steps(db):
    category = CareCategoryService(db).list()[0].id
    resident = ResidentService(db).create({"name": "朱国萍"})
    assert steps(db)
    CareService(db).create({"date": dt.date(2024, 6, 1), "category_id": category, "resident_id": resident})
    assert steps(db) == {}
