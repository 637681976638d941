"""帮助 → 使用说明 (F1) and the README say exactly what the program has: every shortcut the window and its
forms register is in the help's table and nothing else is, and the README lists the navigation's pages."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.storage import keys
from desktop_app.core.storage.startup import open_database
from desktop_app.ui.dialogs.guide import SHORTCUTS
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.shell.lock import IdleLock
from desktop_app.ui.shell.main_window import STREET_VIEWS, VIEWS, MainWindow

README = Path(__file__).parents[2] / "README.md"
PORTABLE = QKeySequence.SequenceFormat.PortableText


def registered_shortcuts(widget: QWidget) -> set[str]:
    """Every key sequence the actions and shortcuts under `widget` answer to."""
    found = set()
    for action in widget.findChildren(QAction):
        found |= {sequence.toString(PORTABLE) for sequence in action.shortcuts() if not sequence.isEmpty()}
    for shortcut in widget.findChildren(QShortcut):
        sequences = shortcut.keys()  # a QShortcut's key sequences (not a dict's)
        found |= {sequence.toString(PORTABLE) for sequence in sequences if not sequence.isEmpty()}
    return found


def test_the_help_lists_exactly_the_shortcuts_the_program_registers(qtbot, app, tmp_path, click_page, drive_modal):
    data_key, _ = keys.create_keys(tmp_path, "春天的第一棵树")
    db = open_database(tmp_path, key=data_key)
    try:
        fill_demo(db, "small")
        window = MainWindow(AppContext.open(db))
        qtbot.addWidget(window)
        window.protect(IdleLock(db.data_dir, db.key, window.settings))  # as the program does for its data
        for title, _, _ in VIEWS:  # every page built, as a person opening each one
            click_page(window, title)
        registered = registered_shortcuts(window)
        care = window.view(1)
        registered |= registered_shortcuts(care.open_form())  # what a form adds
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        shown: list[str] = []
        drive_modal(
            lambda: qtbot.keyClick(window, Qt.Key.Key_F1),
            lambda dialog: (shown.append(dialog.text.toPlainText()), qtbot.keyClick(dialog, Qt.Key.Key_Escape)),
        )
    finally:
        db.dispose()
    listed = {sequence for row in SHORTCUTS for sequence in row.registered}
    assert registered - listed == set(), "registered, but not in the help"
    assert listed - registered == set(), "in the help, but the program has no such shortcut"
    assert isinstance(shown[0], str)
    for row in SHORTCUTS:
        assert row.shown in shown[0], row
        assert row.does in shown[0], row
    for topic in ("党费", "数据包", "恢复密钥", "Ctrl+L", "Ctrl+E", "空格"):
        assert topic in shown[0]


def readme_pages(line_start: str) -> list[str]:
    line = next(line for line in README.read_text(encoding="utf-8").splitlines() if line_start in line)
    listed = re.split(r"[（。]", line.split(line_start, 1)[1])[0]
    return [page.strip() for page in listed.split("、")]


def test_the_readme_lists_the_navigation_pages():
    assert readme_pages("- 左侧导航：") == [title for title, _, _ in VIEWS]
    assert readme_pages("街道用的程序左侧导航：") == [title for title, _, _ in STREET_VIEWS]
