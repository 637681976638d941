"""The password: chosen at the first start, asked at every start, asked again to unlock the window after a
while without input (or Ctrl+L), and changed in 设置. The key work is the core's (`core.storage.keys`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.storage import keys
from desktop_app.core.storage.keys import LOSS_WARNING, RECOVERY_KEY_NOTICE
from desktop_app.core.storage.passwords import ADVICE, SCORE_LABELS, PasswordVerdict, judge
from desktop_app.ui.kit.dialog_buttons import ok_cancel, standard_buttons
from desktop_app.ui.kit.errors import report_failure
from desktop_app.ui.kit.signals import on_click
from desktop_app.ui.kit.styles import ERROR_STYLE

if TYPE_CHECKING:
    from desktop_app.ui.kit.background import BackgroundTask

PASSWORD_DIALOG_WIDTH = 480


def _password_edit(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(placeholder)
    edit.setMinimumWidth(320)
    return edit


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    return label


class StrengthMeter(QWidget):
    """How strong the password typed so far is (zxcvbn's estimate, `core.storage.passwords`), as a bar and
    in words, updated at every key; the bar only once something is typed."""

    def __init__(self, own_words: Sequence[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.own_words = list(own_words)
        self.verdict: PasswordVerdict | None = None
        self.bar = QProgressBar()
        self.bar.setRange(0, len(SCORE_LABELS))
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(10)
        # Before anything is typed an empty bar says nothing: it is hidden (the words say 还没有输入), and keeps
        # its room, so the dialog does not change its height at the first key.
        kept = self.bar.sizePolicy()
        kept.setRetainSizeWhenHidden(True)
        self.bar.setSizePolicy(kept)
        self.bar.hide()
        self.text = QLabel(judge("").describe())
        self.text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.text)

    def show_for(self, password: str) -> PasswordVerdict:
        self.verdict = judge(password, self.own_words)
        self.bar.setValue(self.verdict.score + 1 if password else 0)
        self.bar.setVisible(bool(password))
        self.text.setText(self.verdict.describe())
        return self.verdict


class NewPasswordDialog(QDialog):
    """A new password, typed twice, with its strength shown as it is typed. With `enforce` (the data's
    password) a weak one is refused with the reason; a report's opening password only hears the advice."""

    def __init__(
        self,
        intro: str,
        title: str,
        parent: QWidget | None = None,
        old_label: str = "",
        own_words: Sequence[str] = (),
        enforce: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.password = ""
        self.old_secret = ""
        self.enforce = enforce
        layout = QVBoxLayout(self)
        self.setMinimumWidth(PASSWORD_DIALOG_WIDTH)
        text = QLabel(f"{intro}\n{ADVICE}")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.old = _password_edit(old_label) if old_label else None
        if self.old is not None:
            layout.addWidget(self.old)
        self.first = _password_edit("新密码")
        self.second = _password_edit("再输入一次")
        self.meter = StrengthMeter(own_words)
        self.error = _error_label()
        for widget in (self.first, self.second, self.meter, self.error):
            layout.addWidget(widget)
        self.first.textChanged.connect(self.meter.show_for)
        for edit in (self.old, self.first, self.second):
            if edit is not None:  # a reason said about what was typed before goes once the person types again
                edit.textEdited.connect(self.error.clear)
        buttons = ok_cancel(self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        layout.addWidget(buttons)
        (self.old or self.first).setFocus()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a wrapped text changed (the meter's, the error's)
            QTimer.singleShot(0, self.fit_height)
        return super().event(event)

    def fit_height(self) -> None:
        """As tall as the wrapped texts need at this width: at its first size they were cut off (a window does
        not grow by itself when a word-wrapped label gets a longer text)."""
        layout = self.layout()
        if layout is None:
            return
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        needed = max(needed, layout.totalMinimumSize().height())
        if needed > self.height():
            self.setMinimumHeight(needed)
            self.resize(self.width(), needed)

    def accept(self) -> None:
        if self.old is not None and not self.old.text():
            self.error.setText("请输入现在的密码（或恢复密钥）。")
            return
        if not self.first.text():
            self.error.setText("请输入新密码。")
            return
        verdict = self.meter.show_for(self.first.text())
        if self.enforce and not verdict.acceptable:
            self.error.setText(f"这个密码太容易被猜到（{verdict.problem}），请换一个更强的密码。")
            self.first.selectAll()
            self.first.setFocus()
            return
        if self.first.text() != self.second.text():
            self.error.setText("两次输入的密码不一致，请重新输入。")
            self.second.clear()
            self.second.setFocus()
            return
        self.password = self.first.text()
        self.old_secret = self.old.text() if self.old is not None else ""
        super().accept()


def choose_password(parent: QWidget | None, converting: bool) -> str | None:
    """The first start of this version: the password that will open the data."""
    intro = (
        "书记工作台会加密本机的数据文件和备份，电脑或 U 盘丢失时，别人无法读取其中的个人信息。"
        "请设置打开数据用的密码，以后每次启动和解锁时输入。"
    )
    if converting:
        intro += "\n已有的数据和备份会随后加密，可能需要一点时间，请不要关闭程序。"
    dialog = NewPasswordDialog(intro, "设置密码", parent)
    dialog.ok_button.setText("下一步")
    dialog.cancel_button.setText("退出")
    return dialog.password if dialog.exec() else None


class RecoveryKeyDialog(QDialog):
    """The recovery key, shown once: to print or write down before going on."""

    def __init__(self, recovery: str, parent: QWidget | None = None) -> None:
        # Importing Qt's namespace builds its hundred enums (about 45 ms): not on the way to the first window,
        # which is this module's UnlockDialog.
        from PySide6.QtCore import Qt

        super().__init__(parent)
        self.recovery = recovery
        self.setWindowTitle("恢复密钥")
        layout = QVBoxLayout(self)
        intro = QLabel(RECOVERY_KEY_NOTICE)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        shown = QLabel(recovery)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(18)
        font.setBold(True)
        shown.setFont(font)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(shown)
        actions = QHBoxLayout()
        print_button = QPushButton("打印…")
        on_click(print_button.clicked, self.print_key)
        copy_button = QPushButton("复制")
        on_click(copy_button.clicked, lambda: QGuiApplication.clipboard().setText(recovery))
        actions.addWidget(print_button)
        actions.addWidget(copy_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.recorded = QCheckBox("我已抄写或打印了恢复密钥")
        layout.addWidget(self.recorded)
        buttons = standard_buttons(QDialogButtonBox.StandardButton.Ok)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("继续")
        self.ok_button.setEnabled(False)
        self.recorded.toggled.connect(self.ok_button.setEnabled)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def reject(self) -> None:
        """Esc does not skip the one moment the key can be recorded."""

    def print_key(self) -> None:
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印恢复密钥")
        if dialog.exec():
            page = QTextDocument()
            page.setHtml(
                "<h2>书记工作台 恢复密钥</h2>"
                f'<p style="font-size: 20pt; font-family: monospace;">{self.recovery}</p>'
                f"<p>忘记密码时，在输入密码处输入这个恢复密钥即可打开数据。{LOSS_WARNING}</p>"
                "<p>请妥善保管，不要和电脑放在一起。</p>"
            )
            page.print_(printer)


class UnlockDialog(QDialog):
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
        self.secret = _password_edit("密码或恢复密钥")
        layout.addWidget(self.secret)
        self.error = _error_label()
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
        from desktop_app.ui.kit.background import run_in_background  # not before the first window is painted

        self.task = run_in_background(
            label="正在核对密码…",
            work=lambda: (keys.open_keys(directory, secret), judge(secret).reason if judged else ""),
            on_done=self._opened,
            on_error=self._refused,
            parent=self,
            progress_dialog=True,
        )

    def _opened(self, key_and_weakness: tuple[bytes, str]) -> None:
        key, self.weakness = key_and_weakness
        self.ok_button.setEnabled(True)
        if self.expected is not None and key != self.expected:
            self._refused(keys.WrongPasswordError("这个密码属于另一份数据。"))
            return
        self.key = key
        super().accept()

    def _refused(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if not isinstance(exc, keys.WrongPasswordError):
            report_failure(self, exc)
            return
        self.error.setText(f"{exc} 请重新输入。")
        self.secret.clear()
        self.secret.setFocus()
