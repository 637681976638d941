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
    original = service.fetch_rows
    service.fetch_rows = lambda ids, unmasked=False: calls.append(len(ids)) or original(ids, unmasked)
    model = RecordTableModel(service)
    model.reload()
    assert model.rowCount() == 400
    model.data(model.index(0, 0))
    model.data(model.index(5, 3))
    model.data(model.index(PAGE_SIZE + 1, 0))
    assert calls == [PAGE_SIZE, PAGE_SIZE], "two pages fetched for three cells"


def test_sorting_and_masking_through_the_model(demo_context):
    from PySide6.QtCore import Qt

    from desktop_app.core.services.people import ResidentService

    model = RecordTableModel(ResidentService(demo_context.db))
    model.reload()
    phone = [c.key for c in model.columns].index("phone")
    birth = [c.key for c in model.columns].index("birth_date")
    model.sort(birth, Qt.SortOrder.AscendingOrder)
    dates = [model.data(model.index(r, birth)) for r in range(model.rowCount())]
    assert dates == sorted(dates)
    masked = [model.data(model.index(r, phone)) for r in range(20)]
    assert any("****" in text for text in masked)
    model.set_unmasked(True)
    assert not any("****" in model.data(model.index(r, phone)) for r in range(20))


def test_deleted_model_passes_the_model_tester(qtmodeltester, demo_context):
    services = record_services(demo_context.db)
    services["care"].soft_delete(services["care"].list_ids(ListQuery())[:3])
    model = DeletedModel()
    model.set_rows(RecycleBinService(demo_context.db).entries())
    assert model.rowCount() == 3
    qtmodeltester.check(model)
