"""A new password: chosen at the first start and changed in 设置, its strength shown as it is typed, and the
recovery key shown once. The password asked at every start and to unlock the window is `dialogs.unlock`. The key
work is the core's (`core.storage.keys`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.storage.keys import LOSS_WARNING, RECOVERY_KEY_NOTICE
from desktop_app.core.storage.passwords import ADVICE, SCORE_LABELS, PasswordVerdict, judge
from desktop_app.ui.dialogs.unlock import error_label, password_edit
from desktop_app.ui.kit.dialog_buttons import ok_cancel, standard_buttons
from desktop_app.ui.kit.painted import PaintedDialog
from desktop_app.ui.kit.signals import on_click

PASSWORD_DIALOG_WIDTH = 480


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


class NewPasswordDialog(PaintedDialog):
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
        self.old = password_edit(old_label) if old_label else None
        if self.old is not None:
            layout.addWidget(self.old)
        self.first = password_edit("新密码")
        self.second = password_edit("再输入一次")
        self.meter = StrengthMeter(own_words)
        self.error = error_label()
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


def choose_password(
    parent: QWidget | None, converting: bool, shown: Callable[[QWidget], None] | None = None
) -> str | None:
    """The first start of this version: the password that will open the data. `shown` hears of the dialog before
    it is shown."""
    intro = (
        "书记工作台会加密本机的数据文件和备份，电脑或 U 盘丢失时，别人无法读取其中的个人信息。"
        "请设置打开数据用的密码，以后每次启动和解锁时输入。"
    )
    if converting:
        intro += "\n已有的数据和备份会随后加密，可能需要一点时间，请不要关闭程序。"
    dialog = NewPasswordDialog(intro, "设置密码", parent)
    dialog.ok_button.setText("下一步")
    dialog.cancel_button.setText("退出")
    if shown is not None:
        shown(dialog)
    return dialog.password if dialog.exec() else None


class RecoveryKeyDialog(QDialog):
    """The recovery key, shown once: to print or write down before going on."""

    def __init__(self, recovery: str, parent: QWidget | None = None) -> None:
        # Importing Qt's namespace builds its hundred enums (about 45 ms): not on the way to the first window
        # (dialogs.unlock's, or this module's new password).
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
