"""How values look on screen: dates as yyyy-MM-dd, money with two decimals, rates in percent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from desktop_app.core.services.base import ColumnKind

DATE_FORMAT = "yyyy-MM-dd"


def display_text(kind: ColumnKind, value: Any) -> str:
    if value is None:
        return ""
    if kind is ColumnKind.DATE and isinstance(value, dt.date):
        return value.isoformat()
    if kind is ColumnKind.MONEY and isinstance(value, Decimal):
        return f"{value:,.2f}"
    if kind is ColumnKind.PERCENT:
        return f"{float(value):.0%}"
    text = str(value)
    # One line in a table cell: the rest is seen in the form.
    return text.split("\n", 1)[0]


def _first_line(value: Any) -> str:
    # One line in a table cell: the rest is seen in the form.
    return "" if value is None else str(value).split("\n", 1)[0]


def text_formatter(kind: ColumnKind) -> Any:
    """display_text for one kind of column, chosen once: tables format thousands of cells while scrolling."""
    if kind in (ColumnKind.TEXT, ColumnKind.ENUM, ColumnKind.PHONE, ColumnKind.ID_NUMBER, ColumnKind.TAGS):
        return _first_line
    return lambda value: display_text(kind, value)


def is_numeric(kind: ColumnKind) -> bool:
    return kind in (ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.PERCENT)
