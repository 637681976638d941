"""民主评议党员情况表: the year's review per member (自评, votes per grade, 评定, the 处置 of a 不合格) and the counts
per grade, for the street office."""

from __future__ import annotations

from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.reports.base import C, ExportOptions, Progress, Report
from desktop_app.core.exchange.reports.workbook import ReportBook, ReportColumn
from desktop_app.core.services.reviews import ReviewService
from desktop_app.core.storage.models import MemberReview


class ReviewsReport(Report):
    kind = "reviews"
    title = "民主评议党员情况表"
    model = MemberReview

    def count(self, period: Period) -> int:
        sheet = ReviewService(self.db).sheet(period.end.year)
        return len(sheet.rows) if sheet else 0

    def heading(self, community: str, period: Period) -> str:
        return f"{community}{period.end.year}年{self.title}"  # one review a year, whatever the period

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        sheet = ReviewService(self.db).sheet(period.end.year)
        rows = sheet.rows if sheet else []
        detail = book.sheet(
            "评议结果",
            heading,
            (
                ReportColumn("序号", C.INDEX),
                ReportColumn("姓名", width=10),
                ReportColumn("党小组", width=12),
                ReportColumn("自评", width=8),
                ReportColumn("优秀票", C.COUNT),
                ReportColumn("合格票", C.COUNT),
                ReportColumn("基本合格票", C.COUNT, width=10),
                ReportColumn("不合格票", C.COUNT),
                ReportColumn("评定", width=10),
                ReportColumn("处置", width=10),
                ReportColumn("处置日期", C.DATE),
                ReportColumn("决定文号或说明", C.LONG_TEXT, width=24),
            ),
        )
        for number, row in enumerate(rows, start=1):
            v = row.values
            detail.write_row(
                (
                    number,
                    row.name,
                    row.group,
                    "已完成" if v["self_assessed"] else "未完成",
                    v["votes_excellent"],
                    v["votes_qualified"],
                    v["votes_basic"],
                    v["votes_unqualified"],
                    v["grade"].label if v["grade"] else "未评定",
                    v["disposal"].label if v["disposal"] else "",
                    v["disposal_date"],
                    v["disposal_ref"],
                )
            )
        detail.finish()
        totals = book.sheet(
            "按等次汇总",
            f"{heading}（按等次汇总）",
            (ReportColumn("评定等次", width=14), ReportColumn("人数", C.COUNT), ReportColumn("占参评党员", C.PERCENT)),
        )
        if sheet is not None:
            for grade, count in sheet.counts.items():
                totals.write_row((grade.label, count, count / len(rows) if rows else None))
            ungraded = sum(1 for row in rows if row.values["grade"] is None)
            totals.write_row(("未评定", ungraded, ungraded / len(rows) if rows else None))
            totals.write_row(("参评党员", len(rows), None), True)
        totals.finish()
        progress(len(rows), len(rows))
        return len(rows)
