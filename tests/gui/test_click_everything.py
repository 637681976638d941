"""Walk every view and click every enabled button and toolbar action, as a curious person would on the
first day: nothing may raise, crash or open a dialog nobody expects. File and message dialogs are fakes;
modal dialogs that do open (forms, restore, attachments…) are recorded and closed."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QInputDialog,
    QListWidget,
    QMenu,
    QMessageBox,
    QTableView,
    QToolBar,
    QWidget,
)

from desktop_app.ui.kit.background import BackgroundTask
from desktop_app.ui.shell.main_window import VIEWS, MainWindow

EXPECTED_DIALOGS = {
    "CareForm",
    "VisitForm",
    "MeetingForm",
    "ResidentForm",
    "MemberForm",
    "PartyGroupForm",
    "StudioActivityForm",
    "StudioProblemForm",
    "TalkForm",
    "MobileMemberForm",
    "AttachmentsDialog",
    "RestoreDialog",
    "ImportDialog",
    "QPrintDialog",
    "QProgressDialog",
    "QDialog",  # 党员 → 党小组… holds the party-group list in a plain dialog
    "GuideDialog",
    "NewPasswordDialog",  # 加密导出 asks for the file's password
    "AssessDialog",  # 党费 → 核定…
    "VoluntaryDialog",  # 党费 → 自愿多交… (the cursor stays on the member after 核定)
    "DuesBasesDialog",  # 党费 → 导入基数…
}


def fake_static_dialogs(monkeypatch, tmp_path):
    def save_name(parent, caption="", directory="", filter="", *args, **kwargs):
        suffix = ".pdf" if "pdf" in filter.lower() else ".xlsx"
        return str(tmp_path / f"out{len(list(tmp_path.iterdir()))}{suffix}"), filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))  # the person cancels
    usb = tmp_path / "u盘"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("", False))
    monkeypatch.setattr(QMessageBox, "about", lambda *a, **k: None)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)


def clickables(page: QWidget) -> list[QAbstractButton]:
    buttons = [b for b in page.findChildren(QAbstractButton) if b.isVisible() and b.isEnabled()]
    # Toolbar buttons stand for their actions; tab bars' scroll arrows and the like are not the person's target.
    return [b for b in buttons if b.text()]


def test_every_view_survives_every_click(qtbot, demo_context, tmp_path, monkeypatch, shown_errors, no_modal_loops):
    fake_static_dialogs(monkeypatch, tmp_path)
    monkeypatch.setattr("desktop_app.ui.kit.prompts.ask", lambda parent, question: False)  # destructive: no
    window = MainWindow(demo_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    opened: list[str] = []

    def close_modal():
        dialog = QApplication.activeModalWidget()
        if dialog is not None:
            opened.append(type(dialog).__name__)
            dialog.done(0)

    closer = QTimer()
    closer.setInterval(20)
    closer.timeout.connect(close_modal)
    closer.start()
    no_modal_loops.allow_exec = True
    clicked: list[str] = []
    try:
        for index, (title, _, _) in enumerate(VIEWS):
            window.nav.setCurrentRow(index)
            page = window.stack.currentWidget()
            for table in page.findChildren(QTableView) + page.findChildren(QListWidget):
                if table.isVisible() and table.model() is not None and table.model().rowCount() > 0:
                    table.setCurrentIndex(table.model().index(0, 0))  # a first row selected: 编辑, 删除 … enabled
            for button in clickables(page):
                if not button.isVisible() or not button.isEnabled():
                    continue  # an earlier click changed the page
                clicked.append(f"{title}：{button.text()}")
                button.click()
                QApplication.processEvents()
            for toolbar in page.findChildren(QToolBar):
                for action in toolbar.actions():
                    if action.isEnabled() and action.isVisible() and action.text():
                        clicked.append(f"{title}：{action.text()}")
                        action.trigger()
                        QApplication.processEvents()
        for menu in window.menuBar().findChildren(QMenu):
            for action in menu.actions():
                if action.isEnabled() and action.text():
                    clicked.append(f"菜单：{action.text()}")
                    action.trigger()
                    QApplication.processEvents()
        qtbot.waitUntil(lambda: not BackgroundTask._running, timeout=60000)
    finally:
        closer.stop()
        no_modal_loops.allow_exec = False
    assert len(clicked) > 40, clicked
    assert "菜单：使用说明" in clicked
    unexpected = sorted(set(opened) - EXPECTED_DIALOGS)
    assert unexpected == [], unexpected
    assert shown_errors == [], shown_errors
