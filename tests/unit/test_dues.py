"""党费 as a secretary keeps it: the year's 核定, who owes from when, payments, 补缴 and 预交, 减免, the risk."""

import datetime as dt
from decimal import Decimal

import pytest

from desktop_app.core.domain.enums import AuditAction, DuesCategory, DuesPaymentKind, DuesPaymentWay, MemberType
from desktop_app.core.domain.errors import AppError, ValidationError
from desktop_app.core.reads.dues import MONTHS, members_belonging, month_end
from desktop_app.core.services.dues import Basis, DuesService
from desktop_app.core.services.people import MemberService
from desktop_app.core.storage.audit import AuditService


@pytest.fixture
def db(engine_db):
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_db


YEAR = 2026
CASH = DuesPaymentWay.CASH
EMPLOYED = Basis(DuesCategory.EMPLOYED, Decimal("4000"))  # 40.00 a month
# The branch's decision, the 上级党委 that approved, when, and its document number.
APPROVED = (dt.date(YEAR, 3, 1), "街道党工委", dt.date(YEAR, 3, 8), "街党〔2026〕3号")


@pytest.fixture
def dues(db):
    return DuesService(db)


def member(db, name, **values):
    return MemberService(db).create({"name": name, "join_date": dt.date(2000, 7, 1), **values})


def row_of(dues, member_id, year=YEAR):
    return next(row for row in dues.ledger(year) if row.member_id == member_id)


def test_a_probationary_member_owes_from_the_month_the_branch_admitted_them(db, dues):
    veteran = member(db, "老党员")
    admitted = member(db, "预备党员", member_type=MemberType.PROBATIONARY, join_date=dt.date(YEAR, 4, 18))
    dues.assess_year(YEAR, {veteran: EMPLOYED, admitted: Basis(DuesCategory.STUDENT)}, dt.date(YEAR, 1, 5))
    assert sorted(row_of(dues, admitted).owed) == list(range(4, 13)), "from April, the 支部大会's month"
    assert row_of(dues, admitted).owed[4] == Decimal("0.20")
    assert sorted(row_of(dues, veteran).owed) == list(range(1, 13))
    assert row_of(dues, veteran).owed_total == Decimal("480.00")


def test_the_months_a_member_belonged_are_the_month_ends_the_member_was_in_the_branch(db):
    """The grid's months come from one statement that asks a member in the branch at the end of January and of
    December no other day: for members who joined, transferred in or left during the year, before it or after it,
    they are the month ends at which `members_on` lists them."""
    made = [
        member(db, "整年"),
        member(db, "年中入党", join_date=dt.date(YEAR, 4, 18)),
        member(db, "年中转入", transfer_in_date=dt.date(YEAR, 7, 1)),
        member(db, "年中转出", left_date=dt.date(YEAR, 9, 15), status="transferred"),
        member(db, "入党又转出", join_date=dt.date(YEAR, 3, 1), left_date=dt.date(YEAR, 10, 31), status="transferred"),
        member(db, "年末转出", left_date=dt.date(YEAR, 12, 31), status="transferred"),
        member(db, "一月末入党", join_date=dt.date(YEAR, 1, 31)),
        member(db, "去年转出", left_date=dt.date(YEAR - 1, 6, 30), status="transferred"),
        member(db, "明年入党", join_date=dt.date(YEAR + 1, 1, 5)),
        member(db, "转出未填日期", status="transferred"),
    ]
    people = MemberService(db)
    on_month_end = {month: {brief.id for brief in people.members_on(month_end(YEAR, month))} for month in MONTHS}
    expected = {made_id: tuple(m for m in MONTHS if made_id in on_month_end[m]) for made_id in made}
    with db.plain() as reader:
        months = {row.member_id: row.months for row in members_belonging(reader, YEAR)}
    assert months == {made_id: belonged for made_id, belonged in expected.items() if belonged}
    assert months[made[0]] == tuple(MONTHS)
    assert months[made[1]] == tuple(range(4, 13))
    assert months[made[4]] == tuple(range(3, 10)), "gone on 31 October: not in the branch at its end"


def test_the_years_amount_stays_fixed_until_a_change_is_recorded(db, dues):
    zhu = member(db, "朱国萍")
    dues.assess_year(YEAR, {zhu: EMPLOYED}, dt.date(YEAR, 1, 5))
    assert dues.assess_year(YEAR, {zhu: Basis(DuesCategory.EMPLOYED, Decimal("9000"))}, dt.date(YEAR, 3, 1)) == 0
    assert set(row_of(dues, zhu).owed.values()) == {Decimal("40.00")}, "a second 核定 does not move the year"
    dues.record_change(zhu, YEAR, 7, Basis(DuesCategory.RETIRED, Decimal("6000")), dt.date(YEAR, 7, 2), "退休")
    owed = row_of(dues, zhu).owed
    assert [owed[m] for m in (1, 6, 7, 12)] == [Decimal("40.00"), Decimal("40.00"), Decimal("60.00"), Decimal("60.00")]
    entries = AuditService(db).entries()
    assert any("退休" in e.summary for e in entries)
    assert not any("6000" in (e.summary + e.details) for e in entries), "the base (an income) is not logged"


def test_marking_many_paid_is_one_step_and_knows_regular_catch_up_and_advance(db, dues):
    ids = [member(db, f"党员{n}") for n in range(3)]
    dues.assess_year(YEAR, dict.fromkeys(ids, EMPLOYED), dt.date(YEAR, 1, 5))
    paid_on = dt.date(YEAR, 5, 10)
    written = dues.pay([(i, 5) for i in ids] + [(ids[0], 2), (ids[0], 8)], YEAR, paid_on, CASH, "汪艳珍")
    assert written == 5
    assert dues.pay([(ids[0], 5)], YEAR, paid_on, CASH) == 0, "a month paid in full is not paid twice"
    first = row_of(dues, ids[0])
    assert [m for m in range(1, 13) if not first.unpaid(m)] == [2, 5, 8]
    from sqlalchemy import select

    from desktop_app.core.storage.models import DuesPayment

    with db.read_session() as session:
        kinds = dict(
            session.execute(select(DuesPayment.month, DuesPayment.kind).where(DuesPayment.member_id == ids[0])).all()
        )
    assert kinds == {2: DuesPaymentKind.CATCH_UP, 5: DuesPaymentKind.REGULAR, 8: DuesPaymentKind.ADVANCE}


def test_catching_up_reaches_six_months_back_and_no_further(db, dues):
    zhu = member(db, "朱国萍")
    dues.assess_year(YEAR - 1, {zhu: EMPLOYED}, dt.date(YEAR - 1, 1, 5))
    with pytest.raises(AppError, match="6 个月"):
        dues.pay([(zhu, 5)], YEAR - 1, dt.date(YEAR, 1, 10), CASH)  # May of last year: 8 months back
    assert row_of(dues, zhu, YEAR - 1).paid == {}, "nothing recorded"
    assert dues.pay([(zhu, 7)], YEAR - 1, dt.date(YEAR, 1, 10), CASH) == 1  # July: 6 months back


def test_relief_needs_the_branch_decision_and_the_approval_above(db, dues):
    zhu = member(db, "朱国萍")
    dues.assess_year(YEAR, {zhu: EMPLOYED}, dt.date(YEAR, 1, 5))
    with pytest.raises(ValidationError) as refused:
        dues.grant_relief(zhu, YEAR, (3, 5), Decimal("0"), "大病住院", dt.date(YEAR, 3, 1), "", None, "")
    assert set(refused.value.errors) == {"approved_by", "approval_date", "document_no"}
    assert row_of(dues, zhu).relieved == set()
    dues.grant_relief(
        zhu,
        YEAR,
        (3, 5),
        Decimal("0"),
        "大病住院",
        dt.date(YEAR, 3, 1),
        "街道党工委",
        dt.date(YEAR, 3, 8),
        "街党〔2026〕3号",
    )
    row = row_of(dues, zhu)
    assert row.relieved == {3, 4, 5}
    assert row.owed[4] == Decimal("0")
    assert not row.unpaid(4)
    assert row.owed_total == Decimal("360.00")


def test_six_unpaid_months_without_a_reason_flag_the_member(db, dues):
    absent, relieved, paying = member(db, "失联党员"), member(db, "住院党员"), member(db, "按时交")
    dues.assess_year(YEAR, dict.fromkeys((absent, relieved, paying), EMPLOYED), dt.date(YEAR, 1, 5))
    dues.pay([(paying, m) for m in range(1, 7)], YEAR, dt.date(YEAR, 6, 30), CASH)
    dues.grant_relief(
        relieved,
        YEAR,
        (3, 3),
        Decimal("0"),
        "住院",
        dt.date(YEAR, 3, 1),
        "街道党工委",
        dt.date(YEAR, 3, 8),
        "街党〔2026〕4号",
    )
    assert dues.at_risk(dt.date(YEAR, 7, 10)) == [(absent, "失联党员")]
    assert dues.at_risk(dt.date(YEAR, 6, 10)) == [], "five months is not yet six"


def test_a_voluntary_gift_is_recorded_apart_from_the_months(db, dues):
    zhu = member(db, "朱国萍")
    dues.assess_year(YEAR, {zhu: EMPLOYED}, dt.date(YEAR, 1, 5))
    dues.voluntary(zhu, Decimal("1000"), dt.date(YEAR, 7, 1), DuesPaymentWay.TRANSFER)
    assert row_of(dues, zhu).paid == {}, "a gift pays no month"
    assert "全额上缴" in AuditService(db).entries()[0].summary


def test_arrears_count_only_the_months_that_have_come(db, dues):
    from desktop_app.core.services.dues_ledger import due_through

    zhu = member(db, "朱国萍")
    dues.assess_year(YEAR, {zhu: EMPLOYED}, dt.date(YEAR, 1, 5))
    dues.pay([(zhu, 1), (zhu, 2)], YEAR, dt.date(YEAR, 2, 5), CASH)
    row = row_of(dues, zhu)
    assert due_through(YEAR, dt.date(YEAR, 5, 20)) == 5
    assert row.arrears(5) == Decimal("120.00"), "March to May"
    assert due_through(YEAR, dt.date(YEAR - 1, 12, 31)) == 0
    assert due_through(YEAR, dt.date(YEAR + 1, 1, 2)) == 12


def test_the_workbench_reminds_of_this_months_collection_and_of_the_risk_by_name(db, dues):
    from desktop_app.core.services.workbench import workbench_of

    absent, paying = member(db, "失联党员"), member(db, "按时交")
    dues.assess_year(YEAR, dict.fromkeys((absent, paying), EMPLOYED), dt.date(YEAR, 1, 5))
    dues.pay([(paying, m) for m in range(1, 7)], YEAR, dt.date(YEAR, 6, 30), CASH)

    def texts(day):
        return [r.text for r in workbench_of(db, day).reminders if "党费" in r.text]

    assert texts(dt.date(YEAR, 7, 10)) == [
        "失联党员 连续 6 个月未缴党费（2026年1月、2月、3月、4月、5月、6月），已满 6 个月，请支部按党章第九条研究处置"
    ]
    assert "本月（7月）党费尚未收缴" in texts(dt.date(YEAR, 7, 20)), "past the 15th with nothing recorded"
    dues.pay([(paying, 7)], YEAR, dt.date(YEAR, 7, 20), CASH)
    assert "本月（7月）党费尚未收缴" not in texts(dt.date(YEAR, 7, 20))
    [risk] = [r for r in workbench_of(db, dt.date(YEAR, 7, 20)).reminders if "连续 6 个月" in r.text]
    assert risk.target.kind == "member"
    assert risk.target.record_id == absent


def test_the_dues_report_has_the_detail_the_totals_and_a_notice_without_incomes(db, dues, tmp_path):
    import openpyxl

    from desktop_app.core.domain.periods import Period
    from desktop_app.core.exchange.reports.registry import export_report
    from desktop_app.core.services.people import PartyGroupService

    group = PartyGroupService(db).create({"name": "第1党小组"})
    zhu, li = member(db, "朱国萍", group_id=group), member(db, "李建华", group_id=group)
    dues.assess_year(YEAR, {zhu: EMPLOYED, li: Basis(DuesCategory.RETIRED, Decimal("5432.10"))}, dt.date(YEAR, 1, 5))
    dues.pay([(zhu, m) for m in range(1, 4)] + [(li, 1)], YEAR, dt.date(YEAR, 3, 20), CASH)
    target = tmp_path / "dues.xlsx"
    export_report(db, "dues", Period.parse(f"{YEAR}Q1"), target)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["收缴明细", "按党小组汇总", "按月汇总", "公示"]
    detail = list(book["收缴明细"].iter_rows(min_row=4, values_only=True))
    assert detail[0][:3] == (1, "李建华", "第1党小组")  # in pinyin order
    assert detail[0][-4:] == (162.96, 54.32, 108.64, None), "李建华: 54.32 a month (1 %), one paid; no gift"
    assert detail[1][-4:] == (120, 120, 0, None), "朱国萍: three months of 40.00"
    assert [row[0] for row in book["按月汇总"].iter_rows(min_row=4, values_only=True) if row[0]][:3] == [
        "1月",
        "2月",
        "3月",
    ]
    notice_text = " ".join(str(c) for row in book["公示"].iter_rows(values_only=True) for c in row if c is not None)
    assert "朱国萍" in notice_text
    assert "5432" not in notice_text, "no income in the notice"


def test_bases_imported_from_a_sheet_as_tolerantly_as_the_rosters(keyed_db, tmp_path, capsys):
    import openpyxl

    from desktop_app.cli import main

    db, dues = keyed_db, DuesService(keyed_db)

    member(db, "朱国萍")
    member(db, "李建华")
    member(db, "王芳")
    sheet = tmp_path / "党费基数.xlsx"
    book = openpyxl.Workbook()
    rows = [
        ["2026年党费基数表"],
        ["姓名", "缴费类别", "税后月工资（元）"],
        ["朱国萍", "在职", "3,000.01"],
        ["李建华", "退休", 5000],
        ["王芳", "学生", None],
        ["赵无名", "在职", 4000],
        ["朱国萍", "退伍", 4000],
    ]
    for row in rows:
        book.active.append(row)
    book.save(sheet)
    data = ["--data-dir", str(db.data_dir)]
    db.dispose()

    assert main(["import", "dues-bases", str(sheet), "--year", str(YEAR), *data]) == 1
    out = capsys.readouterr().out
    assert "第6行 第A列（姓名）：名册中没有这名党员" in out
    assert "第7行 第B列（缴费类别）：“退伍”不是缴费类别" in out
    assert row_of(dues, member(db, "孙新")).owed == {}, "nothing was assessed"

    book = openpyxl.load_workbook(sheet)
    book.active.delete_rows(6, 2)
    book.save(sheet)
    assert main(["import", "dues-bases", str(sheet), "--year", str(YEAR), "--dry-run", *data]) == 0
    assert "朱国萍：每月 30.00 元" in capsys.readouterr().out
    assert main(["import", "dues-bases", str(sheet), "--year", str(YEAR), *data]) == 0
    amounts = {row.name: row.owed.get(1) for row in dues.ledger(YEAR)}
    assert amounts["朱国萍"] == Decimal("30.00")
    assert amounts["李建华"] == Decimal("25.00")
    assert amounts["王芳"] == Decimal("0.20")


def test_the_grids_totals_are_the_years_and_the_latest_due_months(db, dues):
    from desktop_app.core.services.dues_ledger import totals

    zhu, li = member(db, "朱国萍"), member(db, "李建华")
    dues.assess_year(YEAR, dict.fromkeys((zhu, li), EMPLOYED), dt.date(YEAR, 1, 5))
    dues.pay([(zhu, 1), (zhu, 2), (li, 2)], YEAR, dt.date(YEAR, 2, 10), CASH)
    sums = totals(dues.ledger(YEAR), through_month=2)
    assert (sums.owed, sums.paid, sums.arrears) == (Decimal("960.00"), Decimal("120.00"), Decimal("40.00"))
    assert (sums.month, sums.month_owed, sums.month_paid) == (2, Decimal("80.00"), Decimal("80.00"))
    assert totals([], through_month=0).month == 1


def test_rounding_is_a_setting_kept_with_the_data_and_used_from_the_next_assessment(db, dues):
    from desktop_app.core.domain.dues import ROUNDINGS

    zhu, li = member(db, "朱国萍"), member(db, "李建华")
    half_fen = Basis(DuesCategory.EMPLOYED, Decimal("4321.50"))  # 1 %: 43.215
    dues.assess_year(YEAR, {zhu: half_fen}, dt.date(YEAR, 1, 5))
    assert row_of(dues, zhu).owed[1] == Decimal("43.22"), "half up unless 设置 says otherwise"
    with pytest.raises(ValidationError):
        dues.set_rounding("ROUND_SOMEHOW")
    DuesService(db).set_rounding(next(mode for mode, label in ROUNDINGS.items() if label == "舍去分以下尾数"))
    fresh = DuesService(db)  # another page, the CLI, the next start: all read the setting
    fresh.assess_year(YEAR, {li: half_fen}, dt.date(YEAR, 2, 5))
    assert row_of(fresh, li).owed[1] == Decimal("43.21")
    assert row_of(fresh, zhu).owed[1] == Decimal("43.22"), "an amount already fixed stays"
    [logged] = [entry for entry in AuditService(db).entries() if entry.summary == "党费尾数处理"]
    assert logged.changes == {"尾数": ["四舍五入到分", "舍去分以下尾数"]}


def test_voluntary_gifts_show_in_the_ledger_and_in_the_report_by_the_day_they_were_given(db, dues, tmp_path):
    import openpyxl

    from desktop_app.core.domain.periods import Period
    from desktop_app.core.exchange.reports.registry import export_report
    from desktop_app.core.services.dues_ledger import totals

    zhu, li = member(db, "朱国萍"), member(db, "李建华")
    dues.assess_year(YEAR, dict.fromkeys((zhu, li), EMPLOYED), dt.date(YEAR, 1, 5))
    dues.voluntary(zhu, Decimal("1000"), dt.date(YEAR, 2, 1), DuesPaymentWay.TRANSFER)
    dues.voluntary(zhu, Decimal("200"), dt.date(YEAR, 7, 1), CASH)
    row = row_of(dues, zhu)
    assert row.voluntary == [(dt.date(YEAR, 2, 1), Decimal("1000")), (dt.date(YEAR, 7, 1), Decimal("200"))]
    assert totals(dues.ledger(YEAR), 12).voluntary == Decimal("1200")
    target = tmp_path / "dues.xlsx"
    export_report(db, "dues", Period.parse(f"{YEAR}Q1"), target)
    book = openpyxl.load_workbook(target)
    detail = {r[1]: r for r in book["收缴明细"].iter_rows(min_row=4, values_only=True) if r[1]}
    assert detail["朱国萍"][-1] == 1000, "the July gift is not in the first quarter"
    assert detail["李建华"][-1] is None
    assert next(r for r in book["收缴明细"].iter_rows(min_row=4, values_only=True) if r[0] == "合计")[-1] == 1000
    notice = {r[1]: r[-1] for r in book["公示"].iter_rows(min_row=4, values_only=True) if r[1]}
    assert notice["朱国萍"] == 1000


def test_a_base_that_is_not_money_is_named_with_its_cell_and_nothing_is_assessed(db, dues, tmp_path):
    import openpyxl

    from desktop_app.core.exchange.roster.dues_bases import preview_dues_bases

    member(db, "朱国萍")
    member(db, "李建华")
    sheet = tmp_path / "党费基数.xlsx"
    book = openpyxl.Workbook()
    for row in (["姓名", "缴费类别", "税后月工资"], ["朱国萍", "在职", "四千"], ["李建华", "在职", "3000.001"]):
        book.active.append(row)
    book.save(sheet)
    problems = [str(p) for p in preview_dues_bases(db, sheet, YEAR).problems]
    assert problems == [
        "第2行 第C列（税后月工资）：“四千”不是金额：金额应为数字，例如 200 或 150.50",
        "第3行 第C列（税后月工资）：“3000.001”不是金额：金额最多保留两位小数",
    ]
    assert all(row.owed == {} for row in dues.ledger(YEAR))


def paid_today(db, dues, month=3):
    """A member assessed for the year with one month marked paid today."""
    zhu = member(db, "朱国萍")
    dues.assess_year(YEAR, {zhu: EMPLOYED}, dt.date(YEAR, 1, 5))
    assert dues.pay([(zhu, month)], YEAR, dt.date(YEAR, month, 10), CASH, "王芳") == 1
    return zhu


def test_a_mark_made_by_mistake_today_is_undone_and_logged(db, dues):
    zhu = paid_today(db, dues)
    [undone] = dues.undo_last([(zhu, 3)], YEAR, dt.date.today())
    assert undone.amount == Decimal("40.00")
    row = row_of(dues, zhu)
    assert row.unpaid(3)
    assert 3 not in row.corrected, "taken back the same day: no correction to show"
    assert dues.entries(zhu, YEAR, 3) == []
    [undone] = [e for e in AuditService(db).entries() if "撤销当天误记" in e.summary and "朱国萍" in e.summary]
    assert undone.action is AuditAction.UNDO, "an entry taken back is not a record deleted to the 回收站"
    with pytest.raises(AppError, match="没有可以撤销"):
        dues.undo_last([(zhu, 3)], YEAR, dt.date.today())


def test_a_mark_of_an_earlier_day_cannot_be_undone_only_corrected_with_a_reason(db, dues):
    zhu = paid_today(db, dues)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(AppError, match="只有当天记录的才能撤销"):
        dues.undo_last([(zhu, 3)], YEAR, tomorrow)
    assert not row_of(dues, zhu).unpaid(3), "refused: nothing changed"
    with pytest.raises(ValidationError):
        dues.correct(zhu, YEAR, 3, "  ", tomorrow)
    assert dues.correct(zhu, YEAR, 3, "记错了人，应为朱国平", tomorrow) == Decimal("40.00")
    row = row_of(dues, zhu)
    assert row.unpaid(3), "the month is owed again"
    assert row.paid[3] == Decimal("0.00")
    assert 3 in row.corrected, "the ledger shows the month was corrected"
    kinds = [(e.kind, e.amount) for e in dues.entries(zhu, YEAR, 3)]
    assert kinds == [
        (DuesPaymentKind.REGULAR, Decimal("40.00")),
        (DuesPaymentKind.CORRECTION, Decimal("-40.00")),
    ], "the payment stays; the correction is a new entry"
    logged = next(e for e in AuditService(db).entries() if e.summary.startswith("更正"))
    assert "记错了人，应为朱国平" in logged.details
    # Marked again as it really was: paid, and still shown as corrected.
    assert dues.pay([(zhu, 3)], YEAR, dt.date(YEAR, 3, 12), CASH) == 1
    row = row_of(dues, zhu)
    assert not row.unpaid(3)
    assert 3 in row.corrected
    with pytest.raises(AppError, match="没有已缴"):
        dues.correct(zhu, YEAR, 4, "无", tomorrow)


def test_a_correction_keeps_the_reports_net_and_the_risk_honest(db, dues):
    zhu = paid_today(db, dues)
    dues.correct(zhu, YEAR, 3, "重复记录", dt.date.today())
    row = row_of(dues, zhu)
    assert row.paid_total == Decimal("0.00")
    assert row.arrears(3) == Decimal("120.00")


def test_many_marks_made_by_mistake_are_undone_together_or_not_at_all(db, dues):
    ids = [member(db, f"党员{n}") for n in range(3)]
    dues.assess_year(YEAR, dict.fromkeys(ids, EMPLOYED), dt.date(YEAR, 1, 5))
    dues.pay([(i, 5) for i in ids], YEAR, dt.date(YEAR, 5, 10), CASH)
    with pytest.raises(AppError, match="没有撤销任何一笔"):
        dues.undo_last([(i, m) for i in ids for m in (5, 6)], YEAR, dt.date.today())  # June was never paid
    assert all(not row_of(dues, i).unpaid(5) for i in ids), "refused: all three still paid"
    assert len(dues.undo_last([(i, 5) for i in ids], YEAR, dt.date.today())) == 3
    assert all(row_of(dues, i).unpaid(5) for i in ids)
