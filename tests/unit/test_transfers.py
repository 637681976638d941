"""组织关系转接: a member's 转入 and 转出 are records saved with the member, their dates are the ones the
membership-on-a-day rule reads, and a 转出's 回执 is reminded of at exactly three months (domain.transfers)."""

import datetime as dt

import pytest

from desktop_app.core.domain.enums import MeetingKind, MemberStatus, TransferDirection
from desktop_app.core.domain.errors import ValidationError
from desktop_app.core.domain.transfers import Transfer, months_later, receipt_overdue
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import MemberService
from desktop_app.core.services.transfers import transfers_between
from desktop_app.core.services.workbench import workbench_of
from desktop_app.core.storage.audit import AuditService

OUT = {
    "left_date": dt.date(2026, 3, 15),
    "status": MemberStatus.TRANSFERRED.value,
    "transfer_out_to": "中共闵行区古美路街道平南居民区委员会",
    "transfer_out_letter": "沪徐组转〔2026〕017号",
    "transfer_out_handler": "朱国萍",
}


@pytest.fixture
def db(engine_db):
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_db


def member(db, name, **values):
    return MemberService(db).create({"name": name, "join_date": dt.date(2000, 7, 1), **values})


def saved(db, member_id, **values):
    members = MemberService(db)
    members.update(member_id, {**members.get(member_id), **values})
    return members.get(member_id)


def test_a_transfer_in_and_out_are_records_with_their_letters_and_audit(db):
    moved = member(
        db,
        "周立群",
        transfer_in_date=dt.date(2024, 9, 2),
        transfer_in_from="中共长宁区仙霞新村街道虹旭居民区支部委员会",
        transfer_in_letter="沪长组转〔2024〕088号",
        transfer_in_handler="李建华",
        transfer_in_receipt=dt.date(2024, 9, 5),
    )
    values = saved(db, moved, **OUT)
    assert values["transfer_in_from"] == "中共长宁区仙霞新村街道虹旭居民区支部委员会"
    assert values["transfer_in_receipt"] == dt.date(2024, 9, 5)
    assert values["transfer_out_letter"] == "沪徐组转〔2026〕017号"
    assert values["transfer_out_receipt"] is None
    found = transfers_between(db, dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    assert [(t.direction, t.date, t.handled_by) for t in found] == [
        (TransferDirection.OUT, dt.date(2026, 3, 15), "朱国萍"),
        (TransferDirection.IN, dt.date(2024, 9, 2), "李建华"),
    ]
    change = next(e for e in AuditService(db).entries() if e.record_kind == "member" and e.summary and e.changes)
    assert "转出：介绍信编号" in change.changes
    # The 回执 comes back: the same record, now closed.
    assert saved(db, moved, transfer_out_receipt=dt.date(2026, 4, 2))["transfer_out_receipt"] == dt.date(2026, 4, 2)
    assert len(transfers_between(db, dt.date(2026, 1, 1), dt.date(2026, 12, 31))) == 1
    # Clearing the date takes the record away with it.
    cleared = dict.fromkeys(("transfer_out_to", "transfer_out_letter", "transfer_out_handler"), "")
    saved(db, moved, left_date=None, status="active", transfer_out_receipt=None, **cleared)
    assert transfers_between(db, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == []


def test_a_letter_without_its_day_or_a_receipt_before_it_is_refused_and_nothing_is_written(db):
    members = MemberService(db)
    with pytest.raises(ValidationError, match="填写了介绍信编号，请同时填写转入日期"):
        member(db, "甲", transfer_in_letter="沪组转〔2026〕1号")
    with pytest.raises(ValidationError, match="回执日期不能早于转出日期 2026-03-15"):
        member(db, "乙", **{**OUT, "transfer_out_receipt": dt.date(2026, 3, 1)})
    assert members.count() == 0


def test_the_membership_rule_reads_the_records_dates_so_quorum_and_lists_stay_right(db):
    stays = member(db, "王秀英")
    arrives = member(db, "陈芳", transfer_in_date=dt.date(2026, 5, 10), transfer_in_from="虹旭居民区党支部")
    leaves = member(db, "周立群", **OUT)
    members = MemberService(db)
    assert {m.id for m in members.members_on(dt.date(2026, 3, 14))} == {stays, leaves}
    assert {m.id for m in members.members_on(dt.date(2026, 3, 15))} == {stays}, "gone on the 转出's day"
    assert {m.id for m in members.members_on(dt.date(2026, 5, 10))} == {stays, arrives}, "here from the 转入's day"
    assembly = MeetingService(db).expected_for(MeetingKind.GENERAL_ASSEMBLY, None, dt.date(2026, 5, 20))
    assert {m.id for m in assembly if m.can_vote} == {stays, arrives}, "the quorum counts who belonged that day"


def test_months_later_keeps_the_day_or_the_months_last():
    assert months_later(dt.date(2026, 3, 15), 3) == dt.date(2026, 6, 15)
    assert months_later(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
    assert months_later(dt.date(2026, 10, 31), 3) == dt.date(2027, 1, 31)


def test_a_transfer_out_without_a_letter_awaits_no_receipt():
    old = Transfer(1, "甲", TransferDirection.OUT, dt.date(2020, 1, 1), "", "", "", None)
    assert not receipt_overdue(old, dt.date(2026, 1, 1)), "a date moved in from before the records"


def test_a_receipt_that_came_later_was_still_overdue_on_an_earlier_day():
    """As of a past day (a street package's period end), a 回执 received after it had not come yet."""
    sent = dt.date(2026, 1, 10)
    back = dt.date(2026, 6, 1)
    late = Transfer(1, "甲", TransferDirection.OUT, sent, "浦东新区某街道", "沪组转〔2026〕1号", "", back)
    assert receipt_overdue(late, dt.date(2026, 4, 10)), "three months on, the 回执 was not back yet"
    assert not receipt_overdue(late, dt.date(2026, 4, 9)), "the day before it fell due"
    assert not receipt_overdue(late, dt.date(2026, 6, 1)), "back on that day"


def test_the_workbench_reminds_of_a_missing_receipt_at_exactly_three_months(db):
    leaves = member(db, "周立群", **OUT)
    member(db, "已收回执", **{**OUT, "transfer_out_receipt": dt.date(2026, 4, 1)})

    def lines(day):
        return [r for r in workbench_of(db, day).reminders if r.text.startswith("组织关系转接")]

    assert lines(dt.date(2026, 6, 14)) == [], "a day short of three months"
    [reminder] = lines(dt.date(2026, 6, 15))
    assert reminder.text == (
        "组织关系转接：周立群 2026-03-15 转往中共闵行区古美路街道平南居民区委员会，3 个月未收到回执"
    )
    assert (reminder.target.kind, reminder.target.record_id) == ("member", leaves)
    saved(db, leaves, transfer_out_receipt=dt.date(2026, 6, 20))
    assert lines(dt.date(2026, 6, 20)) == [], "the 回执 came: no more reminder"


def test_the_report_lists_the_transfers_with_their_receipts(db, tmp_path):
    import openpyxl

    from desktop_app.core.domain.periods import Period
    from desktop_app.core.exchange.reports.registry import export_report

    member(db, "周立群", **OUT)
    member(db, "陈芳", transfer_in_date=dt.date(2026, 5, 10), transfer_in_from="虹旭居民区党支部")
    target = tmp_path / "转接.xlsx"
    assert export_report(db, "transfers", Period.parse("2026"), target).rows == 2
    sheet = openpyxl.load_workbook(target)["组织关系转接"]
    rows = [r for r in sheet.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [(r[1], r[2], r[4]) for r in rows] == [
        ("周立群", "转出", "中共闵行区古美路街道平南居民区委员会"),
        ("陈芳", "转入", "虹旭居民区党支部"),
    ]
    assert rows[0][8].startswith("逾期未收回执（应于 2026-06-15 前）")
    [total] = [r for r in sheet.iter_rows(values_only=True) if r[0] == "合计"]
    assert total[4] == "转入 1 人，转出 1 人"


def test_the_demo_holds_transfers_with_a_receipt_three_months_late(db):
    from desktop_app.core.exchange.demo import fill_demo
    from desktop_app.core.services.check import check_database
    from desktop_app.core.services.dues import DuesService

    today = dt.date(2024, 6, 15)
    counts = fill_demo(db, "small", today=today)
    found = transfers_between(db, dt.date(1900, 1, 1), today)
    assert counts["member_transfers"] == len(found) >= 4
    assert {t.direction for t in found} == set(TransferDirection)
    assert all(t.letter_no and t.organisation and t.handled_by for t in found)
    [late] = [r for r in workbench_of(db, today).reminders if r.text.startswith("组织关系转接")]
    assert "3 个月未收到回执" in late.text
    recent = [t for t in found if t.date > today - dt.timedelta(days=200)]
    assert len(recent) == 2
    assert all(t.receipt_date is None for t in recent)
    members = MemberService(db)
    for t in recent:  # gone from then: listed nowhere after the day they left
        assert t.member_id not in {m.id for m in members.members_on(t.date)}
        assert t.member_id not in {row.member_id for row in DuesService(db).ledger(2024) if row.owed.get(6)}
    assert check_database(db).ok


def test_migration_0018_moves_the_dates_members_had_into_records(tmp_path):
    """A release-0017 data file whose members carry a 转入 and a 转出 date: each becomes a record of its direction
    in the member's community, the letters blank (awaiting no 回执), and who belonged when stays as it was."""
    import shutil
    import sqlite3

    from desktop_app.core.storage.paths import DATABASE_FILENAME
    from desktop_app.core.storage.startup import open_database
    from tests.unit.test_data_safety import FIXTURES

    target = tmp_path / DATABASE_FILENAME
    shutil.copyfile(FIXTURES / "schema-0017.sqlite3", target)
    with sqlite3.connect(target) as conn:
        first, second = (row[0] for row in conn.execute("SELECT id FROM members ORDER BY id LIMIT 2"))
        conn.execute("UPDATE members SET transfer_in_date = '2019-04-08' WHERE id = ?", (first,))
        conn.execute("UPDATE members SET left_date = '2025-11-30', status = 'transferred' WHERE id = ?", (second,))
    db = open_database(tmp_path)
    try:
        found = {(t.member_id, t.direction): t for t in transfers_between(db, dt.date(1900, 1, 1), dt.date(2100, 1, 1))}
        assert set(found) == {(first, TransferDirection.IN), (second, TransferDirection.OUT)}
        assert found[first, TransferDirection.IN].date == dt.date(2019, 4, 8)
        assert not found[second, TransferDirection.OUT].has_letter
        members = MemberService(db)
        assert members.get(second)["left_date"] == dt.date(2025, 11, 30)
        assert second in {m.id for m in members.members_on(dt.date(2025, 11, 29))}
        assert second not in {m.id for m in members.members_on(dt.date(2025, 11, 30))}
        assert not [r for r in workbench_of(db, dt.date(2026, 6, 1)).reminders if r.text.startswith("组织关系转接")]
        # Saved again through the form, the member keeps the record (now with its letter).
        values = saved(db, second, transfer_out_letter="沪组转〔2025〕9号")
        assert values["left_date"] == dt.date(2025, 11, 30)
    finally:
        db.dispose()
