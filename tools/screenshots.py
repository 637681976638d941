"""Start the app offscreen on demo data and save one PNG per view and per form dialog.

Usage: python tools/screenshots.py OUT_DIR   (or: python3 dev.py screenshots [OUT_DIR])
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.core.demo import fill_demo
from desktop_app.core.startup import open_database
from desktop_app.ui.app import create_application
from desktop_app.ui.context import AppContext
from desktop_app.ui.main_window import VIEW_CLASSES, MainWindow
from desktop_app.ui.views.record_view import RecordView

NAMES = ("dashboard", "care", "visits", "meetings", "residents", "members", "recycle", "settings")


def grab(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(tmp)
        fill_demo(db, "small", today=dt.date.today())
        window = MainWindow(AppContext.open(db))
        window.resize(1366, 768)
        window.show()
        # Something in the 回收站, so its screenshot shows a real row.
        window.view(1).service.soft_delete(window.view(1).model._ids[:2])  # type: ignore[attr-defined]
        for index, name in enumerate(NAMES):
            window.nav.setCurrentRow(index)
            grab(window, out / f"view-{index + 1}-{name}.png")
        for index in range(len(VIEW_CLASSES)):
            view = window.view(index)
            if not isinstance(view, RecordView):
                continue
            name = NAMES[index]
            new_form = view.open_form()
            new_form.show()
            grab(new_form, out / f"form-{name}-new.png")
            new_form.done(0)
            if view.model.rowCount():
                form = view.open_form(view.model.record_id(0))
                form.show()
                grab(form, out / f"form-{name}-edit.png")
                form.done(0)
        window.close()
        db.dispose()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
