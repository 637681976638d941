"""How values look on screen, in one place: dates as 2026-12-06 in lists, fields and file names, as
2026年12月6日 in headings and printed records; numbers aligned right (list text: core.columns)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QDateEdit

from desktop_app.core.domain.columns import ColumnKind
from desktop_app.core.domain.day_text import chinese_date, iso_date, moment_text

__all__ = ["DATE_FORMAT", "chinese_date", "date_edit", "is_numeric", "iso_date", "moment_text", "python_date"]

DATE_FORMAT = "yyyy-MM-dd"  # Qt's spelling of day_text.iso_date
FIRST_DAY, LAST_DAY = QDate(1900, 1, 1), QDate(2100, 12, 31)


def date_edit(day: dt.date | QDate | None = None) -> QDateEdit:
    """Every date edit of the program: 2026-12-06 whatever the system's locale (Qt's own would show
    "6 12 2026" under a C locale), a calendar to pick from, in Chinese."""
    edit = QDateEdit()
    setup_date_edit(edit)
    if day is not None:
        edit.setDate(day if isinstance(day, QDate) else QDate(day.year, day.month, day.day))
    return edit


def setup_date_edit(edit: QDateEdit) -> None:
    edit.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setDateRange(FIRST_DAY, LAST_DAY)


def is_numeric(kind: ColumnKind) -> bool:
    return kind in (ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.PERCENT)


def python_date(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())
