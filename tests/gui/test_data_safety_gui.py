from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.services.people import ResidentService
from desktop_app.core.storage.audit import AuditService
from desktop_app.core.storage.backup import list_backups, make_backup
from desktop_app.ui.dialogs.restore_dialog import RestoreDialog
from desktop_app.ui.kit.background import BackgroundTask
from desktop_app.ui.kit.ui_settings import ui_settings
from desktop_app.ui.shell.main_window import VIEWS, MainWindow, view_index
from desktop_app.ui.views.audit import AuditView
from desktop_app.ui.views.settings import DataBox, SettingsView


def test_audit_view_lists_and_filters_entries(qtbot, context):
    residents = ResidentService(context.db)
    rid = residents.create({"name": "张三", "address": "1号楼"})
    residents.update(rid, {**residents.get(rid), "address": "2号楼"})
    residents.soft_delete([rid])
    view = AuditView(context)
    qtbot.addWidget(view)
    assert view.model.rowCount() == 3
    assert view.model.data(view.model.index(0, 1)) == "删除到回收站"
    view.action.combo.setCurrentIndex(view.action.combo.findText(AuditAction.UPDATE.label))
    assert view.model.rowCount() == 1
    assert view.model.data(view.model.index(0, 5)) == "住址", "the changed fields are named in Chinese"
    view.table.selectRow(0)
    assert "住址：1号楼 → 2号楼" in view.details.toPlainText()
    view.action.combo.setCurrentIndex(0)
    view.kind.combo.setCurrentIndex(view.kind.combo.findText(view.kind_labels["member"]))
    assert view.model.rowCount() == 0


def test_backup_now_and_check_from_settings(qtbot, context):
    settings = SettingsView(context)
    qtbot.addWidget(settings)
    box = settings.findChild(DataBox)
    task = box.backup_now()
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert "已备份到" in box.report.text()
    assert len(list_backups(context.db.backup_dir)) == 1
    qtbot.mouseClick(
        next(b for b in box.findChildren(QPushButton) if b.text() == "检查数据库"), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: box.task.done and "检查结果：正常" in box.report.text(), timeout=20000)


def test_restore_dialog_lists_backups_and_restores(qtbot, context, asked):
    residents = ResidentService(context.db)
    residents.create({"name": "甲"})
    make_backup(context.db.file_path, context.db.backup_dir, "manual")
    residents.create({"name": "乙"})
    dialog = RestoreDialog(context.db)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert "居民 1" in dialog.table.item(0, 3).text()
    assert dialog.table.item(0, 1).text() == "手动备份"
    qtbot.mouseClick(
        next(b for b in dialog.findChildren(QPushButton) if b.text() == "恢复所选备份"), Qt.MouseButton.LeftButton
    )
    assert "替换当前全部数据" in asked[-1]
    qtbot.waitUntil(lambda: dialog.task.done, timeout=20000)  # on a worker thread; the window stays live
    assert dialog.result_info is not None
    assert residents.count() == 1
    assert AuditService(context.db).entries(action="restore_backup")


def test_restore_refuses_a_bad_file_and_changes_nothing(qtbot, context, tmp_path, shown_errors):
    ResidentService(context.db).create({"name": "甲"})
    bad = tmp_path / "bad.sqlite3"
    bad.write_text("not a database")
    dialog = RestoreDialog(context.db)
    qtbot.addWidget(dialog)
    assert not dialog.restore(bad)
    assert "不是书记工作台的备份文件" in shown_errors[-1][1]
    assert ResidentService(context.db).count() == 1


def test_after_a_restore_views_read_the_restored_data(qtbot, demo_context):
    window = MainWindow(demo_context)
    qtbot.addWidget(window)
    residents_index = [name for _, _, name in VIEWS].index("ResidentView")
    window.nav.setCurrentRow(residents_index)
    before = window.view(residents_index).model.rowCount()
    ResidentService(demo_context.db).soft_delete(ResidentService(demo_context.db).list_ids()[:10])
    window.data_replaced()
    window.nav.setCurrentRow(0)
    window.nav.setCurrentRow(residents_index)
    assert window.view(residents_index).model.rowCount() == before - 10
    assert isinstance(window.view(view_index(SettingsView)), SettingsView)


def start_as_the_program_does(qtbot, data_dir, drive_modal, *handlers, check_first=True):
    """The window shown, then the data opened as `run_gui` opens it (`check_first`: after a run that did not
    end normally), the dialogs on the way driven by `handlers`; the window and the exit code the program
    would end with."""
    from desktop_app.ui.shell.app import Start

    window = MainWindow(settings=ui_settings(data_dir))
    qtbot.addWidget(window)
    window.show()
    stopped: list[int] = []
    started = Start(data_dir, None, None, check_first=check_first, window=window, stop=stopped.append)

    def start():
        if started.run():
            qtbot.waitUntil(lambda: bool(stopped) or window.context is not None, timeout=20000)
        assert started.task is not None
        qtbot.waitUntil(lambda: started.task.done, timeout=20000)

    drive_modal(start, *handlers)
    qtbot.waitUntil(lambda: not BackgroundTask._running, timeout=20000)  # the day's backup
    started.close()
    return window, stopped


def test_a_busy_data_file_at_start_up_is_not_offered_for_restore(
    qtbot, data_dir, monkeypatch, asked, shown_errors, drive_modal, set_password, record_recovery_key
):
    import hashlib
    import sqlite3

    from desktop_app.core.storage import database as database_module
    from desktop_app.core.storage.paths import DATABASE_FILENAME

    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 200)
    path = data_dir / DATABASE_FILENAME
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    blocker = sqlite3.connect(path)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        window, stopped = start_as_the_program_does(qtbot, data_dir, drive_modal, set_password, record_recovery_key)
    finally:
        blocker.rollback()
        blocker.close()
    assert stopped == [1]
    assert window.context is None
    assert asked == [], "no offer to restore over a file that is only busy"
    assert len(shown_errors) == 1
    assert shown_errors[0][1].startswith(database_module.BUSY_MESSAGE)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_damaged_data_file_at_start_up_is_restored_from_the_newest_good_backup(
    qtbot, data_dir, asked, drive_modal, set_password, record_recovery_key
):
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.core.storage.backup import make_backup
    from desktop_app.core.storage.paths import DATABASE_FILENAME
    from desktop_app.core.storage.startup import open_database

    db = open_database(data_dir)
    ProfileService(db).save({"community_name": "康宁居民区"})
    ResidentService(db).create({"name": "甲"})
    make_backup(db.file_path, db.backup_dir, "manual")
    db.dispose()
    path = data_dir / DATABASE_FILENAME
    damaged = bytearray(path.read_bytes())
    damaged[4096 * 3 : 4096 * 3 + 300] = b"\x00\xff" * 150
    path.write_bytes(bytes(damaged))

    window, stopped = start_as_the_program_does(qtbot, data_dir, drive_modal, set_password, record_recovery_key)
    assert stopped == []
    assert "现在用这个备份恢复吗" in asked[0]
    assert ResidentService(window.context.db).count() == 1
    assert window.windowTitle().endswith("康宁居民区")
    assert list((data_dir / "backups").glob("*damaged.sqlite3.keep")), "the damaged file is kept as it was"
    from desktop_app.core.storage import cipher

    assert not cipher.is_plain(data_dir / DATABASE_FILENAME), "the restored data is encrypted with the new key"


def test_an_earlier_versions_data_is_encrypted_at_the_first_start_and_the_person_is_told(
    qtbot, data_dir, told, drive_modal, set_password, record_recovery_key
):
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.core.storage import cipher
    from desktop_app.core.storage.backup import make_backup
    from desktop_app.core.storage.paths import DATABASE_FILENAME
    from desktop_app.core.storage.startup import open_database

    plain = open_database(data_dir)
    ProfileService(plain).save({"community_name": "康宁居民区"})
    ResidentService(plain).create({"name": "甲"})
    backup = make_backup(plain.file_path, plain.backup_dir, "manual")
    plain.dispose()

    window, stopped = start_as_the_program_does(qtbot, data_dir, drive_modal, set_password, record_recovery_key)
    assert stopped == []
    assert window.windowTitle().endswith("康宁居民区")
    assert not cipher.is_plain(data_dir / DATABASE_FILENAME)
    assert not cipher.is_plain(backup)
    assert any("已有的数据已经加密" in message and "1 份备份" in message for message in told), told


def test_after_a_normal_last_run_the_file_is_checked_in_the_background_and_damage_is_told(
    qtbot, data_dir, shown_errors, drive_modal, type_text
):
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.core.storage import keys
    from desktop_app.core.storage.paths import DATABASE_FILENAME
    from desktop_app.core.storage.startup import open_database
    from tests.gui.conftest import PASSWORD, answer

    db = open_database(data_dir, key=keys.create_keys(data_dir, PASSWORD)[0])
    ProfileService(db).save({"community_name": "康宁居民区"})
    for number in range(300):  # enough pages that damage deep in the file leaves the schema readable
        ResidentService(db).create({"name": f"居民{number}", "address": "梅陇路" * 20})
    db.dispose()
    path = data_dir / DATABASE_FILENAME
    damaged = bytearray(path.read_bytes())
    middle = len(damaged) // 2 // 4096 * 4096
    damaged[middle + 100 : middle + 400] = b"\x00\xff" * 150
    path.write_bytes(bytes(damaged))

    unlock = answer(qtbot, type_text, PASSWORD)
    window, stopped = start_as_the_program_does(qtbot, data_dir, drive_modal, unlock, check_first=False)
    assert stopped == []
    assert window.context is not None, "the 工作台 opened without waiting for the check"
    assert [title for title, _ in shown_errors] == ["数据文件检查未通过"]
    assert "从最近的备份恢复" in shown_errors[0][1]
