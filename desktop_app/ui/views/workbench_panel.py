"""The 工作台's contents: what to do today (reminders that open the record or form in one click), the last 12
months in two charts, this year's care in numbers, the latest records, and the 流动党员 away now with their last
contact (a tab beside the latest records; Enter or a double click opens one). Shown from data already read, so the
window can show it as the program starts, before the record pages and the database layer have loaded."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.mobile import Away, contact_text, quiet
from desktop_app.core.services.first_steps import FirstStep
from desktop_app.core.services.reminders import Reminder, Target
from desktop_app.core.services.workbench import WorkbenchData
from desktop_app.ui.kit.chart import MonthlyChart
from desktop_app.ui.kit.formatting import chinese_date
from desktop_app.ui.kit.signals import on_click

OVERDUE_COLOR = QColor("#b03a2e")
DUE_COLOR = QColor("#7a4a00")  # amber dark enough to read on white (contrast above 7:1)
DONE_COLOR = QColor("#1e7b34")


class ReminderModel(QAbstractListModel):
    """The day's reminders, each drawn only when scrolled into view: a large community's list can run to
    thousands (follow-ups long overdue), and one widget item each made the 工作台 slow to show."""

    NOTHING_DUE = "✔ 今天没有待办事项"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reminders: list[Reminder] = []
        self._brushes = {True: QBrush(OVERDUE_COLOR), False: QBrush(DUE_COLOR)}

    def set_reminders(self, reminders: list[Reminder]) -> None:
        self.beginResetModel()
        self.reminders = reminders
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else max(len(self.reminders), 1)  # one line says nothing is due

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.reminders:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.NOTHING_DUE
            return QBrush(DONE_COLOR) if role == Qt.ItemDataRole.ForegroundRole else None
        reminder = self.reminders[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return ("⚠ " if reminder.overdue else "• ") + reminder.text
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._brushes[reminder.overdue]
        if role == Qt.ItemDataRole.UserRole:
            return reminder.target
        return None


class WorkbenchPanel(QWidget):
    reminder_activated = Signal(object)  # a reminders.Target

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()

        self.reminder_model = ReminderModel(self)
        self.todo = QListView()
        self.todo.setModel(self.reminder_model)
        self.todo.setUniformItemSizes(True)
        self.todo.setToolTip("单击打开对应的记录或表单")
        # Enter, a double click, or one click where the desktop opens items so (then `clicked` would open it twice).
        self.todo.activated.connect(self._activated)
        if not self.todo.style().styleHint(QStyle.StyleHint.SH_ItemView_ActivateItemOnSingleClick, None, self.todo):
            self.todo.clicked.connect(self._activated)  # one click opens it on every desktop
        self.meeting_chart = MonthlyChart("三会一课（近 12 个月，按类别）")
        self.care_chart = MonthlyChart("关怀（近 12 个月，按类别）")
        self.care = QTableWidget(0, 3)
        self.care.setHorizontalHeaderLabels(("类别", "次数", "金额（元）"))
        self.care.verticalHeader().setVisible(False)
        self.care.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.latest = QListWidget()
        self.away = QListWidget()
        self.away.setToolTip("回车或双击打开该流动党员的记录")
        self.away.itemActivated.connect(self._away_activated)
        self.lists = QTabWidget()
        self.lists.addTab(self.latest, "最近记录")
        self.lists.addTab(self.away, "流动党员")

        charts = QWidget()
        chart_layout = QHBoxLayout(charts)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_layout.addWidget(self.meeting_chart)
        chart_layout.addWidget(self.care_chart)
        grid = QGridLayout()
        self.todo_box = self._box("今天要做的事", self.todo)
        grid.addWidget(self.todo_box, 0, 0)
        grid.addWidget(self._box("本年关怀", self.care), 0, 1)
        grid.addWidget(self._box("近 12 个月", charts), 1, 0)
        grid.addWidget(self.lists, 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        self.first_steps = QGroupBox("开始使用")
        self.first_steps.setVisible(False)
        self.step_buttons: list[QPushButton] = []
        self.step_row = QHBoxLayout(self.first_steps)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.first_steps)
        layout.addLayout(grid, 1)
        self.setFocusProxy(self.todo)

    @staticmethod
    def _box(title: str, widget: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.addWidget(widget)
        return box

    def show_data(self, data: WorkbenchData) -> None:
        heading_font = QApplication.font()  # follows the 字号 chosen in 设置
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.4)
        heading_font.setWeight(QFont.Weight.Bold)
        self.heading.setFont(heading_font)
        self.heading.setText(f"{data.community or '本居民区'}　{chinese_date(data.today)}")

        self.reminder_model.set_reminders(data.reminders)
        self.todo_box.setTitle(f"今天要做的事（{len(data.reminders)} 项）")

        self.meeting_chart.set_data(data.meetings)
        self.care_chart.set_data(data.care)

        self.care.setRowCount(len(data.care_totals))
        for row, (name, count, amount) in enumerate(data.care_totals):
            for column, text in enumerate((name, str(count), f"{amount:,.2f}")):
                cell = QTableWidgetItem(text)
                if column:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.care.setItem(row, column, cell)
        self.care.resizeColumnsToContents()
        self.care.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

        self.latest.clear()
        self.latest.addItems(data.latest)
        self.show_away(data.away, data.today)
        self.show_first_steps(data.first_steps)

    def show_away(self, away: list[Away], today: dt.date) -> None:
        """Each 流动党员 away today: where, how they take part, and their last contact (⚠ when long ago)."""
        self.away.clear()
        for person in away:
            mark = "⚠ " if quiet(person, today) else "• "
            # The last contact first: the list is narrow, and it is what the secretary acts on.
            text = f"{mark}{person.name}　{contact_text(person, today)}　{person.place}（{person.participation.label}）"
            item = QListWidgetItem(text)
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.UserRole, Target("mobile_member", person.record_id))
            if quiet(person, today):
                item.setForeground(QBrush(OVERDUE_COLOR))
            self.away.addItem(item)
        if not away:
            self.away.addItem("没有外出中的流动党员")
        self.lists.setTabText(1, f"流动党员（{len(away)} 人）")

    def _away_activated(self, item: QListWidgetItem) -> None:
        target = item.data(Qt.ItemDataRole.UserRole)
        if target is not None:
            self.reminder_activated.emit(target)

    def show_first_steps(self, steps: list[FirstStep]) -> None:
        """开始使用: a button a step, opening its page; a done step is ticked (the core says which are done)."""
        for button in self.step_buttons:
            self.step_row.removeWidget(button)
            button.deleteLater()
        self.step_buttons = []
        for step in steps:
            button = QPushButton(("✔ " if step.done else "") + step.label)
            button.setToolTip("已完成，可以再打开看看" if step.done else "单击打开要做这一步的页面")
            on_click(button.clicked, partial(self.reminder_activated.emit, step.target))
            self.step_row.addWidget(button)
            self.step_buttons.append(button)
        done = sum(step.done for step in steps)
        self.first_steps.setTitle(f"开始使用（已完成 {done}/{len(steps)} 步）")
        self.first_steps.setVisible(bool(steps))

    def _activated(self, index: QModelIndex) -> None:
        target = index.data(Qt.ItemDataRole.UserRole)
        if target is not None:
            self.reminder_activated.emit(target)
