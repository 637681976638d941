"""The first window is painted before the heavy layers load: nothing imports them on the way there.

Start-up speed rests on this (docs/ARCHITECTURE.md, Performance); one top-level import in the wrong module would undo
it without failing anything else. Each test runs the program in a fresh interpreter (this test session has long
imported everything) with `-X importtime`, whose report goes to the same pipe as the program's moments
(DESKTOP_APP_MOMENTS): every module whose line comes before `painted` was imported before the first window was on
screen.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import TEST_PASSWORD

# Loaded only once the first window is painted (the database, Excel, the services and views).
HEAVY = [
    "sqlalchemy",
    "alembic",
    "openpyxl",
    "xlsxwriter",
    "zxcvbn",
    "desktop_app.core.storage.database",
    "desktop_app.core.services.base",
    "desktop_app.ui.views.records",
]


def imported_before_painted(data_dir: Path, **env: str) -> set[str]:
    """The program started on `data_dir`, ended at its first window's paint: what it had imported by then."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "desktop_app", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "DESKTOP_APP_MOMENTS": "painted", **env},
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    lines = done.stdout.splitlines()
    assert "painted" in lines, done.stdout[-2000:]
    before = lines[: lines.index("painted")]
    # `import time: self | cumulative |   name`, a line when each import ends
    return {
        line.rsplit("|", 1)[1].strip()
        for line in before
        if line.startswith("import time:") and "|" in line and not line.rstrip().endswith("imported package")
    }


def assert_light(imported: set[str], first_window_module: str) -> None:
    assert first_window_module in imported, "the report covers the way to the first window"
    loaded = sorted(name for name in HEAVY if name in imported)
    assert loaded == [], f"loaded before the first window was painted: {loaded}"


def test_the_password_dialog_is_painted_before_any_heavy_module_loads(keyed_data_dir, monkeypatch):
    monkeypatch.delenv("DESKTOP_APP_PASSWORD")  # a person's start: the password is asked
    imported = imported_before_painted(keyed_data_dir)
    assert_light(imported, "desktop_app.ui.dialogs.unlock")
    # The key work (with OpenSSL's hashing) and the password rules load once a password is typed.
    early = sorted(imported & {"desktop_app.core.storage.keys", "desktop_app.core.storage.passwords", "hashlib"})
    assert early == [], f"loaded before the password dialog was painted: {early}"


def test_the_first_starts_new_password_dialog_is_painted_before_any_heavy_module_loads(tmp_path):
    assert_light(imported_before_painted(tmp_path / "new"), "desktop_app.ui.dialogs.passwords")


def test_a_scripts_main_window_is_painted_before_any_heavy_module_loads(keyed_data_dir):
    imported = imported_before_painted(keyed_data_dir, DESKTOP_APP_PASSWORD=TEST_PASSWORD)
    assert_light(imported, "desktop_app.ui.shell.main_window")
    assert "desktop_app.ui.dialogs.passwords" not in imported, "a script's start asks nothing"


def test_an_unknown_moment_is_named_and_nothing_is_printed(monkeypatch, capsys):
    from desktop_app.ui.shell.moments import VARIABLE, Moments

    monkeypatch.setenv(VARIABLE, "shwon")
    moments = Moments.from_environment()
    moments.reached("shown")
    printed = capsys.readouterr()
    assert printed.out == ""
    assert "shwon" in printed.err
    assert "painted、shown、ready、open" in printed.err


FIRST_WINDOWS = """
import sys
from pathlib import Path

import PySide6.QtCore
from PySide6.QtWidgets import QApplication

from desktop_app.ui.dialogs.passwords import NewPasswordDialog
from desktop_app.ui.dialogs.unlock import UnlockDialog
from desktop_app.ui.shell.app import create_application

app = create_application(input_rules=False)
for dialog in (UnlockDialog(Path(sys.argv[1])), NewPasswordDialog("新密码", "设置密码")):
    dialog.show()
    QApplication.processEvents()
    dialog.close()
print("built the Qt namespace" if "Qt" in vars(PySide6.QtCore) else "without the Qt namespace")
"""


def namespace_after(script: str, data_dir) -> str:
    """What a fresh interpreter that runs `script` on the data directory says of Qt's namespace."""
    done = subprocess.run(
        [sys.executable, "-c", script, str(data_dir)],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_the_password_windows_are_made_without_building_qts_namespace(keyed_data_dir):
    """PySide builds the hundred enums of Qt's namespace (about 45 ms) when a module imports `Qt`, or to choose the
    overload of a constructor such as QDialogButtonBox(StandardButton): the first windows do without it."""
    assert namespace_after(FIRST_WINDOWS, keyed_data_dir) == "without the Qt namespace"


MAIN_WINDOW = """
import sys
from pathlib import Path

import PySide6.QtCore
from PySide6.QtWidgets import QApplication

from desktop_app.ui.kit.background import run_in_background
from desktop_app.ui.kit.ui_settings import ui_settings
from desktop_app.ui.shell.app import create_application
from desktop_app.ui.shell.main_window import MainWindow

app = create_application(input_rules=False)
# A script's start begins its one task (the key and the 工作台's first look) before its window is made.
run_in_background(label="正在打开数据…", work=lambda: None, on_done=lambda _: None)
window = MainWindow(settings=ui_settings(Path(sys.argv[1])))
window.show()
QApplication.processEvents()
print("built the Qt namespace" if "Qt" in vars(PySide6.QtCore) else "without the Qt namespace")
"""


def test_a_scripts_main_window_is_made_without_building_qts_namespace(keyed_data_dir):
    """A script's first window is the main window, made after its task has begun: the task's module and the window's
    shortcuts do without the namespace too (built later, while the window waits for the 工作台's data)."""
    assert namespace_after(MAIN_WINDOW, keyed_data_dir) == "without the Qt namespace"
