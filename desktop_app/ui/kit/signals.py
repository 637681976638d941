"""Connecting buttons and actions to slots that take no arguments from the signal.

`clicked(bool)` and `triggered(bool)` hand the slot a `checked` flag; a slot with an optional
first parameter (``backup_now(target=None)``) would take that flag for its argument. Every
button and action in the program is connected through `on_click`, which drops it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def on_click(signal: Any, slot: Callable[[], object]) -> None:
    signal.connect(lambda *_ignored: slot())
