"""Every window, form and dialog fits a 1366×768 office screen with its buttons on screen.

The tests run on an offscreen 1366×768 screen (tests/office_screen.json). The offscreen platform
draws only a thin frame, so the frame a window manager adds is allowed for (ui.kit.screen.FRAME_ALLOWANCE).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialogButtonBox, QWidget

from desktop_app.ui.dialogs.attachments import AttachmentsDialog
from desktop_app.ui.dialogs.first_run import FirstRunDialog
from desktop_app.ui.dialogs.guide import GuideDialog
from desktop_app.ui.dialogs.import_dialog import ImportDialog
from desktop_app.ui.dialogs.restore_dialog import RestoreDialog
from desktop_app.ui.kit.errors import ErrorDialog
from desktop_app.ui.kit.screen import FRAME_ALLOWANCE
from desktop_app.ui.kit.ui_settings import ui_settings
from desktop_app.ui.shell.main_window import MainWindow
from desktop_app.ui.views.records import CareView, MeetingView, MemberView, ResidentView, VisitView
from desktop_app.ui.views.studio import StudioView


def assert_fits(qtbot, window: QWidget) -> None:
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    area = QApplication.primaryScreen().availableGeometry()
    assert area.size().toTuple() == (1366, 768), "the tests run on the office screen"
    framed = QRect(window.geometry().topLeft(), window.size() + FRAME_ALLOWANCE)
    assert framed.width() <= area.width(), (window.windowTitle(), framed)
    assert framed.height() <= area.height(), (window.windowTitle(), framed)
    window.move(area.topLeft())
    for box in window.findChildren(QDialogButtonBox):
        for button in box.findChildren(QAbstractButton):
            if not button.isVisible():
                continue
            top_left = button.mapToGlobal(button.rect().topLeft())
            rect = QRect(top_left, button.size())
            assert area.contains(rect), (window.windowTitle(), button.text(), rect)
            assert window.rect().contains(window.mapFromGlobal(top_left)), (window.windowTitle(), button.text())


@pytest.mark.parametrize(
    ("view_class", "tab"),
    [
        (CareView, None),
        (VisitView, None),
        (MeetingView, None),
        (ResidentView, None),
        (MemberView, None),
        (StudioView, 0),
        (StudioView, 1),
    ],
)
def test_every_record_form_fits_new_and_filled(qtbot, demo_context, view_class, tab):
    page = view = view_class(demo_context)
    qtbot.addWidget(page)
    if tab is not None:
        page.tabs.setCurrentIndex(tab)
        view = page.current()
    for form in (view.open_form(), view.open_form(view.model.record_id(0))):
        assert_fits(qtbot, form)
        if view_class is not MeetingView:  # only the 三会一课 form, with its attendance list, needs to scroll here
            assert form.scroll_area.verticalScrollBar().maximum() == 0, "every field in sight, no scrolling"


@pytest.mark.parametrize("view_class", [MeetingView, VisitView, CareView, MemberView])
def test_forms_fit_at_the_largest_text_size(qtbot, demo_context, view_class):
    from desktop_app.ui.kit.text_size import DEFAULT_POINTS, SIZES, apply_points

    apply_points(max(SIZES.values()))
    try:
        view = view_class(demo_context)
        qtbot.addWidget(view)
        assert_fits(qtbot, view.open_form(view.model.record_id(0)))
    finally:
        apply_points(DEFAULT_POINTS)


def test_dialogs_fit(qtbot, demo_context, tmp_path):
    db = demo_context.db
    assert_fits(qtbot, FirstRunDialog(db))
    assert_fits(qtbot, RestoreDialog(db))
    assert_fits(qtbot, ImportDialog(db, "residents"))
    assert_fits(qtbot, AttachmentsDialog(db, "care", 1))
    assert_fits(qtbot, ErrorDialog("出错了", "详细信息\n" * 200))
    assert_fits(qtbot, GuideDialog())


def test_the_first_window_comes_from_the_screen(qtbot, tmp_path):
    window = MainWindow(settings=ui_settings(tmp_path))
    assert_fits(qtbot, window)


def test_the_settings_save_button_is_in_sight_without_scrolling(qtbot, demo_context):
    from desktop_app.ui.shell.main_window import view_index
    from desktop_app.ui.views.settings import SettingsView

    window = MainWindow(demo_context)
    assert_fits(qtbot, window)
    window.nav.setCurrentRow(view_index(SettingsView))
    button = window.stack.currentWidget().save_button
    assert button.isVisible()
    top_left = button.mapTo(window, button.rect().topLeft())
    assert window.rect().contains(QRect(top_left, button.size()))
