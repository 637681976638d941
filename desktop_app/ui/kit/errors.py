"""The one place failures reach the user: a Chinese dialog, a log file, copyable details."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

# The message box and the details' text box are imported where used: the exception hook is installed, and this
# module imported, before the first window, which needs neither (PySide builds a type as it is first imported).
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.core.domain.errors import AppError, DatabaseEnvironmentError, ValidationError
from desktop_app.ui.kit.dialog_buttons import standard_buttons

log = logging.getLogger("desktop_app")


class ErrorDialog(QDialog):
    """A plain message, with the technical details folded away but copyable."""

    def __init__(self, message: str, details: str, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QPlainTextEdit

        super().__init__(parent)
        self.setWindowTitle("出错了")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        label = QLabel(message)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setVisible(False)
        self.details.setMinimumHeight(220)
        layout.addWidget(self.details)
        buttons = standard_buttons(QDialogButtonBox.StandardButton.Ok)
        toggle = QPushButton("显示详细信息")
        toggle.setCheckable(True)
        toggle.toggled.connect(self.details.setVisible)
        toggle.toggled.connect(lambda on: toggle.setText("隐藏详细信息" if on else "显示详细信息"))
        copy = QPushButton("复制详细信息")
        copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
        buttons.addButton(toggle, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def _show_crash(parent: QWidget | None, message: str, details: str) -> None:
    ErrorDialog(message, details, parent).exec()


def _show_message(parent: QWidget | None, title: str, message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(parent, title, message)


# Tests replace these to observe what the user would be shown without a modal loop.
show_crash: Callable[[QWidget | None, str, str], None] = _show_crash
show_message: Callable[[QWidget | None, str, str], None] = _show_message


def report_failure(parent: QWidget | None, exc: BaseException) -> None:
    """Route an exception: the user's or the machine's problem in plain words, a bug with details."""
    if isinstance(exc, DatabaseEnvironmentError):
        log.warning("environment failure: %s", exc)
        show_message(parent, "无法完成操作", f"{exc}\n\n已保存的数据不受影响。")
    elif isinstance(exc, ValidationError):
        show_message(parent, "无法保存", exc.describe())
    elif isinstance(exc, AppError):
        show_message(parent, "无法完成操作", str(exc))
    elif isinstance(exc, OSError):  # the machine refused (a read-only folder, a missing drive): not a bug
        log.warning("os failure: errno %s", exc.errno)
        from desktop_app.core.storage.targets import os_failure  # (tempfile and more) not before the first window

        show_message(parent, "无法完成操作", f"{os_failure(exc)}\n\n已保存的数据不受影响。")
    else:
        details = "".join(traceback.format_exception(exc))
        log.error("unexpected error\n%s", details)
        show_crash(
            parent,
            "程序遇到了意外错误，刚才的操作可能没有完成。已保存的数据不受影响。\n"
            "如果问题反复出现，请把详细信息复制给技术支持人员。",
            details,
        )


def install_exception_hook(log_dir: Path) -> None:
    """Log to the data directory and show every uncaught exception in a dialog."""
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(log_dir / "desktop_app.log", encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        report_failure(QApplication.activeWindow(), exc.with_traceback(tb))

    sys.excepthook = hook
