"""The OK / Cancel row of a dialog, in Chinese, wired to accept and reject."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox


def standard_buttons(which: QDialogButtonBox.StandardButton) -> QDialogButtonBox:
    """A button row with Qt's standard buttons. Set after construction: the constructor that takes them makes
    PySide build the whole Qt namespace's enums to choose its overload (about 25 ms, before the first window)."""
    buttons = QDialogButtonBox()
    buttons.setStandardButtons(which)
    return buttons


def ok_cancel(dialog: QDialog, ok: str = "确定", cancel: str = "取消") -> QDialogButtonBox:
    buttons = standard_buttons(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
