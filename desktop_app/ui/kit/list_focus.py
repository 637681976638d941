"""One rule for where the cursor goes after a change is saved: back to the list, on the row worked on."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QAbstractItemView


def focus_row(view: QAbstractItemView, row: int, column: int = 0, take_focus: bool = True) -> None:
    """The row selected, current, in sight, and the list holding the cursor (a form or dialog just closed,
    which would otherwise hand the cursor back to wherever it came from: the search box, a toolbar).
    Without `take_focus` only the row is chosen (a list read afresh while the person types elsewhere)."""
    model = view.model()
    index = model.index(row, column) if model is not None else None
    if index is None or not index.isValid():
        return
    selection = view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
    if view.selectionBehavior() is QAbstractItemView.SelectionBehavior.SelectRows:
        flags |= QItemSelectionModel.SelectionFlag.Rows
    selection.setCurrentIndex(index, flags)
    view.scrollTo(index)
    if take_focus:
        view.setFocus(Qt.FocusReason.OtherFocusReason)
