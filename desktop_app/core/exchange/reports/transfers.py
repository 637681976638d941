"""党员组织关系转接登记表: the period's 转入 and 转出 with their 介绍信, who handled them and their 回执 (a 转出's
回执 overdue three months after it is marked, see domain.transfers), and the counts per direction."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.domain.enums import TransferDirection
from desktop_app.core.domain.periods import Period
from desktop_app.core.domain.transfers import Transfer, receipt_state
from desktop_app.core.exchange.reports.base import C, ExportOptions, Progress, Report
from desktop_app.core.exchange.reports.workbook import ReportBook, ReportColumn
from desktop_app.core.services.transfers import transfers_between
from desktop_app.core.storage.models import MemberTransfer


class TransfersReport(Report):
    kind = "transfers"
    title = "党员组织关系转接登记表"
    model = MemberTransfer
    COLUMNS = (
        ReportColumn("序号", C.INDEX),
        ReportColumn("姓名", width=10),
        ReportColumn("转接", width=7),
        ReportColumn("日期", C.DATE),
        ReportColumn("转往 / 来自党组织", C.LONG_TEXT, width=30),
        ReportColumn("介绍信编号", width=18),
        ReportColumn("经手人", width=10),
        ReportColumn("回执日期", C.DATE),
        ReportColumn("回执情况", C.LONG_TEXT, width=24),
    )

    def _transfers(self, period: Period) -> list[Transfer]:
        return sorted(transfers_between(self.db, period.start, period.end), key=lambda t: (t.date, t.name))

    def count(self, period: Period) -> int:
        return len(self._transfers(period))

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        transfers = self._transfers(period)
        today = dt.date.today()
        sheet = book.sheet("组织关系转接", heading, self.COLUMNS)
        for number, t in enumerate(transfers, start=1):
            state = receipt_state(t, today)
            row = (number, t.name, t.direction.label, t.date, t.organisation, t.letter_no, t.handled_by)
            sheet.write_row((*row, t.receipt_date, state))
        if transfers:
            counts = {d: sum(1 for t in transfers if t.direction is d) for d in TransferDirection}
            overdue = sum(1 for t in transfers if receipt_state(t, today).startswith("逾期"))
            words = "，".join(f"{d.label} {n} 人" for d, n in counts.items())
            sheet.write_row(("合计", None, None, None, words, None, None, None, f"逾期未收回执 {overdue} 人"), True)
        sheet.finish()
        progress(len(transfers), len(transfers))
        return len(transfers)
