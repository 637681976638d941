"""The one kind of editable table in a form: every cell a person types into is a field editor of its own.

A QTableWidget edits its items with an editor it opens on the first key and commits only on some keys.
With widgets laid over the cells (as the 借鉴举措 and 出席情况 tables were) that editor opened *under* the
widget: Tab selected the cell, the typed date went into the table's hidden item and was never saved, and Tab
went round the cells without end. Here the table never edits, never takes the cursor and never moves it:
each cell is the same editor a form field uses (`ui.kit.editors`), read straight back when the form saves, so
nothing typed waits for a commit (Tab, Enter, a click on 保存 while the cursor is still in a cell: the value is
already the editor's). Tab walks the cells row by row and leaves the table after the last one; the row with
the cursor is the table's current row (shown selected, scrolled into view).

A long table (民主评议's hundreds of members, a row of nine editors each) is filled by `show_rows`: each row's
editors are made when the row first comes into sight, or the cursor comes next to it, or someone asks for them;
until then the row holds the values it was given. Making every editor of 590 rows at once (5,000 widgets, each
put in the window's Tab chain) took seconds; a page showing another year had to wait for all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QShowEvent
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
        # Per row: its editors (None: a read-only cell), or None while the row is not built; then its values wait.
        self._editors: list[list[Editor[Any] | None] | None] = []
        self._waiting: list[Sequence[Any] | None] = []
        self.rows_built = 0  # editors' rows made so far (a test counts them)
        self.verticalScrollBar().valueChanged.connect(self._build_in_sight)
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

    def updateGeometries(self) -> None:
        """Qt's layout of rows, header and scroll bars (after a resize, new rows, another 字号): more rows may be in
        sight now."""
        super().updateGeometries()
        self._build_in_sight()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._build_in_sight()

    # -- rows ------------------------------------------------------------------------------
    def add_row(self, values: Sequence[Any]) -> list[Editor[Any] | None]:
        """A row of editors holding `values` (read-only columns show theirs as text), made at once."""
        row = self.rowCount()
        self._editors.append(None)  # first: inserting the row may resize or scroll the table (`_build_in_sight`)
        self._waiting.append(values)
        self.insertRow(row)
        self._show_texts(row, values)
        return self._build(row)

    def show_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        """The table holds these rows instead: their texts at once, each row's editors when it is first needed."""
        self.clear_rows()
        self._editors = [None] * len(rows)
        self._waiting = list(rows)
        self.setRowCount(len(rows))  # one insertion: a row at a time moved every cell widget below it, each time
        self.verticalScrollBar().setValue(0)  # another list starts at its top
        for row, values in enumerate(rows):
            self._show_texts(row, values)
        self._build_in_sight()

    def _show_texts(self, row: int, values: Sequence[Any]) -> None:
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            if column.make is None:
                item = QTableWidgetItem("" if value is None else str(value))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.setItem(row, index, item)

    def _build(self, row: int) -> list[Editor[Any] | None]:
        """The row's editors, made now if they are not yet, and put in the Tab order after the row above."""
        built = self._editors[row]
        if built is not None:
            return built
        values = self._waiting[row]
        assert values is not None
        editors: list[Editor[Any] | None] = []
        previous = self._focus_target_before(row)
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            if column.make is None:
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
        self._editors[row] = editors
        self._waiting[row] = None
        self.rows_built += 1
        return editors

    def _build_in_sight(self, *_args: Any) -> None:
        """The rows in sight, and one on each side (Tab and Shift+Tab go to them), have their editors."""
        count = self.rowCount()
        if not count or not self.isVisible():
            return
        first = max(self.rowAt(0), 0)
        last = self.rowAt(self.viewport().height() - 1)
        if last < 0:  # the rows end above the bottom, or are not laid out yet
            last = min(count - 1, first + self.viewport().height() // max(self.rowHeight(first), 1))
        for row in range(max(first - 1, 0), min(last + 2, count)):
            self._build(row)

    def _focus_target_before(self, row: int) -> QWidget:
        """Where a row's editors go on in the Tab order: after the last editor of the nearest built row above,
        or, with none, after the last widget before the table that takes Tab (Qt chains nothing after the
        table itself, which takes no cursor)."""
        for editors in reversed(self._editors[:row]):
            for editor in reversed(editors or ()):
                if editor is not None:
                    return focus_target(editor.widget)
        before: QWidget | None = self.previousInFocusChain()
        while before is not None and before is not self and not before.focusPolicy() & Qt.FocusPolicy.TabFocus:
            before = before.previousInFocusChain()
        return before or self

    def clear_rows(self) -> None:
        self._editors = []
        self._waiting = []
        self.setRowCount(0)

    def remove_row(self, row: int) -> None:
        if 0 <= row < self.rowCount():
            del self._editors[row]
            del self._waiting[row]
            self.removeRow(row)

    def editor(self, row: int, column: int) -> Editor[Any]:
        found = self._build(row)[column]
        assert found is not None, f"column {column} is read-only"
        return found

    def editors_of_column(self, column: int) -> list[Editor[Any]]:
        return [self.editor(row, column) for row in range(self.rowCount())]

    def row_values(self, row: int) -> list[Any]:
        """What the row holds now: each editor's value, each read-only cell's text (a row not built yet: the
        values it was given, nobody having typed into it)."""
        waiting = self._waiting[row]
        editors = self._editors[row]
        values = []
        for index, column in enumerate(self.columns):
            item = self.item(row, index)
            if column.make is None:
                values.append(item.text() if item else "")
            elif waiting is not None:
                values.append(waiting[index])
            else:
                assert editors is not None
                editor = editors[index]
                assert editor is not None
                values.append(editor.value())
        return values

    # -- the cursor ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            cell = self._cell_of(watched)
            if cell is not None:
                row = cell[0]
                for beside in (row - 1, row + 1):  # Tab and Shift+Tab from here go there
                    if 0 <= beside < self.rowCount():
                        self._build(beside)
                self.setCurrentCell(*cell)
                self.scrollTo(self.model().index(*cell))
        return super().eventFilter(watched, event)

    def _cell_of(self, widget: QWidget) -> tuple[int, int] | None:
        for row, editors in enumerate(self._editors):
            for column, editor in enumerate(editors or ()):
                if editor is not None and focus_target(editor.widget) is widget:
                    return row, column
        return None
