"""党章 第九条's six months: runs of months without 组织生活 and without 党费, on the boundaries (see domain.lapses)."""

import datetime as dt
from decimal import Decimal

import pytest

from desktop_app.core.domain.enums import AttendanceStatus, DuesCategory, DuesPaymentWay
from desktop_app.core.domain.lapses import Mark, trailing_run
from desktop_app.core.services.dues import Basis, DuesService
from desktop_app.core.services.lapses import lapses_of
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import MemberService
from desktop_app.core.services.workbench import workbench_of

P, L, A = AttendanceStatus.PRESENT, AttendanceStatus.ON_LEAVE, AttendanceStatus.ABSENT
EMPLOYED = Basis(DuesCategory.EMPLOYED, Decimal("4000"))
CASH = DuesPaymentWay.CASH


@pytest.fixture
def db(engine_db):
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_db


def member(db, name, **values):
    return MemberService(db).create({"name": name, "join_date": dt.date(2000, 7, 1), **values})


def theme_day(db, day, marks):
    """A 主题党日 on `day` listing each member with their mark."""
    attendance = [{"member_id": m, "status": s, "reason": "住院" if s is L else ""} for m, s in marks.items()]
    MeetingService(db).create({"kind": "theme_day", "date": day, "topic": "主题党日", "attendance": attendance})


def lapse_of(db, member_id, today):
    return next(lapse for lapse in lapses_of(db, today) if lapse.member_id == member_id)


def test_a_month_without_a_meeting_neither_counts_nor_breaks_and_one_attended_does():
    months = [(2026, m) for m in range(1, 7)]
    marks = {(2026, 1): Mark.COUNTS, (2026, 2): Mark.BREAKS, (2026, 3): Mark.COUNTS, (2026, 5): Mark.COUNTS}
    run = trailing_run(lambda month: marks.get(month, Mark.SILENT), months)
    assert run.months == ((2026, 3), (2026, 5)), "April held nothing; February broke the run"
    june_attended = {**marks, (2026, 6): Mark.BREAKS}
    assert trailing_run(lambda month: june_attended.get(month, Mark.SILENT), months).length == 0


def test_the_meeting_run_crosses_the_year_with_a_leave_shown_inside_it(db):
    away, back = member(db, "长期缺席"), member(db, "偶尔出席")
    for month, (mine, theirs) in {
        (2025, 9): (A, A),
        (2025, 10): (A, A),
        (2025, 11): (L, A),
        (2025, 12): (A, P),
        (2026, 1): (A, A),
        (2026, 2): (A, A),
    }.items():
        theme_day(db, dt.date(*month, 28), {away: mine, back: theirs})
    lapse = lapse_of(db, away, dt.date(2026, 3, 10))
    assert lapse.meetings.months == ((2025, 9), (2025, 10), (2025, 12), (2026, 1), (2026, 2))
    assert lapse.meetings.excused == ((2025, 11),), "the 请假 month is shown as such, not as absent"
    assert lapse.meetings.warned
    assert not lapse.meetings.reached
    assert lapse_of(db, back, dt.date(2026, 3, 10)).meetings.length == 2, "December's meeting broke the run"


def test_the_running_month_breaks_the_run_but_never_counts(db):
    zhu = member(db, "朱国萍")
    for month in (1, 2, 3, 4):
        theme_day(db, dt.date(2026, month, 5), {zhu: A})
    assert lapse_of(db, zhu, dt.date(2026, 4, 30)).meetings.length == 3, "April is not over"
    theme_day(db, dt.date(2026, 4, 20), {zhu: P})
    assert lapse_of(db, zhu, dt.date(2026, 4, 30)).meetings.length == 0
    assert lapse_of(db, zhu, dt.date(2026, 5, 2)).meetings.length == 0, "April attended"


def test_a_member_transferred_in_counts_from_the_transfer_only(db):
    newcomer = member(db, "转入党员", transfer_in_date=dt.date(2025, 12, 15))
    dues = DuesService(db)
    for year in (2025, 2026):
        dues.assess_year(year, {newcomer: EMPLOYED}, dt.date(year, 1, 5))
    for month in ((2025, 12), (2026, 1), (2026, 2)):
        theme_day(db, dt.date(*month, 20), {newcomer: A})
    lapse = lapse_of(db, newcomer, dt.date(2026, 3, 5))
    assert lapse.dues.months == ((2025, 12), (2026, 1), (2026, 2)), "owed from the month of the transfer"
    assert lapse.meetings.length == 3
    assert not lapse.warned


def test_dues_paid_ahead_paid_late_relieved_or_at_the_employer_are_not_unpaid(db):
    ahead, late, relieved, employer, owing = (member(db, name) for name in ("预交", "补缴", "减免", "单位交纳", "欠缴"))
    dues = DuesService(db)
    for year in (2025, 2026):
        dues.assess_year(year, dict.fromkeys((ahead, late, relieved, owing), EMPLOYED), dt.date(year, 1, 5))
    dues.pay([(ahead, m) for m in range(1, 13)], 2025, dt.date(2025, 1, 3), CASH)
    dues.pay([(ahead, m) for m in range(1, 13)], 2026, dt.date(2025, 12, 20), CASH)
    for month in range(1, 13):
        dues.pay([(late, month)], 2025, dt.date(2025, month, 28), CASH)
    dues.pay([(late, 1), (late, 2)], 2026, dt.date(2026, 6, 20), CASH)
    approval = ("街道党工委", dt.date(2026, 2, 8), "街党〔2026〕4号")
    dues.grant_relief(relieved, 2026, (2, 2), Decimal("0"), "住院", dt.date(2026, 2, 1), *approval)
    today = dt.date(2026, 7, 10)
    runs = {lapse.member_id: lapse.dues for lapse in lapses_of(db, today)}
    assert runs[ahead].length == 0
    assert runs[late].months == tuple((2026, m) for m in range(3, 7)), "January and February were paid later"
    assert runs[relieved].months == tuple((2026, m) for m in range(3, 7)), "the 减免 of February settles it"
    assert runs[employer].length == 0, "nothing is owed here"
    assert runs[owing].length == 18, "July, the running month, is not counted"
    assert runs[owing].reached
    assert [member_id for member_id, _ in dues.at_risk(today)] == [owing]


def test_a_member_who_left_is_not_warned_of(db):
    gone = member(db, "已转出", left_date=dt.date(2026, 2, 1), status="transferred")
    for month in (9, 10, 11, 12):
        theme_day(db, dt.date(2025, month, 10), {gone: A})
    assert gone not in {lapse.member_id for lapse in lapses_of(db, dt.date(2026, 3, 1))}


def test_the_workbench_warns_from_the_fourth_month_naming_the_months(db):
    zhu, li = member(db, "朱国萍"), member(db, "李建华")
    for month in (1, 2, 3, 4):
        theme_day(db, dt.date(2026, month, 10), {zhu: A, li: A if month > 1 else P})

    def warnings(today):
        return [r for r in workbench_of(db, today).reminders if "未参加组织生活" in r.text]

    assert warnings(dt.date(2026, 4, 25)) == [], "three full months: not yet"
    [warning] = warnings(dt.date(2026, 5, 3))
    assert warning.text == "朱国萍 连续 4 个月未参加组织生活（2026年1月、2月、3月、4月），请尽早联系"
    assert warning.target.kind == "member"
    assert warning.target.record_id == zhu
    assert not warning.overdue, "the rule's six months are not reached"


def test_the_demo_holds_a_member_inside_the_warning_with_a_leave_shown_apart(db):
    from desktop_app.core.exchange.demo import fill_demo

    today = dt.date(2024, 6, 15)
    fill_demo(db, "small", today=today)
    warned = [lapse for lapse in lapses_of(db, today) if lapse.meetings.warned]
    assert len(warned) == 1
    assert warned[0].meetings.months == ((2024, 1), (2024, 2), (2024, 4), (2024, 5))
    assert warned[0].meetings.excused == ((2024, 3),)
    assert any(lapse.dues.warned for lapse in lapses_of(db, today)), "and one who has stopped paying"


def test_the_report_lists_the_members_warned_of_with_their_months(db, tmp_path):
    import openpyxl

    from desktop_app.core.domain.periods import Period
    from desktop_app.core.exchange.reports.registry import export_report

    away, present = member(db, "长期缺席"), member(db, "按时参加")
    for month in (1, 2, 3, 4, 5):
        theme_day(db, dt.date(2026, month, 10), {away: L if month == 3 else A, present: P})
    target = tmp_path / "提醒.xlsx"
    assert export_report(db, "lapses", Period.parse("2026-05"), target).rows == 1
    sheet = openpyxl.load_workbook(target).active
    assert sheet["A1"].value.endswith("党员连续未参加组织生活、未缴党费提醒表（截至2026年5月31日）")
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "序号")
    body = [r for r in sheet.iter_rows(values_only=True) if r[0] == 1]
    assert header[3] == "连续未参加组织生活（月）"
    assert list(body[0][:6]) == [1, "长期缺席", None, 4, "2026年1月、2月、4月、5月", "2026年3月"]
    assert sheet.print_title_rows, "the title repeats on every printed page"


def test_reading_only_the_members_still_open_answers_as_reading_every_month_for_everyone(db):
    """The runs are read newest first, each month or year only for the members whose run is still open: on the
    demo, on days before, at and long after its data's last day, they equal the runs marked from every month's
    attendance and every year's ledger read whole."""
    from functools import partial

    from desktop_app.core.exchange.demo import fill_demo
    from desktop_app.core.reads.dues import month_end
    from desktop_app.core.reads.duties import read_month_attendance
    from desktop_app.core.services.dues_ledger import read_ledger
    from desktop_app.core.services.lapses import dues_mark_of, meeting_mark_of, months_up_to, read_lapses

    fill_demo(db, "small", today=dt.date(2024, 6, 15))
    for today in (dt.date(2024, 3, 31), dt.date(2024, 6, 15), dt.date(2024, 12, 20), dt.date(2025, 2, 1)):
        months = months_up_to(today)
        with db.plain() as reader:
            lapses = read_lapses(reader, today)
            attended: dict = {}
            for month in months:
                for member_id, *counts in read_month_attendance(reader, dt.date(*month, 1), month_end(*month)):
                    attended.setdefault(member_id, {})[month] = tuple(counts)
            ledgers = {
                year: {row.member_id: row for row in read_ledger(reader, year)} for year in {y for y, _ in months}
            }
        assert lapses
        for lapse in lapses:
            meetings = partial(meeting_mark_of, attended.get(lapse.member_id, {}), set(), months[-1])
            rows = {year: rows[lapse.member_id] for year, rows in ledgers.items() if lapse.member_id in rows}
            assert lapse.meetings.months == trailing_run(meetings, months).months, (today, lapse.name)
            assert lapse.meetings.excused == trailing_run(meetings, months).excused, (today, lapse.name)
            assert lapse.dues.months == trailing_run(partial(dues_mark_of, rows, months[-1]), months).months, (
                today,
                lapse.name,
            )
        assert any(lapse.warned for lapse in lapses), "the day holds a run to compare"
