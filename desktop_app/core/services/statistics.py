"""Counts per month for the 工作台's charts: meetings held per kind, care actions per category, read through
the driver alone (see storage.plain)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.core.domain.enums import MeetingKind
from desktop_app.core.domain.periods import Period
from desktop_app.core.storage.plain import Reader

# The month of a Date column as 'YYYY-MM', the same on SQLite (ISO text) and PostgreSQL (a date).
MONTH_OF = "substr(CAST({} AS TEXT), 1, 7)"


@dataclass(frozen=True)
class MonthlySeries:
    months: list[Period]  # oldest first
    series: dict[str, list[int]]  # label -> one count per month


def last_months(today: dt.date, count: int = 12) -> list[Period]:
    months = [Period.containing(today, "month")]
    while len(months) < count:
        months.insert(0, Period.containing(months[0].start - dt.timedelta(days=1), "month"))
    return months


def _monthly(rows: list[tuple[str, str, int]], months: list[Period], labels: list[str]) -> MonthlySeries:
    index = {f"{m.start:%Y-%m}": i for i, m in enumerate(months)}
    series = {label: [0] * len(months) for label in labels}
    for label, month, count in rows:
        position = index.get(month)
        if position is not None and label in series:
            series[label][position] = count
    return MonthlySeries(months, {label: counts for label, counts in series.items() if any(counts)})


def meetings_per_month(reader: Reader, today: dt.date) -> MonthlySeries:
    months = last_months(today)
    month = MONTH_OF.format("date")
    rows = reader.rows(
        f"SELECT kind, {month}, COUNT(id) FROM meetings WHERE deleted_at IS NULL AND date BETWEEN ? AND ?"
        f" GROUP BY kind, {month}",
        (months[0].start.isoformat(), months[-1].end.isoformat()),
    )
    labelled = _monthly(rows, months, [k.value for k in MeetingKind])
    return MonthlySeries(months, {MeetingKind(k).label: v for k, v in labelled.series.items()})


def care_per_month(reader: Reader, today: dt.date) -> MonthlySeries:
    months = last_months(today)
    month = MONTH_OF.format("care_actions.date")
    rows = reader.rows(
        # Category by category (CROSS JOIN keeps SQLite's order): each a range of the index of live care actions
        # by category and day, no row read; by day first, every action of the year would be read for its category.
        f"SELECT care_categories.name, {month}, COUNT(care_actions.id) FROM care_categories CROSS JOIN care_actions"
        " WHERE care_actions.category_id = care_categories.id"
        " AND care_actions.deleted_at IS NULL AND care_actions.date BETWEEN ? AND ?"
        f" GROUP BY care_categories.name, {month}",
        (months[0].start.isoformat(), months[-1].end.isoformat()),
    )
    names = [name for (name,) in reader.rows("SELECT name FROM care_categories ORDER BY sort_order")]
    return _monthly(rows, months, names)
