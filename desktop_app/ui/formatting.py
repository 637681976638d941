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
    if kind is ColumnKind.BOOL:
        return "是" if value else "否"
    text = str(value)
    # One line in a table cell: the rest is seen in the form.
    return text.split("\n", 1)[0]


def is_numeric(kind: ColumnKind) -> bool:
    return kind in (ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.PERCENT)
