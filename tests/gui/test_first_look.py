"""The 工作台 is shown as soon as its data is read from the file, before the database layer has opened it;
what a person asks in that moment is done once it has."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtWidgets import QApplication

from desktop_app.core.services import opening as opening_module
from desktop_app.core.services.care import CareCategoryService, CareService
from desktop_app.core.services.profile import ProfileService
from desktop_app.core.storage import keys
from desktop_app.core.storage.startup import open_database
from desktop_app.ui.dialogs.unlock import UnlockDialog
from desktop_app.ui.forms.base import RecordForm
from desktop_app.ui.kit.background import BackgroundTask
from desktop_app.ui.kit.ui_settings import ui_settings
from desktop_app.ui.shell.app import FirstPaint, Start
from desktop_app.ui.shell.main_window import MainWindow
from desktop_app.ui.views.dashboard import DashboardView
from desktop_app.ui.views.records import CareView
from tests.gui.conftest import PASSWORD, answer


@pytest.fixture
def community(tmp_path):
    """An encrypted community's data with one follow-up overdue; (data directory, the follow-up's id)."""
    key, _ = keys.create_keys(tmp_path, PASSWORD)
    db = open_database(tmp_path, key=key)
    ProfileService(db).save({"community_name": "康宁居民区"})
    other = next(c.id for c in CareCategoryService(db).list() if c.name == "其他")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    care_id = CareService(db).create(
        {
            "date": yesterday - dt.timedelta(days=30),
            "category_id": other,
            "recipient_name": "王奶奶",
            "status": "需回访",
            "follow_up_date": yesterday,
        }
    )
    db.dispose()
    return tmp_path, care_id


@pytest.fixture
def held_opening(monkeypatch):
    """The database layer's opening waits until the test lets it go on (set the event)."""
    go_on = threading.Event()
    real = opening_module.open_and_read

    def opening_when_let(*args, **kwargs):
        assert go_on.wait(20), "the test never let the opening go on"
        return real(*args, **kwargs)

    monkeypatch.setattr(opening_module, "open_and_read", opening_when_let)
    return go_on


def start(qtbot, directory, drive_modal=None, type_text=None):
    """The program's start on a window already shown: a script's (its password given), or with `drive_modal` a
    person's, who types the password into the dialog."""
    window = MainWindow(settings=ui_settings(directory))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    if drive_modal is None:
        started = Start(directory, None, PASSWORD, window=window, stop=pytest.fail)
        assert started.run()
    else:
        started = Start(directory, None, None, window=window, stop=pytest.fail)
        assert drive_modal(started.run, answer(qtbot, type_text, PASSWORD))
    qtbot.waitUntil(lambda: window.first_look is not None, timeout=20000)
    return window, started


def finish(qtbot, started):
    qtbot.waitUntil(lambda: not BackgroundTask._running, timeout=20000)  # the day's backup, the file's check
    started.close()


def test_a_page_clicked_before_the_data_is_open_is_shown_once_it_is(
    qtbot, community, held_opening, reminder_lines, click_page
):
    directory, _ = community
    window, started = start(qtbot, directory)  # a script's start
    panel = window.first_look
    assert window.context is None, "the database layer has not opened the data yet"
    assert window.stack.currentWidget() is panel
    assert any("关怀回访：王奶奶" in line and "已过期" in line for line in reminder_lines(panel))
    assert window.windowTitle().endswith("康宁居民区")

    click_page(window, "关怀记录")
    assert window.stack.currentWidget() is panel, "nothing to show it with yet"
    assert window.count_label.text() == "正在打开数据…"
    assert QApplication.overrideCursor() is not None, "the person sees it is on its way"

    held_opening.set()
    qtbot.waitUntil(lambda: window.context is not None, timeout=20000)
    assert isinstance(window.stack.currentWidget(), CareView), "the page asked for is shown"
    assert QApplication.overrideCursor() is None
    dashboard = window.view(0)
    assert isinstance(dashboard, DashboardView)
    assert dashboard.panel is panel, "the 工作台 shown first is the page's, not a second copy"
    finish(qtbot, started)


def test_a_reminder_clicked_before_the_data_is_open_opens_its_record_once_it_is(
    qtbot, community, held_opening, monkeypatch, click_reminder, drive_modal, type_text
):
    directory, care_id = community
    forms: list[RecordForm] = []
    monkeypatch.setattr(RecordForm, "exec", lambda form: forms.append(form) or 0)
    window, started = start(qtbot, directory, drive_modal, type_text)  # the look is read after the password
    click_reminder(window.first_look, "王奶奶")
    assert forms == []
    held_opening.set()
    qtbot.waitUntil(lambda: bool(forms), timeout=20000)
    [form] = forms
    assert form.record_id == care_id
    assert isinstance(window.stack.currentWidget(), CareView)
    finish(qtbot, started)


def test_the_workbench_shown_first_stays_on_screen_when_the_data_is_open(
    qtbot, community, held_opening, reminder_lines
):
    directory, _ = community
    window, started = start(qtbot, directory)
    panel = window.first_look
    held_opening.set()
    qtbot.waitUntil(lambda: window.context is not None, timeout=20000)
    dashboard = window.stack.currentWidget()
    assert isinstance(dashboard, DashboardView)
    assert dashboard.panel is panel
    assert panel.isVisible(), "the 工作台 still shows, now as the page's"
    assert not panel.visibleRegion().isEmpty()
    assert any("王奶奶" in line for line in reminder_lines(panel))
    finish(qtbot, started)


def test_the_password_dialog_says_once_that_it_is_painted(qtbot, tmp_path):
    """The start's first window tells of its own paint (no event filter): heard once, after the paint."""
    dialog = UnlockDialog(tmp_path)
    qtbot.addWidget(dialog)
    heard: list[str] = []
    watch = FirstPaint(lambda: heard.append("painted"), dialog)
    dialog.show()
    qtbot.waitUntil(lambda: heard == ["painted"])
    dialog.repaint()
    qtbot.wait(20)
    assert heard == ["painted"]
    assert watch.watched is None, "no event filter was installed"


def test_a_scripts_wrong_password_is_told_and_the_program_ends(qtbot, community, shown_errors):
    directory, _ = community
    window = MainWindow(settings=ui_settings(directory))
    qtbot.addWidget(window)
    window.show()
    stopped: list[int] = []
    started = Start(directory, None, "不是这个密码", window=window, stop=stopped.append)
    assert started.run()
    qtbot.waitUntil(lambda: bool(stopped), timeout=20000)
    assert stopped == [1]
    assert any("密码或恢复密钥不正确" in message for _, message in shown_errors)
    assert window.first_look is None
    assert window.context is None
    assert started.opened == []


def test_a_program_ended_before_its_first_look_is_shown_ends_at_once(community):
    """Ended at the moment its main window is shown (the 工作台 read, not yet on screen): the opening under way is
    given up, not waited for (it would wait for the look to be shown)."""
    import os
    import subprocess
    import sys

    directory, _ = community
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DESKTOP_APP_PASSWORD": PASSWORD}
    env["DESKTOP_APP_MOMENTS"] = "shown"
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--data-dir", str(directory)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == "shown"


def test_the_input_rules_take_over_once_the_workbench_is_shown(qtbot, community, held_opening):
    """The rules' filter sees every event: the start installs it with the 工作台, not while the first look is read,
    and a field made then keeps them (the wheel over it scrolls the page)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QSpinBox

    from desktop_app.ui.kit.input_rules import InputRules

    app = QApplication.instance()
    for installed in app.findChildren(InputRules):  # as an earlier test's window may have left them
        app.removeEventFilter(installed)
        installed.setParent(None)
        installed.deleteLater()
    directory, _ = community
    window = MainWindow(settings=ui_settings(directory))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    started = Start(directory, None, PASSWORD, window=window, stop=pytest.fail)
    assert started.run()
    assert app.findChild(InputRules) is None, "not yet: the first look is being read"
    qtbot.waitUntil(lambda: window.first_look is not None, timeout=20000)
    assert isinstance(app.findChild(InputRules), InputRules), "taken with the first look"
    field = QSpinBox(window)
    field.show()
    assert field.focusPolicy() == Qt.FocusPolicy.StrongFocus
    held_opening.set()
    qtbot.waitUntil(lambda: window.context is not None, timeout=20000)
    assert len(app.findChildren(InputRules)) == 1, "once, not again when the data is open"
    finish(qtbot, started)
