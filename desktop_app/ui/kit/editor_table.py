"""The one kind of editable table in a form: every cell a person types into is a field editor of its own.

A QTableWidget edits its items with an editor it opens on the first key and commits only on some keys.
With widgets laid over the cells (as the 借鉴举措 and 出席情况 tables were) that editor opened *under* the
widget: Tab selected the cell, the typed date went into the table's hidden item and was never saved, and Tab
went round the cells without end. Here the table never edits, never takes the cursor and never moves it:
each cell is the same editor a form field uses (`ui.kit.editors`), read straight back when the form saves, so
nothing typed waits for a commit (Tab, Enter, a click on 保存 while the cursor is still in a cell: the value is
already the editor's). Tab walks the cells row by row and leaves the table after the last one; the row with
the cursor is the table's current row (shown selected, scrolled into view).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from desktop_app.ui.kit.editors import Editor

CELL_PADDING = 16


@dataclass(frozen=True)
class TableColumn:
    """A column: `make` gives the editor of each of its cells (None: read-only text); `stretch` columns share
    the spare width; `sample` is the widest text a read-only column shows."""

    header: str
    make: Callable[[], Editor[Any]] | None = None
    stretch: bool = False
    sample: str = ""


def focus_target(widget: QWidget) -> QWidget:
    """The widget that really takes the cursor (a date edit's line, through its focus proxy)."""
    proxy = widget.focusProxy()
    while proxy is not None:
        widget, proxy = proxy, proxy.focusProxy()
    return widget


class EditorTable(QTableWidget):
    def __init__(
        self, columns: Sequence[TableColumn], parent: QWidget | None = None, scrolls_itself: bool = False
    ) -> None:
        """`scrolls_itself`: a table on a page (not in a form that scrolls sideways as a whole) keeps every column
        at the width it needs and scrolls its own columns sideways, instead of widening the window."""
        super().__init__(0, len(columns), parent)
        self.columns = tuple(columns)
        self.scrolls_itself = scrolls_itself
        self.setHorizontalHeaderLabels([column.header for column in self.columns])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self._editors: list[list[Editor[Any] | None]] = []
        self._fit_columns()

    # -- layout ---------------------------------------------------------------------------
    def _fit_columns(self) -> None:
        """Each column as wide as its header and its editor want; stretch columns share what is left, and the
        table is never narrower than all of them together (the form scrolls sideways instead of squeezing)."""
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        total = 0
        for index, column in enumerate(self.columns):
            width = metrics.horizontalAdvance(column.header) + 2 * CELL_PADDING
            if column.make is not None:
                sample = column.make().widget
                # A cell's widget gets the column less its grid line.
                width = max(width, sample.sizeHint().width() + (1 if self.showGrid() else 0))
                sample.deleteLater()
            elif column.sample:
                width = max(width, metrics.horizontalAdvance(column.sample) + 2 * CELL_PADDING)
            stretch = column.stretch and not self.scrolls_itself
            header.setSectionResizeMode(
                index, QHeaderView.ResizeMode.Stretch if stretch else QHeaderView.ResizeMode.Interactive
            )
            self.setColumnWidth(index, width)
            total += width
        if self.scrolls_itself:
            header.setStretchLastSection(True)  # the spare width, where there is some
        else:
            self.setMinimumWidth(total + 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and self.scrolls_itself:  # a page outlives a change of 字号
            self._fit_columns()

    # -- rows ------------------------------------------------------------------------------
    def add_row(self, values: Sequence[Any]) -> list[Editor[Any] | None]:
        """A row of editors holding `values` (read-only columns show theirs as text)."""
        row = self.rowCount()
        self.insertRow(row)
        editors: list[Editor[Any] | None] = []
        previous = self._last_focus_target()
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            if column.make is None:
                item = QTableWidgetItem("" if value is None else str(value))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.setItem(row, index, item)
                editors.append(None)
                continue
            editor = column.make()
            editor.set_value(value)
            self.setCellWidget(row, index, editor.widget)
            target = focus_target(editor.widget)
            target.installEventFilter(self)
            QWidget.setTabOrder(previous, target)
            previous = target
            editors.append(editor)
        self._editors.append(editors)
        return editors

    def _last_focus_target(self) -> QWidget:
        """Where a new row's editors go on in the Tab order: after the last editor, or, in an empty table,
        after the last widget before the table that takes Tab (Qt chains nothing after the table itself,
        which takes no cursor)."""
        for editors in reversed(self._editors):
            for editor in reversed(editors):
                if editor is not None:
                    return focus_target(editor.widget)
        before: QWidget | None = self.previousInFocusChain()
        while before is not None and before is not self and not before.focusPolicy() & Qt.FocusPolicy.TabFocus:
            before = before.previousInFocusChain()
        return before or self

    def clear_rows(self) -> None:
        self.setRowCount(0)
        self._editors = []

    def remove_row(self, row: int) -> None:
        if 0 <= row < self.rowCount():
            self.removeRow(row)
            del self._editors[row]

    def editor(self, row: int, column: int) -> Editor[Any]:
        found = self._editors[row][column]
        assert found is not None, f"column {column} is read-only"
        return found

    def editors_of_column(self, column: int) -> list[Editor[Any]]:
        return [self.editor(row, column) for row in range(self.rowCount())]

    def row_values(self, row: int) -> list[Any]:
        """What the row holds now: each editor's value, each read-only cell's text."""
        values = []
        for index, editor in enumerate(self._editors[row]):
            item = self.item(row, index)
            values.append(editor.value() if editor is not None else (item.text() if item else ""))
        return values

    # -- the cursor ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            cell = self._cell_of(watched)
            if cell is not None:
                self.setCurrentCell(*cell)
                self.scrollTo(self.model().index(*cell))
        return super().eventFilter(watched, event)

    def _cell_of(self, widget: QWidget) -> tuple[int, int] | None:
        for row, editors in enumerate(self._editors):
            for column, editor in enumerate(editors):
                if editor is not None and focus_target(editor.widget) is widget:
                    return row, column
        return None
