"""What a person has on screen stays true to the data: unsaved edits are asked about before the program closes,
and a page shows what another page changed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.people import ResidentService
from desktop_app.core.services.profile import ProfileService
from desktop_app.ui.main_window import MainWindow


@pytest.fixture
def office_window(qtbot, demo_context):
    """The main window at the office screen's size, shown, as a person starts it."""
    window = MainWindow(demo_context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def close_from_title_bar(window):
    """What the window manager's close button sends: a close request through the platform window."""
    window.windowHandle().close()


def click_answer(qtbot, text):
    """A handler for the 保存 / 不保存 / 取消 question: the button with `text` clicked."""

    def handle(box):
        assert isinstance(box, QMessageBox)
        assert "还没有保存" in box.text()
        button = next(b for b in box.buttons() if b.text() == text)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    return handle


def typed_community_name(qtbot, window, click_page, type_text, name):
    click_page(window, "设置")
    settings = window.stack.currentWidget()
    edit = settings.profile.edits["community_name"]
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(edit, name)
    return settings, edit


def test_closing_with_unsaved_settings_asks_while_the_window_is_shown(
    qtbot, office_window, click_page, type_text, drive_modal
):
    window = office_window
    before = ProfileService(window.context.db).get().community_name
    settings, edit = typed_community_name(qtbot, window, click_page, type_text, "虹旭居民区")
    seen_while_asking = []

    def cancel(box):
        seen_while_asking.append(window.isVisible())
        assert [b.text() for b in box.buttons() if b.text() in ("保存", "不保存", "取消")], "three answers offered"
        click_answer(qtbot, "取消")(box)

    drive_modal(lambda: close_from_title_bar(window), cancel)
    assert seen_while_asking == [True], "the question is asked while the window is still on screen"
    assert window.isVisible(), "取消 keeps the window"
    assert window.stack.currentWidget() is settings
    assert edit.text() == "虹旭居民区", "取消 keeps what was typed"
    assert ProfileService(window.context.db).get().community_name == before

    drive_modal(lambda: close_from_title_bar(window), click_answer(qtbot, "不保存"))
    assert not window.isVisible(), "不保存 closes"
    assert ProfileService(window.context.db).get().community_name == before, "不保存 saves nothing"


def test_closing_saves_settings_when_asked_and_a_failed_save_keeps_the_window(
    qtbot, office_window, click_page, type_text, drive_modal
):
    window = office_window
    settings, edit = typed_community_name(qtbot, window, click_page, type_text, "")
    qtbot.keyClick(edit, Qt.Key.Key_Delete)  # the name is required: this save fails
    click_page(window, "工作台")  # leaving the page asks its own question; answered 是, it fails and stays unsaved
    assert settings.is_dirty()

    drive_modal(lambda: close_from_title_bar(window), click_answer(qtbot, "保存"))
    assert window.isVisible(), "a failed save does not close the program"
    assert window.stack.currentWidget() is settings, "the page whose save failed is shown"
    assert "必须填写" in settings.profile.error.text()

    type_text(edit, "虹旭居民区")
    drive_modal(lambda: close_from_title_bar(window), click_answer(qtbot, "保存"))
    assert not window.isVisible()
    assert ProfileService(window.context.db).get().community_name == "虹旭居民区"


def test_closing_without_unsaved_edits_asks_nothing(qtbot, office_window, click_page):
    click_page(office_window, "设置")
    close_from_title_bar(office_window)  # a question would fail here: no test drives it
    assert not office_window.isVisible()


def open_resident_form_and_type(qtbot, window, click_page, type_text, drive_modal, then):
    """居民 → Ctrl+N, a name typed into the form, then the window is closed while the form is open."""
    click_page(window, "居民")
    residents = window.stack.currentWidget()
    forms = []

    def type_and_close(form):
        forms.append(form)
        type_text(form.editors["name"].widget, "测试居民甲")
        QTimer.singleShot(0, lambda: close_from_title_bar(window))

    drive_modal(
        lambda: qtbot.keyClick(residents.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier),
        type_and_close,
        lambda box: then(box, forms[0]),
    )
    return forms[0]


def resident_names(context, text):
    service = ResidentService(context.db)
    return [service.get(record_id)["name"] for record_id in service.list_ids(ListQuery(text=text))]


def test_closing_with_an_open_form_cancel_keeps_the_form_and_what_was_typed(
    qtbot, office_window, click_page, type_text, drive_modal
):
    window = office_window
    kept = []

    def cancel_then_leave(box, form):
        assert "表单" in box.text()
        click_answer(qtbot, "取消")(box)
        kept.append((window.isVisible(), form.isVisible(), form.editors["name"].value()))
        qtbot.keyClick(form, Qt.Key.Key_Escape)  # the test leaves the form (its own question is answered 是)

    open_resident_form_and_type(qtbot, window, click_page, type_text, drive_modal, cancel_then_leave)
    assert kept == [(True, True, "测试居民甲")], "取消 keeps the window, the form and the typed name"
    assert window.isVisible()


def test_closing_with_an_open_form_saves_it_when_asked(qtbot, office_window, click_page, type_text, drive_modal):
    window = office_window
    open_resident_form_and_type(
        qtbot, window, click_page, type_text, drive_modal, lambda box, form: click_answer(qtbot, "保存")(box)
    )
    qtbot.waitUntil(lambda: not window.isVisible())
    assert resident_names(window.context, "测试居民甲") == ["测试居民甲"]
    assert QApplication.activeModalWidget() is None
