"""Dates as text, the two ways the program writes them: 2026-12-06 (lists, fields, files, messages) and
2026年12月6日 (headings, printed records, period labels). Screens and reports both go through here."""

from __future__ import annotations

import datetime as dt


def iso_date(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def moment_text(moment: dt.datetime, seconds: bool = False) -> str:
    """2026-12-06 18:40 (with :05 when seconds matter, as in the 操作记录)."""
    return f"{iso_date(moment)} {moment:%H:%M:%S}" if seconds else f"{iso_date(moment)} {moment:%H:%M}"
