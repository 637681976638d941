"""The window is shown before the heavy layers load: nothing imports them on the way there.

Start-up speed rests on this (docs/ARCHITECTURE.md, Performance); one top-level import in the
wrong module would undo it without failing anything else. Runs in a fresh interpreter, since
this test session has long imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

# Loaded only once the window shows (the database, Excel, the services and views).
HEAVY = [
    "sqlalchemy",
    "alembic",
    "openpyxl",
    "xlsxwriter",
    "desktop_app.core.storage.database",
    "desktop_app.core.services.base",
    "desktop_app.ui.views.records",
]

SHOW_WINDOW = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from desktop_app.ui.app import create_application
    from desktop_app.ui.errors import install_exception_hook
    from desktop_app.ui.main_window import MainWindow, ui_settings

    app = create_application()
    data_dir = Path(sys.argv[1])
    install_exception_hook(data_dir / "logs")
    window = MainWindow(settings=ui_settings(data_dir))
    window.show()
    app.processEvents()
    print(json.dumps(sorted(name for name in json.loads(sys.argv[2]) if name in sys.modules)))
    """
)


def test_showing_the_window_loads_no_heavy_module(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", SHOW_WINDOW, str(tmp_path), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == [], f"loaded before the window was shown: {loaded}"
