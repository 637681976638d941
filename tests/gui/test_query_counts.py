"""Opening a view and searching cost a fixed, small number of SQL statements, whatever the table size."""

import datetime as dt

from sqlalchemy import event, insert

from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.services.care import CareCategoryService
from desktop_app.core.services.registry import record_services
from desktop_app.core.storage.models import CareAction, Resident
from desktop_app.core.storage.startup import open_database
from desktop_app.ui.kit.background import BackgroundTask
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.kit.table_model import FIRST_ROWS, RecordTableModel
from desktop_app.ui.shell.main_window import VIEWS, MainWindow, view_index
from desktop_app.ui.views.records import CareView
from tests.conftest import TEST_DATA_KEY

MAX_STATEMENTS_PER_VIEW = 12


def statements_per_view(qtbot, data_dir, extra_rows: int) -> tuple[dict[str, int], int, set[str]]:
    """Statements per view opened, for a search; and the views whose list is longer than its first rows."""
    db = open_database(data_dir, key=TEST_DATA_KEY)
    fill_demo(db, "small", today=dt.date(2024, 6, 15))
    if extra_rows:
        category = CareCategoryService(db).list()[0].id
        with db.session() as session:
            session.execute(insert(Resident), [{"name": f"加{n}", "address": ""} for n in range(extra_rows)])
            session.execute(
                insert(CareAction),
                [
                    {"date": dt.date(2024, 1, 1), "category_id": category, "recipient_name": f"加{n}"}
                    for n in range(extra_rows)
                ],
            )
            for service in record_services(db).values():
                service.refresh_search_text(session)
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    window = MainWindow(AppContext.open(db))
    qtbot.addWidget(window)
    counts = {}
    long_lists = set()
    for index, (title, _, _) in enumerate(VIEWS):
        statements.clear()
        window.nav.setCurrentRow(index)
        view = window.stack.currentWidget()
        model = getattr(view, "model", None)
        if isinstance(model, RecordTableModel) and model.rowCount():
            model.text(0, 0)  # the first page, as the view paints it
            qtbot.waitUntil(lambda model=model: model.complete, timeout=20000)  # a long list's other ids
            if model.rowCount() > FIRST_ROWS:
                long_lists.add(title)
        elif model is not None and model.rowCount():
            model.data(model.index(0, 0))
        # What a page reads behind its first screen (设置's 已用次数) counts as the page's.
        qtbot.waitUntil(lambda: not BackgroundTask.any_running(), timeout=20000)
        counts[title] = len(statements)
    care = window.view(view_index(CareView))
    statements.clear()
    care.search.setText("1号楼")
    care.reload()
    care.model.text(0, 0)
    search = len(statements)
    window.close()
    db.dispose()
    return counts, search, long_lists


def test_statement_counts_do_not_grow_with_the_data(qtbot, tmp_path):
    small, small_search, short = statements_per_view(qtbot, tmp_path / "small", 0)
    bigger, bigger_search, long_lists = statements_per_view(qtbot, tmp_path / "bigger", 3000)
    assert short == set()
    assert long_lists == {"关怀记录", "居民"}
    # A list longer than its first rows reads the rest of its ids behind them: one statement, whatever its length.
    assert bigger == {title: count + (title in long_lists) for title, count in small.items()}, "no N+1"
    assert max(small.values()) <= MAX_STATEMENTS_PER_VIEW, small
    assert small["关怀记录"] <= 4
    assert small_search == bigger_search == 2, "one query for the ids, one for the first page"
