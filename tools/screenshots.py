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

from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.storage.startup import open_database
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.shell.app import create_application
from desktop_app.ui.shell.main_window import VIEWS, MainWindow
from desktop_app.ui.views.record_view import RecordView

NAMES = (
    "dashboard",
    "care",
    "visits",
    "meetings",
    "residents",
    "members",
    "dues",
    "studio",
    "reports",
    "recycle",
    "talks",
    "talk-coverage",
    "reviews",
    "lapses",
    "transfers",
    "mobile",
    "audit",
    "settings",
)


def grab(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def grab_import_dialog(db, tmp: Path, out: Path) -> None:  # type: ignore[no-untyped-def]
    """The import preview of a roster with one good row, one duplicate and one mistake."""
    import openpyxl

    from desktop_app.ui.dialogs.import_dialog import ImportDialog

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某居民区居民花名册"])
    sheet.append(["序号", "姓名", "门牌", "手机", "身份证号", "出生日期"])
    sheet.append([1, "沈月华", "12号楼301室", "139 1234 5678", "11010519491231002X", "1949年12月31日"])
    sheet.append([2, "沈月华", "12号楼301室", "139 1234 5678", "11010519491231002X", "1949年12月31日"])
    sheet.append([3, "钱耀祖", "8号楼101室", "1391234", "110105194912310021", "1950/2/30"])
    path = tmp / "居民花名册.xlsx"
    book.save(path)
    dialog = ImportDialog(db, "residents")
    dialog.show()
    task = dialog.load_file(path)
    while not task.done:
        QApplication.processEvents()
    grab(dialog, out / "dialog-import-preview.png")
    dialog.done(0)


def grab_dues_dialogs(window: MainWindow, db, tmp: Path, out: Path) -> None:  # type: ignore[no-untyped-def]
    """The 党费 base import's preview (one wrong row) and the 自愿多交 dialog."""
    import openpyxl

    from desktop_app.ui.dialogs.dues_import import DuesBasesDialog
    from desktop_app.ui.views.dues import DuesView, VoluntaryDialog

    view = next(window.view(i) for i in range(len(VIEWS)) if isinstance(window.view(i), DuesView))
    names = [row.name for row in view.rows[:3]]
    book = openpyxl.Workbook()
    header = ["姓名", "缴费类别", "税后月工资"]
    for row in (header, [names[0], "在职", 6200], [names[1], "退休", 4800], [names[2], "退伍", 3000]):
        book.active.append(row)
    path = tmp / "党费基数.xlsx"
    book.save(path)
    dialog = DuesBasesDialog(db, dt.date.today().year + 1, view)
    dialog.show()
    task = dialog.load_file(path)
    while task is not None and not task.done:
        QApplication.processEvents()
    grab(dialog, out / "dialog-dues-bases-import.png")
    dialog.done(0)
    gift = VoluntaryDialog(names[0], lambda dialog: None, view)
    gift.show()
    grab(gift, out / "dialog-dues-voluntary.png")
    gift.done(0)


def grab_forms(view: RecordView, out: Path, name: str) -> None:
    """The form for a new record, and for the first record of the list."""
    new_form = view.open_form()
    new_form.show()
    grab(new_form, out / f"form-{name}-new.png")
    new_form.done(0)
    if view.model.rowCount():
        form = view.open_form(view.model.record_id(0))
        form.show()
        grab(form, out / f"form-{name}-edit.png")
        form.done(0)


def grab_meeting_pdf(window: MainWindow, out: Path) -> None:
    """The first three meetings exported as the paper 会议记录, one page each."""
    from desktop_app.ui.dialogs.meeting_print import write_meeting_pdf

    view = window.record_view("meeting")
    ids = [view.model.record_id(row) for row in range(min(3, view.model.rowCount()))]
    path = write_meeting_pdf(view.service, ids, out / "meeting-records.pdf")
    print(path)


def street_screens(tmp: Path, out: Path) -> None:
    """The street office's copy with three demo communities' quarterly packages (one community missing the
    latest quarter): each page, and the consolidated workbooks of the year to look at as PDF."""
    from desktop_app.core.domain.periods import Period
    from desktop_app.core.exchange.packages.build import build_package, package_period
    from desktop_app.core.exchange.packages.street_import import import_packages
    from desktop_app.core.exchange.reports.registry import STREET, export_report
    from desktop_app.core.services.mode import ModeService
    from desktop_app.core.services.street import StreetKeyService, StreetUnitService
    from desktop_app.ui.shell.main_window import STREET_VIEWS

    today = dt.date.today()
    street = open_database(tmp / "street")
    ModeService(street).become_street("示例街道")
    key = StreetKeyService(street).create_key_pair("示例街道")
    StreetUnitService(street).add("310199001", "古美西路居民区")  # listed, never reported
    packages = []
    for seed in (31, 32, 33):
        community = open_database(tmp / f"community-{seed}")
        fill_demo(community, "small", seed=seed, today=today)
        StreetKeyService(community).set_street_key(key)
        for quarter in range(1, (today.month - 1) // 3 + 2 - (seed == 33)):
            target = tmp / f"{seed}-Q{quarter}.sjb"
            build_package(community, package_period(f"{today.year}Q{quarter}"), target)
            packages.append(target)
        community.dispose()
    import_packages(street, packages, add_units=True)
    window = MainWindow(AppContext.open(street))
    window.show()
    for index, (_, _, name) in enumerate(STREET_VIEWS):
        window.nav.setCurrentRow(index)
        grab(window, out / f"street-{index + 1}-{name}.png")
    for kind in STREET:
        print(export_report(street, kind, Period.year(today.year), out / f"street-{kind}.xlsx", catalogue=STREET).path)
    window.close()
    street.dispose()


def main(out: Path) -> int:
    assert len(NAMES) == len(VIEWS), "one screenshot name a page"
    out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(tmp)
        fill_demo(db, "small", today=dt.date.today())
        window = MainWindow(AppContext.open(db))
        window.show()  # at the size the program chooses for this screen
        # Something in the 回收站, so its screenshot shows a real row.
        window.view(1).service.soft_delete(window.view(1).model._ids[:2])  # type: ignore[attr-defined]
        for index, name in enumerate(NAMES):
            window.nav.setCurrentRow(index)
            grab(window, out / f"view-{index + 1}-{name}.png")
        for index in range(len(VIEWS)):
            container = window.view(index)
            # The 书记工作室 holds two lists on tabs.
            inner = [container.activities, container.problems] if hasattr(container, "activities") else [container]
            for view in inner:
                if isinstance(view, RecordView):
                    grab_forms(view, out, f"{NAMES[index]}-{view.service.kind_key}")
        grab_import_dialog(db, Path(tmp), out)
        grab_dues_dialogs(window, db, Path(tmp), out)
        from desktop_app.ui.dialogs.guide import GuideDialog

        guide = GuideDialog(window)
        guide.show()
        grab(guide, out / "dialog-guide.png")
        guide.done(0)
        grab_meeting_pdf(window, out)
        window.close()
        db.dispose()
        street_screens(Path(tmp), out)
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
