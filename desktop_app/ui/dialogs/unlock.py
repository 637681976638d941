"""The password that opens the data, asked at every start and to unlock the window. Light on purpose: it is the
first window a person sees, painted before the key work (`core.storage.keys`, with its hashing) and the password
rules (`core.storage.passwords`) load; they load once a password is typed. New and changed passwords, with their
strength shown as typed, are `dialogs.passwords`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop_app.ui.kit.dialog_buttons import standard_buttons
from desktop_app.ui.kit.errors import report_failure
from desktop_app.ui.kit.painted import PaintedDialog
from desktop_app.ui.kit.styles import ERROR_STYLE

if TYPE_CHECKING:
    from desktop_app.ui.kit.background import BackgroundTask


def password_edit(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(placeholder)
    edit.setMinimumWidth(320)
    return edit


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    return label


class UnlockDialog(PaintedDialog):
    """The password (or the recovery key) that opens the data: at start-up, and to unlock the window."""

    def __init__(
        self, data_dir: Path, parent: QWidget | None = None, expected: bytes | None = None, locked: bool = False
    ) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.expected = expected
        self.locked = locked
        self.key: bytes | None = None
        self.weakness = ""  # at start-up: why the password typed would not be accepted as a new one
        self.task: BackgroundTask | None = None
        self.setWindowTitle("书记工作台已锁定" if locked else "输入密码")
        layout = QVBoxLayout(self)
        text = QLabel(
            "窗口已锁定。请输入密码解锁（忘记密码时可输入恢复密钥）。未保存的内容都还在。"
            if locked
            else "数据已加密。请输入密码（忘记密码时可输入恢复密钥）。"
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.secret = password_edit("密码或恢复密钥")
        layout.addWidget(self.secret)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = standard_buttons(QDialogButtonBox.StandardButton.Ok)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("解锁" if locked else "打开")
        buttons.accepted.connect(self.accept)
        if not locked:
            quit_button = buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
            quit_button.setAutoDefault(False)
            buttons.rejected.connect(super().reject)
        layout.addWidget(buttons)
        self.secret.setFocus()

    def reject(self) -> None:
        if not self.locked:  # a locked window stays locked: Esc does nothing
            super().reject()

    def accept(self) -> None:
        """The key is checked on a worker thread: wrong answers wait longer each time, the window stays painted."""
        secret = self.secret.text()
        if not secret or (self.task is not None and not self.task.done):
            return
        self.ok_button.setEnabled(False)
        directory, judged = self.data_dir, not self.locked
        from desktop_app.core.storage import keys
        from desktop_app.core.storage.passwords import judge
        from desktop_app.ui.kit.background import run_in_background

        self.task = run_in_background(
            label="正在核对密码…",
            work=lambda: (keys.open_keys(directory, secret), judge(secret).reason if judged else ""),
            on_done=self._opened,
            on_error=self._refused,
            parent=self,
            progress_dialog=True,
        )

    def _opened(self, key_and_weakness: tuple[bytes, str]) -> None:
        from desktop_app.core.storage.keys import WrongPasswordError

        key, self.weakness = key_and_weakness
        self.ok_button.setEnabled(True)
        if self.expected is not None and key != self.expected:
            self._refused(WrongPasswordError("这个密码属于另一份数据。"))
            return
        self.key = key
        super().accept()

    def _refused(self, exc: BaseException) -> None:
        from desktop_app.core.storage.keys import WrongPasswordError

        self.ok_button.setEnabled(True)
        if not isinstance(exc, WrongPasswordError):
            report_failure(self, exc)
            return
        self.error.setText(f"{exc} 请重新输入。")
        self.secret.clear()
        self.secret.setFocus()
