"""The window is shown before the heavy layers load: nothing imports them on the way there.

Start-up speed rests on this (docs/ARCHITECTURE.md, Performance); one top-level import in the
wrong module would undo it without failing anything else. Runs in a fresh interpreter, since
this test session has long imported everything.
"""

from __future__ import annotations

import os
import subprocess
import sys

# Loaded only once the window shows (the database, Excel, the services and views).
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


def imported_modules(importtime_output: str) -> set[str]:
    """Module names from `python -X importtime`'s report (`import time: self | cumulative |   name`)."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in importtime_output.splitlines()
        if line.startswith("import time:") and "|" in line and not line.rstrip().endswith("imported package")
    }


def test_showing_the_window_loads_no_heavy_module(tmp_path):
    """The program as a person starts it, quitting once its window is shown."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "desktop_app", "--data-dir", str(tmp_path), "--quit-when", "shown"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = imported_modules(done.stderr)
    assert "desktop_app.ui.shell.main_window" in imported, "the report covers the start-up path"
    loaded = sorted(name for name in HEAVY if name in imported)
    assert loaded == [], f"loaded before the window was shown: {loaded}"
