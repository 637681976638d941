import datetime as dt

import pytest

from desktop_app.core.domain.enums import Gender
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import MemberService, ResidentService


@pytest.fixture
def db(engine_db):
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_db


TODAY = dt.date(2024, 6, 15)
# A valid ID number: born 1949-12-31, 17th digit 2 (even: a woman).
WOMAN_1949 = "11010519491231002X"


def test_a_meeting_in_the_future_is_questioned(db):
    meetings = MeetingService(db)
    values = {"kind": "committee", "date": "2024-06-20", "topic": "下周的会"}
    [warning] = meetings.warnings(values, TODAY)
    assert "2024-06-20 在今天之后" in warning
    assert meetings.warnings({**values, "date": "2024-06-15"}, TODAY) == []
    assert meetings.warnings({**values, "date": "不是日期"}, TODAY) == [], "invalid input is for save to report"


def test_a_join_date_in_the_future_is_questioned(db):
    [warning] = MemberService(db).warnings({"name": "甲", "join_date": "2025-01-01"}, TODAY)
    assert "入党日期" in warning


def test_an_id_number_that_disagrees_with_the_form_is_questioned(db):
    residents = ResidentService(db)
    values = {"name": "沈月华", "id_number": WOMAN_1949, "birth_date": "1949-12-30", "gender": "male"}
    warnings = residents.warnings(values, TODAY)
    assert len(warnings) == 2
    assert "1949-12-31" in warnings[0]
    assert "女" in warnings[1]
    assert residents.warnings({**values, "birth_date": "1949-12-31", "gender": "female"}, TODAY) == []


def test_empty_birth_date_and_gender_are_taken_from_the_id_number(db):
    residents = ResidentService(db)
    rid = residents.create({"name": "沈月华", "id_number": WOMAN_1949})
    saved = residents.get(rid)
    assert saved["birth_date"] == dt.date(1949, 12, 31)
    assert saved["gender"] is Gender.FEMALE
    mid = MemberService(db).create({"name": "沈月华", "id_number": WOMAN_1949, "gender": "male"})
    assert MemberService(db).get(mid)["gender"] is Gender.MALE, "a value the person chose is kept (and questioned)"
