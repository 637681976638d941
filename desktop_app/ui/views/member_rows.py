"""A page listing rows about members (六个月提醒, 关系转接): a read-only table whose Enter or double click opens the
row's member, where the phone to call and the record to complete are."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QTableView

from desktop_app.core.services.reminders import Target
from desktop_app.ui.kit.page import Page

if TYPE_CHECKING:
    from desktop_app.ui.kit.list_model import ListTableModel
    from desktop_app.ui.shell.main_window import MainWindow


class MemberRowsPage(Page):
    member_chosen = Signal(object)  # a Target: the member to open
    model: ListTableModel  # rows with a member_id

    def member_table(self, model: ListTableModel) -> QTableView:
        """The page's table of `model`'s rows, one selected at a time, opening the member."""
        self.model = model
        table = QTableView()
        table.setModel(model)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        table.horizontalHeader().setStretchLastSection(True)
        table.activated.connect(self.open_member)
        return table

    def connect_window(self, window: MainWindow) -> None:
        self.member_chosen.connect(window.follow_reminder)

    def record_count(self) -> int:
        return self.model.rowCount()

    def open_member(self, index: QModelIndex) -> None:
        if index.isValid():
            self.member_chosen.emit(Target("member", self.model.rows[index.row()].member_id))
