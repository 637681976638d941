"""字号: at every text size a person can choose in 设置, every page of the window fits a 1366×768 screen,
with its buttons and the way back (the navigation) in sight."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QApplication, QScrollArea, QWidget

from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.services.mode import ModeService
from desktop_app.core.services.street import StreetKeyService
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.kit.screen import FRAME_ALLOWANCE
from desktop_app.ui.kit.text_size import SIZES, apply_points
from desktop_app.ui.shell.main_window import MainWindow


def outside_scrolling(widget: QWidget, page: QWidget) -> bool:
    """Whether `widget` sits on the page itself, not inside a scroll area (which may scroll it away)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not page:
        if isinstance(parent, QAbstractScrollArea):
            return False
        parent = parent.parentWidget()
    return True


def assert_page_fits(qtbot, window: MainWindow, title: str) -> None:
    QApplication.processEvents()
    area = QApplication.primaryScreen().availableGeometry()
    assert area.size().toTuple() == (1366, 768), "the tests run on the office screen"
    least = window.minimumSizeHint().expandedTo(window.minimumSize()) + FRAME_ALLOWANCE
    assert least.width() <= area.width(), (title, least)
    assert least.height() <= area.height(), (title, least)
    framed = window.size() + FRAME_ALLOWANCE
    assert framed.width() <= area.width(), (title, framed)
    assert framed.height() <= area.height(), (title, framed)
    page = window.stack.currentWidget()
    for scroll_area in page.findChildren(QScrollArea):  # a page scrolls down, never sideways
        assert scroll_area.horizontalScrollBar().maximum() == 0, (title, "scrolls sideways")
    for button in page.findChildren(QAbstractButton):
        if button.isVisible() and outside_scrolling(button, page):
            rect = QRect(button.mapTo(window, button.rect().topLeft()), button.size())
            assert window.rect().contains(rect), (title, button.text(), rect, window.size())
    assert window.nav.font().pointSize() == QApplication.font().pointSize(), "the navigation follows the 字号"
    for row in range(window.nav.count()):  # every page, 设置 and the way back among them
        rect = window.nav.visualItemRect(window.nav.item(row))
        assert window.nav.viewport().rect().contains(rect), (title, window.nav.item(row).text())


@pytest.mark.parametrize("label", list(SIZES))
def test_every_page_fits_the_office_screen_at_every_text_size(qtbot, context, click_page, choose_text_size, label):
    fill_demo(context.db, "small", today=dt.date.today())  # this year's data: the longest 党费 totals
    window = MainWindow(context)
    qtbot.addWidget(window)
    choose_text_size(window, label)
    for row in range(window.nav.count()):
        title = window.nav.item(row).text()
        click_page(window, title)
        assert window.stack.currentIndex() == row
        assert_page_fits(qtbot, window, title)


@pytest.mark.parametrize("label", ["标准", "特大"])
def test_a_street_offices_pages_fit_at_the_smallest_and_largest_text_size(
    qtbot, db, click_page, app, text_size_restored, label
):
    ModeService(db).become_street("示例街道")
    StreetKeyService(db).create_key_pair("示例街道")
    window = MainWindow(AppContext.open(db))
    qtbot.addWidget(window)
    apply_points(SIZES[label])  # the street's 设置 has no 字号 box of its own
    for row in range(window.nav.count()):
        title = window.nav.item(row).text()
        click_page(window, title)
        assert_page_fits(qtbot, window, title)


@pytest.mark.parametrize("label", ["标准", "特大"])
def test_a_study_visits_participants_show_their_names_whole(
    qtbot, demo_context, drive_modal, text_size_restored, label, office_page
):
    """学习考察 → Ctrl+N at 1366×768: beside the 借鉴举措 table the 参加人员 list was squeezed at 特大 until a
    name read “陈建…”; the list keeps room for every name (the form scrolls sideways instead)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyle

    apply_points(SIZES[label])
    window, page = office_page(demo_context, "学习考察")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    cut = []

    def look(form):
        people = form.participants.list
        style = people.style()
        # What an item's text gets: the row less the check box and the item's margins on both sides.
        beside = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, people) + 4 * (
            style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, people) + 1
        )
        for row in range(people.count()):
            name = people.item(row).text()
            if people.fontMetrics().horizontalAdvance(name) + beside > people.viewport().width():
                cut.append(name)
        qtbot.keyClick(form, Qt.Key.Key_Escape)

    drive_modal(lambda: qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier), look)
    assert cut == []
