"""The six-month warning (党章 第九条, see domain.lapses): for each member of the branch today, the run of months
without 组织生活 and the run of unpaid 党费 months, read through the driver alone (see storage.plain) so the
工作台's reminders, the page and the report read it one way."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from desktop_app.core.domain.lapses import Mark, Month, Run, dues_mark, meeting_mark, trailing_run
from desktop_app.core.reads.dues import month_end
from desktop_app.core.reads.duties import read_attendance_by_month, read_away, read_members_on
from desktop_app.core.services.dues_ledger import ZERO, LedgerRow, read_ledger
from desktop_app.core.storage.plain import Reader

if TYPE_CHECKING:
    from desktop_app.core.storage.database import Database

LOOK_BACK_YEARS = 1  # back to January of last year: 13 to 24 months, every run that matters


@dataclass(frozen=True)
class Lapse:
    member_id: int
    name: str
    group: str
    meetings: Run  # months without 组织生活
    dues: Run  # months without 党费

    @property
    def warned(self) -> bool:
        return self.meetings.warned or self.dues.warned


def months_up_to(today: dt.date) -> list[Month]:
    """The months looked at, oldest first, the running one last."""
    return [
        (year, month)
        for year in range(today.year - LOOK_BACK_YEARS, today.year + 1)
        for month in range(1, 13)
        if (year, month) <= (today.year, today.month)
    ]


def meeting_mark_of(
    attended: dict[Month, tuple[int, int, int]], away: set[Month], running: Month | None, month: Month
) -> Mark:
    """A member's month under 组织生活, from the month's counts (none: listed in no meeting, silent)."""
    counts = attended.get(month)
    if counts is None:
        return Mark.SILENT
    return meeting_mark(*counts, running=month == running, elsewhere=month in away)


def dues_mark_of(ledger_rows: dict[int, LedgerRow], running: Month | None, month: Month) -> Mark:
    """A member's month under 党费, from the year's ledger row: only a month owed or paid can be marked."""
    year, number = month
    row = ledger_rows.get(year)
    if row is None or (number not in row.owed and number not in row.paid):
        return Mark.SILENT
    return dues_mark(row.owed.get(number), row.paid.get(number, ZERO), number in row.relieved, month == running)


def read_lapses(
    reader: Reader, today: dt.date, month_over: bool = False, ledgers_read: dict[int, list[LedgerRow]] | None = None
) -> list[Lapse]:
    """Every member who belongs to the branch today, with both runs (most of them empty). `month_over`: today's
    month is counted as a whole (a report as of a past month's end), not as the running month. `ledgers_read`:
    whole years' 党费 ledgers the caller has read (the 工作台 reads this year's for its own reminder), kept there."""
    known = ledgers_read if ledgers_read is not None else {}
    months = months_up_to(today)
    running = None if month_over else months[-1]
    spans = [(dt.date(year, month, 1), month_end(year, month)) for year, month in months]
    listed: dict[int, dict[Month, tuple[int, int, int]]] = defaultdict(dict)
    for member_id, index, present, leave, absent in read_attendance_by_month(reader, spans):
        listed[member_id][months[index]] = (present, leave, absent)
    for year in {y for y, _ in months} - known.keys():
        known[year] = read_ledger(reader, year)
    ledgers = {year: {row.member_id: row for row in rows} for year, rows in known.items()}
    # The months each 流动党员 taking part elsewhere was away (domain.mobile).
    elsewhere: dict[int, set[Month]] = defaultdict(set)
    for away in read_away(reader, spans[0][0], spans[-1][1]):
        if away.elsewhere:
            elsewhere[away.member_id] |= {m for m, span in zip(months, spans, strict=True) if away.away_in(*span)}
    lapses = []
    for member_id, name, group in read_members_on(reader, today):
        attended = partial(meeting_mark_of, listed.get(member_id, {}), elsewhere.get(member_id, set()), running)
        ledger_rows = {year: row for year, by_member in ledgers.items() if (row := by_member.get(member_id))}
        paid = partial(dues_mark_of, ledger_rows, running)
        lapses.append(Lapse(member_id, name, group, trailing_run(attended, months), trailing_run(paid, months)))
    return lapses


def lapses_of(db: Database, today: dt.date | None = None) -> list[Lapse]:
    """`read_lapses` on the open database, as of today."""
    with db.plain() as reader:
        return read_lapses(reader, today or dt.date.today())


def lapses_at_end(db: Database, end: dt.date, today: dt.date) -> list[Lapse]:
    """As of a period's end: its last month counted whole once that month is over (a period still running: today)."""
    with db.plain() as reader:
        if end < today and (end + dt.timedelta(days=1)).month != end.month:
            return read_lapses(reader, end, month_over=True)
        return read_lapses(reader, min(end, today))
