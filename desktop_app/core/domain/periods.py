"""Reporting periods: a year, a quarter, a month or a custom date range."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from desktop_app.core.domain.day_text import chinese_date
from desktop_app.core.domain.errors import AppError

QUARTER_NAMES = ("一", "二", "三", "四")


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first_month = 3 * (quarter - 1) + 1
        last_month = first_month + 2
        end = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
        return cls(dt.date(year, first_month, 1), end, f"{year}年第{QUARTER_NAMES[quarter - 1]}季度")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        return cls(dt.date(year, month, 1), end, f"{year}年{month}月")

    @classmethod
    def custom(cls, start: dt.date, end: dt.date) -> Period:
        if end < start:
            raise AppError(f"统计期间的结束日期 {end} 早于开始日期 {start}")
        return cls(start, end, f"{chinese_date(start)}至{chinese_date(end)}")

    @classmethod
    def containing(cls, day: dt.date, unit: str) -> Period:
        if unit == "month":
            return cls.month(day.year, day.month)
        if unit == "quarter":
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        return cls.year(day.year)

    @classmethod
    def parse(cls, text: str) -> Period:
        """`2023`, `2023Q1`, `2023-03` or `2023-01-01..2023-06-30`."""
        value = text.strip().upper()
        try:
            if re.fullmatch(r"\d{4}", value):
                return cls.year(int(value))
            if match := re.fullmatch(r"(\d{4})Q([1-4])", value):
                return cls.quarter(int(match[1]), int(match[2]))
            if match := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
                return cls.month(int(match[1]), int(match[2]))
            if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", value):
                return cls.custom(dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2]))
        except ValueError:
            pass  # a month 13 or a 2023-02-30: the same answer as any other unreadable text, below
        raise AppError(
            f"无法识别统计期间“{text}”。请写成 2023（全年）、2023Q1（季度）、2023-03（月份）"
            "或 2023-01-01..2023-06-30（自定义）"
        )

    @property
    def key(self) -> str:
        """The text Period.parse reads back: 2026, 2026Q3, 2026-07, or 2026-01-01..2026-06-30."""
        year, month = self.start.year, self.start.month
        if self == Period.year(year):
            return str(year)
        if month % 3 == 1 and self == Period.quarter(year, (month - 1) // 3 + 1):
            return f"{year}Q{(month - 1) // 3 + 1}"
        if self == Period.month(year, month):
            return f"{year}-{month:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def units(self, unit: str) -> list[Period]:
        """The whole months, quarters or years that lie inside this period."""
        result = []
        cursor = self.start
        while cursor <= self.end:
            piece = Period.containing(cursor, unit)
            if piece.start >= self.start and piece.end <= self.end:
                result.append(piece)
            cursor = piece.end + dt.timedelta(days=1)
        return result

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end
