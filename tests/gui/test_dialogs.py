import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileSystemModel, QMessageBox, QPushButton

from desktop_app.core.domain.errors import AppError, DatabaseEnvironmentError
from desktop_app.core.services.attachments import AttachmentService
from desktop_app.core.services.care import CareCategoryService
from desktop_app.core.services.profile import ProfileService
from desktop_app.ui.dialogs.attachments import AttachmentsDialog
from desktop_app.ui.dialogs.first_run import FirstRunDialog
from desktop_app.ui.kit.errors import ErrorDialog, report_failure
from desktop_app.ui.shell.main_window import MainWindow, view_index
from desktop_app.ui.views.dashboard import DashboardView
from desktop_app.ui.views.settings import CategoryBox, SettingsView


def test_failures_are_routed_by_kind(qtbot, app, shown_errors):
    report_failure(None, AppError("数据格式不对"))
    report_failure(None, DatabaseEnvironmentError("磁盘空间已满"))
    try:
        raise RuntimeError("bug")
    except RuntimeError as exc:
        report_failure(None, exc)
    assert shown_errors[0] == ("无法完成操作", "数据格式不对")
    assert "磁盘空间已满" in shown_errors[1][1]
    assert "已保存的数据不受影响" in shown_errors[1][1]
    assert shown_errors[2][0] == "crash"
    assert "RuntimeError: bug" in shown_errors[2][1]


def test_an_os_failure_is_told_in_chinese_not_as_a_bug(qtbot, app, shown_errors):
    report_failure(None, PermissionError(1, "Operation not permitted", "/media/u盘/报表.xlsx"))
    [(title, message)] = shown_errors
    assert title == "无法完成操作"
    assert "“/media/u盘/报表.xlsx”" in message
    assert "不被允许" in message
    assert "Operation" not in message


def test_error_dialog_has_copyable_details(qtbot, app):
    dialog = ErrorDialog("程序遇到了意外错误", "Traceback: 细节")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.details.isVisible()
    buttons = {b.text(): b for b in dialog.findChildren(QPushButton)}
    buttons["显示详细信息"].click()
    assert dialog.details.isVisible()
    buttons["复制详细信息"].click()
    assert app.clipboard().text() == "Traceback: 细节"


def test_first_run_saves_the_profile(qtbot, context):
    dialog = FirstRunDialog(context.db)
    qtbot.addWidget(dialog)
    dialog.accept()
    assert "居民区名称" in dialog.profile.error.text(), "the name is required"
    dialog.edits["community_name"].setText("梅陇六村居民区")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert ProfileService(context.db).get().community_name == "梅陇六村居民区"


def test_first_run_can_load_demo_data(qtbot, context):
    dialog = FirstRunDialog(context.db)
    qtbot.addWidget(dialog)
    dialog.demo.setChecked(True)
    assert not dialog.edits["community_name"].isEnabled()
    dialog.accept()
    assert ProfileService(context.db).get().community_name == "康宁居民区"


def test_attachments_dialog_adds_shows_and_removes(qtbot, context, tmp_path):
    from PySide6.QtGui import QColor, QImage

    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    photo = tmp_path / "签到表.png"
    image.save(str(photo))
    dialog = AttachmentsDialog(context.db, "meeting", 7)
    qtbot.addWidget(dialog)
    dialog.add_files([photo, tmp_path / "不存在.jpg"])
    assert dialog.list.count() == 1
    assert dialog.list.item(0).text() == "签到表.png"
    assert not dialog.list.item(0).icon().isNull()
    dialog.list.item(0).setSelected(True)
    dialog.remove_selected()
    assert dialog.list.count() == 0
    assert AttachmentService(context.db).list("meeting", 7) == []


def test_settings_profile_updates_the_window_title(qtbot, demo_context, type_text, drive_modal):
    window = MainWindow(demo_context)
    qtbot.addWidget(window)
    window.nav.setCurrentRow(view_index(SettingsView))
    settings = window.stack.currentWidget()
    assert isinstance(settings, SettingsView)
    name = settings.profile.edits["community_name"]
    name.selectAll()
    type_text(name, "虹旭居民区")
    qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    assert window.windowTitle().endswith("虹旭居民区")
    assert settings.saved_note.text() == "设置已保存。"
    name.clear()
    qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    assert "必须填写" in settings.profile.error.text()
    assert settings.is_dirty(), "a failed save keeps what was typed"
    discard = QMessageBox.StandardButton.Discard
    drive_modal(window.close, lambda box: qtbot.mouseClick(box.button(discard), Qt.MouseButton.LeftButton))


def test_leaving_settings_with_unsaved_edits_asks_and_saves(qtbot, demo_context, asked):
    from desktop_app.core.services.reminder_settings import ThresholdService

    window = MainWindow(demo_context)
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(view_index(SettingsView))
    settings = window.stack.currentWidget()
    spin = next(iter(settings.thresholds.spins.values()))
    spin.setValue(spin.value() + 5)
    window.nav.setCurrentRow(0)
    assert "还没有保存" in asked[-1]
    assert ThresholdService(demo_context.db).get().problem_open_days == spin.value()


def test_settings_categories_add_and_retire(qtbot, context, shown_errors, monkeypatch):
    view = SettingsView(context)
    qtbot.addWidget(view)
    categories = view.findChild(CategoryBox)
    monkeypatch.setattr(categories, "_ask_values", lambda *a, **k: {"name": "重阳敬老", "default_amount": "60"})
    categories.add()
    assert categories.table.rowCount() == 7
    categories.table.selectRow(6)
    categories.toggle_retired()
    retired = [c for c in CareCategoryService(context.db).list() if c.retired]
    assert [c.name for c in retired] == ["重阳敬老"]
    monkeypatch.setattr(categories, "_ask_values", lambda *a, **k: {"name": "其他"})
    categories.add()
    assert "同名" in shown_errors[-1][1]


def test_settings_categories_show_their_usage_once_counted(qtbot, demo_context):
    """已用次数 is counted behind the first screen and fills the column, as the service counts it."""
    view = SettingsView(demo_context)
    qtbot.addWidget(view)
    categories = view.findChild(CategoryBox)
    table = categories.table

    def usage_shown() -> list[str]:
        return [table.item(row, CategoryBox.USAGE_COLUMN).text() for row in range(table.rowCount())]

    qtbot.waitUntil(lambda: all(usage_shown()))
    service = CareCategoryService(demo_context.db)
    assert usage_shown() == [str(service.usage().get(c.id, 0)) for c in service.list()]
    assert any(text != "0" for text in usage_shown())


def test_dashboard_tells_what_is_due_in_plain_words(qtbot, demo_context, reminder_lines):
    view = DashboardView(demo_context)
    qtbot.addWidget(view)
    view.reload(today=dt.date(2024, 6, 15))
    lines = reminder_lines(view.panel)
    assert any("本年尚未召开组织生活会" in line for line in lines)
    assert all(line.startswith(("⚠ ", "• ")) for line in lines)
    assert view.panel.todo_box.title() == f"今天要做的事（{len(lines)} 项）"
    assert view.panel.care.rowCount() == 6
    assert view.panel.latest.count() == 9
    assert "康宁居民区" in view.panel.heading.text()


def test_standard_buttons_speak_chinese(qtbot, app):
    from PySide6.QtWidgets import QDialogButtonBox

    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    texts = {b.text().replace("&", "") for b in buttons.buttons()}
    assert any("确定" in t for t in texts), texts
    assert any("取消" in t for t in texts), texts


def test_the_file_dialog_speaks_chinese(qtbot, app, tmp_path):
    import re

    from PySide6.QtWidgets import QFileDialog, QLabel

    (tmp_path / "文件夹甲").mkdir()
    dialog = QFileDialog(None, "保存报表", str(tmp_path), "Excel 工作簿 (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own dialog, as on a plain Linux desktop
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible() and label.text()]
    assert labels
    english = [text for text in labels if re.search(r"[A-Za-z]{2,}", text.replace("&", ""))]
    assert english == [], english
    model = dialog.findChild(QFileSystemModel)
    qtbot.waitUntil(lambda: model.rowCount(model.index(str(tmp_path))) == 1)
    kind = model.index(0, 2, model.index(str(tmp_path))).data()
    assert kind == "文件夹"


def test_one_failure_route_for_every_widget(qtbot, app, shown_errors):
    from desktop_app.core.domain.errors import ValidationError
    from desktop_app.ui.kit.operations import attempt

    assert attempt(None, lambda: 41 + 1).value == 42
    refused = attempt(None, lambda: (_ for _ in ()).throw(ValidationError({"name": "必须填写"}, {"name": "姓名"})))
    assert not refused.ok
    assert shown_errors[-1] == ("无法保存", "姓名：必须填写")
    assert not attempt(None, lambda: 1 / 0).ok
    assert shown_errors[-1][0] == "crash", "a bug gets the crash dialog with details"


@pytest.mark.parametrize("label", ["标准", "特大"])
def test_the_sign_in_fields_keep_their_height_at_every_text_size(qtbot, app, text_size_restored, type_text, label):
    """At 特大 the dialog opened at its preferred 560×300, too low for its wrapped notes: the layout squeezed
    登录名 and 密码 to 28 px for text that needs 38. A window is sized at least to what its layout needs at
    that width (kit.screen.fit_to_screen)."""
    from PySide6.QtWidgets import QLineEdit

    from desktop_app.core.storage.server_connection import ServerConnection
    from desktop_app.ui.dialogs.sign_in import SignInDialog
    from desktop_app.ui.kit.text_size import SIZES, apply_points

    apply_points(SIZES[label])
    connection = ServerConnection("postgresql+psycopg://shuji@192.168.1.10:5432/shuji")
    dialog = SignInDialog(connection, problem="无法连接服务器")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    squeezed = [
        f"{edit.height()} < {edit.minimumSizeHint().height()}"
        for edit in dialog.findChildren(QLineEdit)
        if edit.height() < edit.minimumSizeHint().height()
    ]
    assert squeezed == []
    assert dialog.height() <= 768
    type_text(dialog.password, "abc")
    assert dialog.password.text() == "abc"
