"""The crash a person saw once in 报表导出, hunted by load: exports back to back and overlapping, while
the lists paint and the view changes. Runs under pytest's faulthandler, so a crash shows its stack."""

from __future__ import annotations

from desktop_app.core.storage.targets import WRITING_DIRNAME
from desktop_app.ui.shell.main_window import MainWindow, view_index
from desktop_app.ui.views.reports import ReportsView

ROUNDS = 12


def test_exports_overlapping_while_views_change_and_paint(qtbot, demo_context, tmp_path):
    window = MainWindow(demo_context)
    qtbot.addWidget(window)
    window.show()
    reports_row = view_index(ReportsView)
    window.nav.setCurrentRow(reports_row)
    reports = window.stack.currentWidget()
    assert isinstance(reports, ReportsView)
    tasks = []
    for round_number in range(ROUNDS):
        reports.kind.setCurrentIndex(round_number % reports.kind.count())
        # Two exports at once: the second replaces the view's task while the first one's thread runs.
        tasks.append(reports.export_to(tmp_path / f"a{round_number}.xlsx"))
        tasks.append(reports.export_to(tmp_path / f"b{round_number}.xlsx"))
        for row in (1, 3, 4, reports_row):
            window.nav.setCurrentRow(row)
            window.grab()  # paint the list while the workers write
    qtbot.waitUntil(lambda: all(task.done for task in tasks), timeout=120000)
    assert len(list(tmp_path.glob("*.xlsx"))) == 2 * ROUNDS
    assert not list(tmp_path.rglob("*.partial")), "no half-written file is left"
    assert not (tmp_path / WRITING_DIRNAME).exists()
    assert "已导出" in reports.status.text()


def test_a_task_whose_view_is_destroyed_mid_run_finishes_without_aborting(qtbot):
    """A restore rebuilds the views: a running export's view (its task's parent) goes away mid-run.
    Qt aborts the whole program when a running QThread is destroyed: the task outlives its view, and
    the program waits for running work before it exits."""
    import gc
    import threading

    from PySide6.QtWidgets import QApplication, QWidget

    from desktop_app.ui.kit.background import BackgroundTask, run_in_background

    release = threading.Event()
    finished = threading.Event()

    def slow_work():
        release.wait(10)
        finished.set()
        return "done"

    view = QWidget()
    run_in_background(label="正在导出…", work=slow_work, on_done=lambda result: None, parent=view)
    view.deleteLater()
    QApplication.processEvents()
    del view
    gc.collect()
    release.set()
    BackgroundTask.wait_all()
    assert finished.is_set()


def test_garbage_a_worker_collects_is_deleted_on_the_gui_thread(qtbot):
    """The cyclic collector runs in whichever thread allocates. Qt objects only Python held (a closed form in a
    reference cycle), collected on a worker, were deleted off the GUI thread: a crash later, inside Qt (here Qt
    says "Timers cannot be stopped from another thread", which fails the test). The collector stays on; what a
    worker's collection finds is let go on the GUI thread."""
    import gc
    import threading

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QLineEdit, QWidget

    from desktop_app.ui.kit.background import BackgroundTask, run_in_background

    class ClosedForm(QWidget):
        def __init__(self) -> None:
            super().__init__()
            self.edit = QLineEdit(self)
            self.timer = QTimer(self)
            self.timer.start(60000)
            self.itself = self  # the reference cycle: only the collector can free it

    deleted_in: list[str] = []
    form = ClosedForm()
    form.destroyed.connect(lambda: deleted_in.append(threading.current_thread().name))
    del form
    found: list[int] = []
    task = run_in_background(label="正在导出…", work=gc.collect, on_done=found.append)
    qtbot.waitUntil(lambda: task.done and not BackgroundTask.any_running(), timeout=10000)
    assert found[0] > 0, "the worker's collection found the form"
    assert gc.isenabled(), "the collector is never switched off"
    qtbot.waitUntil(lambda: deleted_in != [], timeout=10000)
    assert deleted_in == [threading.main_thread().name], "deleted on the GUI thread"
    assert not gc.garbage, "nothing is kept once it is let go"


def test_running_work_neither_covers_nor_clears_what_the_status_bar_tells(qtbot):
    """A script's weak password was told in the status bar for 15 seconds; 设置's count starting meanwhile showed
    its own label there and cleared it when done, and the advice was gone. The work's label has its own place."""
    import threading

    from PySide6.QtWidgets import QMainWindow

    from desktop_app.ui.kit.background import BackgroundTask, run_in_background, running_work_label

    window = QMainWindow()
    qtbot.addWidget(window)
    bar = window.statusBar()
    window.show()
    told = "现在的密码不够安全：请在“设置 → 数据”中修改密码"
    bar.showMessage(told, 15000)
    release = threading.Event()
    run_in_background(
        label="正在统计关怀类别的已用次数…", work=lambda: release.wait(10), on_done=lambda _: None, parent=window
    )
    qtbot.waitUntil(lambda: running_work_label(bar).text() == "正在统计关怀类别的已用次数…")
    assert running_work_label(bar).isVisible()
    assert bar.currentMessage() == told, "the work's label does not cover what the person was told"
    release.set()
    BackgroundTask.wait_all()
    qtbot.waitUntil(lambda: not running_work_label(bar).isVisible())
    assert bar.currentMessage() == told, "nor does its end clear it"


def test_a_finished_task_lets_its_result_go(qtbot):
    """A list's reload is a task its view keeps: once its result is handed over, the task must not hold it (each
    search of a long list would keep its ids for as long as the view lives)."""
    import weakref

    from PySide6.QtWidgets import QWidget

    from desktop_app.ui.kit.background import run_in_background

    class Ids(list):  # a list a weak reference can follow
        pass

    view = QWidget()
    qtbot.addWidget(view)
    handed: list[weakref.ref] = []
    task = run_in_background(
        label="正在读取…",
        work=lambda: Ids(range(1000)),
        on_done=lambda ids: handed.append(weakref.ref(ids)),
        parent=view,
    )
    qtbot.waitUntil(lambda: task.done)
    assert handed, "the result was handed over"
    assert handed[0]() is None, "nothing keeps the result once its taker let it go"
    assert task in view.children(), "the task itself stays with its view"
