"""Long work (export, import, backup) on a worker thread, with a progress dialog; the window stays live.

The worker is a plain Python thread that calls nothing of Qt's: the GUI thread polls it. Two crashes
came from Qt work done off the GUI thread. PySide builds a Python QObject's meta-object lazily, and a
QThread worker invoking its slot raced with the GUI thread inside `PySide::MetaObjectBuilder::update`
(seen in the test suite under gdb). And Python's cyclic garbage collector runs in whichever thread
allocates: in a worker it deleted Qt widgets only Python still held (a closed form in a reference
cycle), off the GUI thread. So the worker touches no Qt object, and while work runs the collector waits;
it collects on the GUI thread once the last task has finished.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop_app.ui.kit.errors import report_failure

ProgressCallback = Callable[[int, int], None]
POLL_MS = 30
# Start-up work is short and a person waits for it: found out sooner (a poll every 30 ms came 15 ms late on
# average), for the cost of a few more wake-ups while it runs.
START_UP_POLL_MS = 3


class BackgroundTask(QObject):
    """Run `work(progress)` on a worker thread; `on_done(result)` runs on the GUI thread afterwards.

    Every task is kept referenced until its work has finished, whoever drops it (a second export
    replacing the first, a view rebuilt after a restore), and the program waits for running work
    before it exits.
    """

    finished = Signal()
    failed = Signal(object)

    _running: ClassVar[set[BackgroundTask]] = set()

    def __init__(
        self,
        parent: QWidget | None,
        label: str,
        work: Callable[[ProgressCallback], Any],
        on_done: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None = None,
        quiet: bool = False,
        poll_ms: int = POLL_MS,
    ) -> None:
        """`parent`: whose end ends the task's telling (None only for quiet work with its own `on_failure`).
        `quiet` work (the start-up backup) shows no progress dialog and leaves the window free to use;
        `on_failure` replaces the failure dialog where a failure is only worth a note; `poll_ms`: how often
        the GUI thread looks whether the work is done."""
        super().__init__(parent)
        self.parent_widget = parent
        self.work = work
        self.on_done = on_done
        self.on_failure = on_failure
        self.done = False
        self._progress: tuple[int, int] = (0, 0)  # written by the worker, read by the GUI thread
        self._outcome: tuple[bool, Any] | None = None
        self._thread = threading.Thread(target=self._run, name=f"书记工作台：{label}", daemon=True)
        self.dialog = None if quiet else QProgressDialog(label, "", 0, 0, parent)
        if self.dialog is not None:
            self.dialog.setWindowTitle("请稍候")
            self.dialog.setCancelButton(None)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(400)
        # Not a child of the task: if the view that started it is destroyed, the poll still ends the task.
        self._poll = QTimer()
        self._poll.setInterval(poll_ms)
        # Through a plain function: a slot of this object would be disconnected if the object went first.
        self._poll.timeout.connect(lambda: self._check())

    def start(self) -> BackgroundTask:
        if not BackgroundTask._running:
            gc.disable()  # see the module's note: garbage waits for the GUI thread
        BackgroundTask._running.add(self)
        self._thread.start()
        self._poll.start()
        return self

    @classmethod
    def any_running(cls) -> bool:
        return bool(cls._running)

    @classmethod
    def wait_all(cls) -> None:
        """Before the program exits: let running work finish (an export, a backup) rather than kill it."""
        for task in list(cls._running):
            task._thread.join()
        cls._running.clear()
        gc.enable()

    # -- the worker thread: plain Python, nothing of Qt's --------------------------------
    def _run(self) -> None:
        try:
            result = self.work(self._report)
        except BaseException as exc:  # everything reaches the GUI thread, so no dialog waits forever
            self._outcome = (False, exc)
        else:
            self._outcome = (True, result)

    def _report(self, done: int, total: int) -> None:
        self._progress = (done, total)

    # -- the GUI thread ------------------------------------------------------------------
    def _check(self) -> None:
        alive = shiboken6.isValid(self)  # its view may have been destroyed while the work ran
        done, total = self._progress
        if total > 0 and alive and self.dialog is not None and self._outcome is None:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        if self._outcome is None:
            return
        self._poll.stop()
        self._thread.join()
        self.done = True
        BackgroundTask._running.discard(self)
        try:
            if not alive:
                return  # nobody is left to tell
            if self.dialog is not None:
                self.dialog.reset()
                self.dialog.close()
            succeeded, value = self._outcome
            if succeeded:
                self.on_done(value)
            elif self.on_failure is not None:
                self.on_failure(value)
            else:
                report_failure(self.parent_widget, value)
            if not succeeded:
                self.failed.emit(value)
            self.finished.emit()
        finally:
            # After the result is shown: the first collection after start-up walks every object the imports
            # made (tens of milliseconds), and the person should not wait for it.
            if not BackgroundTask._running:
                gc.enable()
                gc.collect()


def wait_for(parent: QWidget | None, label: str, work: Callable[[], Any]) -> Any:
    """`work()` on a worker, a progress dialog over `parent`, the window painted meanwhile; its result (or its
    exception) once it is done. For a step the code after it needs, e.g. the key derivation of a new password."""
    from PySide6.QtCore import QEventLoop

    outcome: list[tuple[bool, Any]] = []
    loop = QEventLoop()

    def done(result: Any) -> None:
        outcome.append((True, result))
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome.append((False, exc))
        loop.quit()

    BackgroundTask(parent, label, lambda progress: work(), done, failed).start()
    if not outcome:
        loop.exec()
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value
