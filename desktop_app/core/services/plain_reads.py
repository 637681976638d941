"""What the 工作台 reads that other pages read too, through the driver alone (see storage.plain): the services
answer the same questions through these functions, so each is read one way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from desktop_app.core.domain.enums import AttendanceStatus, MeetingKind, MemberStatus, NormPeriod, ProblemStatus
from desktop_app.core.domain.periods import Period
from desktop_app.core.domain.rules import Group, HeldMeeting, Norm
from desktop_app.core.domain.talks import PARTNER_LABELS, WITH_SECRETARY, Coverage, TalkMember, coverage
from desktop_app.core.storage.plain import Reader, day, moment, money, optional_day, placeholders

# Which copy this is (see services.mode): a community's, or a street office's.
COMMUNITY, STREET = "community", "street"
MODE_LABELS = {COMMUNITY: "居民区", STREET: "街道"}
MODE_KEY = "app_mode"
NORMS_CONFIRMED_KEY = "norms_confirmed"  # the day 设置 first saved the 三会一课 norms (开始使用)
# The community's profile: the one row of community_profile a login sees (its community's; on a single PC, the
# only one).
PROFILE_QUERY = "SELECT {} FROM community_profile ORDER BY id LIMIT 1"
PRESENT, ON_LEAVE = AttendanceStatus.PRESENT.value, AttendanceStatus.ON_LEAVE.value
PARTNER_KEY = "talk_partner"  # whom every member must have talked with (domain.talks), a 谈心谈话 setting


def read_mode(reader: Reader) -> str:
    value = reader.setting(MODE_KEY)
    return value if value in MODE_LABELS else COMMUNITY


def read_community_name(reader: Reader) -> str:
    return reader.scalar(PROFILE_QUERY.format("community_name")) or ""


def belonged_on_sql(day: str) -> str:
    """SQL: the member was in the branch on the day bound to the parameter named `day` (an ISO date) — joined and
    transferred in by then, not yet gone. A member marked 已转出 without a date left before any day the program
    can tell. A statement may ask it of several days (the 党费 ledger: twelve month ends), each its own
    parameter; the member's status is bound as `active_status` (see `belonged_on_params`)."""
    return (
        f"((members.join_date IS NULL OR members.join_date <= :{day})"
        f" AND (members.transfer_in_date IS NULL OR members.transfer_in_date <= :{day})"
        f" AND (members.left_date > :{day} OR (members.left_date IS NULL AND members.status = :active_status)))"
    )


def belonged_on_params(**days: dt.date) -> dict[str, str | dt.date]:
    """The parameters of `belonged_on_sql` for these named days."""
    return {"active_status": MemberStatus.ACTIVE.value, **days}


def read_norms(reader: Reader) -> list[Norm]:
    """The 三会一课 norms as 设置 keeps them, in the order of the meeting kinds."""
    by_kind = {
        MeetingKind(kind): Norm(MeetingKind(kind), NormPeriod(period), count, bool(per_group))
        for kind, period, count, per_group in reader.rows("SELECT kind, period, count, per_group FROM meeting_norms")
    }
    return [by_kind[kind] for kind in MeetingKind if kind in by_kind]


def read_held(reader: Reader, period: Period) -> list[HeldMeeting]:
    """The meetings held in the period (not those in the 回收站)."""
    return [
        HeldMeeting(MeetingKind(kind), day(date), group_id)
        for kind, date, group_id in reader.rows(
            "SELECT kind, date, group_id FROM meetings WHERE deleted_at IS NULL AND date BETWEEN ? AND ?",
            (period.start.isoformat(), period.end.isoformat()),
        )
    ]


def read_groups(reader: Reader) -> list[Group]:
    """Every 党小组 by name; one in the 回收站 still answers for the time before it went there."""
    return [
        Group(
            group_id,
            name,
            optional_day(founded),
            optional_day(dissolved) or (moment(deleted).date() if deleted else None),
        )
        for group_id, name, founded, dissolved, deleted in reader.rows(
            "SELECT id, name, founded_date, dissolved_date, deleted_at FROM party_groups ORDER BY name"
        )
    ]


def read_open_problems(reader: Reader, today: dt.date, days: int) -> list[tuple[int, str, dt.date]]:
    """书记工作室 problems still open that were raised at least `days` days ago: (id, description, raised)."""
    open_states = [status.value for status in ProblemStatus if status.is_open]
    return [
        (problem_id, description, day(raised))
        for problem_id, description, raised in reader.rows(
            "SELECT id, description, raised_date FROM studio_problems WHERE deleted_at IS NULL"
            f" AND status IN ({placeholders(len(open_states))}) AND raised_date <= ? ORDER BY raised_date, id",
            (*open_states, (today - dt.timedelta(days=days)).isoformat()),
        )
    ]


def read_care_totals(reader: Reader, start: dt.date, end: dt.date) -> list[tuple[str, int, Decimal]]:
    """(category, number of care actions, total amount) in a date range, in category order."""
    return [
        (name, count, money(fen))
        for name, count, fen in reader.rows(
            "SELECT care_categories.name, COUNT(care_actions.id), COALESCE(SUM(care_actions.amount), 0)"
            " FROM care_categories LEFT OUTER JOIN care_actions ON care_actions.category_id = care_categories.id"
            " AND care_actions.deleted_at IS NULL AND care_actions.date BETWEEN ? AND ?"
            " GROUP BY care_categories.id, care_categories.name"
            " ORDER BY care_categories.sort_order, care_categories.id",
            (start.isoformat(), end.isoformat()),
        )
    ]


def read_members_on(reader: Reader, on: dt.date) -> list[tuple[int, str, str]]:
    """The members who belong to the branch on the day: (id, name, 党小组), by group and name."""
    return [
        (member_id, name, group or "")
        for member_id, name, group in reader.rows(
            "SELECT members.id, members.name, party_groups.name FROM members"
            " LEFT OUTER JOIN party_groups ON party_groups.id = members.group_id"
            f" WHERE members.deleted_at IS NULL AND {belonged_on_sql('on_day')}"
            " ORDER BY members.group_id, members.name_pinyin, members.id",
            belonged_on_params(on_day=on),
        )
    ]


def read_attendance_by_month(
    reader: Reader, months: list[tuple[dt.date, dt.date]]
) -> list[tuple[int, int, int, int, int]]:
    """Per member and month (its index in `months`, each a first and last day), how often the member was listed
    at a meeting (not one in the 回收站) and marked present, on leave, absent: (member, month, present, leave,
    absent). Counted in SQL, a statement a month on the date index: a large branch's two years come as a few
    thousand rows (one statement bucketing the months with CASE took four times as long on SQLite)."""
    found = []
    for index, (first, last) in enumerate(months):
        for member_id, present, leave, listed in reader.rows(
            "SELECT meeting_attendance.member_id,"
            " SUM(CASE WHEN meeting_attendance.status = :present THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN meeting_attendance.status = :leave THEN 1 ELSE 0 END), COUNT(*)"
            " FROM meeting_attendance JOIN meetings ON meetings.id = meeting_attendance.meeting_id"
            " WHERE meetings.deleted_at IS NULL AND meetings.date BETWEEN :first AND :last"
            " GROUP BY meeting_attendance.member_id",
            {"present": PRESENT, "leave": ON_LEAVE, "first": first, "last": last},
        ):
            found.append((member_id, index, int(present), int(leave), int(listed) - int(present) - int(leave)))
    return found


def read_talk_members(reader: Reader, on: dt.date) -> list[tuple[TalkMember, bool]]:
    """Every member not in the 回收站 as 谈心谈话 needs them, in roster order, and whether they belong on the day."""
    return [
        (
            TalkMember(
                member_id, name, group or "", bool(committee), role or "", optional_day(since), optional_day(until)
            ),
            bool(belongs),
        )
        for member_id, name, group, committee, role, since, until, belongs in reader.rows(
            "SELECT members.id, members.name, party_groups.name, members.is_committee, members.committee_role,"
            " members.committee_from, members.committee_until,"
            f" CASE WHEN {belonged_on_sql('on_day')} THEN 1 ELSE 0 END FROM members"
            " LEFT OUTER JOIN party_groups ON party_groups.id = members.group_id"
            " WHERE members.deleted_at IS NULL ORDER BY members.group_id, members.name_pinyin, members.id",
            belonged_on_params(on_day=on),
        )
    ]


def read_talks(reader: Reader, start: dt.date, end: dt.date) -> list[tuple[dt.date, frozenset[int]]]:
    """The 谈心谈话 in the range (not those in the 回收站): (day, the participants' ids)."""
    talks: dict[int, tuple[dt.date, set[int]]] = {}
    for talk_id, date, member_id in reader.rows(
        "SELECT talks.id, talks.date, talk_participants.member_id FROM talks"
        " JOIN talk_participants ON talk_participants.talk_id = talks.id"
        " WHERE talks.deleted_at IS NULL AND talks.date BETWEEN :first AND :last",
        {"first": start, "last": end},
    ):
        talks.setdefault(talk_id, (day(date), set()))[1].add(member_id)
    return [(date, frozenset(people)) for date, people in talks.values()]


def read_partner(reader: Reader) -> str:
    kept = reader.setting(PARTNER_KEY)
    return kept if kept in PARTNER_LABELS else WITH_SECRETARY


def read_coverage(reader: Reader, year: int, today: dt.date) -> Coverage:
    """The year's 谈心谈话 coverage, as of its last day (this year: as of today)."""
    as_of = min(dt.date(year, 12, 31), today)
    members = read_talk_members(reader, as_of)
    expected = {member.id for member, belongs in members if belongs}
    talks = read_talks(reader, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return coverage(year, [member for member, _ in members], expected, talks, read_partner(reader))
