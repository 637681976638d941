"""Live pages on a server: what another person saves appears on the page this person has open, without a
click; a page not shown reads it when it is shown. Two real clients of a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from desktop_app.core.services.care import CareService
from desktop_app.core.services.people import ResidentService
from desktop_app.core.storage.database import Database, build_engine
from desktop_app.core.storage.server_notify import install_change_triggers
from desktop_app.core.storage.startup import open_database
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.views.dashboard import DashboardView
from desktop_app.ui.views.records import CareView, ResidentView
from tests.conftest import POSTGRES_TEMPLATE


@pytest.fixture
def server_url(postgres) -> str:
    name = f"t_{uuid.uuid4().hex}"
    postgres.execute(f"CREATE DATABASE {name} TEMPLATE {POSTGRES_TEMPLATE}")
    engine = build_engine(postgres.url(name))
    try:
        with engine.begin() as connection:
            install_change_triggers(connection)
    finally:
        engine.dispose()
    return postgres.url(name)


@pytest.fixture
def mine(app, server_url, tmp_path):
    db = open_database(tmp_path / "mine", url=server_url)
    yield AppContext.open(db)
    db.dispose()


@pytest.fixture
def theirs(server_url, tmp_path):
    db = Database(build_engine(server_url), tmp_path / "theirs")
    yield db
    db.dispose()


def test_another_persons_save_appears_on_the_open_page(qtbot, mine, theirs):
    view = ResidentView(mine)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.reload()
    assert view.record_count() == 0
    listener = mine.db.listener
    assert listener is not None
    assert listener.listening.wait(10)

    resident_id = ResidentService(theirs).create({"name": "朱国萍"})
    qtbot.waitUntil(lambda: view.record_count() == 1, timeout=10000)
    assert view.model.record_id(0) == resident_id

    hidden = CareView(mine)  # built, not shown: marked stale, read when shown
    qtbot.addWidget(hidden)
    assert not hidden.stale
    CareService(theirs).create({"date": "2026-11-03", "category_id": 1, "resident_id": resident_id, "item": "蛋糕"})
    qtbot.waitUntil(lambda: hidden.stale, timeout=10000)
    assert hidden.model.rowCount() == 0, "a page not shown waits until it is shown"
    hidden.show()
    hidden.show_fresh()
    assert hidden.record_count() == 1


def test_the_workbench_counts_follow_another_persons_care_action(qtbot, mine, theirs):
    view = DashboardView(mine)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    listener = mine.db.listener
    assert listener is not None
    assert listener.listening.wait(10)
    care = view.panel.care

    def cared_this_year() -> int:
        return sum(int(care.item(row, 1).text()) for row in range(care.rowCount()))

    before = cared_this_year()
    resident_id = ResidentService(theirs).create({"name": "朱国萍"})
    CareService(theirs).create({"date": dt.date.today(), "category_id": 1, "resident_id": resident_id, "item": "蛋糕"})
    qtbot.waitUntil(lambda: cared_this_year() == before + 1, timeout=10000)
