"""组织关系转接: every 转入 and 转出 with its 介绍信 and 回执 (saved with the member, see forms.people); a 转出 whose
回执 is three months late is marked. Enter or a double click opens the member, where the 回执 is filled in."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from desktop_app.core.domain.enums import TransferDirection
from desktop_app.core.domain.transfers import RECEIPT_MONTHS, Transfer, receipt_overdue, receipt_state
from desktop_app.core.services.transfers import transfers_between
from desktop_app.ui.kit.column_widths import ColumnWidths, Room
from desktop_app.ui.kit.list_model import ListTableModel
from desktop_app.ui.views.member_rows import MemberRowsPage

if TYPE_CHECKING:
    from desktop_app.ui.kit.context import AppContext

NOTE = (
    "党员转出、转入本支部时，登记介绍信编号、转往或来自的党组织、经手人和回执。转出后 "
    f"{RECEIPT_MONTHS} 个月仍未收到回执的，本页和工作台都会提醒，请与接收的党组织联系。"
    "转接在“党员”的编辑窗口中填写（选中一行按回车即可打开）。"
)
EVER = (dt.date(1900, 1, 1), dt.date(9999, 12, 31))


def date_text(day: dt.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


class TransferModel(ListTableModel):
    HEADERS = ("姓名", "转接", "日期", "转往 / 来自党组织", "介绍信编号", "经手人", "回执日期", "回执情况")
    today = dt.date.today()

    def cells(self, row: Transfer) -> tuple[str, ...]:
        return (
            row.name,
            row.direction.label,
            date_text(row.date),
            row.organisation,
            row.letter_no,
            row.handled_by,
            date_text(row.receipt_date),
            receipt_state(row, self.today),
        )

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole and index.column() == 7:
            return Qt.GlobalColor.red if receipt_overdue(self.rows[index.row()], self.today) else None
        return super().data(index, role)


class TransfersView(MemberRowsPage):
    title = "组织关系转接"
    reads = frozenset({"members", "member_transfers"})
    reads_the_clock = True  # a 回执 becomes overdue as days pass

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        note = QLabel(NOTE)
        note.setWordWrap(True)
        self.only_awaiting = QCheckBox("只显示尚未收到回执的转出")
        self.only_awaiting.toggled.connect(lambda _checked: self.reload())
        self.transfers = TransferModel(self)
        self.table = self.member_table(self.transfers)
        self.empty_note = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.only_awaiting)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_note)
        self.setFocusProxy(self.table)
        self.reload()
        rooms = (
            Room(chars=5),
            Room(chars=3),
            Room(chars=10),
            Room(chars=22),
            Room(chars=12),
            Room(chars=5),
            Room(chars=10),
        )
        ColumnWidths(self.table, rooms).fit()

    def reload(self) -> None:
        self.transfers.today = dt.date.today()
        rows = transfers_between(self.context.db, *EVER)
        if self.only_awaiting.isChecked():
            rows = [
                row
                for row in rows
                if row.direction is TransferDirection.OUT and row.has_letter and row.receipt_date is None
            ]
        self.model.set_rows(rows)
        self.empty_note.setText("" if rows else "没有要显示的组织关系转接。")
        self.count_changed.emit(len(rows))
