"""学习考察: the adopted practices past their due date, and the newest visits."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from desktop_app.core.domain.enums import PracticeStatus
from desktop_app.core.reads.rules import live
from desktop_app.core.storage.plain import Reader, day

OVERDUE_PRACTICES = (
    "SELECT adopted_practices.visit_id, adopted_practices.description, adopted_practices.due_date"
    " FROM adopted_practices JOIN study_visits ON study_visits.id = adopted_practices.visit_id"
    f" WHERE {live('study_visits')} AND adopted_practices.status != :done AND adopted_practices.due_date < :today"
    " ORDER BY adopted_practices.due_date, adopted_practices.id"
)
NEWEST = (
    f"SELECT date, destination FROM study_visits WHERE {live('study_visits')} ORDER BY date DESC, id DESC LIMIT :count"
)


class OverduePractice(NamedTuple):
    visit_id: int
    description: str
    due: dt.date


class NewestVisit(NamedTuple):
    date: dt.date
    destination: str


def overdue_practices(reader: Reader, today: dt.date) -> list[OverduePractice]:
    """借鉴举措 not done whose due date has passed, earliest first."""
    return [
        OverduePractice(visit_id, description, day(due))
        for visit_id, description, due in reader.rows(
            OVERDUE_PRACTICES, {"done": PracticeStatus.DONE.value, "today": today}
        )
    ]


def newest_visits(reader: Reader, count: int) -> list[NewestVisit]:
    return [NewestVisit(day(date), destination) for date, destination in reader.rows(NEWEST, {"count": count})]
