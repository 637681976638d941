"""A secretary's first day, by keyboard: set the program up on an empty data directory, record a
支委会 with two absences, a care action found by pinyin initials, a 学习考察 with two 借鉴举措, delete
and restore a record, export the quarter, save a meeting as PDF; then start a new process on the same
data and check every record, the 操作记录 and the window's remembered size."""

from __future__ import annotations

import json
import subprocess
import sys

from PySide6.QtCore import Qt as _Qt
from PySide6.QtCore import QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QPushButton

from desktop_app.core.storage.paths import DATABASE_FILENAME
from desktop_app.ui.kit.background import BackgroundTask
from desktop_app.ui.kit.ui_settings import ui_settings
from desktop_app.ui.shell.app import Start
from desktop_app.ui.shell.main_window import MainWindow

Key = _Qt.Key
CTRL = _Qt.KeyboardModifier.ControlModifier

READ_BACK = r"""
import json, sys
from pathlib import Path
from PySide6.QtCore import QSettings
from desktop_app.core.storage.audit import AuditService
from desktop_app.core.services.registry import record_services
from desktop_app.core.storage.keys import open_keys
from desktop_app.core.storage.startup import open_database
directory = Path(sys.argv[1])
db = open_database(directory, key=open_keys(directory, sys.argv[2]))  # the recovery key she wrote down
out = {}
for key, service in record_services(db).items():
    out[key] = [service.get(i) for i in service.list_ids()]
out["audit"] = [(e.action.value, e.record_kind, e.summary, e.changes) for e in AuditService(db).entries()]
settings = QSettings(str(directory / "界面设置.ini"), QSettings.Format.IniFormat)
out["has_geometry"] = settings.value("window/geometry") is not None
db.dispose()
print(json.dumps(out, ensure_ascii=False, default=str))
"""


def test_a_secretarys_day_by_keyboard(
    qtbot, tmp_path, monkeypatch, drive_modal, type_text, set_password, record_recovery_key
):

    asked: list[str] = []
    # She confirms the delete; she keeps the two absences when marking the rest present.
    from desktop_app.ui.kit import prompts

    monkeypatch.setattr(prompts, "ask", lambda parent, q: asked.append(q) or "请假或缺席" not in q)
    directory = tmp_path / "data"
    exports = tmp_path / "exports"
    exports.mkdir()
    saved_files = []

    def save_as(parent, caption, suggested, filter, *args, **kwargs):
        path = exports / suggested.replace("\\", "/").split("/")[-1]
        saved_files.append(path)
        return str(path), filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    window = MainWindow(settings=ui_settings(directory))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    opened = []

    def activate():
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    def first_run(dialog):
        name = dialog.edits["community_name"]
        name.setFocus()
        type_text(name, "康宁居民区")
        qtbot.keyClick(name, Key.Key_Return)

    def start():
        started = Start(directory, None, None, check_first=True, window=window)
        assert started.run()
        opened.append(started)
        qtbot.waitUntil(lambda: started.task.done and window.context is not None, timeout=20000)

    drive_modal(start, set_password, record_recovery_key, first_run)
    assert window.windowTitle().endswith("康宁居民区")
    activate()

    def new_record(fill):
        drive_modal(lambda: qtbot.keyClick(window.focusWidget(), Key.Key_N, CTRL), fill)
        activate()

    def field(form, name):
        widget = form.editors[name].widget
        widget.setFocus()  # what Tab does on the way to the field
        return widget.focusProxy() or widget

    # Three committee members.
    qtbot.keyClick(window, Key.Key_6, CTRL)
    for name in ("汪艳珍", "李建华", "陈静"):

        def add_member(form, name=name):
            type_text(field(form, "name"), name)
            qtbot.keyClick(field(form, "is_committee"), Key.Key_Space)
            qtbot.keyClick(field(form, "name"), Key.Key_Return)

        new_record(add_member)

    # A 支委会: two absent with reasons, the rest marked present.
    qtbot.keyClick(window, Key.Key_4, CTRL)

    def meeting(form):
        type_text(field(form, "topic"), "研究第四季度工作")
        for row, reason in ((0, "外出开会"), (1, "住院")):
            status = form.attendance.cellWidget(row, 2)
            status.setFocus()
            for _ in range(3):  # （未标记）→ 出席 → 请假 → 缺席
                qtbot.keyClick(status, Key.Key_Down)
            reason_edit = form.attendance.cellWidget(row, 3)
            reason_edit.setFocus()
            type_text(reason_edit, reason)
        rest = next(b for b in form.findChildren(QPushButton) if b.text() == "其余标为出席")
        rest.setFocus()
        qtbot.keyClick(rest, Key.Key_Space)
        qtbot.keyClick(field(form, "topic"), Key.Key_Return)

    new_record(meeting)

    # A resident, then a care action for her found by pinyin initials.
    qtbot.keyClick(window, Key.Key_5, CTRL)
    new_record(
        lambda form: (type_text(field(form, "name"), "朱国萍"), qtbot.keyClick(field(form, "name"), Key.Key_Return))
    )
    qtbot.keyClick(window, Key.Key_2, CTRL)

    def care(form):
        picker = field(form, "resident_id")
        type_text(picker, "zgp")
        popup = picker.completer().popup()
        qtbot.waitUntil(popup.isVisible)
        qtbot.keyClick(popup, Key.Key_Down)
        qtbot.keyClick(popup, Key.Key_Return)
        assert form.editors["recipient_name"].value() == "朱国萍"
        qtbot.keyClick(field(form, "item"), Key.Key_Return)

    new_record(care)

    # A study visit with two adopted practices.
    qtbot.keyClick(window, Key.Key_3, CTRL)

    def visit(form):
        type_text(field(form, "destination"), "梅陇六村")
        add = next(b for b in form.findChildren(QPushButton) if b.text() == "添加举措")
        for text in ("楼道微更新", "议事会每月一次"):
            add.setFocus()
            qtbot.keyClick(add, Key.Key_Space)
            row = form.practice_table.rowCount() - 1
            description = form.practice_table.cellWidget(row, 0)
            assert isinstance(description, QLineEdit)
            description.setFocus()
            type_text(description, text)
        qtbot.keyClick(field(form, "destination"), Key.Key_Return)

    new_record(visit)

    # Delete the visit (Down into the list, Delete), then restore it from the 回收站 (Ctrl+R).
    visits = window.stack.currentWidget()
    qtbot.keyClick(visits.search, Key.Key_Down)
    qtbot.keyClick(visits.table, Key.Key_Delete)
    assert "回收站" in asked[-1]
    assert visits.model.rowCount() == 0
    qtbot.keyClick(window, Key.Key_0, CTRL)
    recycle = window.stack.currentWidget()
    recycle.table.setFocus()  # Tab from the toolbar: the first row is selected
    qtbot.keyClick(recycle.table, Key.Key_R, CTRL)
    assert "已恢复 1 条" in recycle.note.text()

    # Export this quarter's 三会一课 report.
    qtbot.keyClick(window, Key.Key_9, CTRL)
    reports = window.stack.currentWidget()
    reports.export_button.setFocus()
    qtbot.keyClick(reports.export_button, Key.Key_Space)
    qtbot.waitUntil(lambda: not BackgroundTask._running and "已导出" in reports.status.text(), timeout=30000)

    # The meeting as PDF, from the list's menu key.
    qtbot.keyClick(window, Key.Key_4, CTRL)
    meetings = window.stack.currentWidget()
    qtbot.keyClick(meetings.search, Key.Key_Down)

    def choose_pdf():
        menu = QApplication.activePopupWidget()
        if menu is None:
            QTimer.singleShot(20, choose_pdf)
            return
        for _ in [a for a in menu.actions() if not a.isSeparator()]:
            qtbot.keyClick(menu, Key.Key_Down)
            if menu.activeAction() is not None and menu.activeAction().text() == "导出PDF…":
                break
        qtbot.keyClick(menu, Key.Key_Return)

    QTimer.singleShot(0, choose_pdf)
    # What the keyboard's menu key makes of itself (QTest's key events bypass that translation).
    row = meetings.table.visualRect(meetings.table.currentIndex()).center()
    menu_key = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, row, meetings.table.viewport().mapToGlobal(row))
    QApplication.sendEvent(meetings.table.viewport(), menu_key)
    qtbot.waitUntil(
        lambda: any(p.suffix == ".pdf" and p.exists() for p in saved_files) and not BackgroundTask._running,
        timeout=10000,
    )
    assert "已导出 1 页会议记录" in window.statusBar().currentMessage()
    window.close()
    for started in opened:
        started.close()

    # A new process on the same data.
    [recovery] = record_recovery_key.shown
    run = subprocess.run(
        [sys.executable, "-c", READ_BACK, str(directory), recovery], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    [meeting_record] = data["meeting"]
    statuses = sorted(a["status"] for a in meeting_record["attendance"])
    assert statuses == ["absent", "absent", "present"]
    assert sorted(a["reason"] for a in meeting_record["attendance"]) == ["", "住院", "外出开会"]
    [care_record] = data["care"]
    assert care_record["recipient_name"] == "朱国萍"
    assert care_record["resident_id"] == data["resident"][0]["id"]
    [visit_record] = data["visit"]
    assert [p["description"] for p in visit_record["practices"]] == ["楼道微更新", "议事会每月一次"]
    actions = [entry[0] for entry in data["audit"]]
    assert actions.count("create") == 7  # three members, a meeting, a resident, a care action, a visit
    assert "delete" in actions
    assert "restore" in actions
    assert "export" in actions
    assert data["has_geometry"], "the window's size and place are remembered"
    assert (directory / DATABASE_FILENAME).exists()
    assert [p.suffix for p in saved_files] == [".xlsx", ".pdf"]
