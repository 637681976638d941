"""党费's month grid, read through the driver alone (see storage.plain): the 工作台 reads this year's at
start-up before the ORM has loaded, and the 党费 page, the reports and the packages read it the same way.
What each month owes follows the 核定 in force from its month on, less any 减免, for the months the member
belonged to the branch at their end; what was paid is summed per month."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from desktop_app.core.services.plain_reads import belonged_on_params, belonged_on_sql
from desktop_app.core.storage.plain import Reader, day, money

MONTHS = range(1, 13)
# The months a 12-bit number stands for (bit 0: January), for every such number.
MONTHS_OF_BITS = [tuple(month for month in MONTHS if bits >> (month - 1) & 1) for bits in range(1 << 12)]
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
    for row in rows:  # one pass: thousands of members on a large branch's page
        owed += row.owed_total
        paid += row.paid_total
        arrears += row.arrears(through_month)
        month_owed += row.owed.get(month, ZERO)
        month_paid += row.paid.get(month, ZERO)
        voluntary += sum((amount for _, amount in row.voluntary), ZERO)
    return LedgerTotals(owed, paid, arrears, month, month_owed, month_paid, voluntary)


def due_through(year: int, today: dt.date) -> int:
    """The last month of `year` whose dues are due by `today` (0: none yet)."""
    if year < today.year:
        return 12
    return today.month if year == today.year else 0


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def months_between(earlier: tuple[int, int], later: tuple[int, int]) -> int:
    return (later[0] - earlier[0]) * 12 + later[1] - earlier[1]


class Yuan:
    """Whole fen as yuan, each amount converted once: a year's grid repeats the same few amounts thousands of times."""

    def __init__(self) -> None:
        self.known: dict[int, Decimal] = {}

    def __call__(self, fen: int) -> Decimal:
        found = self.known.get(fen)
        if found is None:
            found = self.known[fen] = money(fen)
        return found


def read_ledger(reader: Reader, year: int, group_id: int | None = None) -> list[LedgerRow]:
    """Every member of the branch in the year, what each month owes (after 减免) and what was paid."""
    # One statement: each member with the months they belonged at the end of, as bits (January the lowest).
    months_in = " + ".join(
        f"(CASE WHEN {belonged_on_sql(f'end_of_{month}')} THEN {1 << (month - 1)} ELSE 0 END)" for month in MONTHS
    )
    params: dict[str, Any] = belonged_on_params(**{f"end_of_{month}": month_end(year, month) for month in MONTHS})
    in_group = "" if group_id is None else " AND members.group_id = :group_id"
    if group_id is not None:
        params["group_id"] = group_id
    members = [
        (member_id, name, group, MONTHS_OF_BITS[bits])
        for member_id, name, group, bits in reader.rows(
            f"SELECT members.id, members.name, party_groups.name, {months_in} FROM members"
            " LEFT OUTER JOIN party_groups ON party_groups.id = members.group_id"
            f" WHERE members.deleted_at IS NULL{in_group}"
            " ORDER BY members.group_id, members.name_pinyin, members.id",
            params,
        )
        if bits
    ]
    yuan = Yuan()
    assessments: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for member_id, from_month, fen in reader.rows(
        "SELECT member_id, from_month, monthly_amount FROM dues_assessments WHERE year = ? ORDER BY from_month",
        (year,),
    ):
        assessments[member_id].append((from_month, yuan(fen)))
    reliefs: dict[int, list[tuple[int, int, Decimal]]] = defaultdict(list)
    for member_id, first, last, fen in reader.rows(
        "SELECT member_id, from_month, to_month, monthly_amount FROM dues_reliefs"
        " WHERE year = ? AND deleted_at IS NULL",
        (year,),
    ):
        reliefs[member_id].append((first, last, yuan(fen)))
    paid: dict[int, dict[int, Decimal]] = defaultdict(dict)
    # A 更正 is the only payment with a negative amount: MIN tells the corrected months from the same index.
    corrected: dict[int, set[int]] = defaultdict(set)
    for member_id, month, fen, least in reader.rows(
        "SELECT member_id, month, SUM(amount), MIN(amount) FROM dues_payments"
        " WHERE year = ? AND deleted_at IS NULL AND month BETWEEN 1 AND 12 GROUP BY member_id, month",
        (year,),
    ):
        paid[member_id][month] = yuan(fen)
        if least < 0:
            corrected[member_id].add(month)
    # Month 0: a 自愿多交, which pays no month and is counted by the day it was handed over.
    voluntary: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for member_id, paid_on, fen in reader.rows(
        "SELECT member_id, paid_on, amount FROM dues_payments"
        " WHERE year = ? AND deleted_at IS NULL AND month = 0 ORDER BY paid_on, id",
        (year,),
    ):
        voluntary[member_id].append((day(paid_on), yuan(fen)))
    rows = []
    no_reliefs: list[tuple[int, int, Decimal]] = []
    for member_id, name, group, belonging in members:
        # The amount in force each month: the latest 核定 from that month or before (none yet: not owed).
        in_force: list[Decimal | None] = [None] * 13
        for start, amount in assessments.get(member_id, ()):
            in_force[start:] = [amount] * (13 - start)
        relieved = set()
        for first, last, amount in reliefs.get(member_id, no_reliefs):
            for month in range(first, last + 1):
                if in_force[month] is not None:
                    in_force[month] = amount
                    relieved.add(month)
        owed = {month: due for month in belonging if (due := in_force[month]) is not None}
        rows.append(
            LedgerRow(
                member_id,
                name,
                group or "",
                owed=owed,
                paid=paid.get(member_id, {}),
                relieved=relieved & owed.keys() if relieved else relieved,
                voluntary=voluntary.get(member_id, []),
                corrected=corrected.get(member_id, set()),
            )
        )
    return rows
