"""字号: one text size for the whole program, for older eyes; kept with the data directory's UI settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:  # its type is built once the settings are read, not before the first window (DEFAULT_POINTS)
    from PySide6.QtCore import QSettings

FONT_SIZE_KEY = "ui/font_size"
DEFAULT_POINTS = 10
SIZES = {"标准": 10, "较大": 12, "大": 14, "特大": 16}


def saved_points(settings: QSettings) -> int:
    value = settings.value(FONT_SIZE_KEY)
    try:
        points = int(value) if value is not None else DEFAULT_POINTS
    except (TypeError, ValueError):
        return DEFAULT_POINTS
    return points if points in SIZES.values() else DEFAULT_POINTS


def apply_points(points: int) -> None:
    """Every widget follows the application font, so one call resizes the whole program."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = app.font()
    font.setPointSize(points)
    app.setFont(font)
    # A widget with a style sheet of its own (the navigation, error lines) keeps the font it was polished with
    # until its sheet is applied again.
    for widget in app.allWidgets():
        if widget.styleSheet():
            widget.setStyleSheet(widget.styleSheet())


def save_points(settings: QSettings, points: int) -> None:
    settings.setValue(FONT_SIZE_KEY, points)
    apply_points(points)
