"""跟着先进学先进: study visits with their participants and the practices adopted."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from desktop_app.core.domain.enums import PracticeStatus
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.reports.base import C, ExportOptions, Progress, Report
from desktop_app.core.exchange.reports.workbook import ReportBook, ReportColumn
from desktop_app.core.storage.models import AdoptedPractice, Member, StudyVisit, VisitParticipant


class VisitsReport(Report):
    kind = "visits"
    title = "学习考察记录表"
    model = StudyVisit
    COLUMNS = (
        ReportColumn("序号", C.INDEX),
        ReportColumn("日期", C.DATE),
        ReportColumn("考察地点", width=22),
        ReportColumn("组织者"),
        ReportColumn("参加人员", C.LONG_TEXT, width=20),
        ReportColumn("亮点", C.LONG_TEXT),
        ReportColumn("启发", C.LONG_TEXT, width=26),
        ReportColumn("借鉴举措及进展", C.LONG_TEXT, width=40),
    )

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        sheet = book.sheet("学习考察", heading, self.COLUMNS)
        with self.db.read_session() as session:
            visit_ids = select(StudyVisit.id).where(*self._where(period))
            people: dict[int, list[str]] = defaultdict(list)
            for visit_id, name in session.execute(
                select(VisitParticipant.visit_id, Member.name)
                .join(Member, Member.id == VisitParticipant.member_id)
                .where(VisitParticipant.visit_id.in_(visit_ids))
                .order_by(Member.name_pinyin)
            ):
                people[visit_id].append(name)
            practices: dict[int, list[str]] = defaultdict(list)
            for p in session.scalars(
                select(AdoptedPractice).where(AdoptedPractice.visit_id.in_(visit_ids)).order_by(AdoptedPractice.id)
            ):
                details = "，".join(
                    x for x in (p.owner, p.due_date and f"{p.due_date:%Y-%m-%d}前", PracticeStatus(p.status).label) if x
                )
                practices[p.visit_id].append(f"{len(practices[p.visit_id]) + 1}. {p.description}（{details}）")
            written = 0
            for visit in session.scalars(select(StudyVisit).where(*self._where(period)).order_by(StudyVisit.date)):
                written += 1
                place = f"{visit.destination}（{visit.district}）" if visit.district else visit.destination
                sheet.write_row(
                    (
                        written,
                        visit.date,
                        place,
                        visit.organiser,
                        "、".join(people[visit.id]),
                        visit.highlights,
                        visit.takeaways,
                        "\n".join(practices[visit.id]),
                    )
                )
        sheet.finish()
        return written
