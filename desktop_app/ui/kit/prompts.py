"""Questions to the user, in one replaceable place (tests answer them)."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QMessageBox, QWidget


def ask(parent: QWidget | None, question: str) -> bool:
    """Every question confirms something that loses or replaces data: Enter or Esc answers 否."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    answer = QMessageBox.question(parent, "请确认", question, buttons, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def inform(parent: QWidget | None, message: str, title: str = "完成") -> None:
    """A result the person should see before going on (e.g. how many were imported); tests record it."""
    QMessageBox.information(parent, title, message)


class Unsaved(Enum):
    SAVE = "保存"
    DISCARD = "不保存"
    CANCEL = "取消"


UNSAVED_TITLE = "尚未保存"


def unsaved_question(what: list[str]) -> str:
    return "以下内容还没有保存：\n" + "\n".join(f"· {item}" for item in what) + "\n\n关闭前要保存吗？"


def ask_unsaved(parent: QWidget | None, what: list[str]) -> Unsaved:
    """保存 / 不保存 / 取消 before something with unsaved edits closes; Enter or Esc answers 取消 (keeps all)."""
    box = QMessageBox(QMessageBox.Icon.Question, UNSAVED_TITLE, unsaved_question(what), parent=parent)
    buttons = {
        QMessageBox.StandardButton.Save: Unsaved.SAVE,
        QMessageBox.StandardButton.Discard: Unsaved.DISCARD,
        QMessageBox.StandardButton.Cancel: Unsaved.CANCEL,
    }
    for standard, choice in buttons.items():
        box.addButton(standard).setText(choice.value)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    return next((choice for standard, choice in buttons.items() if box.button(standard) is clicked), Unsaved.CANCEL)
