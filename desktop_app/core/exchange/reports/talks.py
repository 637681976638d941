"""谈心谈话情况表: the period's talks (never their 记录: it is sensitive), the year's coverage as the 条例 asks it
(see domain.talks), and who has not yet had their talk."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from desktop_app.core.domain.day_text import chinese_date
from desktop_app.core.domain.enums import TalkWay
from desktop_app.core.domain.periods import Period
from desktop_app.core.domain.talks import PARTNER_LABELS
from desktop_app.core.exchange.reports.base import C, ExportOptions, Progress, Report, all_rows
from desktop_app.core.exchange.reports.workbook import ReportBook, ReportColumn
from desktop_app.core.services.talks import TalkService
from desktop_app.core.storage.models import Member, Talk, TalkParticipant


class TalksReport(Report):
    kind = "talks"
    title = "谈心谈话情况表"
    model = Talk

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        people = (
            select(func.aggregate_strings(Member.name, "、"))
            .select_from(TalkParticipant)
            .join(Member, Member.id == TalkParticipant.member_id)
            .where(TalkParticipant.talk_id == Talk.id)
            .scalar_subquery()
        )
        stmt = (
            select(Talk.date, Talk.way, people.label("people"), Talk.topic)
            .where(*self._where(period))
            .order_by(Talk.date, Talk.id)
        )
        records = book.sheet(
            "谈话记录",
            f"{heading}（谈话记录）",
            (
                ReportColumn("序号", C.INDEX),
                ReportColumn("日期", C.DATE),
                ReportColumn("方式", width=8),
                ReportColumn("谈话人员", C.LONG_TEXT, width=30),
                ReportColumn("主题", C.LONG_TEXT, width=40),
            ),
        )
        with self.db.read_session() as session:
            rows = all_rows(session, stmt)
        for number, row in enumerate(rows, start=1):
            records.write_row((number, row.date, TalkWay(row.way).label, row.people or "", row.topic))
        records.finish()

        as_of = min(period.end, dt.date.today())
        shown = TalkService(self.db).coverage(period.end.year, today=as_of)
        partner = PARTNER_LABELS[shown.partner]
        covered = book.sheet(
            "覆盖情况",
            f"{heading}（覆盖情况）",
            (
                ReportColumn(f"{period.end.year}年（截至{chinese_date(as_of)}）", width=40),
                ReportColumn("应谈", C.COUNT, width=10),
                ReportColumn("已谈", C.COUNT, width=10),
                ReportColumn("覆盖率", C.PERCENT, width=10),
            ),
        )
        covered.write_row(
            ("支部委员两两之间（对）", len(shown.committee_pairs), shown.pairs_done, shown.committee_share)
        )
        talked = shown.members_expected - len(shown.members_without)
        covered.write_row((f"党员与{partner}（人）", shown.members_expected, talked, shown.member_share))
        covered.write_row(("党员之间的谈话（次，不要求两两）", None, shown.member_member_talks, None))
        covered.write_row(("全年谈心谈话（次）", None, shown.talks, None), True)
        covered.finish()

        lacking = book.sheet(
            "尚未谈话",
            f"{heading}（尚未与{partner}谈话的党员）",
            (ReportColumn("序号", C.INDEX), ReportColumn("姓名", width=12), ReportColumn("党小组", width=14)),
        )
        for number, member in enumerate(shown.members_without, start=1):
            lacking.write_row((number, member.name, member.group))
        lacking.finish()
        progress(len(rows), len(rows))
        return len(rows)
