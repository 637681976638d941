"""Counts per month for the 工作台's chart: meetings held per kind, care actions per category."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import extract, func, select

from desktop_app.core.domain.enums import MeetingKind
from desktop_app.core.domain.periods import Period
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import CareAction, CareCategory, Meeting


@dataclass(frozen=True)
class MonthlySeries:
    months: list[Period]  # oldest first
    series: dict[str, list[int]]  # label -> one count per month


def last_months(today: dt.date, count: int = 12) -> list[Period]:
    months = [Period.containing(today, "month")]
    while len(months) < count:
        months.insert(0, Period.containing(months[0].start - dt.timedelta(days=1), "month"))
    return months


def _monthly(db: Database, stmt, months: list[Period], labels: list[str]) -> MonthlySeries:
    index = {(m.start.year, m.start.month): i for i, m in enumerate(months)}
    series = {label: [0] * len(months) for label in labels}
    with db.read_session() as session:
        for label, year, month, count in session.execute(stmt):
            position = index.get((int(year), int(month)))
            if position is not None and label in series:
                series[label][position] = count
    return MonthlySeries(months, {label: counts for label, counts in series.items() if any(counts)})


def meetings_per_month(db: Database, today: dt.date) -> MonthlySeries:
    months = last_months(today)
    year, month = extract("year", Meeting.date), extract("month", Meeting.date)
    stmt = (
        select(Meeting.kind, year, month, func.count(Meeting.id))
        .where(Meeting.deleted_at.is_(None), Meeting.date.between(months[0].start, months[-1].end))
        .group_by(Meeting.kind, year, month)
    )
    labelled = _monthly(db, stmt, months, [k.value for k in MeetingKind])
    return MonthlySeries(months, {MeetingKind(k).label: v for k, v in labelled.series.items()})


def care_per_month(db: Database, today: dt.date) -> MonthlySeries:
    months = last_months(today)
    year, month = extract("year", CareAction.date), extract("month", CareAction.date)
    stmt = (
        select(CareCategory.name, year, month, func.count(CareAction.id))
        .join(CareCategory, CareCategory.id == CareAction.category_id)
        .where(CareAction.deleted_at.is_(None), CareAction.date.between(months[0].start, months[-1].end))
        .group_by(CareCategory.name, year, month)
    )
    with db.read_session() as session:
        names = list(session.scalars(select(CareCategory.name).order_by(CareCategory.sort_order)))
    return _monthly(db, stmt, months, names)
