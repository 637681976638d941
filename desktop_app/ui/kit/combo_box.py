"""A drop-down as wide as its longest choice reads whole.

Qt sizes a combo box by its texts' ink, which leaves out the blank halves of full-width brackets: “（未标记）”
got a box about one character too narrow and was shown cut. Here the texts' advance (what drawing them takes)
is measured instead.

A long list of choices (a filter of every member: thousands on a large branch) is not measured text by text:
Qt measured each text's ink twice (its size and its least size) and this box each text's advance, about 40 ms a
thousand texts, on every page with such a filter. Its widest text is found from its characters' advances, each
character measured once, and the box's two sizes are made from it the way Qt makes them."""

from __future__ import annotations

import math

from PySide6.QtCore import QSize
from PySide6.QtGui import QFontMetrics, QFontMetricsF
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QWidget

# Up to this many choices Qt measures the texts itself, as for any combo box (the 党小组 of a large branch fit).
LONG_LIST = 300


class ComboBox(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A long list's widest advance, for the texts and font it was measured with (see `_widest_advance`).
        self._widest: tuple[tuple[int, str], int] | None = None
        model = self.model()
        for changed in (model.dataChanged, model.rowsRemoved, model.modelReset, model.layoutChanged):
            changed.connect(self._forget_widest)  # added rows change the count, which the measure is kept with

    def _forget_widest(self, *_args: object) -> None:
        self._widest = None

    def _long(self) -> bool:
        return self.count() >= LONG_LIST

    def _texts(self) -> list[str]:
        return [self.itemText(index) for index in range(self.count())] + [self.placeholderText()]

    def _widest_advance(self, metrics: QFontMetrics) -> int:
        """The advance of the widest text: measured whole for a short list, from its characters for a long one.
        A text's characters measured apart take at least the room of the text drawn whole (kerning only
        narrows a text); the widest so reckoned is also measured whole, and the greater taken."""
        if not self._long():
            return max(metrics.horizontalAdvance(text) for text in self._texts())
        key = (self.count(), self.font().key())
        if self._widest is not None and self._widest[0] == key:
            return self._widest[1]
        texts = self._texts()
        advances = {char: metrics.horizontalAdvance(char) for char in set("".join(texts))}
        widest_text = max(texts, key=lambda text: sum(map(advances.__getitem__, text)))
        widest = max(sum(map(advances.__getitem__, widest_text)), metrics.horizontalAdvance(widest_text))
        self._widest = (key, widest)
        return widest

    def _whole_texts(self, hint: QSize) -> QSize:
        metrics = self.fontMetrics()
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        content = QSize(self._widest_advance(metrics), metrics.height())
        needed = self.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, content, self)
        return hint.expandedTo(QSize(needed.width(), hint.height()))

    def _long_list_hint(self) -> QSize:
        """Qt's size for the widest text (QComboBoxPrivate::recomputeSizeHint), without measuring every text."""
        height = max(math.ceil(QFontMetricsF(self.font()).height()), 14) + 2
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        content = QSize(self._widest_advance(self.fontMetrics()), height)
        return self.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, content, self)

    def sizeHint(self) -> QSize:
        # Only the size it asks for: where a layout has less room, it may still squeeze the box.
        if self._long():
            return self._long_list_hint()
        return self._whole_texts(super().sizeHint())

    def minimumSizeHint(self) -> QSize:
        if self._long():
            return self._long_list_hint()
        return super().minimumSizeHint()
