"""A record list whose cells live on the Qt side, handed over a page at a time as they come into view.

A long list shows its first rows at once: their ids are read with a limit, and the rest of the ids behind
them, on a worker (ten times the large set has 500,000 care actions: reading every id before showing any
took a third of a second, on every opening and every keystroke of a search). A search keeps each match's
search text: typed on, it narrows what it found without reading again (a word found in a few records of
half a million took the database a scan of them all, every keystroke).

Why not a QAbstractTableModel with a Python data(): the view asks seven roles of every cell it
paints, and each call from Qt into Python costs about 3 µs — that was most of the time spent
scrolling. Here the view reads the cells in C++; Python only fetches and formats a page of rows
once, when RecordTableView is about to paint it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import compress, repeat, takewhile
from operator import contains
from typing import Any

from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QHelpEvent, QPaintEvent, QStandardItemModel
from PySide6.QtWidgets import QTableView, QToolTip, QWidget

from desktop_app.core.domain.columns import Column, ColumnKind
from desktop_app.core.services.base import ListQuery, RecordService
from desktop_app.ui.kit.formatting import is_numeric

PAGE_SIZE = 100
FIRST_ROWS = 1000  # read at once; a longer list's other ids follow
READ_AHEAD_PAGES = 8
TOOLTIP_LENGTH = 20  # longer texts are likely cut off in their column: a tooltip shows them whole

DISPLAY = Qt.ItemDataRole.DisplayRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RecordTableModel(QStandardItemModel):
    # A page could not be read (the database busy, the disk gone). Emitted once; the rows stay blank until
    # the next reload. Listeners must connect it queued: it is emitted while the view paints, and a
    # dialog opened inside a paint event re-enters painting (Qt then crashes or warns of a recursive repaint).
    fill_failed = Signal(object)
    # Every matching row is in (at once for a short list, a moment later for a long one): how many.
    completed = Signal(int)

    def __init__(self, service: RecordService, parent: Any = None) -> None:
        super().__init__(0, len(service.columns()), parent)
        self.service = service
        self.columns: list[Column] = service.columns()
        self.setHorizontalHeaderLabels([column.label for column in self.columns])
        self._right_aligned = [index for index, column in enumerate(self.columns) if is_numeric(column.kind)]
        self.query = ListQuery()
        self.unmasked = False
        # Optional: a background colour for a record, by its id (e.g. a problem open too long).
        self.row_colour: Callable[[int], QBrush | QColor | None] | None = None
        self._ids: list[int] = []
        self._texts: list[str] | None = None  # each row's search text, for a search (see _narrowed)
        self._loaded = False
        self._pages: set[int] = set()
        self._fill_failed = False
        self.complete = False
        self._generation = 0  # which reading of the list the rows are from
        self._texts_query: ListQuery | None = None  # the query the texts were read for
        self._reading_rest = False

    # -- loading ------------------------------------------------------------------
    def set_query(self, query: ListQuery) -> None:
        self.query = query
        self.reload()

    def set_unmasked(self, unmasked: bool) -> None:
        self.unmasked = unmasked
        self._reset_rows(self._ids)

    def reload(self) -> None:
        narrowed = self._narrowed()
        self._generation += 1
        self._loaded = True
        if narrowed is not None:
            ids, self._texts = narrowed
            self.complete = True
        else:
            ids, texts = self._read(self.query, FIRST_ROWS + 1)
            self.complete = len(ids) <= FIRST_ROWS
            ids, self._texts = ids[:FIRST_ROWS], None if texts is None else texts[:FIRST_ROWS]
        self._texts_query = self.query
        self._reset_rows(ids)
        if self.complete:
            self.completed.emit(len(ids))
        else:
            self._read_rest()

    def _read(self, query: ListQuery, limit: int | None = None) -> tuple[list[int], list[str] | None]:
        """The ids in list order, and for a search each one's search text."""
        if not query.search_term:
            return self.service.list_ids(query, limit), None
        found = self.service.list_ids_with_text(query, limit)
        return [record_id for record_id, _ in found], [text for _, text in found]

    def _narrowed(self) -> tuple[list[int], list[str]] | None:
        """A search typed on — its term holds the last one's, nothing else changed, the last list whole — is
        answered from the last list's texts. Not a reload with the same term: that reads the data afresh."""
        last, query = self._texts_query, self.query
        if not self.complete or self._texts is None or last is None:
            return None
        old, new = last.search_term, query.search_term
        if new == old or old not in new or replace(last, text="") != replace(query, text=""):
            return None
        # Which rows hold the term, in one pass at C speed: no tuple per row (half a million on the huge set).
        kept = list(map(contains, self._texts, repeat(new)))
        return list(compress(self._ids, kept)), list(compress(self._texts, kept))

    def _read_rest(self) -> None:
        """The whole list's ids on a worker; one reading at a time, the newest query's next when it ends."""
        from desktop_app.ui.kit.background import run_in_background

        if self._reading_rest:
            return
        self._reading_rest = True
        generation, query = self._generation, self.query
        owner = self.parent()
        run_in_background(
            label="正在读取列表的其余记录…",
            work=lambda: self._read(query),
            on_done=lambda found: self._rest_read(generation, *found),
            on_error=self._rest_failed,
            parent=owner if isinstance(owner, QWidget) else None,
        )

    def _rest_read(self, generation: int, ids: list[int], texts: list[str] | None) -> None:
        self._reading_rest = False
        if generation != self._generation:  # read again meanwhile (a keystroke, a sort)
            if not self.complete:
                self._read_rest()
            return
        self._texts = texts
        if ids[: len(self._ids)] == self._ids:
            self._ids = ids  # the rows shown stay as they are, and the rest are added below them
            self.setRowCount(len(ids))
        else:  # a record saved or deleted in between: the list as it is now
            self._reset_rows(ids)
        self.complete = True
        self.completed.emit(len(ids))

    def _rest_failed(self, exc: BaseException) -> None:
        self._reading_rest = False
        self.fill_failed.emit(exc)  # told as a page that could not be read is; the next reload tries again

    def _reset_rows(self, ids: list[int]) -> None:
        """Blank rows, one per id; their cells are filled when they are shown."""
        self.beginResetModel()
        # The row changes inside are one reset for the views: their own signals would only repeat it.
        blocked = self.blockSignals(True)
        try:
            self.setRowCount(0)
            self.setRowCount(len(ids))
        finally:
            self.blockSignals(blocked)
        self._ids = ids
        self._pages.clear()
        self._fill_failed = False
        self.endResetModel()

    def ensure_rows(self, first: int, last: int, notify: bool = True) -> None:
        """Fill the pages holding rows first..last, each once.

        Scrolling on from a filled page fills READ_AHEAD_PAGES at once: a few large fills cost less
        than many small ones (each fill starts cold after the painting in between). A view about to
        paint the rows needs no notice (`notify=False`): it paints what it asked for.
        """
        last = min(last, len(self._ids) - 1)
        if last < 0 or self._fill_failed:
            return
        last_page = (len(self._ids) - 1) // PAGE_SIZE
        for page in range(max(first, 0) // PAGE_SIZE, last // PAGE_SIZE + 1):
            if page in self._pages:
                continue
            if page - 1 in self._pages:  # scrolling down
                run = [page, *takewhile(self._unfilled, range(page + 1, min(page + READ_AHEAD_PAGES, last_page + 1)))]
            elif page + 1 in self._pages:  # scrolling up
                run = [*takewhile(self._unfilled, range(page - 1, max(page - READ_AHEAD_PAGES, -1), -1)), page]
            else:
                run = [page]
            try:
                self._fill_pages(min(run), max(run), notify)
            except Exception as exc:  # told once, by whoever listens; no storm of dialogs from repaints
                self._fill_failed = True
                self.fill_failed.emit(exc)
                return

    def _unfilled(self, page: int) -> bool:
        return page not in self._pages

    def _fill_pages(self, first_page: int, last_page: int, notify: bool) -> None:
        start = first_page * PAGE_SIZE
        ids = self._ids[start : (last_page + 1) * PAGE_SIZE]
        texts_by_id = {texts[0]: texts for texts in self.service.fetch_rows(ids, unmasked=self.unmasked)}
        positions = range(len(self.columns))
        index, set_data, colour_of = self.index, self.setData, self.row_colour
        blocked = self.blockSignals(True)  # one dataChanged for the rows below, not one per cell
        try:
            for row, record_id in enumerate(ids, start):
                texts = texts_by_id.get(record_id)
                if texts is None:
                    continue  # deleted since the list was read: the row stays blank until the next reload
                # The hottest loop of scrolling: a call per non-empty cell, nothing more.
                for column, text in zip(positions, texts[1:], strict=True):
                    if text:
                        set_data(index(row, column), text)
                for column in self._right_aligned:
                    set_data(index(row, column), RIGHT, Qt.ItemDataRole.TextAlignmentRole)
                colour = colour_of(record_id) if colour_of is not None else None
                if colour is not None:
                    for column in positions:
                        set_data(index(row, column), colour, Qt.ItemDataRole.BackgroundRole)
        finally:
            self.blockSignals(blocked)
        self._pages.update(range(first_page, last_page + 1))
        if notify and ids:
            self.dataChanged.emit(index(start, 0), index(start + len(ids) - 1, len(positions) - 1))

    def whole_text(self, row: int, column: int) -> str:
        """A text cell's whole value when the cell shows only its start (long, or several lines); else "".

        Read when asked (a tooltip), not kept per cell: filling stays one call per cell.
        """
        if not (0 <= row < len(self._ids) and 0 <= column < len(self.columns)):
            return ""
        if self.columns[column].kind is not ColumnKind.TEXT:
            return ""  # other kinds show all they have, and personal data stays masked
        values = self.service.fetch_stored([self._ids[row]]).get(self._ids[row])
        value = values[column + 1] if values is not None else None
        return value if isinstance(value, str) and (len(value) > TOOLTIP_LENGTH or "\n" in value) else ""

    def text(self, row: int, column: int) -> str:
        """The text a cell shows (its page is filled first if it was not yet)."""
        self.ensure_rows(row, row)
        value = self.data(self.index(row, column), DISPLAY)
        return value if isinstance(value, str) else ""

    # -- Qt interface ---------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is done by SQL, over every row, not by Qt over the rows filled so far."""
        if not 0 <= column < len(self.columns):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.query = replace(self.query, sort_key=self.columns[column].key, descending=descending)
        # Before the view's first load, only remember the order; the load will use it.
        if self._loaded:
            self.reload()

    def default_sort(self) -> tuple[int, Qt.SortOrder]:
        """The column and order the service sorts by when nothing is chosen."""
        keys = [column.key for column in self.columns]
        order = Qt.SortOrder.DescendingOrder if self.service.default_descending else Qt.SortOrder.AscendingOrder
        return keys.index(self.service.default_sort), order

    # -- helpers for views ----------------------------------------------------------
    def record_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, record_id: int) -> int | None:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return None


class RecordTableView(QTableView):
    """A table that has its RecordTableModel fill the rows it is about to paint."""

    def paintEvent(self, event: QPaintEvent) -> None:
        model = self.model()
        if isinstance(model, RecordTableModel):
            self.fill_rows_in(event.rect(), model)
        super().paintEvent(event)

    def fill_rows_in(self, area: QRect, model: RecordTableModel) -> None:
        first = self.rowAt(area.top())
        if first >= 0:
            last = self.rowAt(area.bottom())  # -1 when the area reaches below the last row
            model.ensure_rows(first, last if last >= 0 else model.rowCount() - 1, notify=False)

    def viewportEvent(self, event: QEvent) -> bool:
        model = self.model()
        if event.type() == QEvent.Type.ToolTip and isinstance(model, RecordTableModel):
            assert isinstance(event, QHelpEvent)
            cell = self.indexAt(event.pos())
            text = model.whole_text(cell.row(), cell.column()) if cell.isValid() else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport(), self.visualRect(cell))
                return True
        return super().viewportEvent(event)

    def sizeHintForColumn(self, column: int) -> int:
        """Fitting columns measures the rows in view: they must be filled first."""
        model = self.model()
        if isinstance(model, RecordTableModel):
            self.fill_rows_in(self.viewport().rect(), model)
        return super().sizeHintForColumn(column)
