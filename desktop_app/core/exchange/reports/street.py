"""街道汇总报表: the communities' packages added up, in the same workbook conventions as their own reports.
Rows are communities in the order of their unit codes; a community counts from its current packages
whose periods lie inside the period asked for (see StreetPackageService.current_contents)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from desktop_app.core.domain import street_sums
from desktop_app.core.domain.duty_figures import SECTIONS, duty_row, total
from desktop_app.core.domain.enums import MeetingKind, PracticeStatus, ProblemStatus
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.reports.base import C, ExportOptions, Progress, Report
from desktop_app.core.exchange.reports.workbook import ReportBook, ReportColumn, SheetWriter
from desktop_app.core.services.street import StreetPackageService, StreetUnitService
from desktop_app.core.storage.models import StreetPackage

ZERO = Decimal("0.00")
Pieces = street_sums.Pieces
UNIT_WIDTH = 20  # a community's name, and 小计 after it, on one line
DUTY_UNIT_WIDTH = 16  # a community's name (a longer one wraps)


class StreetReport(Report):
    model = StreetPackage

    def communities(self, period: Period) -> list[tuple[str, str, Pieces]]:
        """(unit code, name, pieces) of each community with packages for the period, by unit code."""
        service = StreetPackageService(self.db)
        contents, names = service.current_contents(period), service.names()
        return [(code, names.get(code, code), contents[code]) for code in sorted(contents)]

    def missing(self, period: Period) -> list[tuple[str, str]]:
        reported = StreetPackageService(self.db).reported(period)
        units = StreetUnitService(self.db).list(include_retired=False)  # one 停用 is not expected to report
        return [(u.code, u.name) for u in units if u.code not in reported]

    def count(self, period: Period) -> int:
        return len(StreetPackageService(self.db).reported(period))

    def note_missing(self, sheet: SheetWriter, period: Period, communities: list[tuple[str, str, Pieces]]) -> None:
        """Who has not reported, and who of `communities` reported only part of the period (their numbers cover
        less)."""
        missing = self.missing(period)
        if missing:
            sheet.write_note(f"未报送（{len(missing)} 个）：" + "、".join(name for _, name in missing))
        days = (period.end - period.start).days + 1
        partial = [
            f"{name}（{min(p.start for p, _ in pieces):%Y-%m-%d}至{max(p.end for p, _ in pieces):%Y-%m-%d}）"
            for _, name, pieces in communities
            if sum((p.end - p.start).days + 1 for p, _ in pieces) < days
        ]
        if partial:
            sheet.write_note(f"只报送了部分期间（{len(partial)} 个）：" + "、".join(partial))


class StreetMeetingsReport(StreetReport):
    kind = "street-meetings"
    title = "三会一课开展情况汇总表"
    KINDS = tuple(MeetingKind)

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        today = dt.date.today()
        columns = (
            ReportColumn("序号", C.INDEX),
            ReportColumn("居民区", width=UNIT_WIDTH),
            *(ReportColumn(kind.label, width=max(8, len(kind.label) * 2 + 2)) for kind in self.KINDS),
            ReportColumn("达标情况", C.LONG_TEXT, width=26),
        )
        summary = book.sheet("汇总", f"{heading}（各项为实开次数/应开次数）", columns)
        detail = book.sheet(
            "明细",
            f"{heading}（明细）",
            (
                ReportColumn("居民区", width=UNIT_WIDTH),
                ReportColumn("会议类别", width=16),
                ReportColumn("应开次数", C.COUNT),
                ReportColumn("实开次数", C.COUNT),
                ReportColumn("达标", width=10),
            ),
        )
        communities = self.communities(period)
        totals = {kind: [0, 0] for kind in self.KINDS}
        for number, (_, name, pieces) in enumerate(communities, start=1):
            sums = street_sums.meetings_by_kind(pieces, period, today)
            cells = []
            for kind in self.KINDS:
                s = sums.get(kind)
                if s is None:
                    cells.append("未设要求")
                    continue
                totals[kind][0] += s.held
                totals[kind][1] += s.required if s.judged else 0
                # One style for every count, 合计 included: a kind not required in the period is 应开 0 ("0/0").
                required = s.required if s.judged else 0
                cells.append(f"{s.held}/{required}")
                verdict = "不作要求" if not s.judged else ("达标" if s.complete else "未达标")
                detail.write_row((name, kind.label, required, s.held, verdict))
            summary.write_row((number, name, *cells, street_sums.meetings_verdict(pieces, period, today).text))
            progress(number, len(communities))
        if communities:
            summary.write_row(("合计", None, *(f"{held}/{required}" for held, required in totals.values()), None), True)
        self.note_missing(summary, period, communities)
        summary.finish()
        detail.finish()
        return len(communities)


class StreetCareReport(StreetReport):
    kind = "street-care"
    title = "六维关怀汇总表"

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        by_unit = book.sheet(
            "按居民区",
            f"{heading}（按居民区）",
            (
                ReportColumn("居民区", width=UNIT_WIDTH),
                ReportColumn("关怀类别", width=20),
                ReportColumn("次数", C.COUNT, width=10),
                ReportColumn("金额（元）", C.MONEY, width=16),
            ),
        )
        street_totals: dict[str, list[Any]] = {}
        communities = self.communities(period)
        for name, pieces in ((name, pieces) for _, name, pieces in communities):
            sums = street_sums.care_by_category(pieces)
            for category, (count, amount) in sums.items():
                by_unit.write_row((name, category, count, amount))
                entry = street_totals.setdefault(category, [0, 0, ZERO])
                entry[0], entry[1], entry[2] = entry[0] + 1, entry[1] + count, entry[2] + amount
            by_unit.write_row(
                (f"{name}小计", None, sum(c for c, _ in sums.values()), sum((a for _, a in sums.values()), ZERO)), True
            )
        self.note_missing(by_unit, period, communities)
        by_unit.finish()
        by_category = book.sheet(
            "按类别",
            f"{heading}（按类别）",
            (
                ReportColumn("关怀类别", width=20),
                ReportColumn("居民区数", C.COUNT, width=10),
                ReportColumn("次数", C.COUNT, width=10),
                ReportColumn("金额（元）", C.MONEY, width=16),
            ),
        )
        for category, (units, count, amount) in street_totals.items():
            by_category.write_row((category, units, count, amount))
        if street_totals:
            by_category.write_row(
                (
                    "合计",
                    len(communities),
                    sum(e[1] for e in street_totals.values()),
                    sum((e[2] for e in street_totals.values()), ZERO),
                ),
                True,
            )
        by_category.finish()
        return len(communities)


class StreetVisitsReport(StreetReport):
    kind = "street-visits"
    title = "学习考察及借鉴举措汇总表"

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        summary = book.sheet(
            "汇总",
            heading,
            (
                ReportColumn("序号", C.INDEX),
                ReportColumn("居民区", width=UNIT_WIDTH),
                ReportColumn("考察次数", C.COUNT),
                ReportColumn("参加人次", C.COUNT),
                ReportColumn("借鉴举措", C.COUNT),
                *(ReportColumn(status.label, C.COUNT) for status in PracticeStatus),
            ),
        )
        detail = book.sheet(
            "借鉴举措",
            f"{heading}（借鉴举措）",
            (
                ReportColumn("居民区", width=UNIT_WIDTH),
                ReportColumn("考察日期", C.DATE),
                ReportColumn("考察地点", width=22),
                ReportColumn("借鉴举措", C.LONG_TEXT, width=40),
                ReportColumn("进展", width=9),
                ReportColumn("计划完成", C.DATE),
            ),
        )
        communities = self.communities(period)
        totals = [0, 0, 0, *(0 for _ in PracticeStatus)]
        for number, (_, name, pieces) in enumerate(communities, start=1):
            sums = street_sums.visits(pieces)
            values = [sums.visits, sums.participants, sum(sums.practices.values()), *sums.practices.values()]
            summary.write_row((number, name, *values))
            totals = [a + b for a, b in zip(totals, values, strict=True)]
            for day, place, practice, status, due in sums.rows:
                detail.write_row((name, day, place, practice, status.label if status else "", due))
        if communities:
            summary.write_row(("合计", None, *totals), True)
        self.note_missing(summary, period, communities)
        summary.finish()
        detail.finish()
        return len(communities)


class StreetStudioReport(StreetReport):
    kind = "street-studio"
    title = "书记工作室问题台账汇总表"
    STATUSES = tuple(ProblemStatus)

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        status_columns = (
            *(ReportColumn(s.label, C.COUNT, width=10) for s in self.STATUSES),
            ReportColumn("合计", C.COUNT),
        )
        by_topic = book.sheet("按课题", f"{heading}（按课题和状态）", (ReportColumn("课题", width=18), *status_columns))
        by_unit = book.sheet(
            "按居民区",
            f"{heading}（按居民区）",
            (ReportColumn("居民区", width=UNIT_WIDTH), ReportColumn("工作室活动", C.COUNT), *status_columns),
        )
        topics: dict[str, dict[ProblemStatus, int]] = {}
        communities = self.communities(period)
        for _, name, pieces in communities:
            counts = street_sums.problems_by_topic(pieces)
            per_status = dict.fromkeys(self.STATUSES, 0)
            for topic, per in counts.items():
                into = topics.setdefault(topic, dict.fromkeys(self.STATUSES, 0))
                for status, count in per.items():
                    into[status] += count
                    per_status[status] += count
            values = [per_status[s] for s in self.STATUSES]
            by_unit.write_row((name, street_sums.studio_activities(pieces), *values, sum(values)))
        for topic, per in topics.items():
            values = [per[s] for s in self.STATUSES]
            by_topic.write_row((topic, *values, sum(values)))
        if topics:
            totals = [sum(per[s] for per in topics.values()) for s in self.STATUSES]
            by_topic.write_row(("合计", *totals, sum(totals)), True)
        self.note_missing(by_unit, period, communities)
        by_topic.finish()
        by_unit.finish()
        return len(communities)


class StreetDuesReport(StreetReport):
    kind = "street-dues"
    title = "党费收缴情况汇总表"

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        sheet = book.sheet(
            "汇总",
            heading,
            (
                ReportColumn("序号", C.INDEX),
                ReportColumn("居民区", width=UNIT_WIDTH),
                ReportColumn("应缴人数", C.COUNT),
                ReportColumn("应缴", C.MONEY, width=12),
                ReportColumn("实缴", C.MONEY, width=12),
                ReportColumn("欠缴", C.MONEY, width=12),
                ReportColumn("自愿多交", C.MONEY, width=12),
            ),
        )
        communities = self.communities(period)
        total = street_sums.DuesSums(0, ZERO, ZERO, ZERO)
        for number, (_, name, pieces) in enumerate(communities, start=1):
            s = street_sums.dues(pieces)
            sheet.write_row((number, name, s.members, s.owed, s.paid, s.arrears, s.voluntary))
            total = street_sums.DuesSums(
                total.members + s.members, total.owed + s.owed, total.paid + s.paid, total.voluntary + s.voluntary
            )
        if communities:
            sheet.write_row(("合计", None, total.members, total.owed, total.paid, total.arrears, total.voluntary), True)
        self.note_missing(sheet, period, communities)
        sheet.finish()
        return len(communities)


class StreetDutiesReport(StreetReport):
    """One sheet per yearly duty the packages carry (domain.duty_figures.SECTIONS): each community's numbers as of
    its latest package inside the period, or why there are none (未报, 旧版数据包无此项, 本年尚未开展…)."""

    kind = "street-duties"
    title = "党员教育管理工作汇总表"

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        service = StreetPackageService(self.db)
        figures, names = service.duties(period), service.names()
        # Every community expected (a 停用 one only if it reported): one with nothing in the period says 未报.
        expected = {unit.code for unit in StreetUnitService(self.db).list(include_retired=False)}
        listed = [(code, names.get(code, code)) for code in sorted(expected | figures.keys())]
        for section in SECTIONS:
            sheet = book.sheet(
                section.TITLE,
                f"{heading}（{section.TITLE}）",
                (
                    # Narrower than the other sheets' (no 序号): eight numbers still print at 9 pt or more.
                    ReportColumn("居民区", width=DUTY_UNIT_WIDTH),
                    ReportColumn("数据截至", C.DATE, width=11),
                    *(ReportColumn(c.heading, C.PERCENT if c.percent else C.COUNT) for c in section.COLUMNS),
                    ReportColumn("说明", C.LONG_TEXT, width=12),
                ),
            )
            rows = [duty_row(figures.get(code), section) for code, _ in listed]
            for (_, name), row in zip(listed, rows, strict=True):
                cells = row.counts.cells() if row.counts else (None,) * len(section.COLUMNS)
                sheet.write_row((name, row.as_of, *cells, row.note))
            summed = total(rows)
            if summed is not None:
                counted = sum(1 for row in rows if row.counts)
                sheet.write_row((f"合计（{counted} 个居民区）", None, *summed.cells(), None), True)
            sheet.write_note(section.EXPLAINED)
            sheet.finish()
        progress(len(listed), len(listed))
        return len(figures)


class StreetMissingReport(StreetReport):
    kind = "street-missing"
    title = "未报送数据包居民区名单"

    def count(self, period: Period) -> int:
        return len(self.missing(period))

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        sheet = book.sheet(
            "未报送",
            heading,
            (
                ReportColumn("序号", C.INDEX),
                ReportColumn("单位代码", C.CODE, width=14),
                ReportColumn("居民区", width=18),
                ReportColumn("最近一次报送", width=30),
            ),
        )
        latest: dict[str, str] = {}
        for package in StreetPackageService(self.db).packages(include_history=False):
            latest.setdefault(
                package.unit_code, f"{Period.parse(package.period).label}（{package.created_at:%Y-%m-%d}）"
            )
        missing = self.missing(period)
        for number, (code, name) in enumerate(missing, start=1):
            sheet.write_row((number, code, name, latest.get(code, "从未报送")))
        sheet.finish()
        return len(missing)


STREET_REPORTS: tuple[type[StreetReport], ...] = (
    StreetMeetingsReport,
    StreetCareReport,
    StreetVisitsReport,
    StreetStudioReport,
    StreetDuesReport,
    StreetDutiesReport,
    StreetMissingReport,
)
