"""A street office's list of communities: corrected, deleted while nothing came from one, retired after."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.domain.errors import AppError, ValidationError
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.packages.build import build_package, package_period
from desktop_app.core.exchange.packages.street_import import import_packages
from desktop_app.core.exchange.reports.street import StreetMeetingsReport
from desktop_app.core.services.mode import ModeService
from desktop_app.core.services.profile import ProfileService
from desktop_app.core.services.street import StreetKeyService, StreetPackageService, StreetUnitService, grid
from desktop_app.core.storage.startup import open_database
from tests.conftest import TEST_DATA_KEY

YEAR = dt.date.today().year


@pytest.fixture
def street(db):
    ModeService(db).become_street("示例街道")
    return db, StreetKeyService(db).create_key_pair("示例街道")


def received_from(street_db, key, tmp_path, code="310100021", name="示例21号居民区"):
    """One package of this year's first quarter from a community with no records, imported."""
    community = open_database(tmp_path / f"community-{code}", key=TEST_DATA_KEY)
    profile = ProfileService(community)
    profile.save({**vars(profile.get()), "community_name": name, "unit_code": code})
    StreetKeyService(community).set_street_key(key)
    target = tmp_path / f"{code}.sjb"
    build_package(community, package_period(f"{YEAR}Q1"), target)
    community.dispose()
    import_packages(street_db, [target], add_units=True)


def test_a_community_nothing_came_from_can_be_corrected_and_deleted(street):
    db, _ = street
    units = StreetUnitService(db)
    units.add("310100099", "新村居民区")
    units.update("310100099", "310100098", "新村一居民区")
    assert [(u.code, u.name, u.deletable) for u in units.list()] == [("310100098", "新村一居民区", True)]
    units.delete("310100098")
    assert units.list() == []


def test_a_community_that_reported_cannot_be_deleted_only_retired(street, tmp_path):
    db, key = street
    received_from(db, key, tmp_path)
    units = StreetUnitService(db)
    unit = units.get("310100021")
    assert unit.packages == 1
    assert not unit.deletable
    with pytest.raises(AppError, match=r"不能删除.*停用"):
        units.delete("310100021")
    units.set_retired("310100021", True)
    assert units.get("310100021").retired
    assert StreetPackageService(db).packages(), "its packages are kept"
    units.set_retired("310100021", False)
    assert not units.get("310100021").retired


def test_a_reported_communitys_name_may_change_but_not_its_code(street, tmp_path):
    db, key = street
    received_from(db, key, tmp_path)
    units = StreetUnitService(db)
    units.update("310100021", "310100021", "示例二十一居民区")
    assert units.get("310100021").name == "示例二十一居民区"
    with pytest.raises(ValidationError, match="不能修改"):
        units.update("310100021", "310100022", "示例二十一居民区")


def test_corrections_are_checked(street):
    db, _ = street
    units = StreetUnitService(db)
    units.add("310100001", "甲居民区")
    units.add("310100002", "乙居民区")
    with pytest.raises(ValidationError, match="已有单位代码"):
        units.update("310100002", "310100001", "乙居民区")
    with pytest.raises(ValidationError, match="必须填写"):
        units.update("310100002", "310100002", " ")
    with pytest.raises(AppError, match="没有单位代码"):
        units.delete("310100003")


def test_a_retired_community_is_not_expected_to_report(street, tmp_path):
    db, key = street
    units = StreetUnitService(db)
    units.add("310100050", "合并前的居民区")
    units.set_retired("310100050", True)
    received_from(db, key, tmp_path)
    quarter = Period.quarter(YEAR, 1)
    assert [row.code for row in grid(db, [quarter], dt.date.today())] == ["310100021"]
    assert StreetMeetingsReport(db).missing(quarter) == []
    units.set_retired("310100050", False)
    assert StreetMeetingsReport(db).missing(quarter) == [("310100050", "合并前的居民区")]


def test_a_retired_community_that_reported_stays_in_the_periods_it_reported(street, tmp_path):
    db, key = street
    received_from(db, key, tmp_path)
    StreetUnitService(db).set_retired("310100021", True)
    reported, later = Period.quarter(YEAR, 1), Period.quarter(YEAR, 2)
    assert [row.code for row in grid(db, [reported, later], dt.date.today())] == ["310100021"]
    assert grid(db, [later], dt.date.today()) == []
