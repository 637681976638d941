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
from desktop_app.core.reads import dues
from desktop_app.core.reads.dues import month_end
from desktop_app.core.reads.duties import read_away, read_members_on, read_month_attendance
from desktop_app.core.services.dues_ledger import ZERO, LedgerRow, read_ledger
from desktop_app.core.storage.plain import Reader

if TYPE_CHECKING:
    from desktop_app.core.storage.database import Database

LOOK_BACK_YEARS = 1  # back to January of last year: 13 to 24 months, every run that matters
NO_RUN = Run()  # broken at once, by presence in a member's newest month listed, or by paying for a recent month


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


# A member set this small is named in the statement (`reads.rules.among`); a larger one is read whole and picked.
NAMED_MEMBERS = 1000


def some(members: set[int], everyone: int) -> set[int] | None:
    """`members` to name in a read, or None: read every member (the first pass, or too many to name)."""
    return members if len(members) < min(everyone, NAMED_MEMBERS) else None


def meeting_runs(reader: Reader, members: list[int], months: list[Month], running: Month | None) -> dict[int, Run]:
    """Each member's run without 组织生活. The months are read newest first, each for the members whose run is still
    open: attending breaks a run, and most members attended in the latest month or two."""
    counted: dict[int, dict[Month, tuple[int, int, int]]] = defaultdict(dict)
    still_open = set(members)
    for month in reversed(months):
        if not still_open:
            break
        first, last = dt.date(*month, 1), month_end(*month)
        for member_id, present, leave, absent in read_month_attendance(
            reader, first, last, some(still_open, len(members))
        ):
            if member_id in still_open:
                counted[member_id][month] = (present, leave, absent)
                if present:
                    still_open.discard(member_id)
    # The months each 流动党员 taking part elsewhere was away (domain.mobile).
    elsewhere: dict[int, set[Month]] = defaultdict(set)
    for away in read_away(reader, dt.date(*months[0], 1), month_end(*months[-1])):
        if away.elsewhere:
            elsewhere[away.member_id] |= {m for m in months if away.away_in(dt.date(*m, 1), month_end(*m))}
    runs = {}
    for member_id in members:
        listed = counted.get(member_id, {})
        if len(listed) == 1 and member_id not in still_open:
            runs[member_id] = NO_RUN  # present in the newest month listed: the walk would stop there
            continue
        # A month the member was listed at no meeting is silent: only the months listed at one are walked.
        marks = partial(meeting_mark_of, listed, elsewhere.get(member_id, set()), running)
        runs[member_id] = trailing_run(marks, sorted(listed))
    return runs


def dues_runs(
    reader: Reader, members: list[int], months: list[Month], running: Month | None, known: dict[int, list[LedgerRow]]
) -> dict[int, Run]:
    """Each member's run without 党费. A member who paid for the latest month (or the one before the running month,
    which never counts) has none; the others' ledgers are read a year at a time, newest first, for those whose run
    reaches back into that year."""
    recent = months[-2:] if running else months[-1:]
    paid_recently = set().union(*(dues.paid_for_month(reader, *month) for month in recent))
    runs = dict.fromkeys(paid_recently & set(members), NO_RUN)
    still_open = set(members) - paid_recently
    ledger_rows: dict[int, dict[int, LedgerRow]] = defaultdict(dict)
    for year in sorted({year for year, _ in months}, reverse=True):
        if not still_open:
            break
        named = some(still_open, len(members))
        if named is None and year not in known:
            known[year] = read_ledger(reader, year)
        for row in known[year] if year in known else read_ledger(reader, year, only=named):
            if row.member_id in still_open:
                ledger_rows[row.member_id][year] = row
        looked_at = [month for month in months if month[0] >= year]
        for member_id in list(still_open):
            run = trailing_run(partial(dues_mark_of, ledger_rows[member_id], running), looked_at)
            runs[member_id] = run
            if not run.reaches_first:
                still_open.discard(member_id)
    return runs


def read_lapses(
    reader: Reader, today: dt.date, month_over: bool = False, ledgers_read: dict[int, list[LedgerRow]] | None = None
) -> list[Lapse]:
    """Every member who belongs to the branch today, with both runs (most of them empty). `month_over`: today's
    month is counted as a whole (a report as of a past month's end), not as the running month. `ledgers_read`:
    whole years' 党费 ledgers the caller has read (the 工作台 reads this year's for its own reminder), kept there."""
    months = months_up_to(today)
    running = None if month_over else months[-1]
    members = read_members_on(reader, today)
    ids = [member.id for member in members]
    meetings = meeting_runs(reader, ids, months, running)
    unpaid = dues_runs(reader, ids, months, running, ledgers_read if ledgers_read is not None else {})
    return [Lapse(member.id, member.name, member.group, meetings[member.id], unpaid[member.id]) for member in members]


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
