"""A thin table model over a record service: ids from SQL, rows fetched lazily a page at a time."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.core.services.base import Column, ListQuery, RecordService
from desktop_app.ui.formatting import is_numeric, text_formatter

PAGE_SIZE = 200
ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole


class RecordTableModel(QAbstractTableModel):
    def __init__(self, service: RecordService, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        self.columns: list[Column] = service.columns()
        self._formatters = [text_formatter(column.kind) for column in self.columns]
        self._alignments = [
            int(
                (Qt.AlignmentFlag.AlignRight if is_numeric(c.kind) else Qt.AlignmentFlag.AlignLeft)
                | Qt.AlignmentFlag.AlignVCenter
            )
            for c in self.columns
        ]
        self.query = ListQuery()
        self.unmasked = False
        # Optional: a background colour for a row, from its display values (e.g. a problem open too long).
        self.row_colour: Any = None
        self._ids: list[int] = []
        self._loaded = False
        self._pages: dict[int, dict[int, tuple[Any, ...]]] = {}

    # -- loading ------------------------------------------------------------------
    def set_query(self, query: ListQuery) -> None:
        self.query = query
        self.reload()

    def set_unmasked(self, unmasked: bool) -> None:
        self.unmasked = unmasked
        self.beginResetModel()
        self._pages.clear()
        self.endResetModel()

    def reload(self) -> None:
        self.beginResetModel()
        self._ids = self.service.list_ids(self.query)
        self._pages.clear()
        self._loaded = True
        self.endResetModel()

    def _cached(self, row: int) -> tuple[tuple[Any, ...], tuple[str, ...]] | None:
        """(values, display texts) of a row; its page of 200 is fetched and formatted once."""
        page = row // PAGE_SIZE
        if page not in self._pages:
            ids = self._ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
            formatters = self._formatters
            self._pages[page] = {
                r[0]: (r, tuple(format_(value) for format_, value in zip(formatters, r[1:], strict=True)))
                for r in self.service.fetch_rows(ids, unmasked=self.unmasked)
            }
        return self._pages[page].get(self._ids[row])

    def _row(self, row: int) -> tuple[Any, ...] | None:
        cached = self._cached(row)
        return cached[0] if cached is not None else None

    # -- Qt interface ---------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The hottest function of a scrolling table: the display text is looked up, never computed here.
        if role == DISPLAY:
            cached = self._cached(index.row()) if 0 <= index.row() < len(self._ids) else None
            return cached[1][index.column()] if cached is not None else None
        if role == ALIGNMENT:
            return self._alignments[index.column()] if index.isValid() else None
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role in (Qt.ItemDataRole.ToolTipRole, SORT_ROLE):
            row = self._row(index.row())
            if row is None:
                return None
            value = row[index.column() + 1]
            if role == SORT_ROLE:
                return value
            return str(value) if value is not None and len(str(value)) > 20 else None
        if role == Qt.ItemDataRole.BackgroundRole and self.row_colour is not None:
            row = self._row(index.row())
            return self.row_colour(row) if row is not None else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].label
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
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
