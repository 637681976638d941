"""A start after a run that did not end normally: the notice, then the opening's own questions and messages,
one after the other, never two dialogs at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop_app.core.storage.crashlog import RUNNING_MARKER
from desktop_app.core.storage.paths import DATABASE_FILENAME, LOG_DIRNAME
from desktop_app.ui.dialogs.unlock import UnlockDialog
from desktop_app.ui.kit import errors
from desktop_app.ui.shell.app import run_gui
from tests.conftest import TEST_PASSWORD


def real_message_box(parent, title, text):
    return QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent).exec()


def dialogs_on_screen() -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]


def test_the_unclean_exit_notice_and_a_refusal_come_one_after_the_other(
    qtbot, keyed_data_dir, monkeypatch, drive_modal
):
    monkeypatch.setattr(errors, "show_message", real_message_box)
    logs = keyed_data_dir / LOG_DIRNAME
    logs.mkdir()
    (logs / RUNNING_MARKER).write_text("2026-12-06 09:00:00", encoding="utf-8")  # the last run was cut off
    data_file = keyed_data_dir / DATABASE_FILENAME
    damaged = bytearray(data_file.read_bytes())
    damaged[4096 * 3 : 4096 * 3 + 400] = b"\x00\xff" * 200
    data_file.write_bytes(bytes(damaged))
    seen: list[str] = []

    def read_and_close(box):
        assert dialogs_on_screen() == [box], "one dialog at a time"
        seen.append(box.text())
        qtbot.keyClick(box, Qt.Key.Key_Return)

    def type_password(dialog):
        assert isinstance(dialog, UnlockDialog)
        assert dialogs_on_screen() == [dialog], "the password is asked once the notice is read"
        qtbot.keyClicks(dialog.secret, TEST_PASSWORD)
        qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)  # the key is derived on a worker

    code = drive_modal(lambda: run_gui(str(keyed_data_dir)), read_and_close, type_password, read_and_close)
    assert code == 1
    assert "没有正常退出" in seen[0]
    assert "检查未通过" in seen[1]
