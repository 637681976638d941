"""Unsaved edits when the program closes: one question (保存 / 不保存 / 取消) for everything not yet saved,
asked while the window is still on screen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from PySide6.QtWidgets import QWidget

from desktop_app.ui.kit import prompts


@runtime_checkable
class UnsavedWork(Protocol):
    """A page or an open form or dialog that may hold edits not yet saved."""

    def unsaved(self) -> list[str]:
        """What is unsaved, in the person's words (e.g. "设置"); empty when nothing is."""
        ...

    def save_unsaved(self) -> bool:
        """Save it; False when saving failed (what was typed stays, and the reason is shown where it is)."""
        ...

    def discard_unsaved(self) -> None:
        """The person chose 不保存: let it go without asking again."""
        ...


def settle(
    parent: QWidget, works: Sequence[UnsavedWork], show_failed: Callable[[UnsavedWork], None] = lambda work: None
) -> bool:
    """Ask about every unsaved work at once; True when closing may go on (all saved, or 不保存). False for
    取消, and when a save failed: closing stops there, and `show_failed` brings that work into sight."""
    pending = [work for work in works if work.unsaved()]
    if not pending:
        return True
    choice = prompts.ask_unsaved(parent, [item for work in pending for item in work.unsaved()])
    if choice is prompts.Unsaved.CANCEL:
        return False
    if choice is prompts.Unsaved.DISCARD:
        for work in pending:
            work.discard_unsaved()
        return True
    for work in pending:
        if not work.save_unsaved():
            show_failed(work)
            return False
    return True
