"""党费: what the month grid is made of — who belonged at each month's end, the 核定, the 减免 and the payments of
a year (see services.dues_ledger, which puts them together)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterator
from decimal import Decimal
from typing import Any, NamedTuple

from desktop_app.core.reads.rules import among, belonged_on, belonged_on_params, live
from desktop_app.core.storage.plain import Reader, day, money

MONTHS = range(1, 13)


def _months_of_bits() -> list[tuple[int, ...]]:
    """The months a 12-bit number stands for (bit 0: January), for every such number: each month doubles the list,
    the numbers with its bit set following those without (a twentieth of the time of testing 4096 × 12 bits, which
    the start paid on the worker that reads the 工作台: about 3 ms)."""
    months: list[tuple[int, ...]] = [()]
    for month in MONTHS:
        months += [(*before, month) for before in months]
    return months


MONTHS_OF_BITS = _months_of_bits()

# Each member with the months they belonged to the branch at the end of, as bits (January the lowest), in one
# statement: twelve month ends, each its own parameter. A member belongs over one stretch of days (from joining or
# transferring in until gone), so one in the branch at the end of January and of December was in it at every month
# end between: most members are, and the statement asks them two days instead of twelve.
_EVERY_MONTH = (1 << 12) - 1
_MONTHS_BELONGED = (
    f"CASE WHEN {belonged_on('end_of_1')} AND {belonged_on('end_of_12')} THEN {_EVERY_MONTH} ELSE "
    + " + ".join(f"(CASE WHEN {belonged_on(f'end_of_{month}')} THEN {1 << (month - 1)} ELSE 0 END)" for month in MONTHS)
    + " END"
)
# `{only}` in each statement below: the members asked about (every member, one 党小组's, or some: `among`).
MEMBERS = (
    f"SELECT members.id, members.name, party_groups.name, {_MONTHS_BELONGED} FROM members"
    " LEFT OUTER JOIN party_groups ON party_groups.id = members.group_id"
    f" WHERE {live('members')}{{only}}"
    " ORDER BY members.group_id, members.name_pinyin, members.id"
)
IN_GROUP = " AND members.group_id = :group_id"
# In the index's order (no sort): a member's 核定 one after another, in month order.
ASSESSMENTS = (
    "SELECT member_id, from_month, monthly_amount FROM dues_assessments WHERE year = :year{only}"
    " ORDER BY member_id, from_month"
)
RELIEFS = (
    "SELECT member_id, from_month, to_month, monthly_amount FROM dues_reliefs"
    f" WHERE year = :year AND {live('dues_reliefs')}{{only}}"
)
# Each entry paid toward a month of the year, from the index alone; `payments` sums them per month (SQLite's GROUP BY
# with SUM and MIN took longer than reading the entries: most months have one).
MONTH_PAYMENTS = (
    "SELECT member_id, month, amount FROM dues_payments"
    f" WHERE year = :year AND {live('dues_payments')} AND month BETWEEN 1 AND 12{{only}}"
)
# Month 0: a 自愿多交, which pays no month and is counted by the day it was handed over.
VOLUNTARY = (
    "SELECT member_id, paid_on, amount FROM dues_payments"
    f" WHERE year = :year AND {live('dues_payments')} AND month = 0{{only}} ORDER BY paid_on, id"
)
# The members whose payments for a month net above zero: it is paid (ahead, on time or late).
PAID_FOR_MONTH = (
    "SELECT member_id FROM dues_payments"
    f" WHERE year = :year AND month = :month AND {live('dues_payments')} GROUP BY member_id HAVING SUM(amount) > 0"
)


class MemberMonths(NamedTuple):
    member_id: int
    name: str
    group: str  # empty: in no 党小组
    months: tuple[int, ...]  # the months at whose end the member belonged to the branch


class Relief(NamedTuple):
    first_month: int
    last_month: int
    monthly: Decimal


class Payments(NamedTuple):
    """A year's payments by member, grouped as they are read (thousands of rows: no object per row)."""

    paid: dict[int, dict[int, Decimal]]  # member -> month -> the month's entries netted
    corrected: dict[int, set[int]]  # member -> the months with a 更正 among their entries
    voluntary: dict[int, list[tuple[dt.date, Decimal]]]  # member -> 自愿多交 as (day handed over, amount)


class Yuan(dict[int, Decimal]):
    """Whole fen as yuan, each amount converted once: a year's grid repeats the same few amounts thousands of times.
    `yuan[fen]`: a dictionary's own lookup for an amount met before (no Python call per row)."""

    def __missing__(self, fen: int) -> Decimal:
        found = self[fen] = money(fen)
        return found


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def members_belonging(
    reader: Reader, year: int, group_id: int | None = None, members: Collection[int] | None = None
) -> Iterator[MemberMonths]:
    """The members (not in the 回收站) who belonged to the branch at the end of at least one month of the year,
    in roster order; of one 党小组 when `group_id` is given, of `members` when given. Read as they are used
    (thousands of them: none is kept for long), so within the reader's transaction."""
    only, named = among("members.id", "member", members)
    ends = {f"end_of_{month}": month_end(year, month) for month in MONTHS}
    params: dict[str, Any] = {**named, **belonged_on_params(**ends)}
    if group_id is not None:
        only += IN_GROUP
        params["group_id"] = group_id
    for member_id, name, group, bits in reader.each(MEMBERS.format(only=only), params):
        if bits:
            yield MemberMonths(member_id, name, group or "", MONTHS_OF_BITS[bits])


def of_year(statement: str, year: int, members: Collection[int] | None) -> tuple[str, dict[str, Any]]:
    """One of the year's statements with its `{only}` filled: every member, or `members`."""
    only, params = among("member_id", "member", members)
    return statement.format(only=only), {"year": year, **params}


def assessments(
    reader: Reader, year: int, yuan: Yuan, members: Collection[int] | None = None
) -> dict[int, list[tuple[int, Decimal]]]:
    """The year's 核定 by member, each as (the month it is from, the monthly amount), in month order (a row for every
    member: a plain tuple each)."""
    found: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for member_id, month, fen in reader.each(*of_year(ASSESSMENTS, year, members)):
        found[member_id].append((month, yuan[fen]))
    return found


def reliefs(reader: Reader, year: int, yuan: Yuan, members: Collection[int] | None = None) -> dict[int, list[Relief]]:
    """The year's 减免 by member."""
    found: dict[int, list[Relief]] = defaultdict(list)
    for member_id, first, last, fen in reader.each(*of_year(RELIEFS, year, members)):
        found[member_id].append(Relief(first, last, yuan[fen]))
    return found


def payments(reader: Reader, year: int, yuan: Yuan, members: Collection[int] | None = None) -> Payments:
    """The year's payments by member: each month's entries netted, the months with a 更正 among them (the only
    entry with a negative amount), and the 自愿多交."""
    paid: dict[int, dict[int, Decimal]] = {}
    corrected: dict[int, set[int]] = defaultdict(set)
    # A member's entries come one after another (the index's order): one lookup per member (right in any order).
    member, months = None, {}
    for member_id, month, fen in reader.each(*of_year(MONTH_PAYMENTS, year, members)):
        if member_id != member:
            member, months = member_id, paid.setdefault(member_id, {})
        if month in months:  # another entry for the month (a 补缴 after part of it, a 更正): netted, exactly
            months[month] += yuan[fen]
        else:
            months[month] = yuan[fen]
        if fen < 0:
            corrected[member_id].add(month)
    voluntary: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for member_id, paid_on, fen in reader.each(*of_year(VOLUNTARY, year, members)):
        voluntary[member_id].append((day(paid_on), yuan[fen]))
    return Payments(paid, corrected, voluntary)


def paid_for_month(reader: Reader, year: int, month: int) -> set[int]:
    """The members whose month is paid: its payments net above zero."""
    return {member_id for (member_id,) in reader.rows(PAID_FOR_MONTH, {"year": year, "month": month})}
