"""Column widths in the font's own measure: every header is read whole and a date is never cut, at every 字号.

A list says what each column must hold (`Room`: sample texts such as a date, or a number of Chinese
characters); `ColumnWidths` sets the widths from the table's font, and again when the font changes (设置 →
界面字号 while the list is open). Widths the person set by dragging (or
that fitted a smaller font) are kept, but never below that room.

A list's wide columns (三会一课's 主题 and 地点) share what the others leave of the table's width, as Qt's
Stretch sections do, but never below their room: where the others leave too little (特大 at 1366×768) the list
scrolls sideways instead of showing three characters of a topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView

DATE_SAMPLE = "2026-12-31"
MOMENT_SAMPLE = "2026-12-31 23:59:59"
WIDE_CHARACTER = "字"


@dataclass(frozen=True)
class Room:
    """What a column must show whole: each of `samples`, and at least `chars` Chinese characters."""

    samples: tuple[str, ...] = ()
    chars: int = 0


def header_width(table: QTableView, column: int) -> int:
    """Pixels the column's header text needs, with the header's margins and room for the sort arrow."""
    header = table.horizontalHeader()
    style = header.style()
    title = str(table.model().headerData(column, Qt.Orientation.Horizontal) or "")
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    room = 2 * margin
    if header.isSortIndicatorShown():  # the arrow and a margin beside it, as Qt sizes a section
        room += style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header) + margin
    return header.fontMetrics().horizontalAdvance(title) + room


def text_width(table: QTableView, text: str) -> int:
    """Pixels a cell needs to show `text` whole: the cell's margins and the grid line, as Qt sizes a column
    to its contents (a pixel less and the text is cut with …)."""
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    return table.fontMetrics().horizontalAdvance(text) + 2 * margin + (1 if table.showGrid() else 0)


def least_width(table: QTableView, column: int, room: Room) -> int:
    needs = [header_width(table, column), *(text_width(table, text) for text in room.samples)]
    needs.append(text_width(table, WIDE_CHARACTER * room.chars) if room.chars else 0)
    return max(needs)


class ColumnWidths(QObject):
    """Sets `table`'s column widths to what each column's `Room` needs (by the table's font), and again when
    that font changes. `contents=True` first sizes the columns to the rows in view, up to `at_most_chars`.
    `wide`: the columns that share the width the others leave (see the module's note)."""

    def __init__(
        self,
        table: QTableView,
        rooms: Sequence[Room],
        contents: bool = False,
        at_most_chars: int = 0,
        wide: Sequence[int] = (),
    ) -> None:
        super().__init__(table)
        self.table = table
        self.rooms = tuple(rooms)
        self.contents = contents
        self.at_most_chars = at_most_chars
        self.wide = tuple(wide)
        self.sharing = False
        table.installEventFilter(self)
        if self.wide:
            table.horizontalHeader().sectionResized.connect(self._section_resized)
            # The viewport's size, not the table's, is what the columns share (it is resized after the table).
            self.viewport = table.viewport()
            self.viewport.installEventFilter(self)

    def room(self, column: int) -> Room:
        return self.rooms[column] if column < len(self.rooms) else Room()

    def fit(self) -> None:
        """Widths from scratch: the rows in view (when asked), then the room each column needs."""
        table = self.table
        if self.contents:
            table.horizontalHeader().setResizeContentsPrecision(30)
            table.resizeColumnsToContents()
        at_most = text_width(table, WIDE_CHARACTER * self.at_most_chars) if self.at_most_chars else 0
        for column in range(table.model().columnCount()):
            shown = min(table.columnWidth(column) + 12, at_most) if self.contents and at_most else 0
            table.setColumnWidth(column, max(shown, least_width(table, column, self.room(column))))
        self.share_spare()

    def keep_room(self) -> None:
        """Widths the person arranged stay, widened where a header or a date would be cut."""
        table = self.table
        for column in range(table.model().columnCount()):
            table.setColumnWidth(column, max(table.columnWidth(column), least_width(table, column, self.room(column))))
        self.share_spare()

    def share_spare(self) -> None:
        """The wide columns get equal shares of the width the other columns leave, each at least its room."""
        header = self.table.horizontalHeader()
        shown = [column for column in self.wide if not header.isSectionHidden(column)]
        if not shown or self.sharing:
            return
        others = sum(
            header.sectionSize(column)
            for column in range(header.count())
            if column not in self.wide and not header.isSectionHidden(column)
        )
        share = (self.table.viewport().width() - others) // len(shown)
        self.sharing = True  # the wide columns' own resizing does not share again
        try:
            for column in shown:
                # A remembered header state may bring back Stretch; these widths are set here, not by Qt.
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, max(share, least_width(self.table, column, self.room(column))))
        finally:
            self.sharing = False

    def _section_resized(self, column: int, _old: int, _new: int) -> None:
        if column not in self.wide:
            self.share_spare()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.FontChange:
            # After the header has its new font too (it is told after the table).
            QTimer.singleShot(0, self, self.keep_room)  # not once the table (and this, its child) is gone
        elif event.type() == QEvent.Type.Resize and self.wide and watched is self.viewport:
            self.share_spare()
        return super().eventFilter(watched, event)
