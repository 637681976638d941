"""The four reports the street office receives, and the export entry point."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desktop_app.core.domain.enums import (
    AttendanceStatus,
    AuditAction,
    CareStatus,
    Gender,
    MeetingKind,
    MemberStatus,
    MemberType,
    PracticeStatus,
    ProblemStatus,
)
from desktop_app.core.domain.errors import AppError
from desktop_app.core.domain.masking import mask_id_number, mask_phone
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.reports.workbook import CellKind, ReportBook, ReportColumn, ReportHeader, atomic_target
from desktop_app.core.services.compliance import ComplianceService
from desktop_app.core.services.profile import ProfileService
from desktop_app.core.storage.audit import AuditService
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import (
    AdoptedPractice,
    Attendance,
    CareAction,
    CareCategory,
    Meeting,
    Member,
    PartyGroup,
    StudioActivity,
    StudioProblem,
    StudioTopic,
    StudyVisit,
    VisitParticipant,
    stored_date,
)

C = CellKind
Progress = Callable[[int, int], None]
EMPTY_NOTE = "本期无记录"
BATCH = 2000


@dataclass(frozen=True)
class ExportOptions:
    unmasked: bool = False  # full phone and ID numbers
    include_illness: bool = False  # the illness detail of 重病帮困 records


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


class Report:
    kind: str
    title: str
    model: Any  # the records counted and listed

    def __init__(self, db: Database) -> None:
        self.db = db

    def _where(self, period: Period) -> list[Any]:
        """Live records dated inside the period."""
        return [_live(self.model), self.model.date.between(period.start, period.end)]

    def count(self, period: Period) -> int:
        with self.db.read_session() as session:
            return session.scalar(select(func.count(self.model.id)).where(*self._where(period))) or 0

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        raise NotImplementedError


def _live(model: Any) -> Any:
    return model.deleted_at.is_(None)


def _rows(session: Any, stmt: Any) -> list[Any]:
    """Every row at once: SQLite releases its read lock when the statement is done, so a writer is not
    kept waiting while the workbook is written (see Database.fetch_stored)."""
    return list(session.execute(stmt))


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
    DETAIL = (
        ReportColumn("序号", C.INDEX),
        ReportColumn("日期", C.DATE),
        ReportColumn("类别", width=20),
        ReportColumn("主题", C.LONG_TEXT, width=28),
        ReportColumn("主持人", width=9),
        ReportColumn("记录人", width=9),
        ReportColumn("授课人", width=9),
        ReportColumn("地点", width=16),
        ReportColumn("应到", C.COUNT),
        ReportColumn("实到", C.COUNT),
        ReportColumn("出勤率", C.PERCENT),
        ReportColumn("请假及缺席人员（原因）", C.LONG_TEXT, width=40),
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
                    PartyGroup.name,
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
            for row in _rows(session, stmt):
                written += 1
                kind_text = MeetingKind(row.kind).label + (f"（{row[3]}）" if row[3] else "")
                rate = row.attended_count / row.expected_count if row.expected_count else None
                detail.write_row(
                    (
                        written,
                        row.date,
                        kind_text,
                        row.topic,
                        row.host,
                        row.recorder,
                        row.lecturer,
                        row.place,
                        row.expected_count,
                        row.attended_count,
                        rate,
                        "；".join(absentees.get(row.id, [])),
                    )
                )
                if written % BATCH == 0:
                    progress(written, total)
            if not written:
                detail.write_note(EMPTY_NOTE)
            detail.finish()
        return written


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
        # The largest report reads stored values (ISO date text, whole fen): no per-row type processing.
        for stored in self.db.fetch_stored(stmt):
            written += 1
            values = list(stored)
            values[0] = stored_date(values[0])
            if (fen := values[5]) is not None:
                total_fen += fen
                values[5] = fen / 100  # the number Excel keeps, as float(Decimal) would give
            values[7] = status_labels[values[7]]
            ledger.write_row([written, *values])
            if written % BATCH == 0:
                progress(written, total_rows)
        if written:
            total_amount = Decimal(total_fen) / 100
            totals: tuple[Any, ...] = ("合计", None, None, f"{written} 次", None, None, total_amount, None, None, None)
            ledger.write_row(totals + ((None,) if options.include_illness else ()), total=True)
        else:
            ledger.write_note(EMPTY_NOTE)
        ledger.finish()

        from desktop_app.core.services.care import CareService

        summary = book.sheet("分类汇总", f"{heading}（分类汇总）", self.SUMMARY)
        totals_by_category = CareService(self.db).totals_by_category(period.start, period.end)
        for number, (name, count, amount) in enumerate(totals_by_category, start=1):
            summary.write_row((number, name, count, amount))
        summary.write_row(
            (
                "合计",
                None,
                sum(c for _, c, _ in totals_by_category),
                sum((a for _, _, a in totals_by_category), Decimal("0.00")),
            ),
            total=True,
        )
        summary.finish()
        return written


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
        if not written:
            sheet.write_note(EMPTY_NOTE)
        sheet.finish()
        return written


class MembersReport(Report):
    kind = "members"
    title = "党员名册"
    model = Member
    COLUMNS = (
        ReportColumn("序号", C.INDEX),
        ReportColumn("姓名", width=10),
        ReportColumn("性别", width=6),
        ReportColumn("出生日期", C.DATE),
        ReportColumn("入党日期", C.DATE),
        ReportColumn("党员类别", width=10),
        ReportColumn("党小组"),
        ReportColumn("支委职务"),
        ReportColumn("联系电话", C.CODE),
        ReportColumn("身份证号", C.CODE),
    )

    def _where(self, period: Period) -> list[Any]:
        # The roster as of the period's end: members who had joined by then and are still registered.
        joined = (Member.join_date.is_(None)) | (Member.join_date <= period.end)
        return [_live(Member), Member.status == MemberStatus.ACTIVE, joined]

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        sheet = book.sheet("党员名册", heading, self.COLUMNS)
        stmt = (
            select(
                Member.name,
                Member.gender,
                Member.birth_date,
                Member.join_date,
                Member.member_type,
                PartyGroup.name.label("group"),
                Member.committee_role,
                Member.phone,
                Member.id_number,
            )
            .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
            .where(*self._where(period))
            .order_by(PartyGroup.name, Member.name_pinyin)
        )
        written = 0
        with self.db.read_session() as session:
            for row in _rows(session, stmt):
                written += 1
                phone = row.phone if options.unmasked else mask_phone(row.phone)
                id_number = row.id_number if options.unmasked else mask_id_number(row.id_number)
                sheet.write_row(
                    (
                        written,
                        row.name,
                        Gender(row.gender).label if row.gender else "",
                        row.birth_date,
                        row.join_date,
                        MemberType(row.member_type).label,
                        row.group,
                        row.committee_role,
                        phone,
                        id_number,
                    )
                )
        if not written:
            sheet.write_note(EMPTY_NOTE)
        sheet.finish()
        return written


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
                    _live(StudioProblem), StudioProblem.raised_date.between(period.start, period.end)
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
            if not written:
                sheet.write_note(EMPTY_NOTE)
            sheet.finish()

            ledger = book.sheet("问题台账", f"{heading}（问题台账）", self.PROBLEMS)
            problems = session.execute(
                select(StudioProblem, StudioTopic.name)
                .join(StudioTopic, StudioTopic.id == StudioProblem.topic_id)
                .where(_live(StudioProblem), StudioProblem.raised_date.between(period.start, period.end))
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
            if not problems:
                ledger.write_note(EMPTY_NOTE)
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
        else:
            counts.write_note(EMPTY_NOTE)
        counts.finish()
        return written + len(problems)


REPORTS: dict[str, type[Report]] = {
    r.kind: r for r in (MeetingsReport, CareReport, VisitsReport, MembersReport, StudioReport)
}
REPORT_LABELS = {kind: cls.title for kind, cls in REPORTS.items()}


def report_for(db: Database, kind: str) -> Report:
    if kind not in REPORTS:
        raise AppError(f"没有“{kind}”这种报表。可选：{'、'.join(f'{k}（{v}）' for k, v in REPORT_LABELS.items())}")
    return REPORTS[kind](db)


def export_report(
    db: Database,
    kind: str,
    period: Period,
    target: Path,
    options: ExportOptions | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ExportResult:
    """Write one report to `target` (atomically); returns the number of records written."""
    report = report_for(db, kind)
    options = options or ExportOptions()
    profile = ProfileService(db).get()
    community = profile.community_name or "本居民区"
    if kind == "members":
        heading = f"{community}{report.title}（截至{period.end:%Y年%m月%d日}）"
    else:
        heading = f"{community}{period.label}{report.title}"
    header = ReportHeader(
        unit=profile.org_name or community,
        period_text=f"{period.start:%Y-%m-%d}至{period.end:%Y-%m-%d}",
        reporter=profile.reporter_name or profile.secretary_name,
        report_date=today or dt.date.today(),
    )
    shown = "完整个人信息" if options.unmasked else "个人信息已隐藏"
    if options.include_illness:
        shown += "，含病情说明"
    with atomic_target(target) as partial:
        book = ReportBook(partial, header)
        try:
            rows = report.write(book, heading, period, options, progress or (lambda done, total: None))
        finally:
            book.close()
        # Recorded before the file is released under its name: if 操作记录 cannot be written (a read-only
        # database), no file with the full ID numbers is left behind either.
        AuditService(db).log(
            AuditAction.EXPORT,
            f"导出{report.title}",
            f"{period.label}，{rows} 条，{shown}；文件：{target}",
            "report",
            unmasked=options.unmasked or options.include_illness,
        )
    return ExportResult(Path(target), rows)
