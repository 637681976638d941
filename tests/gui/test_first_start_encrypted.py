"""A person's first start in the window (password, recovery key, first-run questions with the demo data), then a
backup, a restore and a street import: after each, no file under the data directory is readable without the
password (the same scan as for every CLI command, tests/unit/test_every_way_in.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.core.exchange.packages.build import build_package, package_period
from desktop_app.core.exchange.packages.street_import import IMPORTED, import_packages
from desktop_app.core.services.mode import ModeService
from desktop_app.core.services.street import StreetKeyService
from desktop_app.core.storage.backup import backup_now
from desktop_app.core.storage.restore import restore_backup
from desktop_app.core.storage.startup import open_database
from desktop_app.ui.kit.background import BackgroundTask
from desktop_app.ui.kit.ui_settings import ui_settings
from desktop_app.ui.shell.app import Start
from desktop_app.ui.shell.main_window import MainWindow
from tests.conftest import TEST_DATA_KEY, TEST_PASSWORD
from tests.unit.test_every_way_in import files_under, readable, secrets_of

Key = Qt.Key


def test_a_first_start_in_the_window_and_what_follows_leave_nothing_readable(qtbot, tmp_path, drive_modal):
    data = tmp_path / "data"
    window = MainWindow(settings=ui_settings(tmp_path / "ui"))
    qtbot.addWidget(window)
    window.show()
    started = Start(data, None, None, check_first=True, window=window, stop=lambda code: None)

    def new_password(dialog):
        qtbot.keyClicks(dialog.first, TEST_PASSWORD)
        qtbot.keyClicks(dialog.second, TEST_PASSWORD)
        qtbot.keyClick(dialog.second, Key.Key_Return)

    def recovery_key(dialog):
        dialog.recorded.setFocus()
        qtbot.keyClick(dialog.recorded, Key.Key_Space)
        qtbot.keyClick(dialog.ok_button, Key.Key_Return)

    def first_run(dialog):
        qtbot.mouseClick(dialog.demo, Qt.MouseButton.LeftButton)
        qtbot.keyClick(dialog, Key.Key_Return)

    def start():
        assert started.run()
        qtbot.waitUntil(lambda: window.context is not None, timeout=30000)

    drive_modal(start, new_password, recovery_key, first_run)
    qtbot.waitUntil(lambda: not BackgroundTask._running, timeout=30000)
    db = window.context.db
    secrets = secrets_of(data)
    assert secrets, "the demo data has names, ID numbers, phones and illness details"
    assert readable(files_under(data), secrets) == []

    bundle = tmp_path / "U盘" / "备份.zip"
    bundle.parent.mkdir()
    backup_now(db, bundle)
    backup_now(db)
    assert readable([*files_under(data), bundle], secrets) == []

    restore_backup(db, bundle)
    assert readable(files_under(data), secrets) == []

    street = open_database(tmp_path / "street", key=TEST_DATA_KEY)
    try:
        ModeService(street).become_street("康乐街道")
        StreetKeyService(db).set_street_key(StreetKeyService(street).create_key_pair("康乐街道"))
        package = tmp_path / "上报.sjb"
        build_package(db, package_period("2025Q4"), package)
        [outcome] = import_packages(street, [package], add_units=True)
        assert outcome.outcome == IMPORTED
        assert readable([*files_under(tmp_path / "street"), package], secrets) == []
    finally:
        street.dispose()
    started.close()
