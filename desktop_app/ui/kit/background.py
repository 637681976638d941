"""Long work in one call: `run_in_background(label=…, work=…, on_done=…, on_error=…)`.

The work runs on a plain Python thread that calls nothing of Qt's; the GUI thread polls it for news and for the
outcome, and hands the outcome to `on_done` (or the failure to `on_error`, else to the one failure route). While it
runs, the window's status bar shows the label; a progress dialog as well where asked. A QThread worker invoking its
slot crashed once inside `PySide::MetaObjectBuilder::update`, racing the GUI thread: hence the plain thread.

Python's cyclic garbage collector runs in whichever thread allocates. Run in a worker, it deleted Qt objects only
Python still held (a closed form in a reference cycle) off the GUI thread: a crash later, inside Qt. So a collection
that runs on a worker keeps what it finds (`gc.garbage`, through DEBUG_SAVEALL for that collection only), and the GUI
thread lets it go (`GarbageOffTheWorkers`). The collector itself is never switched off.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressDialog, QStatusBar, QWidget

from desktop_app.ui.kit.errors import report_failure

POLL_MS = 30
# Start-up work is short and a person waits for it: found out sooner (a poll every 30 ms came 15 ms late on
# average), for the cost of a few more wake-ups while it runs.
START_UP_POLL_MS = 3
GARBAGE_POLL_MS = 500
RUNNING_WORK = "running_work"  # the status bar's label for the running work (`running_work_label`)


class News:
    """What the work tells while it runs (the core's progress callbacks call it with done and total): written by
    the worker, read by the GUI thread's poll, the latest only."""

    def __init__(self) -> None:
        self.told: tuple[Any, ...] | None = None
        self.count = 0

    def __call__(self, *told: Any) -> None:
        self.told = told
        self.count += 1


class BackgroundTask(QObject):
    """One piece of work under way (see `run_in_background`). Every task stays referenced until its work has
    finished, whoever drops it (a second export replacing the first, a view rebuilt after a restore), and the
    program waits for running work before it exits."""

    finished = Signal()
    failed = Signal(object)

    _running: ClassVar[set[BackgroundTask]] = set()

    def __init__(
        self,
        parent: QWidget | None,
        label: str,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None,
        news: News | None,
        on_news: Callable[..., None] | None,
        poll_ms: int,
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.label = label
        self.work = work
        self.on_done = on_done
        self.on_error = on_error
        self.news = news
        self.on_news = on_news
        self.done = False
        self.dialog: QProgressDialog | None = None
        self._news_seen = 0
        self._outcome: tuple[bool, Any] | None = None  # written by the worker, read by the GUI thread
        self._thread = threading.Thread(target=self._run, name=f"书记工作台：{label}", daemon=True)
        # Not a child of the task: if the view that started it is destroyed, the poll still ends the task.
        self._poll = QTimer()
        self._poll.setInterval(poll_ms)
        # Through a plain function: a slot of this object would be disconnected if the object went first.
        self._poll.timeout.connect(lambda: self._check())

    def show_progress_dialog(self, label: str | None = None) -> None:
        """A window-modal progress dialog over the parent while the work runs (after 0.4 s)."""
        # Here, not at the top: a script's start runs its task before its window, and importing `Qt` makes PySide
        # build its namespace (about 15 ms) before the window is on screen.
        from PySide6.QtCore import Qt

        dialog = QProgressDialog(label or self.label, "", 0, 0, self.parent_widget)
        dialog.setWindowTitle("请稍候")
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        self.dialog = dialog

    def start(self) -> BackgroundTask:
        GarbageOffTheWorkers.install()
        BackgroundTask._running.add(self)
        self._thread.start()
        self._poll.start()
        self._tell_status()
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

    # -- the worker thread: plain Python, nothing of Qt's --------------------------------
    def _run(self) -> None:
        try:
            result = self.work()
        except BaseException as exc:  # everything reaches the GUI thread, so no dialog waits forever
            self._outcome = (False, exc)
        else:
            self._outcome = (True, result)

    # -- the GUI thread ------------------------------------------------------------------
    def _check(self) -> None:
        alive = shiboken6.isValid(self)  # its view may have been destroyed while the work ran
        outcome = self._outcome
        if alive:
            self._pass_news()
        if outcome is None:
            return
        self._outcome = None  # told once below: the task, which its parent keeps, must not keep the result alive
        self._poll.stop()
        self._thread.join()
        self.done = True
        BackgroundTask._running.discard(self)
        if not alive:
            return  # nobody is left to tell
        self._tell_status()
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.close()
        succeeded, value = outcome
        if succeeded:
            self.on_done(value)
        elif self.on_error is not None:
            self.on_error(value)
        else:
            report_failure(self.parent_widget, value)
        if not succeeded:
            self.failed.emit(value)
        self.finished.emit()

    def _pass_news(self) -> None:
        news = self.news
        if news is None or news.count == self._news_seen or news.told is None:
            return
        self._news_seen = news.count
        if self.on_news is not None:
            self.on_news(*news.told)
        elif self.dialog is not None and len(news.told) == 2:
            done, total = news.told
            if total > 0:
                self.dialog.setMaximum(total)
                self.dialog.setValue(min(done, total))

    def _tell_status(self) -> None:
        """The status bar of the window the work belongs to shows the newest running task's label."""
        window = main_window_of(self.parent_widget)
        if window is None:
            return
        labels = [task.label for task in BackgroundTask._running if main_window_of(task.parent_widget) is window]
        shown = running_work_label(window.statusBar())
        shown.setText(labels[-1] if labels else "")
        shown.setVisible(bool(labels))


def running_work_label(bar: QStatusBar) -> QLabel:
    """The status bar's place for the running work: a permanent label of its own. What the program tells the person
    there (已自动备份, a weak password's advice: the bar's message, for seconds) is neither covered nor cleared by
    work that starts or ends meanwhile, as it was when the work's label was the message too."""
    label = bar.findChild(QLabel, RUNNING_WORK)
    if label is None:
        label = QLabel(bar)
        label.setObjectName(RUNNING_WORK)
        bar.addPermanentWidget(label)
    return label


def main_window_of(widget: QWidget | None) -> QMainWindow | None:
    """The main window a widget (or the dialog it is in) belongs to."""
    while widget is not None and shiboken6.isValid(widget):
        top = widget.window()
        if isinstance(top, QMainWindow):
            return top
        widget = top.parentWidget()
    return None


def run_in_background(
    *,
    label: str,
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    parent: QWidget | None = None,
    progress_dialog: bool = False,
    news: News | None = None,
    on_news: Callable[..., None] | None = None,
    poll_ms: int = POLL_MS,
) -> BackgroundTask:
    """Run `work()` on a worker thread; `on_done(result)` runs on the GUI thread afterwards, or `on_error(exc)`
    (without it, the failure is told the one way, `errors.report_failure`). `label` (Chinese: 正在备份…) is shown in
    the status bar of `parent`'s window while the work runs, and in a progress dialog over `parent` if
    `progress_dialog`. `news` is what the work tells while it runs: done and total for the dialog, or anything
    `on_news` takes. `poll_ms`: how often the GUI thread looks for news and the outcome. `parent` also decides
    when nobody is left to tell: a task whose parent is gone ends quietly."""
    task = BackgroundTask(parent, label, work, on_done, on_error, news, on_news, poll_ms)
    if progress_dialog:
        task.show_progress_dialog()
    return task.start()


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

    run_in_background(label=label, work=work, on_done=done, on_error=failed, parent=parent, progress_dialog=True)
    if not outcome:
        loop.exec()
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value


class GarbageOffTheWorkers:
    """A collection that runs on a thread other than the GUI thread keeps its garbage (DEBUG_SAVEALL for that
    collection only); the GUI thread lets it go every GARBAGE_POLL_MS, with a collection of the generation it was
    moved to. Qt objects among it are so deleted where Qt needs them deleted. Installed once, by the first task."""

    installed: ClassVar[GarbageOffTheWorkers | None] = None

    def __init__(self, gui_thread: int) -> None:
        self.gui_thread = gui_thread
        self.kept_in = -1  # the oldest generation a worker's collection moved garbage into; -1: none

    @classmethod
    def install(cls) -> None:
        if cls.installed is not None:
            return
        guard = cls(threading.get_ident())
        gc.callbacks.append(guard.collecting)
        timer = QTimer(QCoreApplication.instance())
        timer.setInterval(GARBAGE_POLL_MS)
        timer.timeout.connect(guard.let_go)
        timer.start()
        cls.installed = guard

    def collecting(self, phase: str, info: dict[str, int]) -> None:
        if threading.get_ident() == self.gui_thread:
            return
        if phase == "start":
            gc.set_debug(gc.get_debug() | gc.DEBUG_SAVEALL)
            return
        gc.set_debug(gc.get_debug() & ~gc.DEBUG_SAVEALL)
        if info["collected"]:
            self.kept_in = max(self.kept_in, min(info["generation"] + 1, 2))

    def let_go(self) -> None:
        """On the GUI thread: what the workers' collections kept is collected here."""
        if self.kept_in < 0:
            return
        generation, self.kept_in = self.kept_in, -1
        gc.garbage.clear()
        gc.collect(generation)
