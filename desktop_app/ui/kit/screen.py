"""Sizes that fit the person's screen: a 1366×768 office screen is the common case, not the exception."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Room the window manager takes around a top-level window (title bar, borders).
FRAME_ALLOWANCE = QSize(16, 40)


def available_size(widget: QWidget | None = None) -> QSize:
    """The available area (without task bars), less a window frame, of the screen the window opens on:
    its parent window's screen, else the primary one.

    The screen is looked up through QGuiApplication, not `widget.screen()`: PySide ties the QScreen
    returned by the latter to the widget's wrapper, and once the widget was gone the garbage collector
    deleted Qt's own QScreen, crashing the program at the next window (seen in the test suite).
    """
    parent = widget.parentWidget() if widget is not None else None
    screen = QGuiApplication.screenAt(parent.window().geometry().center()) if parent is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    area = screen.availableGeometry().size()
    return QSize(area.width() - FRAME_ALLOWANCE.width(), area.height() - FRAME_ALLOWANCE.height())


def fitted(preferred: QSize, widget: QWidget | None = None) -> QSize:
    """`preferred`, shrunk where needed to fit the screen."""
    return preferred.boundedTo(available_size(widget))


def fit_to_screen(widget: QWidget, preferred: QSize) -> None:
    """Size a window to `preferred`, shrunk where needed to fit the screen it opens on; never lower than its
    layout needs at that width (wrapped notes take more lines at a larger 字号, and a window left at the
    preferred height squeezed its fields instead)."""
    size = fitted(preferred, widget)
    layout = widget.layout()
    if layout is not None and layout.hasHeightForWidth():
        size.setHeight(max(size.height(), layout.totalHeightForWidth(size.width())))
    widget.resize(fitted(size, widget))
