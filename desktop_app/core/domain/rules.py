"""Business rules that need no database: attendance maths and 三会一课 compliance."""

from __future__ import annotations

import datetime as dt
import enum
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from desktop_app.core.domain.enums import AttendanceStatus, MeetingKind, NormPeriod
from desktop_app.core.domain.periods import Period


@dataclass(frozen=True)
class AttendanceSummary:
    expected: int
    attended: int
    on_leave: int
    absent: int

    @property
    def rate(self) -> float | None:
        return self.attended / self.expected if self.expected else None

    @property
    def rate_text(self) -> str:
        return "—" if self.rate is None else f"{self.rate:.0%}"


def summarize_attendance(statuses: Iterable[AttendanceStatus | str]) -> AttendanceSummary:
    statuses = [AttendanceStatus(s) for s in statuses]
    return AttendanceSummary(
        expected=len(statuses),
        attended=sum(1 for s in statuses if s is AttendanceStatus.PRESENT),
        on_leave=sum(1 for s in statuses if s is AttendanceStatus.ON_LEAVE),
        absent=sum(1 for s in statuses if s is AttendanceStatus.ABSENT),
    )


def vote_quorum_met(voting_present: int, voting_total: int) -> bool:
    """A branch vote needs more than half of the voting (正式) members present."""
    return voting_total > 0 and voting_present * 2 > voting_total


@dataclass(frozen=True)
class Norm:
    kind: MeetingKind
    period: NormPeriod
    count: int
    per_group: bool = False

    @property
    def text(self) -> str:
        scope = "每个党小组" if self.per_group else ""
        return f"{scope}{self.period.label}{self.count}次"


@dataclass(frozen=True)
class HeldMeeting:
    kind: MeetingKind
    date: dt.date
    group_id: int | None = None


class UnitState(enum.StrEnum):
    MET = "met"
    MISSED = "missed"  # the month/quarter/year is over and too few were held
    DUE = "due"  # still running and not yet enough
    FUTURE = "future"


@dataclass(frozen=True)
class UnitStatus:
    period: Period
    required: int
    held: int
    state: UnitState


@dataclass
class KindCompliance:
    kind: MeetingKind
    norm: Norm
    group_id: int | None = None
    group_name: str = ""
    units: list[UnitStatus] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.kind.label}（{self.group_name}）" if self.group_name else self.kind.label

    @property
    def required(self) -> int:
        return sum(u.required for u in self.units)

    @property
    def held(self) -> int:
        return len(self.dates)

    @property
    def missed(self) -> list[UnitStatus]:
        return [u for u in self.units if u.state is UnitState.MISSED]

    @property
    def due(self) -> list[UnitStatus]:
        return [u for u in self.units if u.state is UnitState.DUE]

    @property
    def complete(self) -> bool:
        return all(u.state is UnitState.MET for u in self.units)

    def describe(self) -> str:
        """Plain words for the secretary, e.g. 2023年第一季度未召开支部党员大会."""
        if not self.units:
            return f"本期不作要求（{self.norm.text}）"
        parts = []
        for unit in self.missed:
            if unit.held:
                parts.append(f"{unit.period.label}只召开{unit.held}次，应召开{unit.required}次")
            else:
                parts.append(f"{unit.period.label}未召开")
        for unit in self.due:
            parts.append(f"{unit.period.label}尚需召开{unit.required - unit.held}次")
        if not parts:
            return "完成"
        return "；".join(parts)


SCOPE_WORDS = {NormPeriod.MONTH: "本月", NormPeriod.QUARTER: "本季度", NormPeriod.YEAR: "本年"}


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    founded: dt.date | None = None
    dissolved: dt.date | None = None  # or the day it went to the 回收站

    def existed_through(self, unit: Period) -> bool:
        """Judged for a month, quarter or year only if the group existed all of it."""
        return (self.founded is None or self.founded <= unit.start) and (
            self.dissolved is None or self.dissolved > unit.end
        )


def evaluate_compliance(
    period: Period,
    norms: Sequence[Norm],
    meetings: Iterable[HeldMeeting],
    groups: Sequence[Group],
    today: dt.date,
) -> list[KindCompliance]:
    """For each norm (and each party group where it applies): required, held and what is missing.

    Each month, quarter or year inside the period is judged on its own, so a 党课
    held twice in one quarter does not make up for a quarter without one.
    """
    meetings = [m for m in meetings if m.date in period]
    results: list[KindCompliance] = []
    units_of: dict[str, list[Period]] = {}  # the same months, quarters or years for every norm and group
    for norm in norms:
        if norm.period.value not in units_of:
            units_of[norm.period.value] = period.units(norm.period.value)
        scopes: list[Group | None] = list(groups) if norm.per_group else [None]
        for group in scopes:
            held_dates = sorted(
                m.date for m in meetings if m.kind is norm.kind and (group is None or m.group_id == group.id)
            )
            compliance = KindCompliance(
                norm.kind, norm, group.id if group else None, group.name if group else "", dates=held_dates
            )
            for unit in units_of[norm.period.value]:
                if group is not None and not group.existed_through(unit):
                    continue
                held = bisect_right(held_dates, unit.end) - bisect_left(held_dates, unit.start)
                compliance.units.append(UnitStatus(unit, norm.count, held, _unit_state(unit, norm.count, held, today)))
            if compliance.units or group is None:
                results.append(compliance)
    return results


def _unit_state(unit: Period, required: int, held: int, today: dt.date) -> UnitState:
    if held >= required:
        return UnitState.MET
    if unit.end < today:
        return UnitState.MISSED
    if unit.start <= today:
        return UnitState.DUE
    return UnitState.FUTURE
