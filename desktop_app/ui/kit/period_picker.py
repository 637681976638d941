"""The period a report or a package covers: 全年 / 季度 / 月份 / 自定义."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QWidget

from desktop_app.core.domain.periods import QUARTER_NAMES, Period
from desktop_app.ui.kit.combo_box import ComboBox
from desktop_app.ui.kit.formatting import date_edit, python_date


class PeriodPicker(QWidget):
    """全年 / 季度 / 月份 / 自定义, each with its own pickers."""

    changed = Signal()

    UNITS = (("季度", "quarter"), ("全年", "year"), ("月份", "month"), ("自定义", "custom"))

    def __init__(self, custom: bool = True) -> None:
        super().__init__()
        today = dt.date.today()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.unit = ComboBox()
        for label, value in self.UNITS if custom else self.UNITS[:3]:
            self.unit.addItem(label, value)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.year.setSuffix(" 年")
        self.quarter = ComboBox()
        for number, name in enumerate(QUARTER_NAMES, start=1):
            self.quarter.addItem(f"第{name}季度", number)
        self.quarter.setCurrentIndex((today.month - 1) // 3)
        self.month = ComboBox()
        for month in range(1, 13):
            self.month.addItem(f"{month} 月", month)
        self.month.setCurrentIndex(today.month - 1)
        self.start = date_edit(dt.date(today.year, 1, 1))
        self.end = date_edit(today)
        self.to_label = QLabel("至")
        for edit in (self.start, self.end):
            edit.dateChanged.connect(self.changed)
        for widget in (self.unit, self.year, self.quarter, self.month, self.start, self.to_label, self.end):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.unit.currentIndexChanged.connect(self._unit_changed)
        self.year.valueChanged.connect(self.changed)
        self.quarter.currentIndexChanged.connect(self.changed)
        self.month.currentIndexChanged.connect(self.changed)
        self._unit_changed()

    def _unit_changed(self) -> None:
        unit = self.unit.currentData()
        self.year.setVisible(unit != "custom")
        self.quarter.setVisible(unit == "quarter")
        self.month.setVisible(unit == "month")
        for widget in (self.start, self.to_label, self.end):
            widget.setVisible(unit == "custom")
        self.changed.emit()

    def period(self) -> Period:
        unit, year = self.unit.currentData(), self.year.value()
        if unit == "year":
            return Period.year(year)
        if unit == "quarter":
            return Period.quarter(year, self.quarter.currentData())
        if unit == "month":
            return Period.month(year, self.month.currentData())
        return Period.custom(python_date(self.start.date()), python_date(self.end.date()))
