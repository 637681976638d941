"""A list of people or things to tick, with a filter box above it, worked by keys: ↓ from the box goes into the
list, Space ticks or unticks, letters typed in the list start a new filter (the next person's initials, right
after ticking one), a filter that matches nothing says so (参加人员 of a 学习考察, a talk's 谈话人员)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QStyle, QVBoxLayout, QWidget

from desktop_app.ui.kit.styles import ERROR_STYLE


class CheckList(QWidget):
    def __init__(
        self,
        choices: Iterable[tuple[Any, str]],
        placeholder: str,
        matches: Callable[[str, str], bool],
        not_found_hint: str = "清空筛选后显示全部。",
        parent: QWidget | None = None,
        unit: str = "项",
    ) -> None:
        """`matches(needle, label)`: whether a lower-case filter text finds a choice (by name, pinyin initials);
        `not_found_hint`: what to try when nothing matches; `unit`: what the chosen are counted in (人)."""
        super().__init__(parent)
        self.matches = matches
        self.not_found_hint = not_found_hint
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(placeholder)
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        for value, label in choices:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.not_found = QLabel()
        self.not_found.setStyleSheet(ERROR_STYLE)
        self.not_found.setWordWrap(True)
        self.not_found.hide()
        self.list.setMinimumWidth(self.room_for_labels())
        # Who is ticked, always in sight: ticks made elsewhere (a talk opened from 谈话覆盖) or scrolled away
        # would otherwise be unticked by a person who ticks the same name again.
        self.unit = unit
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.not_found)
        layout.addWidget(self.summary)
        self._say_chosen()
        self.list.itemChanged.connect(lambda _item: self._say_chosen())
        self.filter.textChanged.connect(self._apply_filter)
        self.filter.installEventFilter(self)
        self.list.installEventFilter(self)
        self.setFocusProxy(self.filter)

    def room_for_labels(self, at_most_chars: int = 12) -> int:
        """The list's width that shows every label whole (a name), or at least `at_most_chars` characters of a
        long one: beside a wide table (学习考察's 借鉴举措 at 特大) the list was squeezed to “陈建…”."""
        metrics = self.list.fontMetrics()
        widest = max((metrics.horizontalAdvance(item.text()) for item in self.items()), default=0)
        style = self.list.style()
        check = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, self.list)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.list) + 1
        scroll_bar = style.pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self.list)
        text = min(widest, metrics.horizontalAdvance("字" * at_most_chars))
        return text + check + 4 * margin + scroll_bar + 2 * self.list.frameWidth()

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(index) for index in range(self.list.count())]

    def chosen(self) -> list[Any]:
        return [
            item.data(Qt.ItemDataRole.UserRole) for item in self.items() if item.checkState() == Qt.CheckState.Checked
        ]

    def set_chosen(self, values: Sequence[Any]) -> None:
        wanted = set(values)
        for item in self.items():
            ticked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def _say_chosen(self) -> None:
        labels = [item.text() for item in self.items() if item.checkState() == Qt.CheckState.Checked]
        self.summary.setText(f"已选 {len(labels)} {self.unit}：{'、'.join(labels)}" if labels else "尚未选择")

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        shown = 0
        for item in self.items():
            hidden = bool(needle) and not self.matches(needle, item.text())
            item.setHidden(hidden)
            shown += not hidden
        self.not_found.setText(f"没有找到“{text.strip()}”：{self.not_found_hint}")
        self.not_found.setVisible(bool(needle) and shown == 0)

    def _first_shown(self) -> QListWidgetItem | None:
        return next((item for item in self.items() if not item.isHidden()), None)

    @staticmethod
    def _starts_a_filter(event: QKeyEvent) -> bool:
        """A letter, digit or Chinese character typed without Ctrl or Alt (Space ticks; keys that move stay)."""
        text = event.text()
        held = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        return not held and len(text) == 1 and text.isprintable() and not text.isspace()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Down:
                first = self._first_shown()
                if first is not None:
                    self.list.setFocus(Qt.FocusReason.TabFocusReason)
                    self.list.setCurrentItem(first)
                return True
        if watched is self.list and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if self._starts_a_filter(event):
                self.filter.setText(event.text())
                self.filter.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        if watched is self.list and event.type() == QEvent.Type.FocusIn:
            # Entered by Tab: Space needs an item under the cursor to tick.
            current = self.list.currentItem()
            if current is None or current.isHidden():
                first = self._first_shown()
                if first is not None:
                    self.list.setCurrentItem(first)
        return super().eventFilter(watched, event)
