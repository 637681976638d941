"""Start-up moments, for whoever times the program from outside (the benchmarks, a check of the installed bundle):
with the environment variable DESKTOP_APP_MOMENTS set to a moment's name, the program prints each moment on a line
of its own as it is reached, and ends normally at the named one. The variable is read once, when the program
starts; without it nothing is printed.

The moments: `painted` (the first window is on screen: the password, or the main window when a script gave the
password), `shown` (the main window is on screen), `ready` (the 工作台 shows its data and takes clicks), `open`
(the data is open: every page opens without waiting).
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

VARIABLE = "DESKTOP_APP_MOMENTS"
MOMENTS = ("painted", "shown", "ready", "open")


class Moments:
    def __init__(self, until: str | None) -> None:
        self.until = until
        self.said: set[str] = set()

    @classmethod
    def from_environment(cls) -> Moments:
        until = os.environ.get(VARIABLE) or None
        if until is not None and until not in MOMENTS:
            print(f"环境变量 {VARIABLE} 只能是 {'、'.join(MOMENTS)} 之一，已忽略“{until}”。", file=sys.stderr)
            until = None
        return cls(until)

    def reached(self, moment: str) -> None:
        if self.until is None or moment in self.said or self.until in self.said:
            return
        self.said.add(moment)
        print(moment, flush=True)
        if moment == self.until:
            QTimer.singleShot(0, lambda: QApplication.exit(0))  # quit() would not end a dialog before the main loop
