"""Input widgets that hand back plain Python values; the service validates them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QDate, QLocale, QSize, Qt, SignalInstance
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QStyle,
    QToolButton,
    QWidget,
)

from desktop_app.core.domain import normalize
from desktop_app.core.domain.enums import LabeledEnum
from desktop_app.core.domain.fields import Field, FieldType
from desktop_app.ui.kit.combo_box import ComboBox
from desktop_app.ui.kit.formatting import FIRST_DAY, LAST_DAY, iso_date, setup_date_edit

NOT_SET = "未填"


W = TypeVar("W", bound=QWidget)


class Editor(Generic[W]):
    """The interface every field editor offers the form, over the widget it shows."""

    widget: W

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    @property
    def changed(self) -> SignalInstance:
        """Emitted when the person changes the value."""
        raise NotImplementedError


class TextEditor(Editor[QLineEdit]):
    def __init__(self, placeholder: str = "", max_length: int = 0) -> None:
        self.widget = QLineEdit()
        self.widget.setPlaceholderText(placeholder)
        if max_length:
            self.widget.setMaxLength(max_length)

    def value(self) -> str:
        return self.widget.text()

    def set_value(self, value: Any) -> None:
        if isinstance(value, list):
            value = "、".join(value)
        self.widget.setText("" if value is None else str(value))

    @property
    def changed(self) -> SignalInstance:
        return self.widget.textChanged


class LongTextEditor(Editor[QPlainTextEdit]):
    def __init__(self, lines: int = 3) -> None:
        self.widget = QPlainTextEdit()
        self.widget.setTabChangesFocus(True)
        self.widget.setFixedHeight(12 + lines * self.widget.fontMetrics().lineSpacing() + 12)

    def value(self) -> str:
        return self.widget.toPlainText()

    def set_value(self, value: Any) -> None:
        self.widget.setPlainText(value or "")

    @property
    def changed(self) -> SignalInstance:
        return self.widget.textChanged


class _HintedLineEdit(QLineEdit):
    """A line edit wide enough for its placeholder: "未填（如 2024-03-05）" was cut to "未填（如 2024-…" in
    民主评议's 评定日期 and in a table's date cells, which take the editor's size hint as their width.

    Qt's own hint is 17 x's and what surrounds the text; the clear button's room (icon, its margin and 6 px,
    as Qt lays out a side widget) is not in it, though the text loses that room to the button."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        metrics = self.fontMetrics()
        beside_text = hint.width() - metrics.horizontalAdvance("x") * 17
        if self.isClearButtonEnabled():
            style = self.style()
            icon = style.pixelMetric(QStyle.PixelMetric.PM_LineEditIconSize, None, self)
            beside_text += style.pixelMetric(QStyle.PixelMetric.PM_LineEditIconMargin, None, self) + icon + 6
        return QSize(max(hint.width(), metrics.horizontalAdvance(self.placeholderText()) + beside_text), hint.height())


class _TypedValueEdit(QWidget):
    """An optional date or time typed as text: empty means 未填, Tab always leaves.

    A spin-box editor with a "未填" special value traps the cursor and glues typed digits
    onto the placeholder ("未填430"); a line edit starts a value with the first key.
    The text is parsed by the core, so 2024/3/5 and 2024年3月5日 work as in the imports;
    text that does not parse is handed to the service, which names the field in its error.
    """

    def __init__(self, placeholder: str, parse: Callable[[str], Any], show: Callable[[Any], str]) -> None:
        super().__init__()
        self.parse_text, self.format_value = parse, show
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.line = _HintedLineEdit()
        self.line.setPlaceholderText(placeholder)
        self.line.setClearButtonEnabled(True)
        self.line.editingFinished.connect(self._tidy)
        self.row.addWidget(self.line, 1)
        self.setFocusProxy(self.line)

    def value(self) -> Any:
        text = self.line.text().strip()
        if not text:
            return None
        try:
            return self.parse_text(text)
        except ValueError:
            return text

    def set_value(self, value: Any) -> None:
        self.line.setText("" if value is None else self.format_value(value))

    def _tidy(self) -> None:
        """Show what was understood in the one format the lists use (2024/3/5 → 2024-03-05)."""
        value = self.value()
        if value is not None and not isinstance(value, str):
            self.line.setText(self.format_value(value))


class _CalendarButton(QToolButton):
    """Picks a date from a calendar into a typed date edit.

    The calendar is a popup made on each click and owned by the button (Qt deletes it when it
    closes), so no widget changes owner behind Python's back.
    """

    def __init__(self, target: _TypedValueEdit) -> None:
        super().__init__()
        self.target = target
        self.setText("日历")
        self.setToolTip("从日历中选择日期")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from the date to the next field
        self.clicked.connect(self.show_calendar)

    def show_calendar(self) -> QCalendarWidget:
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        calendar.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        calendar.setDateRange(FIRST_DAY, LAST_DAY)
        current = self.target.value()
        day = current if isinstance(current, dt.date) else dt.date.today()
        calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        calendar.clicked.connect(lambda qdate: self._picked(calendar, qdate))
        calendar.activated.connect(lambda qdate: self._picked(calendar, qdate))
        calendar.move(self.mapToGlobal(self.rect().bottomLeft()))
        calendar.show()
        return calendar

    def _picked(self, calendar: QCalendarWidget, qdate: QDate) -> None:
        self.target.set_value(dt.date(qdate.year(), qdate.month(), qdate.day()))
        calendar.close()
        self.target.line.setFocus()


class _DateEdit(QDateEdit):
    """A required date: Tab leaves the field (Qt's date edit walks its year, month and day first, which
    traps a person who presses Tab to go on), and the arrow keys still change the part under the cursor."""

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


class DateEditor(Editor[QWidget]):
    """A required date is a date edit (it always has a value); an optional one starts empty."""

    def __init__(self, optional: bool) -> None:
        self.optional = optional
        if optional:
            self.typed = _TypedValueEdit(f"{NOT_SET}（如 2024-03-05）", normalize.parse_date, _date_text)
            self.typed.row.addWidget(_CalendarButton(self.typed))
            self.widget = self.typed
        else:
            edit = _DateEdit()
            setup_date_edit(edit)
            self.edit = edit
            self.widget = edit
        self.set_value(None)

    def value(self) -> dt.date | str | None:
        if self.optional:
            return self.typed.value()
        qdate = self.edit.date()
        return dt.date(qdate.year(), qdate.month(), qdate.day())

    def set_value(self, value: Any) -> None:
        if self.optional:
            self.typed.set_value(value)
            return
        day = value or dt.date.today()
        self.edit.setDate(QDate(day.year, day.month, day.day))

    @property
    def changed(self) -> SignalInstance:
        return self.typed.line.textChanged if self.optional else self.edit.dateChanged


class TimeEditor(Editor[_TypedValueEdit]):
    """Times are optional: empty until the person types one (14:30, 1430 or 14点30分)."""

    def __init__(self) -> None:
        self.widget = _TypedValueEdit(f"{NOT_SET}（如 14:30）", normalize.parse_time, lambda t: f"{t:%H:%M}")

    def value(self) -> dt.time | str | None:
        return self.widget.value()

    def set_value(self, value: Any) -> None:
        self.widget.set_value(value)

    @property
    def changed(self) -> SignalInstance:
        return self.widget.line.textChanged


def _date_text(value: dt.date) -> str:
    return iso_date(value)


class ChoiceEditor(Editor[QComboBox]):
    """A drop-down of (value, label) pairs; optional ones start with an empty choice.

    Values are kept on the Python side: Qt would turn a str-based enum into a plain string.
    """

    def __init__(self, choices: Sequence[tuple[Any, str]], optional: bool, empty_label: str = "") -> None:
        self.widget = ComboBox()
        self.optional = optional
        self.empty_label = empty_label
        self._values: list[Any] = []
        self.set_choices(choices)

    def set_choices(self, choices: Sequence[tuple[Any, str]]) -> None:
        current = self.value()
        self.widget.blockSignals(True)
        self.widget.clear()
        self._values = []
        if self.optional:
            self._append(None, self.empty_label)
        for value, label in choices:
            self._append(value, label)
        self.widget.blockSignals(False)
        self.set_value(current)

    def _append(self, value: Any, label: str) -> None:
        self._values.append(value)
        self.widget.addItem(label)

    def value(self) -> Any:
        index = self.widget.currentIndex()
        return self._values[index] if 0 <= index < len(self._values) else None

    def set_value(self, value: Any) -> None:
        index = self._values.index(value) if value in self._values else 0
        self.widget.setCurrentIndex(index)

    @property
    def changed(self) -> SignalInstance:
        return self.widget.currentIndexChanged

    def ensure_choice(self, value: Any, label: str) -> None:
        """Keep a value that is no longer offered (e.g. a retired category) selectable on old records."""
        if value is not None and value not in self._values:
            self._append(value, label)


class BoolEditor(Editor[QCheckBox]):
    def __init__(self, label: str) -> None:
        self.widget = QCheckBox(label)

    @property
    def changed(self) -> SignalInstance:
        return self.widget.toggled

    def value(self) -> bool:
        return self.widget.isChecked()

    def set_value(self, value: Any) -> None:
        self.widget.setChecked(bool(value))


def enum_choices(enum_cls: type[LabeledEnum]) -> list[tuple[Any, str]]:
    return [(member, member.label) for member in enum_cls]


def editor_for(spec: Field) -> Editor[Any]:
    """The default editor of a field; REF fields get a ChoiceEditor the form fills."""
    kind = spec.type
    if kind is FieldType.LONG_TEXT:
        return LongTextEditor()
    if kind is FieldType.DATE:
        return DateEditor(optional=not spec.required)
    if kind is FieldType.TIME:
        return TimeEditor()
    if kind is FieldType.ENUM:
        assert spec.enum is not None
        return ChoiceEditor(enum_choices(spec.enum), optional=not spec.required)
    if kind is FieldType.BOOL:
        return BoolEditor(spec.label)
    if kind is FieldType.REF:
        return ChoiceEditor([], optional=not spec.required)
    placeholders = {
        FieldType.MONEY: "例如 200 或 150.50",
        FieldType.PHONE: "手机或座机号码",
        FieldType.ID_NUMBER: "18 位公民身份号码",
        FieldType.TAGS: "多个标签用顿号“、”分隔",
        FieldType.COUNT: "整数",
    }
    return TextEditor(placeholders.get(kind, ""), spec.max_length)
