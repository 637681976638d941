"""The lock: after the minutes set in 设置 without input (or Ctrl+L) every window is curtained and the password
asked again; what was typed underneath stays."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from desktop_app.core.storage import security_events
from desktop_app.ui.dialogs.unlock import UnlockDialog
from desktop_app.ui.kit.ui_settings import idle_minutes

IDLE_POLL_MS = 10_000


class Curtain(QWidget):
    """Covers a window's contents while the program is locked; the window and what was typed in it stay."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window_covered = window
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        layout = QVBoxLayout(self)
        label = QLabel("书记工作台已锁定")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(label)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self.window_covered.rect())
        return False


class IdleLock(QObject):
    """Locks every window after the minutes set in 设置 without input, or at once (锁定, Ctrl+L)."""

    def __init__(
        self,
        data_dir: Path,
        key: bytes,
        settings: QSettings,
        clock: Callable[[], float] = time.monotonic,
        on_unlock: Callable[[], object] = lambda: None,
    ) -> None:
        """`on_unlock`: after the right password, e.g. the 锁定 and the wrong passwords written into 操作记录."""
        super().__init__()
        self.data_dir = data_dir
        self.on_unlock = on_unlock
        self.key = key
        self.settings = settings
        self.clock = clock
        self.last_input = clock()
        self.locked = False
        self.dialog: UnlockDialog | None = None
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setInterval(IDLE_POLL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    INPUT = frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
            QEvent.Type.InputMethod,
        }
    )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.INPUT:
            self.last_input = self.clock()
        return False

    def check(self) -> None:
        minutes = idle_minutes(self.settings)
        if not self.locked and minutes and self.clock() - self.last_input >= minutes * 60:
            self.lock(f"{minutes} 分钟无操作，自动锁定")

    def lock(self, why: str = "按 Ctrl+L 或点“锁定”") -> None:
        """Curtains over every window, then the password; the windows underneath keep what was typed. 操作记录
        hears of it (and of wrong passwords) once unlocked: nothing is written while locked."""
        if self.locked:
            return
        self.locked = True
        security_events.note(self.data_dir, security_events.LOCKED, why)
        curtains = [Curtain(window) for window in QApplication.topLevelWidgets() if window.isVisible()]
        try:
            self.dialog = UnlockDialog(self.data_dir, expected=self.key, locked=True)
            self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
            if self.dialog.exec():
                security_events.note(self.data_dir, security_events.UNLOCKED)
                self.on_unlock()
        finally:
            for curtain in curtains:
                curtain.hide()
                curtain.deleteLater()
            self.dialog = None
            self.locked = False
            self.last_input = self.clock()
