"""What a person has on screen stays true to the data: unsaved edits are asked about before the program closes,
and a page shows what another page changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton

from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.people import ResidentService
from desktop_app.core.services.profile import ProfileService
from desktop_app.ui.shell.main_window import MainWindow

# Qt's own static file dialog, read when the tests are collected, before a fixture replaces it: one test opens it.
REAL_GET_OPEN_FILE_NAME = QFileDialog.getOpenFileName


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
    """居民 → Ctrl+N, a name typed into the form, then the window is closed while the form is open; `then(box,
    form)` answers the question that comes up (inside the close, so nothing else runs meanwhile)."""
    click_page(window, "居民")
    residents = window.stack.currentWidget()
    forms = []

    def type_and_close(form):
        forms.append(form)
        type_text(form.editors["name"].widget, "测试居民甲")
        QTimer.singleShot(0, lambda: then(QApplication.activeModalWidget(), form))  # once the question is up
        close_from_title_bar(window)

    drive_modal(
        lambda: qtbot.keyClick(residents.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier),
        type_and_close,
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


# -- a page shows what another page changed ---------------------------------------------------------


def test_settings_shows_the_street_key_imported_on_the_reports_page(
    qtbot, office_window, click_page, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog

    from desktop_app.core.storage.recipient_key import PublicKey, new_private_key, public_of
    from desktop_app.ui.views.street_boxes import PackageBox

    window = office_window
    click_page(window, "设置")
    settings = window.stack.currentWidget()
    assert "还没有导入街道公钥" in settings.street_key.state.text()
    key = PublicKey(public_of(new_private_key()), "示例街道")
    key_file = tmp_path / "街道公钥.pub"
    key_file.write_text(key.to_file_text(), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(key_file), ""))

    click_page(window, "报表导出")
    package = window.stack.currentWidget().findChild(PackageBox)
    qtbot.mouseClick(package.key_button, Qt.MouseButton.LeftButton)
    assert "示例街道" in package.key_state.text()

    click_page(window, "设置")
    assert window.stack.currentWidget() is settings
    assert key.fingerprint in settings.street_key.state.text(), "设置 shows the key imported elsewhere"
    assert "还没有导入" not in settings.street_key.state.text()


def test_the_reports_page_shows_the_street_key_imported_in_settings(
    qtbot, office_window, click_page, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog, QPushButton

    from desktop_app.core.storage.recipient_key import PublicKey, new_private_key, public_of
    from desktop_app.ui.views.street_boxes import PackageBox

    window = office_window
    click_page(window, "报表导出")
    package = window.stack.currentWidget().findChild(PackageBox)
    assert not package.build_button.isEnabled()
    key_file = tmp_path / "街道公钥.pub"
    key_file.write_text(PublicKey(public_of(new_private_key()), "示例街道").to_file_text(), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(key_file), ""))
    click_page(window, "设置")
    settings = window.stack.currentWidget()
    button = next(b for b in settings.street_key.findChildren(QPushButton) if b.text() == "导入街道公钥…")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    click_page(window, "报表导出")
    assert "示例街道" in package.key_state.text()
    assert package.build_button.isEnabled(), "the package can be made at once, without a restart"


def test_settings_keeps_unsaved_edits_when_it_reads_afresh(
    qtbot, office_window, click_page, type_text, drive_modal, monkeypatch
):
    from desktop_app.core.services.care import CareCategoryService
    from desktop_app.ui.kit import prompts

    window = office_window
    settings, edit = typed_community_name(qtbot, window, click_page, type_text, "虹旭居民区")
    monkeypatch.setattr(prompts, "ask", lambda parent, question: False)  # 否: the edit stays on the page, unsaved
    click_page(window, "工作台")
    CareCategoryService(window.context.db).create({"name": "重阳敬老"})  # written elsewhere meanwhile
    click_page(window, "设置")
    assert edit.text() == "虹旭居民区", "what was typed and not saved is kept"
    table = settings.categories.table
    assert "重阳敬老" in [table.item(row, 0).text() for row in range(table.rowCount())]
    drive_modal(lambda: close_from_title_bar(window), click_answer(qtbot, "不保存"))


def test_a_commit_on_a_worker_reaches_the_pages_through_the_gui_thread(qtbot, office_window, click_page):
    import threading

    from desktop_app.core.services.care import CareCategoryService

    window = office_window
    click_page(window, "设置")
    settings = window.stack.currentWidget()
    click_page(window, "工作台")
    worker = threading.Thread(target=lambda: CareCategoryService(window.context.db).create({"name": "重阳敬老"}))
    worker.start()
    worker.join()
    assert not settings.stale, "the worker touched nothing of Qt's: the change waits for the GUI thread"
    qtbot.waitUntil(lambda: settings.stale)
    click_page(window, "设置")
    table = settings.categories.table
    assert "重阳敬老" in [table.item(row, 0).text() for row in range(table.rowCount())]
    assert not settings.stale


def test_the_meeting_forms_unmarked_warning_goes_when_the_marks_are_made(
    qtbot, office_window, click_page, type_text, drive_modal
):
    from desktop_app.core.services.meetings import MeetingService

    window = office_window
    click_page(window, "三会一课")
    meetings = window.stack.currentWidget()
    seen = []

    def fill_save_mark_save(form):
        topic = form.editors["topic"].widget
        topic.setFocus()
        type_text(topic, "学习新修订的条例")
        save = form.buttons.button(form.buttons.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        seen.append((form.general_error.isVisible(), form.general_error.text()))
        rest = next(b for b in form.findChildren(QPushButton) if b.text() == "其余标为出席")
        qtbot.mouseClick(rest, Qt.MouseButton.LeftButton)
        seen.append((form.general_error.isVisible(), form.general_error.text()))
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)

    before = len(MeetingService(window.context.db).list_ids())
    drive_modal(
        lambda: qtbot.keyClick(meetings.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier),
        fill_save_mark_save,
    )
    (shown, said), (after_marks, left) = seen
    assert shown
    assert "人未标记" in said
    assert not after_marks, f"the warning went once everyone was marked (still: {left!r})"
    assert len(MeetingService(window.context.db).list_ids()) == before + 1


# -- 街道: the 汇总工作台 and the 汇总报表 give one verdict ---------------------------------------------


def test_the_street_dashboard_and_the_export_agree_on_every_verdict(qtbot, db, tmp_path, click_page):
    """Three demo communities send the four quarters of this year; the 汇总工作台 shows 报送 and 三会一课 in
    separate worded columns, and its 三会一课 column says what the 三会一课开展情况汇总表 says, for each."""
    import openpyxl

    from desktop_app.core.domain.enums import MeetingKind
    from desktop_app.core.domain.periods import Period
    from desktop_app.core.exchange.demo import fill_demo
    from desktop_app.core.exchange.packages.build import build_package, package_period
    from desktop_app.core.exchange.packages.street_import import import_packages
    from desktop_app.core.exchange.reports.registry import STREET, export_report
    from desktop_app.core.services.mode import ModeService
    from desktop_app.core.services.street import StreetKeyService
    from desktop_app.core.storage.startup import open_database
    from desktop_app.ui.kit.context import AppContext
    from tests.conftest import TEST_DATA_KEY

    year = dt.date.today().year
    ModeService(db).become_street("示例街道")
    key = StreetKeyService(db).create_key_pair("示例街道")
    files = []
    for seed in (21, 22, 23):
        community = open_database(tmp_path / f"community-{seed}", key=TEST_DATA_KEY)
        fill_demo(community, "small", seed=seed)
        StreetKeyService(community).set_street_key(key)
        for quarter in range(1, 5):
            files.append(tmp_path / f"{seed}-{quarter}.sjb")
            build_package(community, package_period(f"{year}Q{quarter}"), files[-1])
        community.dispose()
    import_packages(db, files, add_units=True)
    window = MainWindow(AppContext.open(db))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    click_page(window, "汇总工作台")
    table = window.stack.currentWidget().table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[1:3] == ["第一季度\n报送", "第一季度\n三会一课"]
    on_screen = {
        table.item(row, 0).text().split("（")[0]: [table.item(row, 2 * q + 2).text() for q in range(4)]
        for row in range(table.rowCount())
    }
    assert {table.item(row, 1).text() for row in range(table.rowCount())} == {"已报"}

    verdict_column = 3 + len(MeetingKind)
    exported: dict[str, list[str]] = {name: [] for name in on_screen}
    for quarter in range(1, 5):
        target = tmp_path / f"汇总{quarter}.xlsx"
        export_report(db, "meetings", Period.quarter(year, quarter), target, catalogue=STREET)
        sheet = openpyxl.load_workbook(target)["汇总"]
        for row in range(4, 4 + len(on_screen)):
            exported[sheet.cell(row, 2).value].append(sheet.cell(row, verdict_column).value)
    assert on_screen == exported
    verdicts = {text.split("：")[0] for texts in on_screen.values() for text in texts}
    assert verdicts == {"达标", "未达标"}, "the demo street has both verdicts, so the comparison means something"
    short = next(text for texts in on_screen.values() for text in texts if text.startswith("未达标"))
    assert "实开" in short, "未达标 says what is missing"


# -- 街道 设置: the list of communities -------------------------------------------------------------


@pytest.fixture
def street_settings(qtbot, db, click_page):
    """A street office's window at 1366×768 on its 设置 page; returns (window, the list's box)."""
    from desktop_app.core.services.mode import ModeService
    from desktop_app.core.services.street import StreetKeyService
    from desktop_app.ui.kit.context import AppContext
    from desktop_app.ui.views.street_boxes import StreetOfficeBox

    ModeService(db).become_street("示例街道")
    StreetKeyService(db).create_key_pair("示例街道")
    window = MainWindow(AppContext.open(db))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    click_page(window, "设置")
    return window, window.stack.currentWidget().findChild(StreetOfficeBox)


def click_row(qtbot, table, row):
    table.scrollToItem(table.item(row, 1))
    rect = table.visualItemRect(table.item(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def unit_dialog_typing(qtbot, type_text, code=None, name=None):
    """A handler for 添加/编辑居民区: the fields typed over, then Enter."""

    def handle(dialog):
        for edit, text in ((dialog.code, code), (dialog.name, name)):
            if text is not None:
                edit.setFocus()
                qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
                type_text(edit, text)
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)

    return handle


def test_a_street_office_adds_corrects_and_deletes_a_community_by_clicks(
    qtbot, street_settings, drive_modal, type_text, asked
):
    from desktop_app.core.services.street import StreetUnitService

    window, box = street_settings
    units = StreetUnitService(window.context.db)
    drive_modal(
        lambda: qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton),
        unit_dialog_typing(qtbot, type_text, "310100099", "新材居民区"),
    )
    assert [(u.code, u.name) for u in units.list()] == [("310100099", "新材居民区")]
    click_row(qtbot, box.table, 0)
    assert box.delete_button.isEnabled(), "nothing came from it yet: it may be deleted"
    drive_modal(
        lambda: qtbot.mouseClick(box.edit_button, Qt.MouseButton.LeftButton),
        unit_dialog_typing(qtbot, type_text, "310100098", "新村居民区"),
    )
    assert [(u.code, u.name) for u in units.list()] == [("310100098", "新村居民区")]
    assert box.table.item(0, 1).text() == "新村居民区"
    click_row(qtbot, box.table, 0)
    qtbot.mouseClick(box.delete_button, Qt.MouseButton.LeftButton)
    assert "删除新村居民区" in asked[-1]
    assert units.list() == []
    assert box.table.rowCount() == 0


def test_a_community_that_reported_is_retired_not_deleted(qtbot, street_settings, tmp_path, click_page):
    from desktop_app.core.exchange.demo import fill_demo
    from desktop_app.core.exchange.packages.build import build_package, package_period
    from desktop_app.core.exchange.packages.street_import import import_packages
    from desktop_app.core.services.street import StreetKeyService, StreetUnitService
    from desktop_app.core.storage.startup import open_database
    from tests.conftest import TEST_DATA_KEY

    window, box = street_settings
    db = window.context.db
    community = open_database(tmp_path / "community", key=TEST_DATA_KEY)
    fill_demo(community, "small", seed=21)
    StreetKeyService(community).set_street_key(StreetKeyService(db).own_public_key())
    build_package(community, package_period(f"{dt.date.today().year}Q1"), tmp_path / "21.sjb")
    community.dispose()
    import_packages(db, [tmp_path / "21.sjb"], add_units=True)
    click_page(window, "汇总工作台")
    click_page(window, "设置")  # the list shows the community the import added
    click_row(qtbot, box.table, 0)
    assert box.table.item(0, 3).text() == "1 个"
    assert not box.delete_button.isEnabled(), "a community that reported cannot be deleted"
    assert "停用" in box.delete_button.toolTip()
    qtbot.mouseClick(box.retire_button, Qt.MouseButton.LeftButton)
    assert StreetUnitService(db).get("310100021").retired
    assert box.table.item(0, 2).text() == "已停用"
    assert box.retire_button.text() == "启用"


def test_adding_a_community_leaves_the_page_where_it_was(
    qtbot, street_settings, drive_modal, type_text, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog

    window, box = street_settings
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "街道公钥.pub"), ""))
    export = next(b for b in box.findChildren(QPushButton) if b.text() == "导出本街道公钥…")
    qtbot.mouseClick(export, Qt.MouseButton.LeftButton)
    assert (tmp_path / "街道公钥.pub").exists()
    page = window.stack.currentWidget()
    add = next(b for b in box.findChildren(QPushButton) if b.text() == "添加居民区…")
    before = (box.table.mapTo(page, box.table.rect().topLeft()), box.table.height())
    for number in range(1, 4):
        drive_modal(
            lambda: qtbot.mouseClick(add, Qt.MouseButton.LeftButton),
            unit_dialog_typing(qtbot, type_text, f"31010000{number}", f"示例{number}号居民区"),
        )
        QApplication.processEvents()  # the layout settles, as it would between two clicks
        assert (box.table.mapTo(page, box.table.rect().topLeft()), box.table.height()) == before
    assert box.table.rowCount() == 3
    assert "已保存到" in box.saved_to.text(), "where the key was saved is still said"


# -- dates as the program writes them, and file dialogs that open where the files are ------------------


def test_a_custom_period_reads_as_dates_are_written(qtbot, office_window, click_page, monkeypatch):
    from PySide6.QtCore import QLocale

    monkeypatch.setattr(QLocale, "system", staticmethod(QLocale.c))  # a desktop left in the C locale
    window = office_window
    click_page(window, "报表导出")
    page = window.stack.currentWidget()
    picker = page.period
    picker.unit.setFocus()
    qtbot.keyClick(picker.unit, Qt.Key.Key_End)  # 自定义, the last choice
    assert picker.unit.currentText() == "自定义"
    for edit, typed in ((picker.start, "20240105"), (picker.end, "20240630")):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # on to the date, its year selected
        assert edit.hasFocus()
        qtbot.keyClicks(edit, typed)  # each part goes on to the next when it is whole
    assert (picker.start.text(), picker.end.text()) == ("2024-01-05", "2024-06-30")
    assert page.preview.text().startswith("2024年1月5日至2024年6月30日："), page.preview.text()


def test_every_date_field_shows_the_programs_format_under_any_locale(qtbot, demo_context, click_page, monkeypatch):
    import re

    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QDateEdit

    monkeypatch.setattr(QLocale, "system", staticmethod(QLocale.c))
    window = MainWindow(demo_context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    for row in range(window.nav.count()):
        click_page(window, window.nav.item(row).text())
    edits = window.findChildren(QDateEdit)
    assert len(edits) >= 5, "the filters, 党费, 报表导出 and 设置 have date fields"
    shown = {edit.text() for edit in edits}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) for text in shown), shown


def test_file_dialogs_open_in_documents_then_where_that_kind_was_last_chosen(
    qtbot, office_window, click_page, tmp_path, monkeypatch
):
    import os

    documents = tmp_path / "文档"  # the person's 文档, as the desktop names it (XDG user dirs)
    documents.mkdir()
    (tmp_path / "xdg").mkdir()
    (tmp_path / "xdg" / "user-dirs.dirs").write_text(f'XDG_DOCUMENTS_DIR="{documents}"\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    asked_in: list[str] = []
    chosen = tmp_path / "上报"
    chosen.mkdir()

    def save_as(parent, title, start, filters):
        asked_in.append(str(start))
        return str(chosen / "报表.xlsx"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    window = office_window
    click_page(window, "报表导出")
    page = window.stack.currentWidget()
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.task is not None and page.task.done, timeout=20000)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.task.done, timeout=20000)
    first, second = (Path(start).parent for start in asked_in)
    assert first == documents, "the first time: 文档"
    assert first != Path(os.getcwd()), "never the program's own folder"
    assert second == chosen, "then the folder last used for a report"
    assert (chosen / "报表.xlsx").exists()

    opened_in: list[str] = []

    def open_one(parent, title, start, filters):
        opened_in.append(str(start))
        return "", ""  # the person cancels

    monkeypatch.setattr(QFileDialog, "getOpenFileName", open_one)
    click_page(window, "设置")
    settings = window.stack.currentWidget()
    button = next(b for b in settings.street_key.findChildren(QPushButton) if b.text() == "导入街道公钥…")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened_in == [str(documents)], "another kind of file starts in 文档, not in the reports' folder"


def test_qt_own_file_dialog_shows_dates_and_sizes_as_the_program_does(
    qtbot, office_window, click_page, tmp_path, monkeypatch, drive_modal
):
    import re

    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QTreeView

    from desktop_app.ui.kit.file_dialogs import FileKind

    monkeypatch.setattr(QLocale, "system", staticmethod(QLocale.c))
    folder = tmp_path / "街道来的文件"
    folder.mkdir()
    (folder / "街道公钥.pub").write_text("{}", encoding="utf-8")
    window = office_window
    window.context.settings.setValue(FileKind.STREET_KEY.value, str(folder))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", REAL_GET_OPEN_FILE_NAME)
    click_page(window, "设置")
    settings = window.stack.currentWidget()
    button = next(b for b in settings.street_key.findChildren(QPushButton) if b.text() == "导入街道公钥…")
    seen: list[tuple[str, str, str]] = []

    def read_the_list(dialog):
        assert isinstance(dialog, QFileDialog)
        view = next(v for v in dialog.findChildren(QTreeView) if v.objectName() == "treeView")

        def file_row():
            model, root = view.model(), view.rootIndex()  # as the list is shown now (Qt's dialog fills it later)
            rows = [model.index(r, 0, root) for r in range(model.rowCount(root))]
            return next((index for index in rows if index.data() == "街道公钥.pub"), None)

        qtbot.waitUntil(lambda: file_row() is not None and dialog.proxyModel() is not None, timeout=5000)
        row = file_row()
        cell = row.model().index
        seen.append(
            (
                dialog.directory().absolutePath(),
                cell(row.row(), 1, row.parent()).data(),
                cell(row.row(), 3, row.parent()).data(),
            )
        )
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    drive_modal(lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton), read_the_list)
    [(where, size, modified)] = seen
    assert Path(where) == folder, "the dialog opened where a street key was last chosen"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", modified), modified
    assert "字节" in size, size


# -- the window manager's close while a modal form is open ------------------------------------------

WM_PROTOCOLS, WM_DELETE_WINDOW = 301, 302  # the X server's numbers for the two atoms (any two will do)


@pytest.fixture
def window_manager(monkeypatch):
    """`close(window)`: what a window manager does for the title bar's × on X11: a WM_DELETE_WINDOW
    client message to the window, handed by Qt's xcb platform to the application's native event filters
    before Qt itself sees it (and drops it while a modal dialog blocks the window)."""
    import ctypes

    from desktop_app.ui.shell import close_requests

    monkeypatch.setattr(close_requests, "x11_atoms", lambda names: (WM_PROTOCOLS, WM_DELETE_WINDOW))
    for installed in close_requests._installed:
        monkeypatch.setattr(installed, "_x11", None)

    def close(window):
        event = close_requests.XcbClientMessage(
            response_type=33 | 0x80, format=32, window=int(window.winId()), type=WM_PROTOCOLS
        )
        event.data32[0] = WM_DELETE_WINDOW
        # The filters the program installed see the message first (PySide6's dispatcher cannot be handed one
        # from Python, so they are called as it calls them); one that takes it ends it there.
        message = (b"xcb_generic_event_t", ctypes.addressof(event))
        if any(installed.nativeEventFilter(*message)[0] for installed in close_requests._installed):
            return
        if QApplication.activeModalWidget() is None:  # Qt's own handling: a close event to the window, ...
            close_from_title_bar(window)
        # ... but none while a modal dialog blocks the window: Qt drops the request.

    return close


def close_with_form_open(qtbot, window, window_manager, form, answer):
    """The window manager closes `window` while `form` is open over it; `answer(box)` answers the question
    asked (at once, inside the close: nothing else runs meanwhile). Returns whether a question came."""
    from PySide6.QtWidgets import QMessageBox

    asked = []

    def answer_when_asked(waited=0):
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            asked.append((window.isVisible(), box.text()))
            answer(box)
        elif waited < 3000:
            QTimer.singleShot(10, lambda: answer_when_asked(waited + 10))

    QTimer.singleShot(0, lambda: answer_when_asked())
    window_manager(window)
    qtbot.wait(200)  # the close runs from the event loop, as the window manager's message does
    return asked


def care_names(context, name):
    from desktop_app.core.services.care import CareService

    service = CareService(context.db)
    return [service.get(record_id)["recipient_name"] for record_id in service.list_ids(ListQuery(text=name))]


def new_care_form(qtbot, window, click_page, drive_modal, handle):
    click_page(window, "关怀记录")
    page = window.stack.currentWidget()
    drive_modal(lambda: qtbot.keyClick(page.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier), handle)


def test_window_manager_close_with_a_care_form_open_asks_and_cancel_keeps_what_was_typed(
    qtbot, office_window, click_page, type_text, drive_modal, window_manager
):
    window = office_window
    seen = []

    def type_cancel_then_discard(form):
        type_text(form.editors["recipient_name"].widget, "王测试甲")
        asked = close_with_form_open(qtbot, window, window_manager, form, click_answer(qtbot, "取消"))
        seen.append((asked, window.isVisible(), form.isVisible(), form.editors["recipient_name"].value()))
        asked = close_with_form_open(qtbot, window, window_manager, form, click_answer(qtbot, "不保存"))
        seen.append((len(asked), form.isVisible()))

    new_care_form(qtbot, window, click_page, drive_modal, type_cancel_then_discard)
    (asked, shown, form_shown, name), discarded = seen
    assert len(asked) == 1, "the window manager's close asks about the open form"
    assert asked[0][0], "asked while the window is still on screen"
    assert "“新增关怀记录”表单" in asked[0][1]
    assert (shown, form_shown, name) == (True, True, "王测试甲"), "取消 keeps the window, the form and the name"
    assert discarded == (1, False), "不保存 closes the form"
    qtbot.waitUntil(lambda: not window.isVisible())
    assert care_names(window.context, "王测试甲") == [], "不保存 saves nothing"


def test_window_manager_close_with_a_care_form_open_saves_it_when_asked(
    qtbot, office_window, click_page, type_text, drive_modal, window_manager
):
    window = office_window

    def type_and_save(form):
        type_text(form.editors["recipient_name"].widget, "王测试乙")
        assert close_with_form_open(qtbot, window, window_manager, form, click_answer(qtbot, "保存"))

    new_care_form(qtbot, window, click_page, drive_modal, type_and_save)
    qtbot.waitUntil(lambda: not window.isVisible())
    assert care_names(window.context, "王测试乙") == ["王测试乙"]


def test_window_manager_close_with_an_invalid_meeting_form_keeps_it_open_with_the_error(
    qtbot, office_window, click_page, type_text, drive_modal, window_manager
):
    from desktop_app.core.services.meetings import MeetingService

    window = office_window
    click_page(window, "三会一课")
    page = window.stack.currentWidget()
    before = len(MeetingService(window.context.db).list_ids(ListQuery()))
    seen = []

    def type_place_and_save(form):
        type_text(form.editors["place"].widget, "居民区活动室")  # 主题 is required and left empty
        asked = close_with_form_open(qtbot, window, window_manager, form, click_answer(qtbot, "保存"))
        seen.append((len(asked), window.isVisible(), form.isVisible(), form.editors["place"].value()))
        seen.append(form.error_labels["topic"].text())
        qtbot.keyClick(form, Qt.Key.Key_Escape)  # the test leaves the form (its own question is answered 是)

    drive_modal(
        lambda: qtbot.keyClick(page.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier), type_place_and_save
    )
    assert seen[0] == (1, True, True, "居民区活动室"), "a failed save keeps the window, the form and what was typed"
    assert "必须填写" in seen[1], "the form says in Chinese what is missing"
    assert window.isVisible()
    assert len(MeetingService(window.context.db).list_ids(ListQuery())) == before


def test_window_manager_close_with_a_dues_dialog_open_asks_and_saves_what_was_typed(
    qtbot, office_window, click_page, type_text, drive_modal, window_manager
):
    """Not only record forms: a 党费 dialog with a typed base is asked about the same way (取消 keeps it, 保存
    records it) — before, closing the window either did nothing or would have dropped the typed base."""
    from decimal import Decimal

    from desktop_app.core.services.dues import DuesService

    window = office_window
    click_page(window, "党费")
    view = window.stack.currentWidget()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, 0))
    member = view.model.rows[0].member_id
    seen = []

    def type_cancel_then_save(dialog):
        dialog.base.setFocus()
        type_text(dialog.base, "3000.01")
        asked = close_with_form_open(qtbot, window, window_manager, dialog, click_answer(qtbot, "取消"))
        seen.append(([text for _, text in asked], dialog.isVisible(), dialog.base.text()))
        asked = close_with_form_open(qtbot, window, window_manager, dialog, click_answer(qtbot, "保存"))
        seen.append((len(asked), dialog.isVisible()))

    drive_modal(
        lambda: qtbot.keyClick(view.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier), type_cancel_then_save
    )
    (texts, kept_open, base), (asked_again, still_open) = seen
    [text] = texts
    assert "核定党费" in text, "the dialog is named in the question"
    assert (kept_open, base) == (True, "3000.01"), "取消 keeps the dialog and the typed base"
    assert (asked_again, still_open) == (1, False), "保存 records it"
    qtbot.waitUntil(lambda: not window.isVisible())
    ledger = {row.member_id: row for row in DuesService(window.context.db).ledger(dt.date.today().year)}
    assert ledger[member].owed[12] == Decimal("30.00"), "the base typed was recorded: 1 % of 3000.01 a month"


def test_a_windows_close_message_of_the_blocked_window_is_asked_about_too(
    qtbot, office_window, click_page, type_text, drive_modal
):
    """On Windows the taskbar's 关闭窗口 sends WM_CLOSE to the main window, which Qt drops as well while a form
    blocks it; the same filter takes it (the message is made here as Windows lays out a MSG)."""
    import ctypes

    from PySide6.QtWidgets import QMessageBox

    from desktop_app.ui.shell import close_requests

    window = office_window
    asked = []

    def close_by_windows(form):
        type_text(form.editors["recipient_name"].widget, "王测试丙")
        message = close_requests.WindowsMessage(hwnd=int(window.winId()), message=close_requests.WM_CLOSE)

        def answer(waited=0):
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox):
                asked.append(box.text())
                click_answer(qtbot, "取消")(box)
            elif waited < 3000:
                QTimer.singleShot(10, lambda: answer(waited + 10))

        QTimer.singleShot(0, answer)
        handled = [
            f.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(message))[0] for f in close_requests._installed
        ]
        assert handled == [True]
        qtbot.wait(200)
        asked.append(form.editors["recipient_name"].value())
        qtbot.keyClick(form, Qt.Key.Key_Escape)

    new_care_form(qtbot, window, click_page, drive_modal, close_by_windows)
    assert len(asked) == 2
    assert "“新增关怀记录”表单" in asked[0]
    assert asked[1] == "王测试丙", "取消 keeps what was typed"
    assert window.isVisible()
