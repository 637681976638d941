"""The core's change feed (core/storage/changes.py) as one Qt signal, on the GUI thread.

Pages listen to `DataChanges.changed`: a page showing a table that changed marks itself stale and reads
afresh when it is next shown (`Page.show_fresh`). A commit on the GUI thread is told at once; one on a worker
(an import, a restore's check) waits in a queue the GUI thread empties: the worker touches nothing of Qt's
(see ui/kit/background.py). Another client's saves, told by the server's listener thread, are queued the same way;
a shown page reads them afresh at once (`Page`).
"""

from __future__ import annotations

import threading
from collections import deque

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.core.storage.changes import Change, ChangeFeed

DRAIN_MS = 200  # how soon a worker's commit reaches the pages; a shown page is re-read only when shown again


class DataChanges(QObject):
    changed = Signal(object)  # a Change

    def __init__(self, feed: ChangeFeed, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._gui_thread = threading.current_thread()
        self._queued: deque[Change] = deque()  # appended by workers, emptied on the GUI thread
        self._drain = QTimer(self)
        self._drain.setInterval(DRAIN_MS)
        self._drain.timeout.connect(self.tell_queued)
        self._drain.start()
        self.stop_listening = feed.subscribe(self._heard)

    def _heard(self, change: Change) -> None:
        if threading.current_thread() is self._gui_thread:
            self.tell_queued()
            self.changed.emit(change)
        else:
            self._queued.append(change)

    def tell_queued(self) -> None:
        while self._queued:
            self.changed.emit(self._queued.popleft())
