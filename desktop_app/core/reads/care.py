"""关怀: the totals per category (the one definition of a category's count and amount), the months' counts,
the follow-ups due and the newest care actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from desktop_app.core.domain.enums import CareStatus
from desktop_app.core.reads.meetings import MonthCount
from desktop_app.core.reads.rules import live
from desktop_app.core.storage.plain import Reader, day, money

# Counted category by category from the index of live care actions by category and day (the CROSS JOIN, as
# PER_MONTH), then joined to every category, those with none included. The care actions joined straight to the
# categories by a LEFT JOIN made SQLite read each action's row, not only the index: 18-24 ms against 0.6 on a
# connection just opened (large set), most of the time the 工作台's first look spent in SQL.
TOTALS = (
    "SELECT care_categories.name, COALESCE(counted.actions, 0), COALESCE(counted.fen, 0) FROM care_categories"
    " LEFT OUTER JOIN (SELECT category.id AS category_id, COUNT(care_actions.id) AS actions,"
    " SUM(care_actions.amount) AS fen FROM care_categories AS category CROSS JOIN care_actions"
    f" WHERE care_actions.category_id = category.id AND {live('care_actions')}"
    " AND care_actions.date BETWEEN :start AND :end GROUP BY category.id) AS counted"
    " ON counted.category_id = care_categories.id"
    " ORDER BY care_categories.sort_order, care_categories.id"
)
# Category by category (CROSS JOIN keeps SQLite's order): each a range of the index of live care actions by
# category and day, no row read; by day first, every action of the year would be read for its category.
PER_MONTH = (
    "SELECT care_categories.name, substr(CAST(care_actions.date AS TEXT), 1, 7), COUNT(care_actions.id)"
    " FROM care_categories CROSS JOIN care_actions WHERE care_actions.category_id = care_categories.id"
    f" AND {live('care_actions')} AND care_actions.date BETWEEN :start AND :end"
    " GROUP BY care_categories.name, substr(CAST(care_actions.date AS TEXT), 1, 7)"
)
CATEGORY_NAMES = "SELECT name FROM care_categories ORDER BY sort_order"
FOLLOW_UPS = (
    "SELECT id, recipient_name, follow_up_date FROM care_actions"
    f" WHERE {live('care_actions')} AND status = :status AND follow_up_date <= :horizon"
    " ORDER BY follow_up_date, id"
)
NEWEST = (
    "SELECT care_actions.date, care_categories.name, care_actions.recipient_name FROM care_actions"
    " JOIN care_categories ON care_categories.id = care_actions.category_id"
    f" WHERE {live('care_actions')} ORDER BY care_actions.date DESC, care_actions.id DESC LIMIT :count"
)


class CareTotal(NamedTuple):
    category: str
    actions: int
    amount: Decimal


class FollowUp(NamedTuple):
    care_id: int
    recipient: str
    due: dt.date


class NewestCare(NamedTuple):
    date: dt.date
    category: str
    recipient: str


def care_totals(reader: Reader, start: dt.date, end: dt.date) -> list[CareTotal]:
    """Each category's number of care actions and their amount in a date range, in category order."""
    return [
        CareTotal(name, count, money(fen)) for name, count, fen in reader.rows(TOTALS, {"start": start, "end": end})
    ]


def care_per_month(reader: Reader, start: dt.date, end: dt.date) -> list[MonthCount]:
    """Care actions per category (its name) and month in a date range."""
    return [MonthCount(*row) for row in reader.rows(PER_MONTH, {"start": start, "end": end})]


def category_names(reader: Reader) -> list[str]:
    return [name for (name,) in reader.rows(CATEGORY_NAMES)]


def follow_ups_due(reader: Reader, horizon: dt.date) -> list[FollowUp]:
    """Care actions marked 需回访 whose follow-up falls on or before `horizon`, earliest first."""
    return [
        FollowUp(care_id, name, day(when))
        for care_id, name, when in reader.rows(FOLLOW_UPS, {"status": CareStatus.FOLLOW_UP.value, "horizon": horizon})
    ]


def newest_care(reader: Reader, count: int) -> list[NewestCare]:
    return [NewestCare(day(date), category, name) for date, category, name in reader.rows(NEWEST, {"count": count})]
