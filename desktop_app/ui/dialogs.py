"""Yes/no questions to the user, in one replaceable place (tests answer them)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def ask(parent: QWidget | None, question: str) -> bool:
    answer = QMessageBox.question(parent, "请确认", question)
    return answer == QMessageBox.StandardButton.Yes
