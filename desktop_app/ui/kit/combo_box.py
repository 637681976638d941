"""A drop-down as wide as its longest choice reads whole.

Qt sizes a combo box by its texts' ink, which leaves out the blank halves of full-width brackets: “（未标记）”
got a box about one character too narrow and was shown cut. Here the texts' advance (what drawing them takes)
is measured instead."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox


class ComboBox(QComboBox):
    def _whole_texts(self, hint: QSize) -> QSize:
        metrics = self.fontMetrics()
        texts = [self.itemText(index) for index in range(self.count())] + [self.placeholderText()]
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        content = QSize(max(metrics.horizontalAdvance(text) for text in texts), metrics.height())
        needed = self.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, content, self)
        return hint.expandedTo(QSize(needed.width(), hint.height()))

    def sizeHint(self) -> QSize:
        # Only the size it asks for: where a layout has less room, it may still squeeze the box.
        return self._whole_texts(super().sizeHint())
