"""工作台: what is due in 三会一课, this year's care in numbers, and the latest records."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.periods import Period
from desktop_app.core.rules import UnitState
from desktop_app.core.services.care import CareService
from desktop_app.core.services.compliance import ComplianceService
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.profile import ProfileService
from desktop_app.core.services.visits import VisitService
from desktop_app.ui.context import AppContext

DONE_COLOR = QColor("#1e7b34")
TODO_COLOR = QColor("#b03a2e")


class DashboardView(QWidget):
    count_changed = Signal(int)
    title = "工作台"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setWeight(QFont.Weight.Bold)
        self.heading.setFont(font)

        self.meetings = QListWidget()
        self.care = QTableWidget(0, 3)
        self.care.setHorizontalHeaderLabels(("类别", "次数", "金额（元）"))
        self.care.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.care.verticalHeader().setVisible(False)
        self.care.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.latest = QListWidget()

        grid = QGridLayout()
        self.meeting_box = self._box("三会一课完成情况", self.meetings)
        self.care_box = self._box("本年关怀", self.care)
        grid.addWidget(self.meeting_box, 0, 0, 2, 1)
        grid.addWidget(self.care_box, 0, 1)
        grid.addWidget(self._box("最近记录", self.latest), 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(grid, 1)
        self.reload()

    @staticmethod
    def _box(title: str, widget: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.addWidget(widget)
        return box

    def reload(self, today: dt.date | None = None) -> None:
        today = today or dt.date.today()
        db = self.context.db
        profile = ProfileService(db).get()
        self.heading.setText(f"{profile.community_name or '本居民区'}　{today:%Y年%m月%d日}")

        self.meetings.clear()
        compliance = ComplianceService(db)
        for item, sentence in compliance.current(today):
            done = item.units[0].state is UnitState.MET
            entry = QListWidgetItem(("✔ " if done else "✘ ") + sentence)
            entry.setForeground(QBrush(DONE_COLOR if done else TODO_COLOR))
            self.meetings.addItem(entry)
        for flag in compliance.evaluate(Period.year(today.year), today).vote_flags:
            entry = QListWidgetItem("⚠ " + flag.describe())
            entry.setForeground(QBrush(TODO_COLOR))
            self.meetings.addItem(entry)

        totals = CareService(db).totals_by_category(dt.date(today.year, 1, 1), today)
        self.care.setRowCount(len(totals))
        for row, (name, count, amount) in enumerate(totals):
            for column, text in enumerate((name, str(count), f"{amount:,.2f}")):
                cell = QTableWidgetItem(text)
                if column:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.care.setItem(row, column, cell)
        self.care.resizeColumnsToContents()
        self.care.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

        self.latest.clear()
        self._latest(CareService(db), "关怀", lambda r: f"{r[1]:%Y-%m-%d} {r[2]} {r[3]}")
        self._latest(MeetingService(db), "三会一课", lambda r: f"{r[1]:%Y-%m-%d} {r[2]}：{r[3]}")
        self._latest(VisitService(db), "学习考察", lambda r: f"{r[1]:%Y-%m-%d} {r[2]}")
        self.count_changed.emit(self.meetings.count())

    def _latest(self, service, label: str, describe) -> None:  # type: ignore[no-untyped-def]
        rows = service.fetch_rows(service.list_ids(limit=3))
        for row in rows:
            self.latest.addItem(f"【{label}】{describe(row)}")
