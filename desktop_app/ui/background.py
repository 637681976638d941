"""Long work (export, import, backup) on a worker thread, with a progress dialog; the window stays live."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop_app.ui.errors import report_failure

ProgressCallback = Callable[[int, int], None]


class _Worker(QObject):
    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Callable[[ProgressCallback], Any]) -> None:
        super().__init__()
        self.work = work

    @Slot()
    def run(self) -> None:
        try:
            result = self.work(self.progress.emit)
        except BaseException as exc:  # everything reaches the GUI thread, so no dialog waits forever
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        finally:
            # The thread ends itself: it must not outlive its work even if nobody is left to stop it.
            QThread.currentThread().quit()


class BackgroundTask(QObject):
    """Run `work(progress)` on a thread; `on_done(result)` runs on the GUI thread afterwards.

    The worker's signals reach this object's slots, which live on the GUI thread, so
    they are queued: nothing in the worker touches a widget. Every task is kept alive until
    its thread has finished, whoever drops it (a second export replacing the first, a view
    rebuilt after a restore): Qt aborts the program when a running QThread is destroyed.
    """

    finished = Signal()
    failed = Signal(object)

    _running: ClassVar[set[BackgroundTask]] = set()

    def __init__(
        self,
        parent: QWidget,
        label: str,
        work: Callable[[ProgressCallback], Any],
        on_done: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None = None,
        quiet: bool = False,
    ) -> None:
        """`quiet` work (the start-up backup) shows no progress dialog and leaves the window free to use;
        `on_failure` replaces the failure dialog where a failure is only worth a note."""
        super().__init__(parent)
        self.parent_widget = parent
        self.on_done = on_done
        self.on_failure = on_failure
        self.done = False
        self.dialog = None if quiet else QProgressDialog(label, "", 0, 0, parent)
        if self.dialog is not None:
            self.dialog.setWindowTitle("请稍候")
            self.dialog.setCancelButton(None)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(400)
        self.thread = QThread()
        self.worker = _Worker(work)
        self.worker.moveToThread(self.thread)
        self.worker.progress.connect(self._progress)
        self.worker.succeeded.connect(self._succeeded)
        self.worker.failed.connect(self._failed)
        self.thread.started.connect(self.worker.run)
        self.thread.finished.connect(self._thread_finished)

    def start(self) -> BackgroundTask:
        BackgroundTask._running.add(self)
        self.thread.start()
        return self

    @classmethod
    def wait_all(cls) -> None:
        """Before the program exits: let running work finish (an export, a backup) rather than kill it."""
        for task in list(cls._running):
            task.thread.wait()
        cls._running.clear()

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        # Progress queued before the end may arrive after it: a finished task shows no dialog again.
        if total > 0 and not self.done and self.dialog is not None:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    def _stop(self) -> None:
        self.done = True
        self.thread.wait()
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.close()

    @Slot()
    def _thread_finished(self) -> None:
        BackgroundTask._running.discard(self)

    @Slot(object)
    def _succeeded(self, result: Any) -> None:
        self._stop()
        self.on_done(result)
        self.finished.emit()

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self._stop()
        if self.on_failure is not None:
            self.on_failure(exc)
        else:
            report_failure(self.parent_widget, exc)
        self.failed.emit(exc)
        self.finished.emit()
