"""三会一课: the norms, the meetings held, the party groups, the months' counts and the newest meetings."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from desktop_app.core.domain.enums import MeetingKind, NormPeriod
from desktop_app.core.domain.periods import Period
from desktop_app.core.domain.rules import Group, HeldMeeting, Norm
from desktop_app.core.reads.rules import live
from desktop_app.core.storage.plain import Reader, day, moment, optional_day

NORMS = "SELECT kind, period, count, per_group FROM meeting_norms"
NORM_VERSIONS = "SELECT kind, version FROM meeting_norms"
HELD = f"SELECT kind, date, group_id FROM meetings WHERE {live('meetings')} AND date BETWEEN :start AND :end"
# Every group, those in the 回收站 too: each still answers for the time before it went there.
GROUPS = "SELECT id, name, founded_date, dissolved_date, deleted_at FROM party_groups ORDER BY name"
# The month of a Date column as 'YYYY-MM', the same on SQLite (ISO text) and PostgreSQL (a date).
PER_MONTH = (
    "SELECT kind, substr(CAST(date AS TEXT), 1, 7), COUNT(id) FROM meetings"
    f" WHERE {live('meetings')} AND date BETWEEN :start AND :end"
    " GROUP BY kind, substr(CAST(date AS TEXT), 1, 7)"
)
NEWEST = f"SELECT date, kind, topic FROM meetings WHERE {live('meetings')} ORDER BY date DESC, id DESC LIMIT :count"


class MonthCount(NamedTuple):
    label: str  # what is counted: a meeting kind's value, a care category's name
    month: str  # 'YYYY-MM'
    number: int


class NewestMeeting(NamedTuple):
    date: dt.date
    kind: MeetingKind
    topic: str


def read_norms(reader: Reader) -> list[Norm]:
    """The 三会一课 norms as 设置 keeps them, in the order of the meeting kinds."""
    by_kind = {
        MeetingKind(kind): Norm(MeetingKind(kind), NormPeriod(period), count, bool(per_group))
        for kind, period, count, per_group in reader.rows(NORMS)
    }
    return [by_kind[kind] for kind in MeetingKind if kind in by_kind]


def read_norm_versions(reader: Reader) -> dict[MeetingKind, int]:
    """Each norm's version, as 设置 hands it back when saving (were they saved by someone else meanwhile?)."""
    return {MeetingKind(kind): version for kind, version in reader.rows(NORM_VERSIONS)}


def read_held(reader: Reader, period: Period) -> list[HeldMeeting]:
    """The meetings held in the period (not those in the 回收站)."""
    return [
        HeldMeeting(MeetingKind(kind), day(date), group_id)
        for kind, date, group_id in reader.rows(HELD, {"start": period.start, "end": period.end})
    ]


def read_groups(reader: Reader) -> list[Group]:
    """Every 党小组 by name; one in the 回收站 counts as dissolved the day it went there."""
    return [
        Group(
            group_id,
            name,
            optional_day(founded),
            optional_day(dissolved) or (moment(deleted).date() if deleted else None),
        )
        for group_id, name, founded, dissolved, deleted in reader.rows(GROUPS)
    ]


def meetings_per_month(reader: Reader, start: dt.date, end: dt.date) -> list[MonthCount]:
    """Meetings held per kind (its value) and month in a date range."""
    return [MonthCount(*row) for row in reader.rows(PER_MONTH, {"start": start, "end": end})]


def newest_meetings(reader: Reader, count: int) -> list[NewestMeeting]:
    """The newest meetings, as the list orders them."""
    return [
        NewestMeeting(day(date), MeetingKind(kind), topic)
        for date, kind, topic in reader.rows(NEWEST, {"count": count})
    ]
