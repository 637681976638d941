"""The branch's yearly duties: who belonged on a day, the months' attendance, 谈心谈话 with its coverage,
组织关系转接 and 流动党员."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any, NamedTuple

from desktop_app.core.domain.enums import AttendanceStatus, MobileParticipation, TransferDirection
from desktop_app.core.domain.mobile import Away
from desktop_app.core.domain.talks import PARTNER_LABELS, WITH_SECRETARY, Coverage, TalkMember, coverage
from desktop_app.core.domain.transfers import Transfer
from desktop_app.core.reads.rules import among, belonged_on, belonged_on_params, live
from desktop_app.core.reads.settings import setting
from desktop_app.core.storage.plain import Reader, day, optional_day

PARTNER_KEY = "talk_partner"  # whom every member must have talked with (domain.talks), a 谈心谈话 setting
ROSTER_ORDER = "ORDER BY members.group_id, members.name_pinyin, members.id"
MEMBERS_ON = (
    "SELECT members.id, members.name, party_groups.name FROM members"
    " LEFT OUTER JOIN party_groups ON party_groups.id = members.group_id"
    f" WHERE {live('members')} AND {belonged_on('on_day')} {ROSTER_ORDER}"
)
# One month's attendance per member (`{only}`: of every member, or some: `rules.among`), counted in SQL on the
# date index.
MONTH_ATTENDANCE = (
    "SELECT meeting_attendance.member_id,"
    " SUM(CASE WHEN meeting_attendance.status = :present THEN 1 ELSE 0 END),"
    " SUM(CASE WHEN meeting_attendance.status = :leave THEN 1 ELSE 0 END), COUNT(*)"
    " FROM meeting_attendance JOIN meetings ON meetings.id = meeting_attendance.meeting_id"
    f" WHERE {live('meetings')} AND meetings.date BETWEEN :first AND :last{{only}}"
    " GROUP BY meeting_attendance.member_id"
)
TALK_MEMBERS = (
    "SELECT members.id, members.name, party_groups.name, members.is_committee, members.committee_role,"
    f" members.committee_from, members.committee_until, CASE WHEN {belonged_on('on_day')} THEN 1 ELSE 0 END"
    " FROM members LEFT OUTER JOIN party_groups ON party_groups.id = members.group_id"
    f" WHERE {live('members')} {ROSTER_ORDER}"
)
TALKS = (
    "SELECT talks.id, talks.date, talk_participants.member_id FROM talks"
    " JOIN talk_participants ON talk_participants.talk_id = talks.id"
    f" WHERE {live('talks')} AND talks.date BETWEEN :first AND :last"
)


class MemberOnDay(NamedTuple):
    id: int
    name: str
    group: str  # the 党小组's name, or ""


class MonthAttendance(NamedTuple):
    member_id: int
    present: int
    on_leave: int
    absent: int


class Talk(NamedTuple):
    date: dt.date
    people: frozenset[int]


def read_members_on(reader: Reader, on: dt.date) -> list[MemberOnDay]:
    """The members who belong to the branch on the day, by group and name."""
    return [
        MemberOnDay(member_id, name, group or "")
        for member_id, name, group in reader.rows(MEMBERS_ON, belonged_on_params(on_day=on))
    ]


def read_month_attendance(
    reader: Reader, first: dt.date, last: dt.date, members: Collection[int] | None = None
) -> list[MonthAttendance]:
    """Per member (of `members`, or all), how often the member was listed at a meeting (not one in the 回收站) from
    `first` to `last` and marked present, on leave, absent; members listed at none are left out."""
    bound: dict[str, Any] = {
        "present": AttendanceStatus.PRESENT.value,
        "leave": AttendanceStatus.ON_LEAVE.value,
        "first": first,
        "last": last,
    }
    restriction, ids = among("meeting_attendance.member_id", "member", members)
    bound.update(ids)
    return [
        MonthAttendance(member_id, int(present), int(leave), int(listed) - int(present) - int(leave))
        for member_id, present, leave, listed in reader.rows(MONTH_ATTENDANCE.format(only=restriction), bound)
    ]


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
            TALK_MEMBERS, belonged_on_params(on_day=on)
        )
    ]


def read_talks(reader: Reader, start: dt.date, end: dt.date) -> list[Talk]:
    """The 谈心谈话 in the range (not those in the 回收站), each with its participants' ids."""
    # A row per participant: each talk's day is converted once, and nothing is made for its other rows.
    talks: dict[int, tuple[str | dt.date, list[int]]] = {}
    for talk_id, date, member_id in reader.rows(TALKS, {"first": start, "last": end}):
        found = talks.get(talk_id)
        if found is None:
            talks[talk_id] = (date, [member_id])
        else:
            found[1].append(member_id)
    return [Talk(day(date), frozenset(people)) for date, people in talks.values()]


def read_partner(reader: Reader) -> str:
    kept = setting(reader, PARTNER_KEY)
    return kept if kept in PARTNER_LABELS else WITH_SECRETARY


def read_coverage(reader: Reader, year: int, today: dt.date) -> Coverage:
    """The year's 谈心谈话 coverage, as of its last day (this year, or a report's period that ends sooner: as of
    `today`): who belongs then, the 支委 who served by then, and the talks held up to then."""
    as_of = min(dt.date(year, 12, 31), today)
    members = read_talk_members(reader, as_of)
    expected = {member.id for member, belongs in members if belongs}
    talks = read_talks(reader, dt.date(year, 1, 1), as_of)
    return coverage(year, [member for member, _ in members], expected, talks, read_partner(reader), as_of)


# -- 组织关系转接 ------------------------------------------------------------------------------
TRANSFERS = (
    "SELECT member_transfers.member_id, members.name, member_transfers.direction, member_transfers.date,"
    " member_transfers.organisation, member_transfers.letter_no, member_transfers.handled_by,"
    " member_transfers.receipt_date FROM member_transfers JOIN members ON members.id = member_transfers.member_id"
    f" WHERE {live('members')} AND member_transfers.date BETWEEN :first AND :last"
    " ORDER BY member_transfers.date DESC, members.name_pinyin, member_transfers.direction"
)
# The 转出 still awaiting their 回执 (few: a 回执 closes one), whatever their day.
AWAITING_RECEIPT = (
    "SELECT member_transfers.member_id, members.name, member_transfers.direction, member_transfers.date,"
    " member_transfers.organisation, member_transfers.letter_no, member_transfers.handled_by,"
    " member_transfers.receipt_date FROM member_transfers JOIN members ON members.id = member_transfers.member_id"
    f" WHERE {live('members')} AND member_transfers.direction = :out AND member_transfers.receipt_date IS NULL"
    " AND (member_transfers.letter_no <> :blank OR member_transfers.organisation <> :blank)"
    " ORDER BY member_transfers.date, members.name_pinyin"
)


def _transfer(row: tuple) -> Transfer:
    member_id, name, direction, date, organisation, letter_no, handled_by, receipt = row
    return Transfer(
        member_id,
        name,
        TransferDirection(direction),
        day(date),
        organisation,
        letter_no,
        handled_by,
        optional_day(receipt),
    )


def read_transfers(reader: Reader, start: dt.date, end: dt.date) -> list[Transfer]:
    """The 转入 and 转出 of members not in the 回收站 in the range, newest first."""
    return [_transfer(row) for row in reader.rows(TRANSFERS, {"first": start, "last": end})]


def read_awaiting_receipt(reader: Reader) -> list[Transfer]:
    """The 转出 with a 介绍信 whose 回执 has not come back, oldest first."""
    return [_transfer(row) for row in reader.rows(AWAITING_RECEIPT, {"out": TransferDirection.OUT.value, "blank": ""})]


# -- 流动党员 ------------------------------------------------------------------------------------
AWAY = (
    "SELECT mobile_members.id, mobile_members.member_id, members.name, mobile_members.left_on,"
    " mobile_members.returned_on, mobile_members.place, mobile_members.fixed_place, mobile_members.participation,"
    " mobile_members.last_contact FROM mobile_members JOIN members ON members.id = mobile_members.member_id"
    f" WHERE {live('mobile_members')} AND {live('members')} AND mobile_members.left_on <= :last"
    " AND (mobile_members.returned_on IS NULL OR mobile_members.returned_on > :first)"
    " ORDER BY members.name_pinyin, mobile_members.left_on"
)


def read_away(reader: Reader, first: dt.date, last: dt.date) -> list[Away]:
    """The 流动党员 away on some day from `first` to `last` (not in the 回收站), by name."""
    return [
        Away(
            record_id,
            member_id,
            name,
            day(left_on),
            optional_day(returned_on),
            place,
            bool(fixed),
            MobileParticipation(participation),
            optional_day(contact),
        )
        for record_id, member_id, name, left_on, returned_on, place, fixed, participation, contact in reader.rows(
            AWAY, {"first": first, "last": last}
        )
    ]


def read_away_now(reader: Reader, today: dt.date) -> list[Away]:
    """The 流动党员 away today, by name."""
    return [away for away in read_away(reader, today, today) if away.away_on(today)]
