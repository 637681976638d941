"""The reports the street office receives, by name, and the export entry point."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.errors import AppError
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.reports.base import ExportOptions, ExportResult, Progress, Report
from desktop_app.core.exchange.reports.care import CareReport
from desktop_app.core.exchange.reports.dues import DuesReport
from desktop_app.core.exchange.reports.lapses import LapsesReport
from desktop_app.core.exchange.reports.meetings import MeetingsReport
from desktop_app.core.exchange.reports.members import MembersReport
from desktop_app.core.exchange.reports.mobile import MobileMembersReport
from desktop_app.core.exchange.reports.reviews import ReviewsReport
from desktop_app.core.exchange.reports.street import STREET_REPORTS
from desktop_app.core.exchange.reports.studio import StudioReport
from desktop_app.core.exchange.reports.talks import TalksReport
from desktop_app.core.exchange.reports.transfers import TransfersReport
from desktop_app.core.exchange.reports.visits import VisitsReport
from desktop_app.core.exchange.reports.workbook import ReportBook, ReportHeader, atomic_target, protect_with_password
from desktop_app.core.services.profile import ProfileService
from desktop_app.core.storage.audit import AuditService
from desktop_app.core.storage.database import Database

REPORTS: dict[str, type[Report]] = {
    r.kind: r
    for r in (
        MeetingsReport,
        CareReport,
        VisitsReport,
        MembersReport,
        StudioReport,
        DuesReport,
        LapsesReport,
        TalksReport,
        ReviewsReport,
        TransfersReport,
        MobileMembersReport,
    )
}
REPORT_LABELS = {kind: cls.title for kind, cls in REPORTS.items()}
# The street office's consolidated reports, added up from the communities' packages.
STREET: dict[str, type[Report]] = {r.kind.removeprefix("street-"): r for r in STREET_REPORTS}
STREET_LABELS = {kind: cls.title for kind, cls in STREET.items()}


def report_for(db: Database, kind: str, catalogue: dict[str, type[Report]] = REPORTS) -> Report:
    if kind not in catalogue:
        choices = "、".join(f"{k}（{cls.title}）" for k, cls in catalogue.items())
        raise AppError(f"没有“{kind}”这种报表。可选：{choices}")
    return catalogue[kind](db)


def export_report(
    db: Database,
    kind: str,
    period: Period,
    target: Path,
    options: ExportOptions | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
    catalogue: dict[str, type[Report]] = REPORTS,
) -> ExportResult:
    """Write one report to `target` (atomically); returns the number of records written."""
    report = report_for(db, kind, catalogue)
    options = options or ExportOptions()
    profile = ProfileService(db).get()
    community = profile.community_name or "本居民区"
    heading = report.heading(community, period)
    header = ReportHeader(
        unit=profile.org_name or community,
        period_text=f"{period.start:%Y-%m-%d}至{period.end:%Y-%m-%d}",
        reporter=profile.reporter_name or profile.secretary_name,
        report_date=today or dt.date.today(),
    )
    shown = "完整个人信息" if options.unmasked else "个人信息已隐藏"
    if options.include_illness:
        shown += "，含病情说明"
    if options.password:
        shown += "，加密导出"
    audited = False
    verb = "加密导出" if options.password else "导出"
    try:
        with atomic_target(target) as partial:
            book = ReportBook(partial, header)
            try:
                rows = report.write(book, heading, period, options, progress or (lambda done, total: None))
            finally:
                book.close()
            if options.password:
                protect_with_password(partial, options.password)
            # Recorded before the file is released under its name: if 操作记录 cannot be written (a read-only
            # database), no file with the full ID numbers is left behind either.
            AuditService(db).log(
                AuditAction.EXPORT,
                f"{verb}{report.title}",
                f"{period.label}，{rows} 条，{shown}；文件：{target}",
                "report",
                unmasked=options.unmasked or options.include_illness,
            )
            audited = True
    except Exception as exc:
        if audited:  # the line above says it was exported: the file never got there (read-only, open in Excel)
            AuditService(db).log(
                AuditAction.EXPORT, f"导出未完成：{report.title}", f"文件没有保存到 {target}：{exc}", "report"
            )
        raise
    return ExportResult(Path(target), rows)
