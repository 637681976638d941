"""Counts per month for the 工作台's charts: meetings held per kind, care actions per category, read through
the driver alone (core.reads)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.core.domain.enums import MeetingKind
from desktop_app.core.domain.periods import Period
from desktop_app.core.reads import care, meetings
from desktop_app.core.reads.meetings import MonthCount
from desktop_app.core.storage.plain import Reader


@dataclass(frozen=True)
class MonthlySeries:
    months: list[Period]  # oldest first
    series: dict[str, list[int]]  # label -> one count per month


def last_months(today: dt.date, count: int = 12) -> list[Period]:
    months = [Period.containing(today, "month")]
    while len(months) < count:
        months.insert(0, Period.containing(months[0].start - dt.timedelta(days=1), "month"))
    return months


def _monthly(rows: list[MonthCount], months: list[Period], labels: list[str]) -> MonthlySeries:
    index = {f"{m.start:%Y-%m}": i for i, m in enumerate(months)}
    series = {label: [0] * len(months) for label in labels}
    for label, month, count in rows:
        position = index.get(month)
        if position is not None and label in series:
            series[label][position] = count
    return MonthlySeries(months, {label: counts for label, counts in series.items() if any(counts)})


def meetings_per_month(reader: Reader, today: dt.date) -> MonthlySeries:
    months = last_months(today)
    counted = meetings.meetings_per_month(reader, months[0].start, months[-1].end)
    labelled = _monthly(counted, months, [k.value for k in MeetingKind])
    return MonthlySeries(months, {MeetingKind(k).label: v for k, v in labelled.series.items()})


def care_per_month(reader: Reader, today: dt.date) -> MonthlySeries:
    months = last_months(today)
    counted = care.care_per_month(reader, months[0].start, months[-1].end)
    return _monthly(counted, months, care.category_names(reader))
