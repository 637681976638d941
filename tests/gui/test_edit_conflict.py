"""Two people, one record, as the second person meets it: the save is refused with who and when, their typed
input stays, and they choose by clicks: look at the other's change, keep theirs over it, or drop it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QPushButton

from desktop_app.core.services.people import ResidentService
from desktop_app.core.storage import audit
from desktop_app.core.storage.database import Database, build_engine, sqlite_url
from desktop_app.ui.dialogs.edit_conflict import EditConflictDialog
from desktop_app.ui.forms.people import ResidentForm
from desktop_app.ui.kit.screen import FRAME_ALLOWANCE

Click = Qt.MouseButton.LeftButton


@pytest.fixture
def edited_meanwhile(qtbot, app, db, type_text):
    """A resident's form with the address retyped, while another client of the same data saves a new
    address: (form, service, id)."""
    service = ResidentService(db)
    resident_id = service.create({"name": "朱国萍", "address": "3号楼201室"})
    form = ResidentForm(service, resident_id)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    address = form.editors["address"].widget
    address.setFocus()
    address.selectAll()
    type_text(address, "3号楼202室")
    assert db.file_path is not None
    other = Database(build_engine(sqlite_url(db.file_path), db.key), db.data_dir)
    try:
        ResidentService(other).update(resident_id, {"name": "朱国萍", "address": "5号楼102室"})
    finally:
        other.dispose()
    return form, service, resident_id


def save_button(form):
    return next(b for b in form.findChildren(QPushButton) if b.text() == "保存")


def button(dialog, text):
    return next(b for b in dialog.findChildren(QPushButton) if b.text().startswith(text))


def test_looking_at_their_change_then_keeping_mine(qtbot, drive_modal, edited_meanwhile):
    form, service, resident_id = edited_meanwhile
    seen: list[list[str]] = []

    def look_then_keep_mine(dialog):
        assert isinstance(dialog, EditConflictDialog)
        assert f"已被 {audit.os_user()} 于" in dialog.message.text()
        assert not dialog.differences.isVisible()
        qtbot.mouseClick(button(dialog, "查看对方的修改"), Click)
        assert dialog.differences.isVisible()
        table = dialog.differences
        seen.extend([table.item(row, column).text() for column in range(3)] for row in range(table.rowCount()))
        area = QApplication.primaryScreen().availableGeometry()
        assert area.size().toTuple() == (1366, 768)
        assert QRect(dialog.geometry().topLeft(), dialog.size() + FRAME_ALLOWANCE).height() <= area.height()
        for choice in dialog.findChildren(QPushButton):
            assert dialog.rect().contains(choice.geometry()), choice.text()
        qtbot.mouseClick(button(dialog, "以我的为准"), Click)

    drive_modal(lambda: qtbot.mouseClick(save_button(form), Click), look_then_keep_mine)
    assert seen == [["住址", "3号楼202室", "5号楼102室"]]
    assert not form.isVisible(), "saved and closed"
    assert service.get(resident_id)["address"] == "3号楼202室"


def test_dropping_mine_keeps_their_save(qtbot, drive_modal, edited_meanwhile, asked):
    form, service, resident_id = edited_meanwhile
    drive_modal(
        lambda: qtbot.mouseClick(save_button(form), Click),
        lambda dialog: qtbot.mouseClick(button(dialog, "放弃我的修改"), Click),
    )
    assert not form.isVisible()
    assert asked == [], "the choice was the question"
    assert service.get(resident_id)["address"] == "5号楼102室"


def test_escape_goes_back_to_the_form_with_everything_typed(qtbot, drive_modal, edited_meanwhile):
    form, service, resident_id = edited_meanwhile
    drive_modal(
        lambda: qtbot.keyClick(form.editors["address"].widget, Qt.Key.Key_Return),
        lambda dialog: qtbot.keyClick(dialog, Qt.Key.Key_Escape),
    )
    assert form.isVisible()
    assert form.editors["address"].widget.text() == "3号楼202室", "what was typed is still there"
    assert service.get(resident_id)["address"] == "5号楼102室", "nothing of theirs overwritten"


def test_settings_saved_meanwhile_are_settled_in_the_same_dialog(qtbot, drive_modal, context, type_text):
    """设置's 居民区信息 saved by another client of the same data while this person typed: the same choice, and
    以我的为准 saves what they typed over it."""
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.ui.views.settings import SettingsView

    db = context.db
    view = SettingsView(context)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    qtbot.waitExposed(view)
    for name, text in (("community_name", "康宁居民区"), ("secretary_name", "李建国")):
        edit = view.profile.edits[name]
        edit.setFocus()
        edit.selectAll()
        type_text(edit, text)
    assert db.file_path is not None
    other = Database(build_engine(sqlite_url(db.file_path), db.key), db.data_dir)
    try:
        theirs = ProfileService(other)
        seen = theirs.get()
        theirs.save({**vars(seen), "community_name": "康宁居民区", "secretary_name": "朱国萍"}, seen.version)
    finally:
        other.dispose()
    seen_rows: list[list[str]] = []

    def look_then_keep_mine(dialog):
        assert isinstance(dialog, EditConflictDialog)
        assert "居民区信息已被" in dialog.message.text()
        qtbot.mouseClick(button(dialog, "查看对方的修改"), Click)
        table = dialog.differences
        seen_rows.extend([table.item(row, column).text() for column in range(3)] for row in range(table.rowCount()))
        qtbot.mouseClick(button(dialog, "以我的为准"), Click)

    drive_modal(lambda: qtbot.mouseClick(view.save_button, Click), look_then_keep_mine)
    assert seen_rows == [["书记姓名", "李建国", "朱国萍"]]
    assert ProfileService(db).get().secretary_name == "李建国"
    assert view.saved_note.text() == "设置已保存。"
