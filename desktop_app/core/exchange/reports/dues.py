"""党费收缴: the members' months paid (明细表), totals by party group and by month (汇总), and the year's 公示
for the members (names and amounts only: the bases are incomes and never appear)."""

from __future__ import annotations

from decimal import Decimal

from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.reports.base import C, ExportOptions, Progress, Report
from desktop_app.core.exchange.reports.workbook import ReportBook, ReportColumn
from desktop_app.core.services.dues import DuesService
from desktop_app.core.services.dues_ledger import MONTHS, LedgerRow
from desktop_app.core.storage.models import DuesPayment

ZERO = Decimal("0.00")


class DuesReport(Report):
    kind = "dues"
    title = "党费收缴情况表"
    model = DuesPayment

    def _rows(self, period: Period) -> tuple[list[LedgerRow], list[int]]:
        """The members of the period's year, and its months (a month, a quarter, or the year)."""
        year = period.start.year
        months = [m for m in MONTHS if period.start.month <= m <= period.end.month] if period.end.year == year else []
        return DuesService(self.db).ledger(year), months

    def count(self, period: Period) -> int:
        rows, _ = self._rows(period)
        return len(rows)

    def heading(self, community: str, period: Period) -> str:
        return f"{community}{period.label}党费收缴"

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        rows, months = self._rows(period)
        detail_columns = (
            ReportColumn("序号", C.INDEX),
            ReportColumn("姓名", width=10),
            ReportColumn("党小组", width=12),
            *(ReportColumn(f"{m}月", C.MONEY, width=9) for m in months),
            ReportColumn("应缴", C.MONEY, width=10),
            ReportColumn("实缴", C.MONEY, width=10),
            ReportColumn("欠缴", C.MONEY, width=10),
            ReportColumn("自愿多交", C.MONEY, width=10),
        )
        detail = book.sheet("收缴明细", f"{heading}明细表", detail_columns)
        # 自愿多交 pays no month: it counts by the day it was handed over, in a column of its own.
        voluntary = {row.member_id: row.voluntary_within(period.start, period.end) for row in rows}
        owed_all = paid_all = ZERO
        for number, row in enumerate(rows, start=1):
            owed = sum((row.owed.get(m, ZERO) for m in months), ZERO)
            paid = sum((row.paid.get(m, ZERO) for m in months), ZERO)
            owed_all, paid_all = owed_all + owed, paid_all + paid
            cells = [row.paid.get(m) if m in row.owed else None for m in months]
            gift = voluntary[row.member_id] or None
            detail.write_row((number, row.name, row.group, *cells, owed, paid, max(owed - paid, ZERO), gift))
        voluntary_all = sum(voluntary.values(), ZERO)
        if rows:
            blanks = (None,) * len(months)
            arrears_all = max(owed_all - paid_all, ZERO)
            detail.write_row(("合计", None, None, *blanks, owed_all, paid_all, arrears_all, voluntary_all), True)
        detail.finish()

        by_group = book.sheet(
            "按党小组汇总",
            f"{heading}汇总表（按党小组）",
            (
                ReportColumn("党小组", width=16),
                ReportColumn("人数", C.COUNT),
                ReportColumn("应缴", C.MONEY, width=12),
                ReportColumn("实缴", C.MONEY, width=12),
                ReportColumn("欠缴", C.MONEY, width=12),
                ReportColumn("自愿多交", C.MONEY, width=12),
            ),
        )
        groups: dict[str, list[LedgerRow]] = {}
        for row in rows:
            groups.setdefault(row.group or "未分党小组", []).append(row)
        for group, members in groups.items():
            owed = sum((r.owed.get(m, ZERO) for r in members for m in months), ZERO)
            paid = sum((r.paid.get(m, ZERO) for r in members for m in months), ZERO)
            gifts = sum((voluntary[r.member_id] for r in members), ZERO)
            by_group.write_row((group, len(members), owed, paid, max(owed - paid, ZERO), gifts))
        if rows:
            by_group.write_row(
                ("合计", len(rows), owed_all, paid_all, max(owed_all - paid_all, ZERO), voluntary_all), True
            )
        by_group.finish()

        by_month = book.sheet(
            "按月汇总",
            f"{heading}汇总表（按月）",
            (
                ReportColumn("月份", width=8),
                ReportColumn("应缴人数", C.COUNT),
                ReportColumn("应缴", C.MONEY, width=12),
                ReportColumn("实缴", C.MONEY, width=12),
            ),
        )
        for month in months:
            owing = [r for r in rows if month in r.owed]
            owed = sum((r.owed[month] for r in owing), ZERO)
            paid = sum((r.paid.get(month, ZERO) for r in owing), ZERO)
            by_month.write_row((f"{month}月", len(owing), owed, paid))
        by_month.finish()

        # For the members: who paid what. Never the bases, nor who owes: a notice, not a list of debtors.
        notice = book.sheet(
            "公示",
            f"{heading}公示",
            (
                ReportColumn("序号", C.INDEX),
                ReportColumn("姓名", width=12),
                ReportColumn("已缴党费", C.MONEY, width=14),
                ReportColumn("自愿多交", C.MONEY, width=14),
            ),
        )
        for number, row in enumerate(rows, start=1):
            paid = sum((row.paid.get(m, ZERO) for m in months), ZERO)
            notice.write_row((number, row.name, paid, voluntary[row.member_id] or None))
        notice.finish()
        progress(len(rows), len(rows))
        return len(rows)
