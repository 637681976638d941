"""党费's month grid, put together from the rows of core.reads.dues (through the driver alone): the 工作台 reads
this year's at start-up before the ORM has loaded, and the 党费 page, the reports and the packages read it the same way.
What each month owes follows the 核定 in force from its month on, less any 减免, for the months the member
belonged to the branch at their end; what was paid is summed per month."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from desktop_app.core.reads import dues
from desktop_app.core.reads.dues import MONTHS as MONTHS  # the grid's months, for the grid's users
from desktop_app.core.storage.plain import Reader

ZERO = Decimal("0.00")


@dataclass
class LedgerRow:
    member_id: int
    name: str
    group: str
    owed: dict[int, Decimal] = field(default_factory=dict)  # month -> 应缴 (after 减免); absent: not owed
    paid: dict[int, Decimal] = field(default_factory=dict)  # month -> 实缴
    relieved: set[int] = field(default_factory=set)
    corrected: set[int] = field(default_factory=set)  # months with a 更正 among their payments
    voluntary: list[tuple[dt.date, Decimal]] = field(default_factory=list)  # 自愿多交: (day, amount), no month

    def unpaid(self, month: int) -> bool:
        return month in self.owed and self.paid.get(month, ZERO) < self.owed[month]

    @property
    def owed_total(self) -> Decimal:
        return sum(self.owed.values(), ZERO)

    @property
    def paid_total(self) -> Decimal:
        return sum(self.paid.values(), ZERO)

    def voluntary_within(self, start: dt.date, end: dt.date) -> Decimal:
        return sum((amount for day, amount in self.voluntary if start <= day <= end), ZERO)

    def arrears(self, through_month: int) -> Decimal:
        """欠缴: what the months due so far still lack (a month not yet come is not owed yet)."""
        lacking, paid = ZERO, self.paid
        for month, due in self.owed.items():  # a loop, not a generator: run for every member on the page
            if month <= through_month:
                got = paid.get(month, ZERO)
                if got < due:
                    lacking += due - got
        return lacking


@dataclass(frozen=True)
class LedgerTotals:
    owed: Decimal  # 全年应缴
    paid: Decimal  # 全年实缴
    arrears: Decimal  # 欠缴 of the months due so far
    month: int  # the month the next two are for: the last one due (January before any)
    month_owed: Decimal
    month_paid: Decimal
    voluntary: Decimal  # 自愿多交 in the year, apart from the months


def totals(rows: Iterable[LedgerRow], through_month: int) -> LedgerTotals:
    """The year's and the latest due month's sums over the rows shown."""
    month = max(through_month, 1)
    owed = paid = arrears = month_owed = month_paid = voluntary = ZERO
    for row in rows:  # one pass, each month once (`arrears` inlined): thousands of members on a large branch's page
        owed_in, paid_in = row.owed, row.paid
        for owed_month, due in owed_in.items():
            owed += due
            if owed_month <= through_month:
                if owed_month in paid_in:  # `in` and `[]`, not a call of `get` for each month
                    got = paid_in[owed_month]
                    if got < due:
                        arrears += due - got
                elif due > ZERO:
                    arrears += due
        if paid_in:
            paid += sum(paid_in.values(), ZERO)
            month_paid += paid_in.get(month, ZERO)
        month_owed += owed_in.get(month, ZERO)
        if row.voluntary:
            voluntary += sum((amount for _, amount in row.voluntary), ZERO)
    return LedgerTotals(owed, paid, arrears, month, month_owed, month_paid, voluntary)


def due_through(year: int, today: dt.date) -> int:
    """The last month of `year` whose dues are due by `today` (0: none yet)."""
    if year < today.year:
        return 12
    return today.month if year == today.year else 0


def months_between(earlier: tuple[int, int], later: tuple[int, int]) -> int:
    return (later[0] - earlier[0]) * 12 + later[1] - earlier[1]


def read_ledger(
    reader: Reader, year: int, group_id: int | None = None, only: Collection[int] | None = None
) -> list[LedgerRow]:
    """Every member of the branch in the year (of one 党小组, or `only` these), what each month owes (after 减免)
    and what was paid."""
    members = dues.members_belonging(reader, year, group_id, only)
    yuan = dues.Yuan()
    assessments, reliefs = dues.assessments(reader, year, yuan, only), dues.reliefs(reader, year, yuan, only)
    paid, corrected, voluntary = dues.payments(reader, year, yuan, only)
    rows = []
    for member_id, name, group, months in members:  # thousands of members on a large branch's page: little each
        assessed = assessments.get(member_id)
        if assessed is None:
            owed: dict[int, Decimal] = {}
            relieved: set[int] = set()
        elif len(assessed) == 1 and member_id not in reliefs:  # the year's one 核定, as most members have
            start, amount = assessed[0]
            owed = dict.fromkeys(months if start <= months[0] else months[bisect_left(months, start) :], amount)
            relieved = set()
        else:
            owed, relieved = owed_in_months(months, assessed, reliefs.get(member_id, ()))
        rows.append(
            LedgerRow(
                member_id,
                name,
                group,
                owed,
                paid.get(member_id) or {},
                relieved,
                corrected.get(member_id) or set(),
                voluntary.get(member_id) or [],
            )
        )
    return rows


def owed_in_months(
    months: tuple[int, ...], assessed: Iterable[tuple[int, Decimal]], relieved_by: Iterable[dues.Relief]
) -> tuple[dict[int, Decimal], set[int]]:
    """What each of the member's `months` owes, and which of them a 减免 lowered: the amount in force each month is
    the latest 核定 from that month or before (none yet: not owed), a 减免's amount over its months."""
    in_force: list[Decimal | None] = [None] * 13
    for start, amount in assessed:
        in_force[start:] = [amount] * (13 - start)
    relieved = set()
    for first, last, amount in relieved_by:
        for month in range(first, last + 1):
            if in_force[month] is not None:
                in_force[month] = amount
                relieved.add(month)
    owed = {month: due for month in months if (due := in_force[month]) is not None}
    return owed, relieved & owed.keys() if relieved else relieved
