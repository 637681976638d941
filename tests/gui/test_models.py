import pytest

from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.recycle import RecycleBinService
from desktop_app.core.services.registry import record_services
from desktop_app.ui.table_model import PAGE_SIZE, RecordTableModel
from desktop_app.ui.views.recycle import DeletedModel


@pytest.mark.parametrize("kind", ["care", "visit", "meeting", "resident", "member", "party_group"])
def test_every_record_table_model_passes_the_model_tester(qtmodeltester, demo_context, kind):
    model = RecordTableModel(record_services(demo_context.db)[kind])
    model.reload()
    assert model.rowCount() > 0
    qtmodeltester.check(model)


def test_rows_are_fetched_a_page_at_a_time(demo_context):
    from desktop_app.core.services.people import ResidentService

    service = ResidentService(demo_context.db)
    calls = []
    original = service.fetch_values
    service.fetch_values = lambda ids: calls.append(len(ids)) or original(ids)
    model = RecordTableModel(service)
    model.reload()
    assert model.rowCount() == 400
    assert calls == [], "nothing is fetched before rows are shown"
    model.text(0, 0)
    model.text(5, 3)
    model.text(PAGE_SIZE + 1, 0)
    assert calls == [PAGE_SIZE, PAGE_SIZE], "two pages fetched for three cells"


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


def test_the_table_view_fills_the_rows_it_paints_and_no_others(qtbot, qapp, demo_context):
    from PySide6.QtCore import Qt

    from desktop_app.core.services.people import ResidentService
    from desktop_app.ui.table_model import RecordTableView

    service = ResidentService(demo_context.db)
    pages = []
    original = service.fetch_values
    service.fetch_values = lambda ids: pages.append(ids[0]) or original(ids)
    model = RecordTableModel(service)
    model.reload()
    view = RecordTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    qapp.processEvents()  # the view lays its rows out, then paints them
    assert pages == [model.record_id(0)], "only the first page is painted"
    assert model.data(model.index(3, 0)) == model.text(3, 0) != ""
    assert model.data(model.index(PAGE_SIZE + 1, 0)) is None, "rows not yet shown hold nothing"
    view.scrollToBottom()
    qapp.processEvents()
    assert pages[-1] == model.record_id(PAGE_SIZE), "the last page, filled when painted"
    birth = [c.key for c in model.columns].index("birth_date")
    assert model.data(model.index(model.rowCount() - 1, birth), Qt.ItemDataRole.DisplayRole)
