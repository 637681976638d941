"""党章 第九条's six months, as runs of months (pure).

《中国共产党章程》第九条: a member who without good reason does not take part in 组织生活 for six consecutive
months, or does not pay 党费 for six consecutive months, or does not do the work the Party gives, is regarded as
having left the Party of their own accord; the branch decides and removes them. The program counts the runs
and warns from the fourth month so the secretary reaches the member first; it never changes a status.

Each month of a member is marked once, per rule:
- 组织生活: a month in which the member attended a meeting they were listed for breaks the run; a month in which
  they were listed for one or more and attended none counts, unless every miss was a 请假 with its reason (shown as
  请假: a reason excuses that month, not the months around it, so it neither counts nor breaks); a month with no
  meeting the member was listed for neither counts nor breaks (a branch that held nothing is not the member's
  absence, and is the branch's own shortfall under 三会一课).
- 党费: a month owed and not paid at all counts; a month paid (in advance, or 补缴 later, even partly) or settled
  by an approved 减免 breaks the run; a month not owed (before joining, after leaving, paid at the member's
  单位) neither counts nor breaks.
- 流动党员 (domain.mobile): a month in which the member was away and takes part at the 流入地 or online, and attended
  nothing here, is shown as such (在外参加): like a 请假 it neither counts nor breaks — the branch cannot see that
  organisation's meetings, and a member who stops taking part both there and here is still warned of by the
  months around it. A 流动党员 who returns for meetings is counted as every member is.
- The running month never counts (it is not over; the meeting or the payment may still come), but a meeting
  attended or a payment made in it breaks the run at once.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

RULE_MONTHS = 6  # 党章 第九条
WARN_FROM = 4  # the 工作台 warns from this many months, two before the rule's six

Month = tuple[int, int]  # (year, month)


class Mark(enum.Enum):
    COUNTS = "counts"  # missed without a reason
    BREAKS = "breaks"  # took part or paid
    EXCUSED = "excused"  # 请假 with a reason: shown as such, neither counts nor breaks
    ELSEWHERE = "elsewhere"  # a 流动党员 taking part at the 流入地 or online: shown as such, neither counts nor breaks
    SILENT = "silent"  # nothing was due


@dataclass(frozen=True)
class Run:
    """The months at the end of the record that count, oldest first, and the excused months among them."""

    months: tuple[Month, ...] = ()
    excused: tuple[Month, ...] = ()
    elsewhere: tuple[Month, ...] = ()  # away as a 流动党员 taking part there
    reaches_first: bool = False  # no month broke it back to the first month looked at: older ones may lengthen it

    @property
    def length(self) -> int:
        return len(self.months)

    @property
    def warned(self) -> bool:
        return self.length >= WARN_FROM

    @property
    def reached(self) -> bool:
        return self.length >= RULE_MONTHS


def trailing_run(mark_of: Callable[[Month], Mark], months: Sequence[Month]) -> Run:
    """The run that ends at the last of `months` (oldest first): counting months back to the first that breaks.
    Each month is marked only when the walk reaches it: most members' runs end a month or two back."""
    counted: list[Month] = []
    excused: list[Month] = []
    elsewhere: list[Month] = []
    reached_first = False
    for month in reversed(months):
        mark = mark_of(month)
        if mark is Mark.BREAKS:
            break
        if mark is Mark.COUNTS:
            counted.append(month)
        elif mark is Mark.EXCUSED:
            excused.append(month)
        elif mark is Mark.ELSEWHERE:
            elsewhere.append(month)
    else:
        reached_first = True

    def inside(apart: list[Month]) -> tuple[Month, ...]:
        """An excused month older than every counted one is not inside the run."""
        kept = [m for m in apart if m > counted[-1]] if counted else apart
        return tuple(reversed(kept))

    return Run(tuple(reversed(counted)), inside(excused), inside(elsewhere), reached_first)


def meeting_mark(present: int, on_leave: int, absent: int, running: bool, elsewhere: bool = False) -> Mark:
    """A month's mark from how often the member was listed at a meeting and present, on leave or absent (a 请假
    always has its reason: the meeting form asks for it). `elsewhere`: away that month as a 流动党员 who takes part
    at the 流入地 or online."""
    if present:
        return Mark.BREAKS
    if running or not (on_leave or absent):
        return Mark.SILENT
    if elsewhere:
        return Mark.ELSEWHERE
    return Mark.COUNTS if absent else Mark.EXCUSED


def dues_mark(owed: Decimal | None, paid: Decimal, relieved: bool, running: bool) -> Mark:
    """A month's mark from what it owes (None: not owed), what was paid for it, and whether a 减免 covers it."""
    if paid > 0 or (owed is not None and relieved):
        return Mark.BREAKS
    if owed is None or owed <= 0 or running:
        return Mark.SILENT
    return Mark.COUNTS


def months_text(months: Sequence[Month]) -> str:
    """2025年11月、12月，2026年1月: each year named once."""
    parts: list[str] = []
    for year in sorted({y for y, _ in months}):
        in_year = [m for y, m in months if y == year]
        parts.append(f"{year}年" + "、".join(f"{m}月" for m in in_year))
    return "，".join(parts)
