"""流动党员: the record and its refusals, the transfer advice at exactly six months at a fixed place, the 工作台's list
with the last contact, and the six-month warning showing a 流动党员 who takes part elsewhere as such (domain.mobile,
domain.lapses) over a year boundary, beside a member transferred in in the middle."""

import datetime as dt

import pytest

from desktop_app.core.domain.enums import AttendanceStatus, MobileParticipation
from desktop_app.core.domain.errors import ValidationError
from desktop_app.core.domain.lapses import Mark, meeting_mark
from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.lapses import lapses_of
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.mobile import MobileMemberService
from desktop_app.core.services.people import MemberService
from desktop_app.core.services.workbench import workbench_of
from desktop_app.core.storage.audit import AuditService

P, A = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT
HOST = MobileParticipation.HOST


@pytest.fixture
def db(engine_db):
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_db


def member(db, name, **values):
    return MemberService(db).create({"name": name, "join_date": dt.date(2000, 7, 1), **values})


def away(db, member_id, left_on, **values):
    record = {"member_id": member_id, "left_on": left_on, "place": "江苏省昆山市花桥镇", "fixed_place": True}
    return MobileMemberService(db).create({**record, **values})


def theme_day(db, day, marks):
    attendance = [{"member_id": m, "status": s, "reason": ""} for m, s in marks.items()]
    MeetingService(db).create({"kind": "theme_day", "date": day, "topic": "主题党日", "attendance": attendance})


def test_a_time_away_is_a_record_its_phone_masked_in_the_list_and_refusals_write_nothing(db):
    zhang = member(db, "张卫东")
    late = member(db, "陈芳", transfer_in_date=dt.date(2026, 5, 10))
    mobile = MobileMemberService(db)
    with pytest.raises(ValidationError, match="陈芳 在 2026-03-01 不是本支部党员"):
        away(db, late, dt.date(2026, 3, 1))
    with pytest.raises(ValidationError, match="返回日期应晚于外出日期 2026-03-01"):
        away(db, zhang, dt.date(2026, 3, 1), returned_on=dt.date(2026, 2, 1))
    assert mobile.count() == 0
    record = away(
        db,
        zhang,
        dt.date(2026, 3, 1),
        participation=HOST,
        host_organisation="中共昆山市花桥镇绿地社区委员会",
        card_no="沪流2026-0317",
        contact="13812345678",
        last_contact=dt.date(2026, 6, 1),
    )
    saved = mobile.get(record)
    assert (saved["participation"], saved["card_no"]) == (HOST, "沪流2026-0317")
    assert mobile.get(away(db, late, dt.date(2026, 6, 1)))["participation"] is MobileParticipation.RETURNS
    with pytest.raises(ValidationError, match="张卫东 自 2026-03-01 起已有一段外出记录"):
        away(db, zhang, dt.date(2026, 8, 1))
    [row] = mobile.fetch_rows(mobile.list_ids(ListQuery(filters={"member_id": zhang})))
    assert "138****5678" in row
    assert "13812345678" not in row
    [entry] = [e for e in AuditService(db).entries() if e.record_kind == "mobile_member" and "张卫东" in e.summary]
    assert "流入地党组织" in entry.changes
    # Back home: the time away ends, and another may follow it.
    mobile.update(record, {**mobile.get(record), "returned_on": dt.date(2026, 7, 15)})
    away(db, zhang, dt.date(2026, 9, 1))


def test_the_transfer_advice_comes_at_exactly_six_months_at_a_fixed_place(db):
    fixed = away(db, member(db, "张卫东"), dt.date(2026, 3, 15))
    away(db, member(db, "李国强"), dt.date(2026, 3, 15), fixed_place=False, place="外省市跑长途运输")

    def advice(day):
        return [r for r in workbench_of(db, day).reminders if r.text.startswith("流动党员")]

    assert advice(dt.date(2026, 9, 14)) == [], "a day short of six months"
    [reminder] = advice(dt.date(2026, 9, 15))
    assert reminder.text == (
        "流动党员：张卫东 自 2026-03-15 在江苏省昆山市花桥镇，外出满 6 个月且地点固定，应将组织关系转到流入地党组织"
    )
    assert (reminder.target.kind, reminder.target.record_id) == ("mobile_member", fixed)
    mobile = MobileMemberService(db)
    mobile.update(fixed, {**mobile.get(fixed), "returned_on": dt.date(2026, 9, 20)})
    assert advice(dt.date(2026, 9, 20)) == [], "back home: nothing to transfer"


def test_the_workbench_lists_who_is_away_with_their_last_contact(db):
    away(db, member(db, "张卫东"), dt.date(2026, 3, 1), last_contact=dt.date(2026, 6, 10), participation=HOST)
    back = away(db, member(db, "李国强"), dt.date(2025, 3, 1), returned_on=dt.date(2026, 1, 5))
    listed = workbench_of(db, dt.date(2026, 6, 20)).away
    assert [(a.name, a.last_contact, a.participation) for a in listed] == [("张卫东", dt.date(2026, 6, 10), HOST)], (
        "who came back is not listed"
    )
    assert back not in {a.record_id for a in listed}


def test_a_month_away_taking_part_elsewhere_is_shown_as_such_not_absent():
    assert meeting_mark(0, 0, 1, running=False, elsewhere=True) is Mark.ELSEWHERE
    assert meeting_mark(1, 0, 0, running=False, elsewhere=True) is Mark.BREAKS, "attended here: breaks as ever"
    assert meeting_mark(0, 0, 1, running=True, elsewhere=True) is Mark.SILENT, "the running month never counts"


def test_the_six_month_warning_over_the_new_year_with_a_mobile_member_and_a_transfer_in(db):
    """Theme days each month from September 2025 to March 2026, and four members absent from them all: one away
    at a 流入地 from November (taking part there), one away who returns for meetings, one transferred in on
    15 December, and one absent throughout."""
    there = member(db, "在流入地")
    returns = member(db, "回原支部")
    newcomer = member(db, "年中转入", transfer_in_date=dt.date(2025, 12, 15))
    absent = member(db, "一直缺席")
    away(db, there, dt.date(2025, 11, 3), participation=HOST, host_organisation="中共昆山市花桥镇绿地社区委员会")
    away(db, returns, dt.date(2025, 11, 3), participation=MobileParticipation.RETURNS, fixed_place=False)
    months = [(2025, 9), (2025, 10), (2025, 11), (2025, 12), (2026, 1), (2026, 2), (2026, 3)]
    for year, month in months:
        listed = {there: P if month in (9, 10) else A, returns: P if month in (9, 10) else A, absent: A}
        if (year, month) >= (2025, 12):
            listed[newcomer] = A
        theme_day(db, dt.date(year, month, 20), listed)
    runs = {lapse.member_id: lapse.meetings for lapse in lapses_of(db, dt.date(2026, 4, 2))}
    assert runs[there].length == 0, "taking part at the 流入地: never counted absent"
    assert runs[there].elsewhere == ((2025, 11), (2025, 12), (2026, 1), (2026, 2), (2026, 3))
    assert not runs[there].warned
    assert runs[returns].months == ((2025, 11), (2025, 12), (2026, 1), (2026, 2), (2026, 3)), "returns: counted"
    assert runs[returns].warned
    assert runs[newcomer].months == ((2025, 12), (2026, 1), (2026, 2), (2026, 3)), "from the 转入's month"
    assert runs[newcomer].warned
    assert runs[absent].length == 7
    assert runs[absent].reached
    lines = [r.text for r in workbench_of(db, dt.date(2026, 4, 2)).reminders if "未参加组织生活" in r.text]
    assert not any(line.startswith("在流入地") for line in lines)
    assert any(line.startswith("年中转入 连续 4 个月") for line in lines)


def test_the_reports_show_the_mobile_members_and_the_months_elsewhere(db, tmp_path):
    import openpyxl

    from desktop_app.core.domain.periods import Period
    from desktop_app.core.exchange.reports.base import ExportOptions
    from desktop_app.core.exchange.reports.registry import export_report

    there, absent = member(db, "在流入地"), member(db, "一直缺席")
    away(db, there, dt.date(2025, 11, 3), participation=HOST, contact="13812345678", last_contact=dt.date(2026, 3, 2))
    for month in (1, 2, 3, 4, 5):
        theme_day(db, dt.date(2026, month, 10), {there: A, absent: P if month == 1 else A})
    target = tmp_path / "流动党员.xlsx"
    assert export_report(db, "mobile", Period.parse("2026"), target).rows == 1
    sheet = openpyxl.load_workbook(target)["流动党员"]
    [row] = [r for r in sheet.iter_rows(values_only=True) if r[0] == 1]
    assert row[1:6] == ("在流入地", dt.datetime(2025, 11, 3), "江苏省昆山市花桥镇", "是", "在流入地参加")
    assert row[8] == "138****5678", "the phone masked by default"
    assert row[11] == "外出满 6 个月且地点固定，应转移组织关系"
    export_report(db, "mobile", Period.parse("2026"), target, ExportOptions(unmasked=True))
    [row] = [r for r in openpyxl.load_workbook(target)["流动党员"].iter_rows(values_only=True) if r[0] == 1]
    assert row[8] == "13812345678"
    lapses = tmp_path / "提醒.xlsx"
    export_report(db, "lapses", Period.parse("2026-05"), lapses)
    sheet = openpyxl.load_workbook(lapses).active
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "序号")
    assert header[6] == "流动在外参加的月份"
    assert [r[1] for r in sheet.iter_rows(values_only=True) if r[0] == 1] == ["一直缺席"]


def test_the_demo_holds_mobile_members_one_advised_to_transfer(db):
    from desktop_app.core.exchange.demo import fill_demo

    today = dt.date(2024, 6, 15)
    counts = fill_demo(db, "small", today=today)
    assert counts["mobile_members"] == 4
    data = workbench_of(db, today)
    assert len(data.away) == 3, "one came back"
    assert {a.participation for a in data.away} == set(MobileParticipation)
    [advice] = [r for r in data.reminders if r.text.startswith("流动党员")]
    assert "江苏省昆山市花桥镇" in advice.text
