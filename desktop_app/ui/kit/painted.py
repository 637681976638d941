"""A dialog that says when it is first on screen: the start's first windows (the password) are watched so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent


class PaintedDialog(QDialog):
    """Says `painted` once, from its first paint (its children are painted right after, in the same pass). Cheaper
    to hear of than through an event filter: PySide hands each event a filter sees to Python, and builds the types
    of all of Qt's events on the way (about 3 ms before the password dialog is on screen)."""

    painted = Signal()
    _said = False

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._said:
            self._said = True
            self.painted.emit()
