"""回收站: deleted records of every kind; restore, or delete for good after confirmation."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QToolBar, QVBoxLayout, QWidget

from desktop_app.core.services.recycle import DeletedEntry, RecycleBinService
from desktop_app.ui.kit import prompts
from desktop_app.ui.kit.column_widths import ColumnWidths, Room
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.kit.formatting import moment_text
from desktop_app.ui.kit.list_model import ListTableModel
from desktop_app.ui.kit.operations import attempt
from desktop_app.ui.kit.page import Page


class DeletedModel(ListTableModel):
    HEADERS = ("类别", "内容", "删除时间")

    def cells(self, row: DeletedEntry) -> tuple[str, str, str]:
        return row.kind_label, row.title, moment_text(row.deleted_at)


class RecycleView(Page):
    title = "回收站"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = RecycleBinService(context.db)
        self.model = DeletedModel(self)
        toolbar = QToolBar()
        self.restore_action = toolbar.addAction("恢复", self.restore_selected)
        self.restore_action.setShortcut(QKeySequence("Ctrl+R"))
        self.restore_action.setToolTip("恢复选中的记录（Ctrl+R）")
        self.purge_action = toolbar.addAction("永久删除", self.purge_selected)
        for action in (self.restore_action, self.purge_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.installEventFilter(self)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.addActions([self.restore_action, self.purge_action])
        ColumnWidths(self.table, (Room(chars=8), Room(chars=30), Room(("2026-12-31 23:59",)))).fit()
        layout = QVBoxLayout(self)
        layout.addWidget(toolbar)
        layout.addWidget(self.table, 1)
        self.note = QLabel()
        layout.addWidget(self.note)
        self.setFocusProxy(self.table)
        self.reload()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Arriving in the list by keyboard selects its first row, so Ctrl+R has something to restore.
        if watched is self.table and event.type() == QEvent.Type.FocusIn and not self.selected() and self.model.rows:
            self.table.selectRow(0)
        return super().eventFilter(watched, event)

    def reload(self) -> None:
        self.model.set_rows(self.service.entries())
        self.count_changed.emit(self.model.rowCount())

    def record_count(self) -> int:
        return self.model.rowCount()

    def selected(self) -> list[DeletedEntry]:
        return [self.model.rows[i.row()] for i in self.table.selectionModel().selectedRows()]

    def ask(self, question: str) -> bool:
        return prompts.ask(self, question)

    def restore_selected(self) -> None:
        entries = self.selected()
        if entries and attempt(self, lambda: self.service.restore(entries)).ok:
            self.reload()
            self.note.setText(f"已恢复 {len(entries)} 条记录，它们回到了原来的列表中。")

    def purge_selected(self) -> None:
        entries = self.selected()
        if entries and self.ask(f"永久删除选中的 {len(entries)} 条记录后将无法恢复，确定吗？"):
            attempt(self, lambda: self.service.purge(entries))
            self.reload()
