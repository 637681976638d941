"""三会一课落实情况统计表: each kind's count against its norm, and every meeting."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from desktop_app.core.domain.enums import AttendanceStatus, MeetingKind
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.reports.base import BATCH, C, ExportOptions, Progress, Report, all_rows
from desktop_app.core.exchange.reports.workbook import ReportBook, ReportColumn
from desktop_app.core.services.compliance import ComplianceService
from desktop_app.core.storage.models import Attendance, Meeting, Member, PartyGroup


class MeetingsReport(Report):
    kind = "meetings"
    title = "三会一课落实情况统计表"
    model = Meeting
    SUMMARY = (
        ReportColumn("序号", C.INDEX),
        ReportColumn("会议类别", width=22),
        ReportColumn("频次要求", width=18),
        ReportColumn("应开次数", C.COUNT),
        ReportColumn("实开次数", C.COUNT),
        ReportColumn("完成情况", C.LONG_TEXT, width=40),
        ReportColumn("平均出勤率", C.PERCENT),
    )
    # Ten columns, read on A4 landscape at 9 pt or more (`workbook.printed_points`): host, recorder and lecturer
    # share one column, a line each, and long texts wrap.
    DETAIL = (
        ReportColumn("序号", C.INDEX),
        ReportColumn("日期", C.DATE, width=11),
        ReportColumn("类别", width=14),
        ReportColumn("主题", C.LONG_TEXT, width=20),
        ReportColumn("人员", width=13),
        ReportColumn("地点", width=12),
        ReportColumn("应到", C.COUNT, width=6),
        ReportColumn("实到", C.COUNT, width=6),
        ReportColumn("出勤率", C.PERCENT, width=8),
        ReportColumn("请假及缺席人员（原因）", C.LONG_TEXT, width=24),
    )

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        report = ComplianceService(self.db).evaluate(period)
        with self.db.read_session() as session:
            rates: dict[tuple[MeetingKind, int | None], list[float]] = defaultdict(list)
            for kind, group_id, expected, attended in session.execute(
                select(Meeting.kind, Meeting.group_id, Meeting.expected_count, Meeting.attended_count).where(
                    *self._where(period), Meeting.expected_count > 0
                )
            ):
                rates[(kind, group_id)].append(attended / expected)
                rates[(kind, None)].append(attended / expected)

            summary = book.sheet("落实情况", f"{heading}（汇总）", self.SUMMARY)
            for number, item in enumerate(report.items, start=1):
                status = ("完成" if item.complete else f"未完成：{item.describe()}") if item.units else item.describe()
                values = rates.get((item.kind, item.group_id)) or []
                summary.write_row(
                    (
                        number,
                        item.name,
                        item.norm.text,
                        item.required,
                        item.held,
                        status,
                        sum(values) / len(values) if values else None,
                    )
                )
            for flag in report.vote_flags:
                summary.write_note(flag.describe())
            summary.finish()

            absentees: dict[int, list[str]] = defaultdict(list)
            for meeting_id, name, status, reason in session.execute(
                select(Attendance.meeting_id, Member.name, Attendance.status, Attendance.reason)
                .join(Member, Member.id == Attendance.member_id)
                .join(Meeting, Meeting.id == Attendance.meeting_id)
                .where(*self._where(period), Attendance.status != AttendanceStatus.PRESENT)
                .order_by(Attendance.meeting_id, Attendance.status, Member.name_pinyin)
            ):
                label = AttendanceStatus(status).label
                absentees[meeting_id].append(f"{name}（{label}：{reason}）" if reason else f"{name}（{label}）")

            detail = book.sheet("会议明细", f"{heading}（会议明细）", self.DETAIL)
            stmt = (
                select(
                    Meeting.id,
                    Meeting.date,
                    Meeting.kind,
                    PartyGroup.name.label("group_name"),
                    Meeting.topic,
                    Meeting.host,
                    Meeting.recorder,
                    Meeting.lecturer,
                    Meeting.place,
                    Meeting.expected_count,
                    Meeting.attended_count,
                )
                .outerjoin(PartyGroup, PartyGroup.id == Meeting.group_id)
                .where(*self._where(period))
                .order_by(Meeting.date, Meeting.id)
            )
            total = self.count(period)
            written = 0
            for row in all_rows(session, stmt):
                written += 1
                kind_text = MeetingKind(row.kind).label + (f"（{row.group_name}）" if row.group_name else "")
                rate = row.attended_count / row.expected_count if row.expected_count else None
                people = (("主持", row.host), ("记录", row.recorder), ("授课", row.lecturer))
                detail.write_row(
                    (
                        written,
                        row.date,
                        kind_text,
                        row.topic,
                        "\n".join(f"{role}：{name}" for role, name in people if name),
                        row.place,
                        row.expected_count,
                        row.attended_count,
                        rate,
                        "；".join(absentees.get(row.id, [])),
                    )
                )
                if written % BATCH == 0:
                    progress(written, total)
            detail.finish()
        return written
