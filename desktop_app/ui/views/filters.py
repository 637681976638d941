"""Filter widgets for record views; each writes its part of a ListQuery."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desktop_app.core.domain.enums import LabeledEnum
from desktop_app.core.domain.periods import Period
from desktop_app.core.services.base import ListQuery
from desktop_app.ui.kit.combo_box import ComboBox
from desktop_app.ui.kit.formatting import date_edit, python_date


def enum_values(enum_cls: type[LabeledEnum]) -> list[tuple[str, str]]:
    """(stored value, label) pairs: filters carry the value, as ListQuery expects."""
    return [(member.value, member.label) for member in enum_cls]


class QueryFilter(QWidget):
    changed = Signal()

    def apply(self, query: ListQuery) -> None:
        raise NotImplementedError


def by_key(key: str, choices: Sequence[tuple[Any, str]]) -> list[tuple[dict[str, Any], str]]:
    """(value, label) pairs as choices that each set the filter `key` to their value."""
    return [({key: value}, label) for value, label in choices]


class ChoiceFilter(QueryFilter):
    """A drop-down whose choice sets filters by the keys the list's service declares; the first item,
    `all_label`, sets none."""

    def __init__(self, all_label: str, choices: Sequence[tuple[dict[str, Any], str]]) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._choices: list[dict[str, Any]] = [{}, *(filters for filters, _ in choices)]
        self.combo = ComboBox()
        self.combo.addItems([all_label, *(label for _, label in choices)])  # at once: thousands of members
        self.combo.currentIndexChanged.connect(self.changed)
        layout.addWidget(self.combo)

    def chosen(self) -> dict[str, Any]:
        return self._choices[max(self.combo.currentIndex(), 0)]

    def apply(self, query: ListQuery) -> None:
        query.filters.update(self.chosen())


class DateRangeFilter(QueryFilter):
    QUICK = (("全部日期", None), ("本月", "month"), ("本季度", "quarter"), ("本年", "year"), ("自定义", "custom"))

    def __init__(self) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.quick = ComboBox()
        for label, value in self.QUICK:
            self.quick.addItem(label, value)
        self.start = date_edit(QDate.currentDate().addMonths(-1))
        self.end = date_edit(QDate.currentDate())
        self.to_label = QLabel("至")
        for edit in (self.start, self.end):
            edit.dateChanged.connect(self.changed)
        layout.addWidget(self.quick)
        layout.addWidget(self.start)
        layout.addWidget(self.to_label)
        layout.addWidget(self.end)
        self.quick.currentIndexChanged.connect(self._quick_changed)
        self._quick_changed()

    def _quick_changed(self) -> None:
        custom = self.quick.currentData() == "custom"
        for widget in (self.start, self.end, self.to_label):
            widget.setVisible(custom)
        self.changed.emit()

    def range(self) -> tuple[dt.date | None, dt.date | None]:
        unit = self.quick.currentData()
        if unit is None:
            return None, None
        if unit == "custom":
            return python_date(self.start.date()), python_date(self.end.date())
        period = Period.containing(dt.date.today(), unit)
        return period.start, period.end

    def apply(self, query: ListQuery) -> None:
        query.date_from, query.date_to = self.range()
