"""Someone else saved the record while this person edited it: say who and when, show what differs, and let
them choose. Nothing typed is thrown away unless they choose 放弃我的修改."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.errors import EditConflictError
from desktop_app.ui.kit.screen import fit_to_screen
from desktop_app.ui.kit.signals import on_click

EMPTY = "（未填）"


class ConflictChoice(Enum):
    MINE = "mine"  # save what I typed over theirs
    THEIRS = "theirs"  # drop what I typed: their save stands
    KEEP_EDITING = "keep"  # back to the form, everything typed still there


class EditConflictDialog(QDialog):
    """The choice after a refused save. No button takes Enter: each answer is a click (or its letter key); Esc
    goes back to the form with nothing changed."""

    def __init__(self, conflict: EditConflictError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("这条记录已被别人修改")
        self.choice = ConflictChoice.KEEP_EDITING
        layout = QVBoxLayout(self)
        self.message = QLabel(str(conflict))
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        self.differences = QTableWidget(len(conflict.changes), 3)
        self.differences.setHorizontalHeaderLabels(["项目", "我填写的", "对方保存的"])
        self.differences.verticalHeader().hide()
        self.differences.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.differences.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.differences.setWordWrap(True)
        for row, (label, (mine, theirs)) in enumerate(conflict.changes.items()):
            for column, text in enumerate((label, mine or EMPTY, theirs or EMPTY)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.differences.setItem(row, column, item)
        self.same = QLabel("您填写的内容与对方保存的相同。")
        self.differences.hide()
        self.same.hide()
        layout.addWidget(self.differences, 1)
        layout.addWidget(self.same)

        buttons = QHBoxLayout()
        self.show_theirs = QPushButton("查看对方的修改(&V)")
        self.keep_mine = QPushButton("以我的为准(&M)")
        self.take_theirs = QPushButton("放弃我的修改(&D)")
        back = QPushButton("返回表单")
        for button in (self.show_theirs, self.keep_mine, self.take_theirs, back):
            button.setAutoDefault(False)
            button.setDefault(False)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        on_click(self.show_theirs.clicked, self._show_differences)
        on_click(self.keep_mine.clicked, lambda: self._choose(ConflictChoice.MINE))
        on_click(self.take_theirs.clicked, lambda: self._choose(ConflictChoice.THEIRS))
        on_click(back.clicked, self.reject)
        fit_to_screen(self, QSize(720, 260))

    def _show_differences(self) -> None:
        has_differences = self.differences.rowCount() > 0
        self.differences.setVisible(has_differences)
        self.same.setVisible(not has_differences)
        self.differences.resizeRowsToContents()
        self.show_theirs.setEnabled(False)
        fit_to_screen(self, QSize(max(self.width(), 900), max(self.height(), 480)))

    def _choose(self, choice: ConflictChoice) -> None:
        self.choice = choice
        self.accept()


def settle_conflict(conflict: EditConflictError, parent: QWidget | None) -> ConflictChoice:
    dialog = EditConflictDialog(conflict, parent)
    try:
        dialog.exec()
        return dialog.choice
    finally:
        dialog.deleteLater()  # not kept under the form once answered
