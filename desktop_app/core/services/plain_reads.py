"""What the 工作台 reads that other pages read too, through the driver alone (see storage.plain): the services
answer the same questions through these functions, so each is read one way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from desktop_app.core.domain.enums import MeetingKind, MemberStatus, NormPeriod, ProblemStatus
from desktop_app.core.domain.periods import Period
from desktop_app.core.domain.rules import Group, HeldMeeting, Norm
from desktop_app.core.storage.plain import Reader, day, moment, money, optional_day, placeholders

# Which copy this is (see services.mode): a community's, or a street office's.
COMMUNITY, STREET = "community", "street"
MODE_LABELS = {COMMUNITY: "居民区", STREET: "街道"}
MODE_KEY = "app_mode"
NORMS_CONFIRMED_KEY = "norms_confirmed"  # the day 设置 first saved the 三会一课 norms (开始使用)
# The community's profile: the one row of community_profile a login sees (its community's; on a single PC, the
# only one).
PROFILE_QUERY = "SELECT {} FROM community_profile ORDER BY id LIMIT 1"


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
