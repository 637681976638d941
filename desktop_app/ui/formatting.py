"""How values look on screen: dates as yyyy-MM-dd, numbers aligned right (list text: core.columns)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate

from desktop_app.core.domain.columns import ColumnKind

DATE_FORMAT = "yyyy-MM-dd"


def is_numeric(kind: ColumnKind) -> bool:
    return kind in (ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.PERCENT)


def python_date(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())
