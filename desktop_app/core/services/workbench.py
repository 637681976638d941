"""工作台: everything the first page shows, read in one go (on a worker at start-up, so the window stays
free while it is read): the reminders, the two 12-month charts, this year's care, the latest records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from desktop_app.core.services.care import CareService
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.profile import ProfileService
from desktop_app.core.services.reminders import Reminder, compute_reminders
from desktop_app.core.services.statistics import MonthlySeries, care_per_month, meetings_per_month
from desktop_app.core.services.visits import VisitService
from desktop_app.core.storage.database import Database


@dataclass(frozen=True)
class WorkbenchData:
    today: dt.date
    community: str
    reminders: list[Reminder]
    meetings: MonthlySeries
    care: MonthlySeries
    care_totals: list[tuple[str, int, Decimal]]  # this year: category, count, amount
    latest: list[str]  # the newest care actions, meetings and visits, as lines


def workbench_data(db: Database, today: dt.date | None = None) -> WorkbenchData:
    today = today or dt.date.today()
    care, meetings, visits = CareService(db), MeetingService(db), VisitService(db)
    latest = [f"【关怀】{r[1]} {r[2]} {r[3]}" for r in care.fetch_rows(care.list_ids(limit=3))]
    latest += [f"【三会一课】{r[1]} {r[2]}：{r[3]}" for r in meetings.fetch_rows(meetings.list_ids(limit=3))]
    latest += [f"【学习考察】{r[1]} {r[2]}" for r in visits.fetch_rows(visits.list_ids(limit=3))]
    return WorkbenchData(
        today=today,
        community=ProfileService(db).get().community_name,
        reminders=compute_reminders(db, today),
        meetings=meetings_per_month(db, today),
        care=care_per_month(db, today),
        care_totals=care.totals_by_category(dt.date(today.year, 1, 1), today),
        latest=latest,
    )
