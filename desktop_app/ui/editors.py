"""Input widgets that hand back plain Python values; the service validates them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QTimeEdit,
    QToolButton,
    QWidget,
)

from desktop_app.core.enums import LabeledEnum
from desktop_app.core.fields import Field, FieldType
from desktop_app.ui.formatting import DATE_FORMAT

NOT_SET = "未填"


class Editor:
    """The interface every field editor offers the form."""

    widget: QWidget

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class TextEditor(Editor):
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


class LongTextEditor(Editor):
    def __init__(self, lines: int = 3) -> None:
        self.widget = QPlainTextEdit()
        self.widget.setTabChangesFocus(True)
        self.widget.setFixedHeight(12 + lines * self.widget.fontMetrics().lineSpacing() + 12)

    def value(self) -> str:
        return self.widget.toPlainText()

    def set_value(self, value: Any) -> None:
        self.widget.setPlainText(value or "")


class _Clearable(QWidget):
    """A date or time edit with a button that empties it, for optional fields."""

    changed = Signal()

    def __init__(self, edit: QDateEdit | QTimeEdit, optional: bool) -> None:
        super().__init__()
        self.edit = edit
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        if optional:
            edit.setSpecialValueText(NOT_SET)
            clear = QToolButton()
            clear.setText("清空")
            clear.setToolTip("清空此项")
            clear.clicked.connect(lambda: edit.setDateTime(edit.minimumDateTime()))
            layout.addWidget(clear)
        self.setFocusProxy(edit)


class DateEditor(Editor):
    SENTINEL = QDate(1899, 12, 31)

    def __init__(self, optional: bool) -> None:
        edit = QDateEdit()
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setCalendarPopup(True)
        self.optional = optional
        if optional:
            edit.setMinimumDate(self.SENTINEL)
        else:
            edit.setMinimumDate(QDate(1900, 1, 1))
        edit.setMaximumDate(QDate(2100, 12, 31))
        self.edit = edit
        self.widget = _Clearable(edit, optional)
        self.set_value(None if optional else dt.date.today())

    def value(self) -> dt.date | None:
        qdate = self.edit.date()
        if self.optional and qdate == self.SENTINEL:
            return None
        return dt.date(qdate.year(), qdate.month(), qdate.day())

    def set_value(self, value: Any) -> None:
        if value is None:
            self.edit.setDate(self.SENTINEL if self.optional else QDate.currentDate())
        else:
            self.edit.setDate(QDate(value.year, value.month, value.day))


class TimeEditor(Editor):
    SENTINEL = QTime(0, 0)

    def __init__(self) -> None:
        edit = QTimeEdit()
        edit.setDisplayFormat("HH:mm")
        self.edit = edit
        self.widget = _Clearable(edit, optional=True)
        self.set_value(None)

    def value(self) -> dt.time | None:
        qtime = self.edit.time()
        if qtime == self.SENTINEL:
            return None
        return dt.time(qtime.hour(), qtime.minute())

    def set_value(self, value: Any) -> None:
        self.edit.setTime(self.SENTINEL if value is None else QTime(value.hour, value.minute))


class ChoiceEditor(Editor):
    """A drop-down of (value, label) pairs; optional ones start with an empty choice.

    Values are kept on the Python side: Qt would turn a str-based enum into a plain string.
    """

    def __init__(self, choices: Sequence[tuple[Any, str]], optional: bool) -> None:
        self.widget = QComboBox()
        self.optional = optional
        self._values: list[Any] = []
        self.set_choices(choices)

    def set_choices(self, choices: Sequence[tuple[Any, str]]) -> None:
        current = self.value()
        self.widget.blockSignals(True)
        self.widget.clear()
        self._values = []
        if self.optional:
            self._append(None, "")
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

    def ensure_choice(self, value: Any, label: str) -> None:
        """Keep a value that is no longer offered (e.g. a retired category) selectable on old records."""
        if value is not None and value not in self._values:
            self._append(value, label)


class BoolEditor(Editor):
    def __init__(self, label: str) -> None:
        self.widget = QCheckBox(label)

    def value(self) -> bool:
        return self.widget.isChecked()

    def set_value(self, value: Any) -> None:
        self.widget.setChecked(bool(value))


def enum_choices(enum_cls: type[LabeledEnum]) -> list[tuple[Any, str]]:
    return [(member, member.label) for member in enum_cls]


def editor_for(spec: Field) -> Editor:
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
