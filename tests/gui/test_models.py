import pytest

from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.recycle import RecycleBinService
from desktop_app.core.services.registry import record_services
from desktop_app.ui.kit.table_model import PAGE_SIZE, RecordTableModel
from desktop_app.ui.views.recycle import DeletedModel


@pytest.mark.parametrize("kind", ["care", "visit", "meeting", "resident", "member", "party_group"])
def test_every_record_table_model_passes_the_model_tester(qtmodeltester, demo_context, kind):
    model = RecordTableModel(record_services(demo_context.db)[kind])
    model.reload()
    assert model.rowCount() > 0
    model.ensure_rows(0, model.rowCount() - 1)  # every cell as a view shows it, not the blank rows before a paint
    assert all(model.data(model.index(row, 0)) for row in range(model.rowCount())), "every row filled"
    qtmodeltester.check(model)


def test_rows_are_fetched_a_page_at_a_time(demo_context):
    from desktop_app.core.services.people import ResidentService

    service = ResidentService(demo_context.db)
    calls = []
    original = service.fetch_stored
    service.fetch_stored = lambda ids: calls.append(len(ids)) or original(ids)
    model = RecordTableModel(service)
    model.reload()
    assert model.rowCount() == 400
    assert calls == [], "nothing is fetched before rows are shown"
    model.text(0, 0)
    model.text(5, 3)
    model.text(model.rowCount() - 1, 0)  # a jump to the end: that page alone
    assert calls == [PAGE_SIZE, model.rowCount() - (model.rowCount() - 1) // PAGE_SIZE * PAGE_SIZE]


def test_sorting_and_masking_through_the_model(demo_context):
    from PySide6.QtCore import Qt

    from desktop_app.core.services.people import ResidentService

    model = RecordTableModel(ResidentService(demo_context.db))
    model.reload()
    phone = [c.key for c in model.columns].index("phone")
    birth = [c.key for c in model.columns].index("birth_date")
    model.sort(birth, Qt.SortOrder.AscendingOrder)
    dates = [model.text(r, birth) for r in range(model.rowCount())]
    assert dates == sorted(dates)
    masked = [model.text(r, phone) for r in range(20)]
    assert any("****" in text for text in masked)
    model.set_unmasked(True)
    assert not any("****" in model.text(r, phone) for r in range(20))


def test_deleted_model_passes_the_model_tester(qtmodeltester, demo_context):
    services = record_services(demo_context.db)
    services["care"].soft_delete(services["care"].list_ids(ListQuery())[:3])
    model = DeletedModel()
    model.set_rows(RecycleBinService(demo_context.db).entries())
    assert model.rowCount() == 3
    qtmodeltester.check(model)


def shown_table(qtbot, qapp, model, width, height):
    from desktop_app.ui.kit.table_model import RecordTableView

    view = RecordTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    qapp.processEvents()  # the view lays its rows out, then paints them
    return view


def test_the_table_view_fills_the_rows_it_paints_and_no_others(qtbot, qapp, demo_context):
    from PySide6.QtCore import Qt

    from desktop_app.core.services.people import ResidentService

    service = ResidentService(demo_context.db)
    pages = []
    original = service.fetch_stored
    service.fetch_stored = lambda ids: pages.append(ids[0]) or original(ids)
    model = RecordTableModel(service)
    model.reload()
    view = shown_table(qtbot, qapp, model, 900, 400)
    assert pages == [model.record_id(0)], "only the first page is painted"
    assert model.data(model.index(3, 0)) == model.text(3, 0) != ""
    assert model.data(model.index(PAGE_SIZE + 1, 0)) is None, "rows not yet shown hold nothing"
    view.scrollToBottom()
    qapp.processEvents()
    last_page_start = (model.rowCount() - 1) // PAGE_SIZE * PAGE_SIZE
    assert pages[-1] == model.record_id(last_page_start), "the last page, filled when painted"
    assert len(pages) == 2, "and nothing in between"
    birth = [c.key for c in model.columns].index("birth_date")
    assert model.data(model.index(model.rowCount() - 1, birth), Qt.ItemDataRole.DisplayRole)


def test_a_cut_off_text_shows_whole_in_its_tooltip_and_personal_data_never(qtbot, demo_context):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    from desktop_app.core.services.care import CareCategoryService, CareService
    from desktop_app.core.services.people import ResidentService

    care = CareService(demo_context.db)
    notes = "第一行：情况说明\n第二行：后续安排"
    care.create(
        {
            "date": "2099-01-01",
            "category_id": CareCategoryService(demo_context.db).list()[0].id,
            "recipient_name": "朱国萍",
            "notes": notes,
        }
    )
    model = RecordTableModel(care)
    model.reload()  # newest first: the record is row 0
    column = [c.key for c in model.columns].index("notes")
    assert model.text(0, column) == "第一行：情况说明"
    assert model.whole_text(0, column) == notes
    assert model.whole_text(0, [c.key for c in model.columns].index("recipient_name")) == ""

    view = shown_table(qtbot, QApplication.instance(), model, 1200, 300)
    cell = view.visualRect(model.index(0, column)).center()
    event = QHelpEvent(QEvent.Type.ToolTip, cell, view.viewport().mapToGlobal(cell))
    QApplication.sendEvent(view.viewport(), event)
    assert QToolTip.text() == notes

    residents = RecordTableModel(ResidentService(demo_context.db))
    residents.reload()
    phone = [c.key for c in residents.columns].index("phone")
    assert all(residents.whole_text(row, phone) == "" for row in range(20))
    assert residents.whole_text(-1, phone) == residents.whole_text(0, 99) == ""
    QToolTip.hideText()


def test_scrolling_on_fills_pages_ahead_in_one_go(demo_context, monkeypatch):
    from desktop_app.core.services.people import ResidentService
    from desktop_app.ui.kit import table_model

    monkeypatch.setattr(table_model, "PAGE_SIZE", 50)  # 400 residents: eight pages
    monkeypatch.setattr(table_model, "READ_AHEAD_PAGES", 4)
    service = ResidentService(demo_context.db)
    fetched = []
    original = service.fetch_stored
    service.fetch_stored = lambda ids: fetched.append(len(ids)) or original(ids)
    model = RecordTableModel(service)
    model.reload()
    model.text(0, 0)  # the first page alone: a list opens fast
    model.text(60, 0)  # scrolling down from it: pages 1-4 at once
    model.text(399, 0)  # a jump to the end: the last page alone
    model.text(300, 0)  # scrolling up from it: pages 6 and 5, up to the filled page 4
    assert fetched == [50, 4 * 50, 50, 2 * 50]
    assert all(model.text(row, 0) for row in range(400)), "every row filled, none twice"
    assert len(fetched) == 4


def test_a_list_that_cannot_be_read_says_so_once_and_not_while_painting(qtbot, demo_context, shown_errors):
    from desktop_app.core.domain.errors import DatabaseEnvironmentError
    from desktop_app.ui.views.records import CareView

    view = CareView(demo_context)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    working = view.service.fetch_rows
    painting = []

    def busy(ids, unmasked=False):
        painting.append(len(shown_errors))
        raise DatabaseEnvironmentError("另一个程序正在使用数据文件")

    view.service.fetch_rows = busy
    view.model.set_query(view.model.query)  # a fresh list: its rows must be read as they are painted
    for _ in range(5):
        view.table.grab()  # a paint, as when the window is shown, moved or scrolled
        view.table.verticalScrollBar().setValue(view.table.verticalScrollBar().value() + 10)
    assert painting == [0], "the failing page is read once, and nothing was shown during the paint"
    qtbot.waitUntil(lambda: len(shown_errors) == 1)
    qtbot.wait(50)
    assert len(shown_errors) == 1, "one message, not one per paint"
    assert "另一个程序正在使用数据文件" in shown_errors[0][1]
    view.service.fetch_rows = working
    view.reload()
    view.table.grab()
    assert view.model.text(0, 0)


@pytest.fixture
def held_rest(monkeypatch):
    """Reading the rest of a long list (on a worker, every id) waits until the test sets the event. The lists
    are long from 50 rows on: the demo's 400 residents are one."""
    import threading

    from desktop_app.core.services.people import ResidentService
    from desktop_app.ui.kit import table_model

    monkeypatch.setattr(table_model, "FIRST_ROWS", 50)
    go_on = threading.Event()
    real = ResidentService.list_ids

    def list_ids(service, query=None, limit=None):
        if limit is None and threading.current_thread() is not threading.main_thread():
            assert go_on.wait(20), "the test never let the reading go on"
        return real(service, query, limit)

    monkeypatch.setattr(ResidentService, "list_ids", list_ids)
    return go_on


def test_a_long_list_shows_its_first_rows_at_once_and_the_rest_below_them_a_moment_later(
    qtbot, demo_context, held_rest, click_page
):

    from desktop_app.core.services.people import ResidentService
    from desktop_app.ui.shell.main_window import MainWindow
    from desktop_app.ui.views.records import ResidentView

    everyone = ResidentService(demo_context.db).list_ids()
    window = MainWindow(demo_context)
    qtbot.addWidget(window)
    click_page(window, "居民")
    view = window.stack.currentWidget()
    assert isinstance(view, ResidentView)
    assert view.model.rowCount() == 50
    assert not view.model.complete
    first_rows = [view.model.text(row, 0) for row in range(50)]
    assert window.count_label.text() == "", "no count until the whole list is in"
    view.select_record(everyone[-1])  # as after saving the last of them

    held_rest.set()
    qtbot.waitUntil(lambda: view.model.complete, timeout=20000)
    assert [view.model.record_id(row) for row in range(view.model.rowCount())] == everyone
    assert [view.model.text(row, 0) for row in range(50)] == first_rows, "the rows shown stay as they were"
    assert window.count_label.text() == f"居民：共 {len(everyone)} 条"
    assert view.selected_ids() == [everyone[-1]], "selected once it is in the list"


def test_a_search_typed_while_the_rest_is_read_gets_its_own_whole_list(qtbot, demo_context, held_rest, type_text):
    from desktop_app.core.services.people import ResidentService
    from desktop_app.ui.views.records import ResidentView

    view = ResidentView(demo_context)
    qtbot.addWidget(view)
    view.show()
    assert not view.model.complete
    view.search.setFocus()
    type_text(view.search, "号")
    qtbot.waitUntil(lambda: view.model.query.text == "号", timeout=5000)  # the search's first rows
    held_rest.set()  # the first reading ends: its ids are of the list before the search
    qtbot.waitUntil(lambda: view.model.complete, timeout=20000)
    found = ResidentService(demo_context.db).list_ids(ListQuery(text="号"))
    assert len(found) > 50
    assert [view.model.record_id(row) for row in range(view.model.rowCount())] == found


def searched_residents(qtbot, context, type_text, term):
    """The 居民 list with `term` typed in its search box, the whole result in."""
    from desktop_app.ui.views.records import ResidentView

    view = ResidentView(context)
    qtbot.addWidget(view)
    view.show()
    view.search.setFocus()
    type_text(view.search, term)
    qtbot.waitUntil(lambda: view.model.query.text == term and view.model.complete, timeout=5000)
    return view


def test_a_search_typed_on_narrows_what_it_found_without_reading_again(qtbot, demo_context, type_text):
    from sqlalchemy import event

    from desktop_app.core.services.people import ResidentService

    service = ResidentService(demo_context.db)
    view = searched_residents(qtbot, demo_context, type_text, "号")
    statements: list[str] = []

    def executed(conn, cursor, statement, *rest):
        statements.append(statement)

    event.listen(demo_context.db.engine, "before_cursor_execute", executed)
    type_text(view.search, "楼3")
    qtbot.waitUntil(lambda: view.model.query.text == "号楼3", timeout=5000)
    found = [view.model.record_id(row) for row in range(view.model.rowCount())]
    event.remove(demo_context.db.engine, "before_cursor_execute", executed)
    assert not [sql for sql in statements if "search_text" in sql], "narrowed from what “号” found"
    assert found == service.list_ids(ListQuery(text="号楼3"))
    assert 0 < len(found) < len(service.list_ids(ListQuery(text="号")))


def test_the_same_search_after_a_change_reads_the_data_afresh(qtbot, demo_context, type_text):
    from desktop_app.core.services.people import ResidentService

    view = searched_residents(qtbot, demo_context, type_text, "号楼")
    before = view.model.rowCount()
    added = ResidentService(demo_context.db).create({"name": "新来的", "address": "99号楼101室"})
    view.reload()  # as after a form saved it
    assert view.model.rowCount() == before + 1
    assert view.model.row_of(added) is not None
