"""书记工作室: activities, the problem ledger and its counts per topic."""

from __future__ import annotations

from sqlalchemy import func, select

from desktop_app.core.domain.enums import ProblemStatus
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.reports.base import C, ExportOptions, Progress, Report, live
from desktop_app.core.exchange.reports.workbook import ReportBook, ReportColumn
from desktop_app.core.storage.models import StudioActivity, StudioProblem, StudioTopic


class StudioReport(Report):
    kind = "studio"
    title = "书记工作室活动情况表"
    model = StudioActivity
    ACTIVITIES = (
        ReportColumn("序号", C.INDEX),
        ReportColumn("日期", C.DATE),
        ReportColumn("类型", width=8),
        ReportColumn("主题", C.LONG_TEXT, width=24),
        ReportColumn("带教/主讲", width=10),
        ReportColumn("参加人员", C.LONG_TEXT, width=22),
        ReportColumn("活动内容", C.LONG_TEXT, width=36),
        ReportColumn("问题与解答", C.LONG_TEXT, width=36),
    )
    PROBLEMS = (
        ReportColumn("序号", C.INDEX),
        ReportColumn("提出日期", C.DATE),
        ReportColumn("来源居民区", width=14),
        ReportColumn("提出人", width=9),
        ReportColumn("课题", width=12),
        ReportColumn("问题描述", C.LONG_TEXT, width=34),
        ReportColumn("状态", width=9),
        ReportColumn("负责人", width=9),
        ReportColumn("解决情况", C.LONG_TEXT, width=30),
        ReportColumn("解决日期", C.DATE),
    )
    COUNTS = (
        ReportColumn("课题", width=16),
        *(ReportColumn(status.label, C.COUNT, width=10) for status in ProblemStatus),
        ReportColumn("合计", C.COUNT, width=10),
    )

    def count(self, period: Period) -> int:
        with self.db.read_session() as session:
            activities = session.scalar(select(func.count(StudioActivity.id)).where(*self._where(period))) or 0
            problems = session.scalar(
                select(func.count(StudioProblem.id)).where(
                    live(StudioProblem), StudioProblem.raised_date.between(period.start, period.end)
                )
            )
        return activities + (problems or 0)

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        written = 0
        with self.db.read_session() as session:
            sheet = book.sheet("活动情况", f"{heading}（活动）", self.ACTIVITIES)
            for number, a in enumerate(
                session.scalars(select(StudioActivity).where(*self._where(period)).order_by(StudioActivity.date)),
                start=1,
            ):
                qa = "\n".join(x for x in (a.questions and f"问：{a.questions}", a.answers and f"答：{a.answers}") if x)
                sheet.write_row((number, a.date, a.kind.label, a.topic, a.lead_mentor, a.participants, a.content, qa))
                written += 1
            sheet.finish()

            ledger = book.sheet("问题台账", f"{heading}（问题台账）", self.PROBLEMS)
            problems = session.execute(
                select(StudioProblem, StudioTopic.name)
                .join(StudioTopic, StudioTopic.id == StudioProblem.topic_id)
                .where(live(StudioProblem), StudioProblem.raised_date.between(period.start, period.end))
                .order_by(StudioProblem.raised_date, StudioProblem.id)
            ).all()
            for number, (p, topic) in enumerate(problems, start=1):
                ledger.write_row(
                    (
                        number,
                        p.raised_date,
                        p.source_community,
                        p.raised_by,
                        topic,
                        p.description,
                        p.status.label,
                        p.owner,
                        p.resolution,
                        p.resolved_date,
                    )
                )
            ledger.finish()

        from desktop_app.core.services.studio import StudioProblemService

        counts = book.sheet("课题统计", f"{heading}（课题统计）", self.COUNTS)
        by_topic = StudioProblemService(self.db).status_counts(period.start, period.end)
        for topic, per_status in by_topic:
            values = [per_status.get(status, 0) for status in ProblemStatus]
            counts.write_row((topic, *values, sum(values)))
        if by_topic:
            totals = [sum(per.get(status, 0) for _, per in by_topic) for status in ProblemStatus]
            counts.write_row(("合计", *totals, sum(totals)), total=True)
        counts.finish()
        return written + len(problems)
