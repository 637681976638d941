"""六个月提醒: each member's months in a row without 组织生活 and without 党费 (党章 第九条, see domain.lapses);
Enter or a double click opens the member, whose phone is there to call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from desktop_app.core.domain.lapses import RULE_MONTHS, WARN_FROM, Run, months_text
from desktop_app.core.services.lapses import Lapse, lapses_of
from desktop_app.ui.kit.column_widths import ColumnWidths, Room
from desktop_app.ui.kit.list_model import ListTableModel
from desktop_app.ui.views.member_rows import MemberRowsPage

if TYPE_CHECKING:
    from desktop_app.ui.kit.context import AppContext

RULE_NOTE = (
    f"《中国共产党章程》第九条：党员没有正当理由，连续{RULE_MONTHS}个月不参加党的组织生活，或不交纳党费，"
    f"或不做党所分配的工作，就被认为是自行脱党。本页从连续 {WARN_FROM} 个月起提醒，请尽早联系本人；"
    "程序只提醒，不改变任何人的党籍状态。请假并说明原因的月份、流动党员在流入地或线上参加的月份单列，不算缺席。"
)


def run_text(run: Run) -> str:
    return f"{run.length} 个月" if run.length else ""


class LapseModel(ListTableModel):
    HEADERS = (
        "姓名",
        "党小组",
        "连续未参加组织生活",
        "未参加的月份",
        "其中请假",
        "流动在外参加",
        "连续未缴党费",
        "未缴的月份",
    )

    def cells(self, row: Lapse) -> tuple[str, ...]:
        return (
            row.name,
            row.group,
            run_text(row.meetings),
            months_text(row.meetings.months),
            months_text(row.meetings.excused),
            months_text(row.meetings.elsewhere),
            run_text(row.dues),
            months_text(row.dues.months),
        )

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole and index.column() in (2, 6):
            run = self.rows[index.row()].meetings if index.column() == 2 else self.rows[index.row()].dues
            return Qt.GlobalColor.red if run.warned else None
        return super().data(index, role)


class LapsesView(MemberRowsPage):
    title = "六个月提醒"
    reads = frozenset(
        {"members", "meetings", "meeting_attendance", "dues_assessments", "dues_payments", "dues_reliefs"}
    )
    reads_the_clock = True  # the running month never counts: a new month changes the runs

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        note = QLabel(RULE_NOTE)
        note.setWordWrap(True)
        self.only_warned = QCheckBox(f"只显示连续 {WARN_FROM} 个月及以上的党员")
        self.only_warned.setChecked(True)
        self.only_warned.toggled.connect(lambda _checked: self.reload())
        self.table = self.member_table(LapseModel(self))
        self.empty_note = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.only_warned)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_note)
        self.setFocusProxy(self.table)
        self.reload()
        months = ("2025年11月、12月，2026年1月、2月",)
        rooms = (Room(chars=5), Room(chars=6), Room(chars=5), Room(months), Room(chars=8), Room(chars=8), Room(chars=5))
        ColumnWidths(self.table, rooms).fit()

    def reload(self) -> None:
        rows = lapses_of(self.context.db)
        shown = [row for row in rows if row.warned] if self.only_warned.isChecked() else rows
        self.model.set_rows(shown)
        self.empty_note.setText("" if shown else f"没有连续 {WARN_FROM} 个月及以上未参加组织生活或未缴党费的党员。")
        self.count_changed.emit(len(shown))
