"""街道 pages: 汇总工作台 (what has arrived from whom), 数据包 (import, list, history) and 汇总报表."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.duty_figures import SECTIONS, Cell, Counts, DutyFigures, DutyRow, duty_row, total
from desktop_app.core.domain.periods import QUARTER_NAMES, Period
from desktop_app.core.exchange.packages.street_import import (
    REFUSED,
    UNKNOWN_UNIT,
    ImportOutcome,
    import_packages,
)
from desktop_app.core.exchange.reports.base import Report
from desktop_app.core.exchange.reports.registry import STREET
from desktop_app.core.services.street import StreetPackageService, grid
from desktop_app.ui.kit import file_dialogs, prompts
from desktop_app.ui.kit.background import BackgroundTask, News, run_in_background
from desktop_app.ui.kit.combo_box import ComboBox
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.kit.file_dialogs import FileKind
from desktop_app.ui.kit.formatting import moment_text
from desktop_app.ui.kit.page import Page
from desktop_app.ui.kit.signals import on_click
from desktop_app.ui.views.reports import ReportsView

if TYPE_CHECKING:
    from desktop_app.ui.views.street_boxes import PackageBox

STATE_COLORS = {
    "已报": QColor("#e3f1e3"),
    "已更新": QColor("#dfeaf7"),
    "部分已报": QColor("#fff3d6"),
    "未报": QColor("#ffffff"),
}
MISSED_COLOR = QColor("#b03a2e")
NOTE_COLOR = QColor("#7f8c8d")  # a row with no numbers: 未报, 旧版数据包无此项, 本年尚未开展…
MET_COLOR = QColor("#1e6b35")
NOT_JUDGED = "—"  # nothing reported: nothing to judge


class StreetDashboardView(Page):
    """A communities × quarters (or months) table of the year; each period has two worded columns: 报送
    (已报 / 未报 / 已更新 / 部分已报: a package arrived) and 三会一课 (达标, or 未达标 and what is missing: the
    norms met), the verdict the 汇总报表 gives; and who is missing in the current period."""

    title = "汇总工作台"
    reads_the_clock = True  # who is missing is asked of the running period

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        today = dt.date.today()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.year.setSuffix(" 年")
        self.unit = ComboBox()
        self.unit.addItem("按季度", "quarter")
        self.unit.addItem("按月", "month")
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.table = self._read_only_table()
        # A 未达标 line wraps in its column: rows as tall as their text, following the columns' widths.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        legend = QLabel(
            "报送：已报（绿底）、已更新（蓝底，收到过新版本）、部分已报（黄底，只报了其中几个月）、未报。"
            "三会一课：按收到的数据判断是否达到频次要求，与汇总报表的“达标情况”一致；未达标时列出实开/应开次数。"
        )
        legend.setWordWrap(True)
        # One tab for what arrived and 三会一课, then one per yearly duty the packages carry (民主评议, 谈心谈话 …).
        self.tabs = QTabWidget()
        self.tabs.addTab(self._tab(self.table, legend), "报送与三会一课")
        self.duty_tables: dict[str, QTableWidget] = {}
        for section in SECTIONS:
            table = self._read_only_table()
            explained = QLabel(
                f"{section.EXPLAINED}数字为所选年度各居民区最近一次报送的数据包中的情况（截至该包期末）。"
            )
            explained.setWordWrap(True)
            self.duty_tables[section.KEY] = table
            self.tabs.addTab(self._tab(table, explained), section.TITLE)
        top = QHBoxLayout()
        top.addWidget(self.year)
        top.addWidget(self.unit)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.missing)
        layout.addWidget(self.tabs, 1)
        self.setFocusProxy(self.table)
        self.year.valueChanged.connect(self.reload)
        self.unit.currentIndexChanged.connect(self.reload)
        self.rows = 0
        self.reload()

    @staticmethod
    def _read_only_table() -> QTableWidget:
        table = QTableWidget()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        return table

    @staticmethod
    def _tab(table: QTableWidget, below: QLabel) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(table, 1)
        layout.addWidget(below)
        return page

    def periods(self) -> list[Period]:
        year = self.year.value()
        if self.unit.currentData() == "month":
            return [Period.month(year, month) for month in range(1, 13)]
        return [Period.quarter(year, quarter) for quarter in range(1, 5)]

    def reload(self) -> None:
        today = dt.date.today()
        periods = self.periods()
        rows = grid(self.context.db, periods, today)
        headers = (
            [f"第{QUARTER_NAMES[i]}季度" for i in range(4)] if len(periods) == 4 else [p.label[5:] for p in periods]
        )
        self.table.clear()
        self.table.setColumnCount(2 * len(periods) + 1)
        self.table.setHorizontalHeaderLabels(
            ["居民区", *(f"{period}\n{what}" for period in headers for what in ("报送", "三会一课"))]
        )
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(f"{row.name}（{row.code}）"))
            for p, cell in enumerate(row.cells):
                sent = QTableWidgetItem(cell.state)
                sent.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                sent.setBackground(QBrush(STATE_COLORS[cell.state]))
                self.table.setItem(r, 2 * p + 1, sent)
                verdict = QTableWidgetItem(NOT_JUDGED if cell.verdict is None else cell.verdict.text)
                verdict.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if cell.verdict is not None:
                    verdict.setForeground(QBrush(MET_COLOR if cell.verdict.met else MISSED_COLOR))
                    verdict.setToolTip(cell.verdict.text)
                self.table.setItem(r, 2 * p + 2, verdict)
        header = self.table.horizontalHeader()
        # A quarter's two columns share the width; twelve months' twenty-four scroll sideways.
        quarters = len(periods) == 4
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch if quarters else QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        if not quarters:
            for column in range(1, self.table.columnCount()):
                self.table.setColumnWidth(column, header.sectionSizeHint(column) + 16)
        self.rows = len(rows)
        duties = StreetPackageService(self.context.db).duties(Period.year(self.year.value()))
        for section in SECTIONS:
            self._show_duty(self.duty_tables[section.KEY], section, [(row.name, row.code) for row in rows], duties)
        # Who is missing now: the period that holds today, if it is in the year shown.
        current = next((i for i, p in enumerate(periods) if today in p), None)
        if not rows:
            self.missing.setText("还没有居民区。请在“数据包”页导入各居民区的数据包，或在“设置”中添加居民区名单。")
        elif current is None:
            self.missing.setText(f"{self.year.value()}年：共 {len(rows)} 个居民区。")
        else:
            absent = [row.name for row in rows if row.cells[current].state == "未报"]
            label = periods[current].label
            self.missing.setText(
                f"{label}：{len(rows) - len(absent)} 个已报，{len(absent)} 个未报"
                + ("：" + "、".join(absent) if absent else "。")
            )
        self.count_changed.emit(len(rows))

    @staticmethod
    def _show_duty(
        table: QTableWidget, section: type[Counts], units: list[tuple[str, str]], duties: dict[str, DutyFigures]
    ) -> None:
        """A duty's table: each community's numbers for the year as of its latest package, or across them why there
        are none; then the street's 合计 of those that have numbers."""
        table.clearSpans()
        table.clear()
        table.setColumnCount(2 + len(section.COLUMNS))
        table.setHorizontalHeaderLabels(["居民区", "数据截至", *(column.heading for column in section.COLUMNS)])
        shown = [duty_row(duties.get(code), section) for _, code in units]
        summed = total(shown)
        table.setRowCount(len(units) + (summed is not None))
        for r, ((name, code), row) in enumerate(zip(units, shown, strict=True)):
            table.setItem(r, 0, QTableWidgetItem(f"{name}（{code}）"))
            table.setItem(r, 1, centered(row.as_of.isoformat() if row.as_of else "—"))
            StreetDashboardView._duty_cells(table, r, section, row)
        if summed is not None:
            r = len(units)
            counted = sum(1 for row in shown if row.counts is not None)
            table.setItem(r, 0, QTableWidgetItem(f"合计（{counted} 个居民区）"))
            table.setItem(r, 1, centered(""))
            StreetDashboardView._duty_cells(table, r, section, DutyRow(None, summed, ""))
            bold = QFont(table.font())
            bold.setBold(True)
            for column in range(table.columnCount()):
                item = table.item(r, column)
                if item is not None:
                    item.setFont(bold)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)

    @staticmethod
    def _duty_cells(table: QTableWidget, r: int, section: type[Counts], row: DutyRow) -> None:
        if row.counts is None:
            note = centered(row.note)
            note.setForeground(QBrush(NOTE_COLOR))
            table.setItem(r, 2, note)
            table.setSpan(r, 2, 1, len(section.COLUMNS))
            return
        for c, (column, value) in enumerate(zip(section.COLUMNS, row.counts.cells(), strict=True), start=2):
            table.setItem(r, c, centered(cell_text(value, column.percent)))


def cell_text(value: Cell, percent: bool) -> str:
    if value is None:
        return "—"  # a share of nothing (no 支委 pairs): not 0%
    return f"{value:.0%}" if percent else str(value)


def centered(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    return item


class PackagesView(Page):
    """数据包: import many at once (files, a folder, or dropped here), and every package held."""

    title = "数据包"
    HEADERS = ("居民区", "单位代码", "期间", "版本", "状态", "含名单", "生成时间", "导入时间")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.task: BackgroundTask | None = None
        self.outcomes: list[ImportOutcome] = []
        self.setAcceptDrops(True)
        import_files = QPushButton("导入数据包…")
        import_files.setToolTip("可一次选择多个 .sjb 文件；也可以把文件或文件夹直接拖到这个页面上")
        on_click(import_files.clicked, self.choose_files)
        import_folder = QPushButton("导入文件夹…")
        on_click(import_folder.clicked, self.choose_folder)
        self.import_button = import_files
        buttons = QHBoxLayout()
        buttons.addWidget(import_files)
        buttons.addWidget(import_folder)
        buttons.addWidget(QLabel("（也可把文件或文件夹拖到这里）"))
        buttons.addStretch(1)
        self.results = QListWidget()
        self.results.setMaximumHeight(140)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("上次导入的结果："))
        layout.addWidget(self.results)
        layout.addWidget(QLabel("已收到的数据包（同一居民区同一期间以最新版本为准，旧版本留作历史）："))
        layout.addWidget(self.table, 1)
        self.setFocusProxy(import_files)
        self.count = 0
        self.reload()

    def reload(self) -> None:
        packages = StreetPackageService(self.context.db).packages()
        self.table.setRowCount(len(packages))
        for r, p in enumerate(packages):
            cells = (
                p.unit_name,
                p.unit_code,
                Period.parse(p.period).label,
                f"第{p.sequence}版",
                "当前" if p.current else "历史",
                "含名单" if p.includes_names else "",
                moment_text(p.created_at),
                moment_text(p.imported_at),
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not p.current:
                    item.setForeground(QBrush(QColor("#7f8c8d")))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.count = sum(1 for p in packages if p.current)
        self.count_changed.emit(self.count)

    def record_count(self) -> int:
        return self.count

    def choose_files(self) -> None:
        settings, kind = self.context.settings, FileKind.PACKAGE_IN
        paths = file_dialogs.open_files(self, settings, kind, "选择数据包", "书记工作台数据包 (*.sjb);;所有文件 (*)")
        if paths:
            self.import_paths(paths)

    def choose_folder(self) -> None:
        chosen = file_dialogs.folder(self, self.context.settings, FileKind.PACKAGE_IN, "选择存放数据包的文件夹")
        if chosen:
            self.import_paths([chosen])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    def import_paths(self, paths: list[Path], add_units: bool = False) -> BackgroundTask:
        file_dialogs.remember(self.context.settings, FileKind.PACKAGE_IN, paths[0])  # dropped files too
        db = self.context.db
        progress = News()
        self.task = run_in_background(
            label="正在导入数据包…",
            work=lambda: import_packages(db, paths, add_units, progress),
            on_done=self._imported,
            parent=self,
            progress_dialog=True,
            news=progress,
        )
        return self.task

    def _imported(self, outcomes: list[ImportOutcome]) -> None:
        self.outcomes = outcomes
        self.results.clear()
        if not outcomes:
            self.results.addItem("没有找到数据包（.sjb）文件。")
        for outcome in outcomes:
            self.results.addItem(f"{outcome.label}：{outcome.message}")
            if outcome.outcome in (REFUSED, UNKNOWN_UNIT):
                item = self.results.item(self.results.count() - 1)
                if item is not None:
                    item.setForeground(QBrush(MISSED_COLOR))
        self.reload()
        unknown = [o for o in outcomes if o.outcome == UNKNOWN_UNIT]
        if unknown and self.ask_to_add(unknown):
            self.import_paths([o.path for o in unknown], add_units=True)

    def ask_to_add(self, unknown: list[ImportOutcome]) -> bool:
        listed = "、".join(sorted({f"{o.unit_name}（{o.unit_code}）" for o in unknown}))
        return prompts.ask(self, f"以下居民区不在本街道的名单中：{listed}。\n核对无误后，把它们加入名单并导入吗？")


class StreetReportsView(ReportsView):
    title = "汇总报表"
    catalogue: ClassVar[dict[str, type[Report]]] = STREET
    box_title = "导出汇总报表（由各居民区的数据包汇总）"

    def more_boxes(self) -> list[PackageBox]:
        return []

    def noun(self, kind: str) -> str:
        return "个居民区" if kind != "missing" else "个未报送的居民区"
