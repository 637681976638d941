"""Yes/no questions to the user, in one replaceable place (tests answer them)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def ask(parent: QWidget | None, question: str) -> bool:
    """Every question confirms something that loses or replaces data: Enter or Esc answers 否."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    answer = QMessageBox.question(parent, "请确认", question, buttons, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def inform(parent: QWidget | None, message: str, title: str = "完成") -> None:
    """A result the person should see before going on (e.g. how many were imported); tests record it."""
    QMessageBox.information(parent, title, message)
