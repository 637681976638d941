"""党员连续未参加组织生活、未缴党费提醒表: the members four months or more into 党章 第九条's six at the period's
end (see domain.lapses), with the months, the 请假 months shown apart, and what the branch must do at six."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.domain.day_text import chinese_date
from desktop_app.core.domain.lapses import RULE_MONTHS, WARN_FROM, months_text
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.reports.base import C, ExportOptions, Progress, Report
from desktop_app.core.exchange.reports.workbook import ReportBook, ReportColumn
from desktop_app.core.services.lapses import Lapse, lapses_at_end
from desktop_app.core.storage.models import Member

REACHED_NOTE = f"已满 {RULE_MONTHS} 个月：按党章第九条由支部研究处置"


class LapsesReport(Report):
    kind = "lapses"
    title = "党员连续未参加组织生活、未缴党费提醒表"
    model = Member
    COLUMNS = (
        ReportColumn("序号", C.INDEX),
        ReportColumn("姓名", width=10),
        ReportColumn("党小组", width=12),
        ReportColumn("连续未参加组织生活（月）", C.COUNT, width=10),
        ReportColumn("未参加的月份", C.LONG_TEXT, width=36),
        ReportColumn("其中请假的月份", width=16),
        ReportColumn("流动在外参加的月份", width=16),
        ReportColumn("连续未缴党费（月）", C.COUNT, width=10),
        ReportColumn("未缴的月份", C.LONG_TEXT, width=36),
        ReportColumn("备注", width=26),
    )

    def _warned(self, period: Period) -> list[Lapse]:
        """As of the period's end (today for a period still running)."""
        return [lapse for lapse in lapses_at_end(self.db, period.end, dt.date.today()) if lapse.warned]

    def count(self, period: Period) -> int:
        return len(self._warned(period))

    def heading(self, community: str, period: Period) -> str:
        return f"{community}{self.title}（截至{chinese_date(min(period.end, dt.date.today()))}）"

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        warned = self._warned(period)
        sheet = book.sheet("连续未参加未缴提醒", heading, self.COLUMNS)
        for number, lapse in enumerate(warned, start=1):
            meetings, dues = lapse.meetings, lapse.dues
            sheet.write_row(
                (
                    number,
                    lapse.name,
                    lapse.group,
                    meetings.length or None,
                    months_text(meetings.months),
                    months_text(meetings.excused),
                    months_text(meetings.elsewhere),
                    dues.length or None,
                    months_text(dues.months),
                    REACHED_NOTE if meetings.reached or dues.reached else f"满 {WARN_FROM} 个月，请尽早联系",
                )
            )
        if warned:
            in_meetings = sum(1 for lapse in warned if lapse.meetings.warned)
            in_dues = sum(1 for lapse in warned if lapse.dues.warned)
            meetings_total, dues_total = f"未参加组织生活 {in_meetings} 人", f"未缴党费 {in_dues} 人"
            total = ("合计", f"{len(warned)} 人", None, None, meetings_total, None, None, None, dues_total, None)
            sheet.write_row(total, True)
        sheet.finish()
        progress(len(warned), len(warned))
        return len(warned)
