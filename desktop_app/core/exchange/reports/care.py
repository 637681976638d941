"""六维关怀 ledger: every care action of the period, with totals per category."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from desktop_app.core.domain.enums import CareStatus
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.reports.base import BATCH, C, ExportOptions, Progress, Report
from desktop_app.core.exchange.reports.workbook import ReportBook, ReportColumn
from desktop_app.core.storage import plain
from desktop_app.core.storage.models import CareAction, CareCategory


class CareReport(Report):
    kind = "care"
    title = "关怀工作台账"
    model = CareAction
    LEDGER = (
        ReportColumn("序号", C.INDEX),
        ReportColumn("日期", C.DATE),
        ReportColumn("类别", width=16),
        ReportColumn("对象", width=10),
        ReportColumn("地址"),
        ReportColumn("关怀内容", C.LONG_TEXT, width=18),
        ReportColumn("金额（元）", C.MONEY),
        ReportColumn("经办人", width=9),
        ReportColumn("状态", width=9),
        ReportColumn("备注", C.LONG_TEXT, width=24),
    )
    ILLNESS = ReportColumn("病情说明", C.LONG_TEXT)
    SUMMARY = (
        ReportColumn("序号", C.INDEX),
        ReportColumn("类别", width=28),
        ReportColumn("次数", C.COUNT, width=12),
        ReportColumn("金额合计（元）", C.MONEY, width=20),
    )

    def ledger_query(self, period: Period, include_illness: bool = False) -> Any:
        """The ledger's rows in order: date, category, recipient, address, item, amount, handler, status, notes."""
        selected = [
            CareAction.date,
            CareCategory.name,
            CareAction.recipient_name,
            CareAction.recipient_address,
            CareAction.item,
            CareAction.amount,
            CareAction.handled_by,
            CareAction.status,
            CareAction.notes,
        ]
        if include_illness:
            selected.append(CareAction.illness_detail)  # only when chosen: it never leaves the database otherwise
        return (
            select(*selected)
            .join(CareCategory, CareCategory.id == CareAction.category_id)
            .where(*self._where(period))
            .order_by(CareAction.date, CareAction.id)
        )

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        columns = self.LEDGER + ((self.ILLNESS,) if options.include_illness else ())
        ledger = book.sheet("关怀台账", heading, columns)
        stmt = self.ledger_query(period, options.include_illness)
        total_rows = self.count(period)
        written, total_fen = 0, 0
        status_labels = {status.value: status.label for status in CareStatus}
        # The largest report reads stored values (ISO date text, whole fen): no per-row type processing. Each row
        # is unpacked by name, in ledger_query's order, and makes no object of its own (50,000 rows and more).
        stored_rows = self.db.fetch_stored(stmt)
        for date, category, recipient, address, item, fen, handled_by, status, notes, *illness in stored_rows:
            written += 1
            if fen is not None:
                total_fen += fen
            amount = None if fen is None else fen / 100  # the number Excel keeps, as float(Decimal) would give
            day = plain.day(date)
            ledger.write_row(
                [
                    written,
                    day,
                    category,
                    recipient,
                    address,
                    item,
                    amount,
                    handled_by,
                    status_labels[status],
                    notes,
                    *illness,
                ]
            )
            if written % BATCH == 0:
                progress(written, total_rows)
        if written:
            total_amount = Decimal(total_fen) / 100
            totals: tuple[Any, ...] = ("合计", None, None, f"{written} 次", None, None, total_amount, None, None, None)
            ledger.write_row(totals + ((None,) if options.include_illness else ()), total=True)
        ledger.finish()

        from desktop_app.core.services.care import CareService

        summary = book.sheet("分类汇总", f"{heading}（分类汇总）", self.SUMMARY)
        totals_by_category = CareService(self.db).totals_by_category(period.start, period.end)
        for number, total in enumerate(totals_by_category, start=1):
            summary.write_row((number, total.category, total.actions, total.amount))
        summary.write_row(
            (
                "合计",
                None,
                sum(total.actions for total in totals_by_category),
                sum((total.amount for total in totals_by_category), Decimal("0.00")),
            ),
            total=True,
        )
        summary.finish()
        return written
