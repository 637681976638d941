"""The password at the door, the lock while away, a new password in 设置: driven by keys and clicks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton

from desktop_app.core.storage import keys
from desktop_app.core.storage.paths import has_keys
from desktop_app.core.storage.startup import open_database
from desktop_app.ui.dialogs.passwords import RecoveryKeyDialog
from desktop_app.ui.dialogs.unlock import UnlockDialog
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.kit.ui_settings import IDLE_MINUTES_KEY, ui_settings
from desktop_app.ui.shell.lock import Curtain, IdleLock
from desktop_app.ui.shell.main_window import MainWindow
from tests.gui.conftest import PASSWORD, answer

Key = Qt.Key
STRONGER = "夏天的第二棵树结果了"


@pytest.fixture
def encrypted(tmp_path):
    data_key, recovery = keys.create_keys(tmp_path, PASSWORD)
    db = open_database(tmp_path, key=data_key)
    yield db, recovery
    db.dispose()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_window_locks_when_idle_and_what_was_typed_survives(qtbot, encrypted, drive_modal, type_text):
    from desktop_app.core.services.people import ResidentService
    from desktop_app.ui.forms.people import ResidentForm

    db, _ = encrypted
    context = AppContext.open(db)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    clock = Clock()
    lock = IdleLock(db.data_dir, db.key, window.settings, clock=clock)
    window.protect(lock)
    window.settings.setValue(IDLE_MINUTES_KEY, 5)
    form = ResidentForm(ResidentService(db), parent=window)
    qtbot.addWidget(form)
    form.show()
    name = form.editors["name"].widget
    name.setFocus()
    type_text(name, "还没保存的名字")

    clock.now += 4 * 60
    lock.check()
    assert not lock.locked, "four minutes is not yet five"
    clock.now += 60
    covered: list[bool] = []

    def wrong_then_right(dialog):
        assert isinstance(dialog, UnlockDialog)
        covered.extend(
            any(isinstance(child, Curtain) and child.isVisible() for child in w.children()) for w in (window, form)
        )
        answer(qtbot, type_text, "猜的密码")(dialog)
        assert dialog.isVisible(), "a wrong password keeps it locked"
        assert "不正确" in dialog.error.text()
        qtbot.keyClick(dialog.secret, Key.Key_Escape)
        assert dialog.isVisible(), "Esc does not unlock"
        answer(qtbot, type_text, PASSWORD)(dialog)

    drive_modal(lock.check, wrong_then_right)
    assert covered == [True, True], "every window was covered while locked"
    assert not lock.locked
    assert name.text() == "还没保存的名字", "the form and what was typed in it are still there"
    assert not any(curtain.isVisible() for curtain in form.findChildren(Curtain)), "the curtains are gone"
    discard = QMessageBox.StandardButton.Discard
    drive_modal(window.close, lambda box: qtbot.mouseClick(box.button(discard), Qt.MouseButton.LeftButton))
    assert not form.isVisible(), "不保存 on closing the window lets the open form go"


def test_ctrl_l_locks_at_once(qtbot, encrypted, drive_modal, type_text):
    db, recovery = encrypted
    window = MainWindow(AppContext.open(db))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.protect(IdleLock(db.data_dir, db.key, window.settings))
    drive_modal(
        lambda: qtbot.keyClick(window, Key.Key_L, Qt.KeyboardModifier.ControlModifier),
        answer(qtbot, type_text, recovery.lower()),  # the recovery key unlocks too
    )
    assert window.idle_lock is not None
    assert not window.idle_lock.locked


def test_the_recovery_key_page_waits_until_it_is_written_down(qtbot):
    dialog = RecoveryKeyDialog(keys.new_recovery_key())
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog, Key.Key_Escape)
    assert dialog.isVisible(), "Esc does not skip it"
    assert any("任何人" in label.text() for label in dialog.findChildren(QLabel)), "the loss is said plainly"
    copy = next(b for b in dialog.findChildren(QPushButton) if b.text() == "复制")
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == dialog.recovery
    dialog.recorded.setFocus()
    qtbot.keyClick(dialog.recorded, Key.Key_Space)
    assert dialog.ok_button.isEnabled()


def test_a_new_password_in_settings_opens_the_same_data(qtbot, encrypted, drive_modal, type_text, told):
    from desktop_app.ui.views.settings import SettingsView

    db, recovery = encrypted
    settings = SettingsView(AppContext.open(db))
    qtbot.addWidget(settings)
    settings.show()
    button = settings.data.password_button
    assert button.isEnabled()

    def change(dialog):
        type_text(dialog.old, PASSWORD)
        dialog.first.setFocus()
        type_text(dialog.first, STRONGER)
        dialog.second.setFocus()
        type_text(dialog.second, STRONGER)
        qtbot.keyClick(dialog.second, Key.Key_Return)

    drive_modal(lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton), change)
    qtbot.waitUntil(lambda: "密码已修改" in settings.data.report.text(), timeout=20000)
    from desktop_app.core.storage.audit import AuditService

    assert next(row.summary for row in AuditService(db).entries(action="security")) == "修改密码", "in 操作记录"
    assert keys.open_keys(db.data_dir, STRONGER) == db.key
    assert keys.open_keys(db.data_dir, recovery) == db.key
    with pytest.raises(keys.WrongPasswordError):
        keys.open_keys(db.data_dir, PASSWORD)


def test_start_up_asks_for_the_password_of_encrypted_data(qtbot, tmp_path, drive_modal, type_text):
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.ui.shell.app import Start

    data_key, _ = keys.create_keys(tmp_path, PASSWORD)
    db = open_database(tmp_path, key=data_key)
    ProfileService(db).save({"community_name": "康宁居民区"})
    db.dispose()
    window = MainWindow(settings=ui_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    started = Start(tmp_path, None, None, check_first=True, window=window, stop=pytest.fail)

    def start():
        assert started.run()
        qtbot.waitUntil(lambda: window.context is not None, timeout=20000)

    drive_modal(start, answer(qtbot, type_text, PASSWORD))
    assert window.context is not None
    assert window.context.db.key == data_key
    assert window.idle_lock is not None, "encrypted data gets the lock"
    from desktop_app.ui.kit.background import BackgroundTask

    qtbot.waitUntil(lambda: not BackgroundTask._running, timeout=20000)
    started.close()


def test_restoring_encrypted_backups_and_another_pcs_bundle(qtbot, encrypted, tmp_path_factory, asked, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from desktop_app.core.services.people import ResidentService
    from desktop_app.core.storage.backup import backup_now
    from desktop_app.ui.dialogs.restore_dialog import RestoreDialog

    db, _ = encrypted
    residents = ResidentService(db)
    residents.create({"name": "甲"})
    backup_now(db)
    residents.create({"name": "乙"})
    dialog = RestoreDialog(db)
    qtbot.addWidget(dialog)
    assert "居民 1" in dialog.table.item(0, 3).text(), "this data's encrypted backups are listed with their contents"
    qtbot.mouseClick(
        next(b for b in dialog.findChildren(QPushButton) if b.text() == "恢复所选备份"), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.done, timeout=20000)
    assert residents.count() == 1

    there = tmp_path_factory.mktemp("another-pc")
    their_key, their_recovery = keys.create_keys(there, "their-password")
    theirs = open_database(there, key=their_key)
    ResidentService(theirs).create({"name": "丙"})
    ResidentService(theirs).create({"name": "丁"})
    bundle = backup_now(theirs, there.parent / "their-bundle.zip")
    theirs.dispose()
    asked_for: list[str] = []

    def type_their_key(parent, title, label, mode):
        asked_for.append(label)
        return their_recovery, True

    monkeypatch.setattr(QInputDialog, "getText", type_their_key)
    other = RestoreDialog(db)
    qtbot.addWidget(other)
    other.restore(bundle)
    qtbot.waitUntil(lambda: other.task is not None and other.task.done, timeout=20000)
    assert "另一份数据" in asked_for[0]
    assert sorted(residents.get(i)["name"] for i in residents.list_ids()) == ["丁", "丙"]


def test_an_encrypted_export_from_the_reports_page(qtbot, demo_context, tmp_path, monkeypatch, drive_modal, type_text):
    import io

    import msoffcrypto
    import openpyxl
    from PySide6.QtWidgets import QFileDialog

    from desktop_app.ui.views.reports import ReportsView

    view = ReportsView(demo_context)
    qtbot.addWidget(view)
    view.show()
    target = tmp_path / "care.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    view.kind.setCurrentIndex(view.kind.findData("care"))
    view.encrypt.setFocus()
    qtbot.keyClick(view.encrypt, Key.Key_Space)

    def file_password(dialog):
        type_text(dialog.first, "街道收")
        dialog.second.setFocus()
        type_text(dialog.second, "街道收")
        qtbot.keyClick(dialog.second, Key.Key_Return)

    drive_modal(lambda: qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton), file_password)
    qtbot.waitUntil(lambda: view.task is not None and view.task.done, timeout=20000)
    assert "已导出" in view.status.text()
    with target.open("rb") as sealed:
        office = msoffcrypto.OfficeFile(sealed)
        office.load_key(password="街道收")
        plain = io.BytesIO()
        office.decrypt(plain)
    assert "关怀" in openpyxl.load_workbook(plain).active["A1"].value


def test_the_first_start_refuses_a_weak_password_and_the_meter_follows_the_typing(qtbot, drive_modal, type_text):
    from desktop_app.ui.dialogs.passwords import choose_password

    chosen: list[str | None] = []
    seen: list[str] = []

    def weak_then_strong(dialog):
        qtbot.keyClicks(dialog.first, "123")
        seen.append(dialog.meter.text.text())
        weak_bar = dialog.meter.bar.value()
        qtbot.keyClicks(dialog.first, "456")
        seen.append(dialog.meter.text.text())
        dialog.second.setFocus()
        qtbot.keyClicks(dialog.second, "123456")
        qtbot.keyClick(dialog.second, Key.Key_Return)
        assert dialog.isVisible(), "a weak password is refused"
        assert "太容易被猜到" in dialog.error.text()
        assert "常被用作密码的数字或拼音" in dialog.error.text()
        dialog.first.setFocus()
        qtbot.keyClick(dialog.first, Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(dialog.first, Key.Key_Backspace)
        assert dialog.error.text() == "", "the reason about the weak password goes once the person types again"
        qtbot.keyClicks(dialog.first, "Lantern-river-1987-oak")
        seen.append(dialog.meter.text.text())
        assert dialog.meter.bar.value() > weak_bar
        dialog.second.clear()
        dialog.second.setFocus()
        qtbot.keyClicks(dialog.second, "Lantern-river-1987-oak")
        qtbot.keyClick(dialog.second, Key.Key_Return)

    drive_modal(lambda: chosen.append(choose_password(None, converting=False)), weak_then_strong)
    assert chosen == ["Lantern-river-1987-oak"]
    assert seen[0].startswith("密码强度：很弱"), seen
    assert "常被用作密码" in seen[1]
    assert "123" not in "".join(seen), "the meter never shows what the masked field hides"
    assert seen[2].startswith("密码强度：很强"), seen


def test_change_password_refuses_the_communitys_name(qtbot, encrypted, drive_modal, type_text):
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.ui.views.settings import SettingsView

    db, _ = encrypted
    ProfileService(db).save({"community_name": "康宁居民区"})
    settings = SettingsView(AppContext.open(db))
    qtbot.addWidget(settings)
    settings.show()
    refused: list[str] = []

    def named_then_strong(dialog):
        type_text(dialog.old, PASSWORD)
        for edit in (dialog.first, dialog.second):
            edit.setFocus()
            type_text(edit, "康宁居民区2024")
        qtbot.keyClick(dialog.second, Key.Key_Return)
        refused.append(dialog.error.text())
        for edit in (dialog.first, dialog.second):
            edit.clear()
            edit.setFocus()
            type_text(edit, STRONGER)
        qtbot.keyClick(dialog.second, Key.Key_Return)

    drive_modal(lambda: qtbot.mouseClick(settings.data.password_button, Qt.MouseButton.LeftButton), named_then_strong)
    qtbot.waitUntil(lambda: "密码已修改" in settings.data.report.text(), timeout=20000)
    assert "本居民区的名称" in refused[0]
    with pytest.raises(keys.WrongPasswordError):
        keys.open_keys(db.data_dir, "康宁居民区2024")
    assert keys.open_keys(db.data_dir, STRONGER) == db.key


def test_a_weak_old_password_still_opens_and_is_met_by_one_nudge(qtbot, tmp_path, drive_modal, type_text, told):
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.ui.kit.background import BackgroundTask
    from desktop_app.ui.shell.app import Start

    data_key, _ = keys.create_keys(tmp_path, "123456")  # set by an earlier version, before the rule
    db = open_database(tmp_path, key=data_key)
    ProfileService(db).save({"community_name": "康宁居民区"})
    db.dispose()
    window = MainWindow(settings=ui_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    started = Start(tmp_path, None, None, check_first=True, window=window, stop=pytest.fail)

    def start():
        assert started.run()
        qtbot.waitUntil(lambda: window.context is not None, timeout=20000)

    drive_modal(start, answer(qtbot, type_text, "123456"))
    assert window.context is not None
    assert window.context.db.key == data_key, "never a lockout"
    qtbot.waitUntil(lambda: not BackgroundTask._running, timeout=20000)
    nudges = [message for message in told if "修改密码" in message]
    assert len(nudges) == 1, told
    assert "不够安全" in nudges[0]
    assert window.idle_lock is not None
    drive_modal(window.idle_lock.lock, answer(qtbot, type_text, "123456"))
    assert len([message for message in told if "修改密码" in message]) == 1, "once a start, not at every unlock"
    started.close()


def test_a_scripts_first_start_with_a_weak_password_is_refused(qtbot, tmp_path):
    from desktop_app.core.storage.passwords import WeakPasswordError
    from desktop_app.ui.shell.app import data_key

    window = MainWindow(settings=ui_settings(tmp_path))
    qtbot.addWidget(window)
    with pytest.raises(WeakPasswordError, match="太容易被猜到"):
        data_key(window, tmp_path, "123")
    assert not has_keys(tmp_path), "nothing keyed with it"


def test_the_change_password_texts_are_whole_at_1366x768(qtbot, encrypted, drive_modal, type_text):
    """Issue 27 item 15: the hint under the password was cut off; it and the refusal grow the window instead."""
    from desktop_app.ui.views.settings import SettingsView

    db, _ = encrypted
    settings = SettingsView(AppContext.open(db))
    qtbot.addWidget(settings)
    settings.resize(1366, 768)
    settings.show()
    cut: list[list[str]] = []

    def whole(dialog) -> list[str]:
        """Texts shorter on screen than their wrapped lines need."""
        return [
            label.text()
            for label in dialog.findChildren(QLabel)
            if label.isVisible() and label.wordWrap() and label.height() < label.heightForWidth(label.width())
        ]

    def type_weak(dialog):
        type_text(dialog.old, PASSWORD)
        dialog.first.setFocus()
        qtbot.keyClicks(dialog.first, "woaini1314")
        dialog.second.setFocus()
        qtbot.keyClicks(dialog.second, "woaini1314")
        qtbot.keyClick(dialog.second, Key.Key_Return)
        assert "常被用作密码" in dialog.meter.text.text()
        assert "太容易被猜到" in dialog.error.text()
        qtbot.waitUntil(lambda: not whole(dialog), timeout=5000)
        cut.append(whole(dialog))
        qtbot.keyClick(dialog.second, Key.Key_Escape)

    drive_modal(lambda: qtbot.mouseClick(settings.data.password_button, Qt.MouseButton.LeftButton), type_weak)
    assert cut == [[]]


def test_the_strength_bar_shows_only_once_something_is_typed(qtbot, encrypted, drive_modal):
    """Issue 27: before a key was typed the 修改密码 dialog showed an empty bar, a box that meant nothing. The
    words say 还没有输入 instead; the bar comes with the first key and goes with the last, and the dialog keeps
    its height (the bar's room is kept)."""
    from desktop_app.ui.views.settings import SettingsView

    db, _ = encrypted
    settings = SettingsView(AppContext.open(db))
    qtbot.addWidget(settings)
    settings.resize(1366, 768)
    settings.show()
    seen: list[tuple[bool, str, int]] = []

    def look(dialog):
        seen.append((dialog.meter.bar.isVisible(), dialog.meter.text.text(), dialog.height()))

    def type_and_erase(dialog):
        qtbot.waitExposed(dialog)
        look(dialog)
        dialog.first.setFocus()
        qtbot.keyClicks(dialog.first, "Lantern-river")
        look(dialog)
        qtbot.keyClick(dialog.first, Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(dialog.first, Key.Key_Backspace)
        look(dialog)
        qtbot.keyClick(dialog.first, Key.Key_Escape)

    drive_modal(lambda: qtbot.mouseClick(settings.data.password_button, Qt.MouseButton.LeftButton), type_and_erase)
    (empty, empty_words, empty_height), (typed, typed_words, typed_height), (erased, erased_words, _) = seen
    assert not empty, "no empty bar before anything is typed"
    assert empty_words == "密码强度：还没有输入"
    assert typed, "the bar comes with the first key"
    assert typed_words.startswith("密码强度：")
    assert typed_words != empty_words
    assert typed_height == empty_height, "the dialog does not jump at the first key"
    assert not erased, "and goes when the field is empty again"
    assert erased_words == empty_words


def test_a_scripts_weak_password_opens_and_the_status_bar_says_to_change_it(qtbot, tmp_path):
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.ui.kit.background import BackgroundTask
    from desktop_app.ui.shell.app import Start

    data_key, _ = keys.create_keys(tmp_path, "qq123456")
    db = open_database(tmp_path, key=data_key)
    ProfileService(db).save({"community_name": "康宁居民区"})
    db.dispose()
    window = MainWindow(settings=ui_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    started = Start(tmp_path, None, "qq123456", window=window, stop=pytest.fail)
    assert started.run()
    qtbot.waitUntil(lambda: "不够安全" in window.statusBar().currentMessage(), timeout=20000)
    assert window.context is not None
    assert window.context.db.key == data_key, "a script's weak password still opens: nobody waits for a question"
    qtbot.waitUntil(lambda: not BackgroundTask._running, timeout=20000)
    started.close()
