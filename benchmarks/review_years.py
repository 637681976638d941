"""民主评议's year change on a data directory, timed in one process both ways: every row's editors made at once
(main's way before issue 27's fix, through `EditorTable.add_row`) and the rows in sight only (`show_rows`).

    QT_QPA_PLATFORM=offscreen python -m benchmarks.review_years 数据目录 密码文件 [轮数]

on `desktop-app demo --size large` data (its 2025 review lists 590 members)."""

import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from sqlalchemy import event

from desktop_app.core.services.reviews import ReviewSheet
from desktop_app.core.storage import keys
from desktop_app.core.storage.startup import open_database
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.shell.app import create_application
from desktop_app.ui.shell.main_window import MainWindow, view_index
from desktop_app.ui.views.reviews import ENTRY_KEYS, ReviewTable, ReviewView

YEARS = (2026, 2025, 2024, 2023, 2024, 2025)


def all_at_once(table: ReviewTable, sheet: ReviewSheet | None) -> None:
    table.clear_rows()
    for row in sheet.rows if sheet else ():
        values = row.values
        counts = [str(values[key]) if values[key] else "" for key in ENTRY_KEYS[1:5]]
        table.add_row((row.name, row.group, values["self_assessed"], *counts, *(values[k] for k in ENTRY_KEYS[5:])))


def main() -> None:
    data = Path(sys.argv[1])
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    app = create_application()
    db = open_database(data, key=keys.open_keys(data, Path(sys.argv[2]).read_text(encoding="utf-8")))
    statements = [0]

    def count(*_args: object) -> None:
        statements[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    window = MainWindow(AppContext.open(db))
    window.resize(1366, 768)
    window.show()
    window.nav.setCurrentRow(view_index(ReviewView))
    page = window.stack.currentWidget()
    assert isinstance(page, ReviewView)

    def settle() -> None:
        app.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the old rows go, as in the event loop
        app.processEvents()

    def steps(label: str, show: object) -> float:
        ReviewTable.show_sheet = show  # type: ignore[method-assign,assignment]
        page.year.setValue(YEARS[0])
        settle()
        took = []
        for year in YEARS[1:]:
            statements[0] = 0
            built = page.table.rows_built
            start = time.perf_counter()
            page.year.stepBy(-1 if year < page.year.value() else 1)
            settle()
            took.append(time.perf_counter() - start)
            print(
                f"{label}: {year} ({page.table.rowCount()} rows): {took[-1]:.3f} s, {statements[0]} statements, "
                f"{page.table.rows_built - built} rows of editors made",
                flush=True,
            )
        return sum(took) / len(took)

    in_sight = ReviewTable.show_sheet
    for _ in range(rounds):
        old = steps("all rows at once", all_at_once)
        new = steps("rows in sight", in_sight)
        print(f"mean step: all at once {old:.3f} s, rows in sight {new:.3f} s, {old / new:.0f}x", flush=True)
    window.close()
    db.dispose()


if __name__ == "__main__":
    main()
