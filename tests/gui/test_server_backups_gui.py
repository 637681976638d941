"""In shared mode 立即备份, 备份到其他位置 and 从备份恢复 explain that the server is backed up with PostgreSQL's own
tools (the PC keeps no data to back up), on a real PostgreSQL server."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desktop_app.ui.views.settings import DataBox, SettingsView


@pytest.fixture
def db(postgres, tmp_path):
    """The program connected to a server database (the `context` fixture opens its window's context on it)."""
    from desktop_app.core.storage.startup import open_database
    from tests.conftest import POSTGRES_TEMPLATE

    name = f"gui_{uuid.uuid4().hex}"
    postgres.execute(f"CREATE DATABASE {name} TEMPLATE {POSTGRES_TEMPLATE}")
    database = open_database(tmp_path / "server-side", url=postgres.url(name))
    yield database
    database.dispose()


def test_on_a_server_backing_up_and_restoring_explain_the_servers_own_tools(qtbot, context, told, tmp_path):
    settings = SettingsView(context)
    qtbot.addWidget(settings)
    settings.resize(1366, 768)
    settings.show()
    box = settings.findChild(DataBox)
    buttons = {button.text(): button for button in box.findChildren(QPushButton)}
    for text in ("立即备份", "备份到其他位置…", "从备份恢复…"):
        qtbot.mouseClick(buttons[text], Qt.MouseButton.LeftButton)
    assert len(told) == 3
    assert all("pg_dump" in said and "pg_restore" in said and "信息技术人员" in said for said in told)
    assert box.report.text() == ""
    assert not (tmp_path / "server-side" / "backups").exists(), "nothing of the server's data is copied to the PC"
