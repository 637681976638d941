"""How values look in a list: dates as yyyy-MM-dd, money with two decimals, rates in percent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from desktop_app.core.services.base import Column, ColumnKind, display_converter, unchanged

DATE_FORMAT = "yyyy-MM-dd"

CellText = Callable[[Any], str]


def display_text(kind: ColumnKind, value: Any) -> str:
    if value is None:
        return ""
    if kind is ColumnKind.DATE and isinstance(value, dt.date):
        return value.isoformat()
    if kind is ColumnKind.MONEY and isinstance(value, Decimal):
        return f"{value:,.2f}"
    if kind is ColumnKind.PERCENT:
        return f"{float(value):.0%}"
    return first_line(value)


def first_line(value: Any) -> str:
    # One line in a table cell: the rest is seen in the form (and in the cell's tooltip).
    return "" if value is None else str(value).partition("\n")[0]


def cell_text(column: Column, unmasked: bool) -> CellText:
    """Stored value → the text a list cell shows, chosen once per column: lists convert thousands of cells."""
    convert = display_converter(column, unmasked)
    if column.kind in (ColumnKind.TEXT, ColumnKind.ENUM, ColumnKind.PHONE, ColumnKind.ID_NUMBER, ColumnKind.TAGS):
        format_: CellText = first_line
    else:
        kind = column.kind
        format_ = lambda value: display_text(kind, value)  # noqa: E731
    if convert is unchanged:
        return format_
    return lambda value: format_(convert(value))


def is_numeric(kind: ColumnKind) -> bool:
    return kind in (ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.PERCENT)
