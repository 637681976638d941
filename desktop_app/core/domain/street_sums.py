"""街道汇总's arithmetic: a community's numbers for a period, added up from the parts of its packages
(`StreetPackageService.current_contents` picks pieces that do not overlap). 三会一课 is judged again
from the meetings, norms and groups the packages carry, by the same rules the community's copy uses,
so a year added up from four quarters is judged as a year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from desktop_app.core.domain.duty_figures import PART, DutyFigures
from desktop_app.core.domain.enums import MeetingKind, NormPeriod, PracticeStatus, ProblemStatus
from desktop_app.core.domain.periods import Period
from desktop_app.core.domain.rules import Group, HeldMeeting, KindCompliance, Norm, evaluate_compliance

Pieces = Sequence[tuple[Period, dict[str, Any]]]
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class KindSum:
    kind: MeetingKind
    held: int
    required: int
    judged: bool  # some month, quarter or year of the period falls under the norm
    complete: bool
    missed: bool  # a unit that is over fell short


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def meetings_by_kind(pieces: Pieces, period: Period, today: dt.date) -> dict[MeetingKind, KindSum]:
    """Per meeting kind (groups added together): held, required, whether every unit was met."""
    if not pieces:
        return {}
    latest = max(pieces, key=lambda piece: piece[0].end)[1]["meetings"]
    norms = [Norm(MeetingKind(n["kind"]), NormPeriod(n["period"]), n["count"], n["per_group"]) for n in latest["norms"]]
    groups = [Group(g["id"], g["name"], _date(g["founded"]), _date(g["dissolved"])) for g in latest["groups"]]
    held = [
        HeldMeeting(MeetingKind(m["kind"]), dt.date.fromisoformat(m["date"]), m["group_id"])
        for _, content in pieces
        for m in content["meetings"]["meetings"]
    ]
    return kind_sums(evaluate_compliance(period, norms, held, groups, today))


def kind_sums(compliance: Sequence[KindCompliance]) -> dict[MeetingKind, KindSum]:
    """The compliance check's results per meeting kind, 党小组 added together (also what the server's
    `street_meeting_verdicts` computes, storage.server)."""
    sums: dict[MeetingKind, KindSum] = {}
    for item in compliance:
        before = sums.get(item.kind)
        judged = bool(item.units)
        complete = item.complete if judged else True
        missed = bool(item.missed)
        if before is not None:
            judged, complete, missed = before.judged or judged, before.complete and complete, before.missed or missed
        sums[item.kind] = KindSum(
            item.kind,
            (before.held if before else 0) + item.held,
            (before.required if before else 0) + item.required,
            judged,
            complete,
            missed,
        )
    return sums


@dataclass(frozen=True)
class Verdict:
    """Whether a community met the 三会一课 norms in a period, and if not, which kinds fell short (held/required)."""

    short: tuple[str, ...]

    @property
    def met(self) -> bool:
        return not self.short

    @property
    def text(self) -> str:
        return "达标" if self.met else "未达标：" + "、".join(self.short)


def meetings_verdict(pieces: Pieces, period: Period, today: dt.date) -> Verdict:
    """达标 or 未达标 with what is missing: the one judgement the 汇总工作台 and the 汇总报表 both show. Every kind
    under a norm must have met it in every month, quarter or year of the period the packages cover."""
    return verdict_of(meetings_by_kind(pieces, period, today))


def verdict_of(sums: dict[MeetingKind, KindSum]) -> Verdict:
    return Verdict(
        tuple(f"{s.kind.label}（实开{s.held}/应开{s.required}）" for s in sums.values() if s.judged and not s.complete)
    )


def care_by_category(pieces: Pieces) -> dict[str, tuple[int, Decimal]]:
    """Category -> (count, amount), in the community's category order."""
    sums: dict[str, list[Any]] = {}
    order: list[str] = []
    for _, content in pieces:
        for name in content["care"]["categories"]:
            if name not in order:
                order.append(name)
        for row in content["care"]["by_month"]:
            entry = sums.setdefault(row["category"], [0, ZERO])
            entry[0] += row["count"]
            entry[1] += Decimal(row["amount"])
    ordered = [name for name in order if name in sums] + [name for name in sums if name not in order]
    return {name: (sums[name][0], sums[name][1]) for name in ordered}


@dataclass
class VisitSums:
    visits: int = 0
    participants: int = 0
    practices: dict[PracticeStatus, int] = field(default_factory=dict)
    rows: list[tuple[dt.date, str, str, PracticeStatus | None, dt.date | None]] = field(default_factory=list)


def visits(pieces: Pieces) -> VisitSums:
    sums = VisitSums(practices=dict.fromkeys(PracticeStatus, 0))
    for _, content in pieces:
        for visit in content["visits"]["visits"]:
            sums.visits += 1
            sums.participants += visit["participants"]
            day = dt.date.fromisoformat(visit["date"])
            place = f"{visit['destination']}（{visit['district']}）" if visit["district"] else visit["destination"]
            if not visit["practices"]:
                sums.rows.append((day, place, "", None, None))
            for practice in visit["practices"]:
                status = PracticeStatus(practice["status"])
                sums.practices[status] += 1
                sums.rows.append((day, place, practice["description"], status, _date(practice["due"])))
    return sums


def problems_by_topic(pieces: Pieces) -> dict[str, dict[ProblemStatus, int]]:
    counts: dict[str, dict[ProblemStatus, int]] = {}
    for _, content in pieces:
        for problem in content["studio"]["problems"]:
            per = counts.setdefault(problem["topic"], dict.fromkeys(ProblemStatus, 0))
            per[ProblemStatus(problem["status"])] += 1
    return counts


def studio_activities(pieces: Pieces) -> int:
    return sum(len(content["studio"]["activities"]) for _, content in pieces)


@dataclass(frozen=True)
class DuesSums:
    members: int  # the most members owing in any month of the period
    owed: Decimal
    paid: Decimal
    voluntary: Decimal

    @property
    def arrears(self) -> Decimal:
        return max(self.owed - self.paid, ZERO)


def dues(pieces: Pieces) -> DuesSums:
    months = [m for _, content in pieces for m in content["dues"]["months"]]
    return DuesSums(
        max((m["members"] for m in months), default=0),
        sum((Decimal(m["owed"]) for m in months), ZERO),
        sum((Decimal(m["paid"]) for m in months), ZERO),
        sum((Decimal(content["dues"]["voluntary"]) for _, content in pieces), ZERO),
    )


def duties(pieces: Pieces) -> DutyFigures | None:
    """The yearly duties as of the latest of the pieces: they are the state of the year on a day, not sums of
    months, so a year from four quarters is its fourth quarter's. None: nothing reported. A package stored before
    format 2 has no duties part, read as one that carried none."""
    if not pieces:
        return None
    latest = max(pieces, key=lambda piece: piece[0].end)[1]
    return DutyFigures.from_part(latest.get(PART) or {})
