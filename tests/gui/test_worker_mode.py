"""A 社工 at an office's server, as they meet the program: signed in through the sign-in dialog with their own
account, the pages of their work only (no 工作台, 三会一课, 党费, 回收站), residents listed and searched with masked
phones and no ID numbers, a resident and a care action edited and saved. Read back as the 书记: what the 社工 could
not see (the ID number, the full phone, the illness) is exactly as it was. A real PostgreSQL with TLS, SCRAM and
the server's roles (`server init`)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QPushButton

from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.care import CareService
from desktop_app.core.services.people import ResidentService
from desktop_app.core.storage import server_connection
from desktop_app.core.storage.startup import open_database
from desktop_app.ui.dialogs.sign_in import SignInDialog
from desktop_app.ui.forms.care import CareForm
from desktop_app.ui.forms.people import ResidentForm
from desktop_app.ui.kit.ui_settings import ui_settings
from desktop_app.ui.shell.app import fill_window, server_in_use
from desktop_app.ui.shell.main_window import MainWindow
from tests.office import ID_NUMBER, ILLNESS, PASSWORD, PHONE, make_office

Click = Qt.MouseButton.LeftButton
Key = Qt.Key


@pytest.fixture(scope="module")
def office(office_server, tmp_path_factory):
    return make_office(office_server, tmp_path_factory.mktemp("office"))


@pytest.fixture
def secretary(office):
    with office.signed_in(office.secretary) as db:
        yield db


@pytest.fixture
def worker_window(qtbot, app, office, drive_modal, type_text, tmp_path):
    """The main window after the 社工 signed in through the sign-in dialog and the data opened."""
    folder = tmp_path / "worker"
    server_connection.save(folder, office.connection(office.worker))
    window = MainWindow(settings=ui_settings(folder))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)

    def sign_in(dialog):
        assert isinstance(dialog, SignInDialog)
        assert dialog.login.text() == office.worker
        type_text(dialog.password, PASSWORD)
        qtbot.keyClick(dialog.password, Key.Key_Return)

    url, password = drive_modal(lambda: server_in_use(window, folder, None), sign_in)
    db = open_database(folder, url, password=password)
    try:
        assert fill_window(window, db, pytest.fail)
        yield window
    finally:
        window.close()
        db.dispose()


def titles(window) -> list[str]:
    return [window.nav.item(row).text() for row in range(window.nav.count())]


def shown_page(qtbot, window, click_page, title):
    click_page(window, title)
    page = window.stack.currentWidget()
    qtbot.waitUntil(lambda: page.isVisible() and page.model.complete, timeout=10000)
    return page


def headers(page) -> list[str]:
    model = page.model
    return [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]


def cell(page, row: int, header: str) -> str:
    return page.model.text(row, headers(page).index(header))


def open_row(qtbot, drive_modal, page, row: int, handle) -> None:
    """Select the row by a click and open it with Enter, as a person does; `handle` fills the form and saves."""
    rect = page.table.visualRect(page.model.index(row, 0, QModelIndex()))
    qtbot.mouseClick(page.table.viewport(), Click, pos=rect.center())
    drive_modal(lambda: qtbot.keyClick(page.table, Key.Key_Return), handle)


def save_button(form):
    return next(b for b in form.findChildren(QPushButton) if b.text() == "保存")


def retype(qtbot, type_text, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    type_text(widget, text)


def test_a_worker_sees_the_pages_of_their_work_and_no_bin(worker_window, qtbot, click_page):
    assert titles(worker_window) == ["关怀记录", "学习考察", "居民", "书记工作室", "设置"]
    for title in titles(worker_window):
        page = worker_window.view(titles(worker_window).index(title))
        click_page(worker_window, title)
        qtbot.waitUntil(page.isVisible, timeout=10000)
        if hasattr(page, "delete_action"):
            assert not page.delete_action.isVisible(), f"{title}: deleting is not offered to a 社工"
    area = QApplication.primaryScreen().availableGeometry()
    assert area.size().toTuple() == (1366, 768)


def test_a_worker_searches_and_edits_a_resident_and_nothing_hidden_changes(
    worker_window, qtbot, click_page, drive_modal, type_text, office, secretary
):
    page = shown_page(qtbot, worker_window, click_page, "居民")
    assert "身份证号" not in headers(page)
    assert not hasattr(page, "unmask"), "nothing to unmask: the server sends a 社工 masked phones"
    page.search.setFocus()
    type_text(page.search, "138")  # the part of the phone a 社工 sees
    qtbot.waitUntil(lambda: page.model.complete and page.record_count() == 1, timeout=10000)
    assert cell(page, 0, "姓名") == "陈静"
    assert cell(page, 0, "联系电话") == "138****5678"
    before = ResidentService(secretary).get(office.resident)

    def edit(form):
        assert isinstance(form, ResidentForm)
        assert "id_number" not in form.editors, "a 社工's form has no ID number"
        assert form.editors["phone"].widget.text() == "138****5678"
        retype(qtbot, type_text, form.editors["address"].widget, "5号楼501室")
        qtbot.mouseClick(save_button(form), Click)

    open_row(qtbot, drive_modal, page, 0, edit)
    qtbot.waitUntil(lambda: page.model.complete and page.record_count() == 1, timeout=10000)
    assert cell(page, 0, "住址") == "5号楼501室"

    after = ResidentService(secretary).get(office.resident)
    assert after["address"] == "5号楼501室"
    assert after["id_number"] == ID_NUMBER, "the ID number the 社工 never saw is as it was"
    assert after["phone"] == PHONE, "the masked phone was not saved over the real one"
    assert {k: v for k, v in after.items() if k not in ("address", "version")} == {
        k: v for k, v in before.items() if k not in ("address", "version")
    }
    assert after["version"] == before["version"] + 1
    # The search text the server filled for the 社工 still holds the full phone, for the 书记's search.
    assert ResidentService(secretary).list_ids(ListQuery(text=PHONE)) == [office.resident]
    assert ResidentService(secretary).list_ids(ListQuery(text="5号楼501")) == [office.resident]


def test_a_worker_edits_a_care_action_without_seeing_or_losing_the_illness(
    worker_window, qtbot, click_page, drive_modal, type_text, office, secretary
):
    page = shown_page(qtbot, worker_window, click_page, "关怀记录")
    assert page.record_count() == 1
    assert cell(page, 0, "对象") == "陈静"

    def edit(form):
        assert isinstance(form, CareForm)
        assert "illness_detail" not in form.editors, "a 社工's form has no illness text"
        retype(qtbot, type_text, form.editors["item"].widget, "帮困金和慰问品")
        qtbot.mouseClick(save_button(form), Click)

    open_row(qtbot, drive_modal, page, 0, edit)
    qtbot.waitUntil(lambda: page.model.complete and cell(page, 0, "关怀内容") == "帮困金和慰问品", timeout=10000)
    saved = CareService(secretary).get(office.care)
    assert saved["item"] == "帮困金和慰问品"
    assert saved["illness_detail"] == ILLNESS, "the illness the 社工 never saw is as it was"
    assert saved["amount"] == 500


def test_a_worker_reads_the_study_visits_and_the_studio(worker_window, qtbot, click_page):
    page = shown_page(qtbot, worker_window, click_page, "学习考察")
    assert page.record_count() == 1
    assert cell(page, 0, "考察地点") == "梅陇六村"
    click_page(worker_window, "书记工作室")
    studio = worker_window.stack.currentWidget()
    qtbot.waitUntil(studio.isVisible, timeout=10000)
