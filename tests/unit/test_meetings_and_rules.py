import datetime as dt

import pytest

from desktop_app.core.domain.enums import AttendanceStatus, MeetingKind, NormPeriod
from desktop_app.core.domain.errors import AppError, ValidationError
from desktop_app.core.domain.periods import Period
from desktop_app.core.domain.rules import (
    Group,
    HeldMeeting,
    Norm,
    UnitState,
    evaluate_compliance,
    summarize_attendance,
    vote_quorum_met,
)
from desktop_app.core.services.compliance import ComplianceService
from desktop_app.core.services.meetings import MeetingService, NormService
from desktop_app.core.services.people import MemberService, PartyGroupService


@pytest.fixture
def db(engine_db):
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_db


P, L, A = AttendanceStatus.PRESENT, AttendanceStatus.ON_LEAVE, AttendanceStatus.ABSENT
DEFAULT_NORMS = [
    Norm(MeetingKind.GENERAL_ASSEMBLY, NormPeriod.QUARTER, 1),
    Norm(MeetingKind.COMMITTEE, NormPeriod.MONTH, 1),
    Norm(MeetingKind.GROUP_MEETING, NormPeriod.MONTH, 1, per_group=True),
    Norm(MeetingKind.PARTY_LESSON, NormPeriod.QUARTER, 1),
    Norm(MeetingKind.ORG_LIFE, NormPeriod.YEAR, 1),
]
GROUPS = [Group(1, "第一党小组"), Group(2, "第二党小组")]


def by_name(results):
    return {r.name: r for r in results}


def test_attendance_maths():
    summary = summarize_attendance([P, P, P, L, A])
    assert (summary.expected, summary.attended, summary.on_leave, summary.absent) == (5, 3, 1, 1)
    assert summary.rate == pytest.approx(0.6)
    assert summary.rate_text == "60%"
    assert summarize_attendance([]).rate is None


@pytest.mark.parametrize(("present", "total", "ok"), [(6, 10, True), (5, 10, False), (1, 1, True), (0, 0, False)])
def test_vote_needs_more_than_half(present, total, ok):
    assert vote_quorum_met(present, total) is ok


def test_quarter_with_a_missed_general_assembly():
    period = Period.parse("2023Q1")
    held = [HeldMeeting(MeetingKind.COMMITTEE, dt.date(2023, m, 5)) for m in (1, 2, 3)]
    results = by_name(evaluate_compliance(period, DEFAULT_NORMS, held, GROUPS, today=dt.date(2023, 6, 1)))
    assembly = results["支部党员大会"]
    assert (assembly.required, assembly.held, assembly.complete) == (1, 0, False)
    assert assembly.describe() == "2023年第一季度未召开"
    assert results["支部委员会会议"].complete
    assert results["支部委员会会议"].describe() == "完成"
    assert results["组织生活会"].units == [], "a yearly norm is not judged on one quarter"


def test_a_group_that_skipped_a_month_is_named():
    period = Period.parse("2023Q2")
    held = [HeldMeeting(MeetingKind.GROUP_MEETING, dt.date(2023, m, 10), 1) for m in (4, 5, 6)]
    held += [HeldMeeting(MeetingKind.GROUP_MEETING, dt.date(2023, m, 10), 2) for m in (4, 6)]
    results = by_name(evaluate_compliance(period, DEFAULT_NORMS, held, GROUPS, today=dt.date(2023, 7, 1)))
    assert results["党小组会（第一党小组）"].complete
    second = results["党小组会（第二党小组）"]
    assert [u.period.label for u in second.missed] == ["2023年5月"]
    assert (second.required, second.held) == (3, 2)


def test_a_party_lesson_held_twice_does_not_cover_another_quarter():
    period = Period.parse("2023")
    held = [HeldMeeting(MeetingKind.PARTY_LESSON, dt.date(2023, 1, d)) for d in (10, 20)]
    held += [HeldMeeting(MeetingKind.PARTY_LESSON, dt.date(2023, m, 10)) for m in (7, 10)]
    lesson = by_name(evaluate_compliance(period, DEFAULT_NORMS, held, GROUPS, today=dt.date(2024, 1, 5)))["党课"]
    assert (lesson.required, lesson.held) == (4, 4)
    assert [u.period.label for u in lesson.missed] == ["2023年第二季度"]
    assert not lesson.complete


def test_running_month_is_due_not_missed():
    period = Period.parse("2023-03")
    results = by_name(evaluate_compliance(period, DEFAULT_NORMS, [], GROUPS, today=dt.date(2023, 3, 15)))
    committee = results["支部委员会会议"]
    assert [u.state for u in committee.units] == [UnitState.DUE]
    assert committee.describe() == "2023年3月尚需召开1次"
    future = by_name(evaluate_compliance(period, DEFAULT_NORMS, [], GROUPS, today=dt.date(2023, 2, 1)))
    assert future["支部委员会会议"].units[0].state is UnitState.FUTURE


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2023", dt.date(2023, 1, 1), dt.date(2023, 12, 31), "2023年"),
        ("2023q1", dt.date(2023, 1, 1), dt.date(2023, 3, 31), "2023年第一季度"),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "2024年2月"),
        ("2023-01-01..2023-06-30", dt.date(2023, 1, 1), dt.date(2023, 6, 30), "2023年1月1日至2023年6月30日"),
    ],
)
def test_period_parsing(text, start, end, label):
    assert Period.parse(text) == Period(start, end, label)


@pytest.mark.parametrize("text", ["2023Q5", "23", "2023-13", "2023-06-30..2023-01-01", "上个月"])
def test_bad_period_gets_a_chinese_message(text):
    with pytest.raises(AppError, match="期间"):
        Period.parse(text)


@pytest.fixture
def branch(db):
    groups = PartyGroupService(db)
    g1 = groups.create({"name": "第一党小组"})
    members = MemberService(db)
    ids = [members.create({"name": f"党员{i}", "group_id": g1, "is_committee": i < 3}) for i in range(6)]
    probationary = members.create({"name": "预备党员甲", "group_id": g1, "member_type": "probationary"})
    return db, g1, ids, probationary


def attendance(ids, statuses, reason="外出"):
    return [
        {"member_id": m, "status": s, "reason": reason if s is not P else ""}
        for m, s in zip(ids, statuses, strict=True)
    ]


def group_meeting(meetings, group, marks):
    return meetings.create(
        {"kind": "group_meeting", "date": "2023-03-10", "topic": "学习党章", "group_id": group, "attendance": marks}
    )


def test_meeting_counts_come_from_attendance(branch):
    db, g1, ids, _ = branch
    meetings = MeetingService(db)
    mid = group_meeting(meetings, g1, attendance(ids, [P, P, P, P, L, A]))
    row = meetings.fetch_rows([mid])[0]
    keys = [c.key for c in meetings.columns()]
    assert row[1 + keys.index("expected")] == "6"
    assert row[1 + keys.index("attended")] == "4"
    assert row[1 + keys.index("rate")] == "67%"
    assert meetings.attendance_summary(mid).on_leave == 1


def test_changing_one_mark_rewrites_that_row_alone_and_keeps_the_rest(branch):
    """A save writes the attendance rows the form changed: on a server each row written goes through the
    policies, and a branch's 党员大会 lists hundreds. The rows left alone are not written at all;
    a member taken off the list loses their row, one added gets one."""
    from sqlalchemy import event

    db, g1, ids, probationary = branch
    meetings = MeetingService(db)
    listed = [*ids[:5], probationary]
    mid = group_meeting(meetings, g1, attendance(listed, [P, P, P, P, P, P]))
    written: list[tuple[str, int]] = []

    def count(_conn, _cursor, statement, parameters, _context, executemany):
        if "meeting_attendance" in statement.split("(")[0] and not statement.startswith("SELECT"):
            written.append((statement.split()[0], len(parameters) if executemany else 1))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        values = meetings.get(mid)
        marks = [dict(row) for row in values["attendance"]]
        marks[1] = {**marks[1], "status": A, "reason": "出差"}
        meetings.update(mid, {**values, "attendance": marks}, version=values["version"])
        assert written == [("UPDATE", 1)]
        written.clear()
        values = meetings.get(mid)
        marks = [row for row in values["attendance"] if row["member_id"] != ids[0]]
        marks.append({"member_id": ids[5], "status": P, "reason": ""})
        meetings.update(mid, {**values, "attendance": marks}, version=values["version"])
        assert sorted(verb for verb, _ in written) == ["DELETE", "INSERT"]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    saved = {row["member_id"]: row["status"] for row in meetings.get(mid)["attendance"]}
    assert saved == {**dict.fromkeys([*ids[1:6], probationary], P), ids[1]: A}
    assert meetings.attendance_summary(mid).absent == 1


def test_meeting_kind_decides_required_fields(branch):
    db, _, ids, _ = branch
    meetings = MeetingService(db)
    with pytest.raises(ValidationError) as info:
        meetings.create({"kind": "group_meeting", "date": "2023-03-10", "topic": "t"})
    assert "党小组" in info.value.errors["group_id"]
    with pytest.raises(ValidationError) as info:
        meetings.create(
            {"kind": "party_lesson", "date": "2023-03-10", "topic": "t", "start_time": "15:00", "end_time": "14:00"}
        )
    assert set(info.value.errors) == {"lecturer", "end_time"}
    with pytest.raises(ValidationError, match="请假须填写原因"):
        meetings.create(
            {
                "kind": "committee",
                "date": "2023-03-10",
                "topic": "t",
                "attendance": [{"member_id": ids[0], "status": L, "reason": ""}],
            }
        )


def test_votes_cannot_exceed_voting_members_present(branch):
    db, _, ids, probationary = branch
    meetings = MeetingService(db)
    values = {
        "kind": "general_assembly",
        "date": "2023-03-20",
        "topic": "表决",
        "vote_taken": True,
        "votes_for": 6,
        "votes_against": 0,
        "votes_abstain": 0,
        "attendance": attendance([*ids, probationary], [P] * 5 + [A, P]),
    }
    with pytest.raises(ValidationError, match="超过出席的正式党员人数 5"):
        meetings.create(values)
    meetings.create({**values, "votes_for": 5})


def test_expected_members_follow_the_kind(branch):
    db, g1, ids, probationary = branch
    meetings = MeetingService(db)
    assert {m.id for m in meetings.expected_for(MeetingKind.COMMITTEE, None)} == set(ids[:3])
    assert {m.id for m in meetings.expected_for(MeetingKind.GROUP_MEETING, g1)} == {*ids, probationary}
    assert len(meetings.expected_for(MeetingKind.GENERAL_ASSEMBLY, None)) == 7


def test_compliance_from_database_flags_a_vote_without_quorum(branch):
    db, _, ids, probationary = branch
    meetings = MeetingService(db)
    meetings.create(
        {
            "kind": "general_assembly",
            "date": "2023-02-20",
            "topic": "发展党员表决",
            "vote_taken": True,
            "votes_for": 3,
            "votes_against": 0,
            "votes_abstain": 0,
            "attendance": attendance([*ids, probationary], [P, P, P, A, A, A, P]),
        }
    )
    report = ComplianceService(db).evaluate(Period.parse("2023Q1"), today=dt.date(2023, 5, 1))
    assert [(f.voting_present, f.voting_total) for f in report.vote_flags] == [(3, 6)]
    assert "未超过" in report.vote_flags[0].describe()
    items = by_name(report.items)
    assert items["支部党员大会"].complete
    assert not items["支部委员会会议"].complete
    assert "党小组会（第一党小组）" in items


def test_norms_are_editable(db):
    norms = NormService(db)
    assert {n.kind: n.text for n in norms.list()}[MeetingKind.PARTY_LESSON] == "每季度1次"
    norms.update(MeetingKind.PARTY_LESSON, {"period": "month", "count": 1})
    assert {n.kind: n.period for n in norms.list()}[MeetingKind.PARTY_LESSON] is NormPeriod.MONTH
    with pytest.raises(ValidationError, match="次数"):
        norms.update(MeetingKind.PARTY_LESSON, {"period": "month", "count": "-1"})


def vote(meetings, statuses_by_id, voters=3):
    return meetings.create(
        {
            "kind": "general_assembly",
            "date": "2023-02-20",
            "topic": "发展党员表决",
            "vote_taken": True,
            "votes_for": voters,
            "votes_against": 0,
            "votes_abstain": 0,
            "attendance": [{"member_id": i, "status": s, "reason": ""} for i, s in statuses_by_id.items()],
        }
    )


def flags(db):
    report = ComplianceService(db).evaluate(Period.parse("2023Q1"), today=dt.date(2023, 5, 1))
    return [(f.voting_present, f.voting_total) for f in report.vote_flags]


def test_a_vote_is_judged_as_it_stood_on_the_day(db):
    """4 正式 + 2 预备; 3 正式 attend and vote: valid. Making the two 预备 正式 later changes nothing."""
    members = MemberService(db)
    full = [members.create({"name": f"正式{i}"}) for i in range(4)]
    probationary = [members.create({"name": f"预备{i}", "member_type": "probationary"}) for i in range(2)]
    statuses = {full[0]: P, full[1]: P, full[2]: P, full[3]: A, probationary[0]: P, probationary[1]: P}
    meeting = vote(MeetingService(db), statuses)
    assert flags(db) == []
    for member_id in probationary:
        members.update(member_id, {**members.get(member_id), "member_type": "full"})  # 转正
    assert flags(db) == [], "a 转正 since the meeting does not undo its vote"
    meetings = MeetingService(db)
    meetings.update(meeting, {**meetings.get(meeting), "place": "党群服务站"})  # an edit later
    assert flags(db) == [], "editing the record keeps who could vote on the day"


def test_a_vote_valid_on_the_day_stays_valid_when_members_leave(db):
    members = MemberService(db)
    full = [members.create({"name": f"正式{i}"}) for i in range(4)]
    vote(MeetingService(db), {full[0]: P, full[1]: P, full[2]: P, full[3]: A})
    members.update(full[3], {**members.get(full[3]), "status": "transferred"})
    members.update(full[2], {**members.get(full[2]), "status": "transferred"})
    assert flags(db) == []


def test_the_quorum_counts_every_voting_member_not_only_those_listed(db):
    """6 正式: an attendance listing only the 3 present does not make 3 of 3."""
    members = MemberService(db)
    full = [members.create({"name": f"正式{i}"}) for i in range(6)]
    vote(MeetingService(db), {full[0]: P, full[1]: P, full[2]: P})
    assert flags(db) == [(3, 6)]


def test_a_vote_without_attendance_is_refused(db):
    MemberService(db).create({"name": "甲"})
    with pytest.raises(ValidationError) as info:
        vote(MeetingService(db), {}, voters=0)
    assert "须登记出席情况" in info.value.errors["attendance"]


def test_a_meeting_entered_after_the_fact_expects_who_belonged_that_day(db):
    """Expected attendance and voting rights are those of the meeting's date, not of today's list."""
    members = MemberService(db)
    veteran = members.create({"name": "老党员", "join_date": "1990-07-01"})
    newcomer = members.create({"name": "新转入", "join_date": "2000-07-01", "transfer_in_date": "2023-06-01"})
    left = members.create(
        {"name": "已转出", "join_date": "1995-07-01", "status": "transferred", "left_date": "2023-04-30"}
    )
    promoted = members.create(
        {"name": "新转正", "join_date": "2022-03-01", "member_type": "full", "full_date": "2023-03-01"}
    )
    meetings = MeetingService(db)
    on_day = {m.id: m.can_vote for m in meetings.expected_for(MeetingKind.GENERAL_ASSEMBLY, None, dt.date(2023, 2, 1))}
    assert set(on_day) == {veteran, left, promoted}, "the one who left later was still there; the newcomer not yet"
    assert on_day == {veteran: True, left: True, promoted: False}, "not yet 转正 on that day: no vote"
    today = {m.id for m in meetings.expected_for(MeetingKind.GENERAL_ASSEMBLY, None, dt.date(2023, 7, 1))}
    assert today == {veteran, newcomer, promoted}
    meeting = meetings.create(
        {
            "kind": "general_assembly",
            "date": "2023-02-01",
            "topic": "补录的党员大会",
            "vote_taken": True,
            "votes_for": 2,
            "votes_against": 0,
            "votes_abstain": 0,
            "attendance": [
                {"member_id": veteran, "status": P},
                {"member_id": left, "status": P},
                {"member_id": promoted, "status": P},
            ],
        }
    )
    saved = {a["member_id"] for a in meetings.get(meeting)["attendance"]}
    assert saved == {veteran, left, promoted}
    assert flags(db) == [], "2 of the 2 voters of that day were present"
    with pytest.raises(ValidationError, match="超过出席的正式党员人数 2"):
        meetings.update(meeting, {**meetings.get(meeting), "votes_for": 3})


def test_membership_dates_are_checked_against_each_other(db):
    members = MemberService(db)
    with pytest.raises(ValidationError) as info:
        members.create({"name": "甲", "join_date": "2020-01-01", "full_date": "2019-01-01"})
    assert "不能早于入党日期" in info.value.errors["full_date"]
    with pytest.raises(ValidationError) as info:
        members.create({"name": "乙", "left_date": "2023-01-01"})
    assert "已转出" in info.value.errors["status"]


def group_months(db, name):
    report = ComplianceService(db).evaluate(Period.parse("2023Q1"), today=dt.date(2023, 5, 1))
    item = next((i for i in report.items if i.name == f"党小组会（{name}）"), None)
    return [] if item is None else [u.period.start.month for u in item.units]


def test_party_groups_are_judged_only_while_they_existed(db):
    groups = PartyGroupService(db)
    groups.create({"name": "老小组"})
    groups.create({"name": "二月成立", "founded_date": "2023-02-10"})
    groups.create({"name": "三月撤销", "founded_date": "2020-01-01", "dissolved_date": "2023-03-15"})
    assert group_months(db, "老小组") == [1, 2, 3]
    assert group_months(db, "二月成立") == [3], "January and February are not asked of a group founded in February"
    assert group_months(db, "三月撤销") == [1, 2]
    with pytest.raises(ValidationError, match="撤销日期不能早于成立日期"):
        groups.create({"name": "错日期", "founded_date": "2023-03-01", "dissolved_date": "2023-02-01"})


def test_a_group_in_the_recycle_bin_still_answers_for_its_past(db):
    groups = PartyGroupService(db)
    gone = groups.create({"name": "已删除小组"})
    groups.soft_delete([gone])
    assert group_months(db, "已删除小组") == [1, 2, 3], "deleted today: the past quarter is still judged"
