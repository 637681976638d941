"""开始使用 on the 工作台 of an empty program: each step a button that opens its page, ticked off when done."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from desktop_app.core.services.people import MemberService, ResidentService
from desktop_app.core.services.profile import ProfileService
from desktop_app.ui.shell.main_window import MainWindow
from desktop_app.ui.views.records import MemberView, ResidentView
from desktop_app.ui.views.settings import SettingsView


def step_button(window: MainWindow, words: str):
    panel = window.view(0).panel
    assert panel.first_steps.isVisible()
    return next(button for button in panel.step_buttons if words in button.text())


def ticked(window: MainWindow) -> list[str]:
    return [b.text()[2:] for b in window.view(0).panel.step_buttons if b.text().startswith("✔ ")]


def test_an_empty_program_leads_through_its_first_steps_by_clicks(
    qtbot, context, click_page, type_text, monkeypatch, tmp_path
):
    ProfileService(context.db).save({"community_name": "康宁居民区"})  # as the first start leaves it
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    panel = window.view(0).panel
    assert [b.text() for b in panel.step_buttons] == [
        "填写居民区信息",
        "导入党员名册",
        "导入居民名单",
        "设置三会一课规范",
        "设置备份位置（备份到 U 盘等其他位置）",
    ]
    assert panel.first_steps.title() == "开始使用（已完成 0/5 步）"

    # 填写居民区信息: 设置 opens with the cursor in the first empty field of 居民区信息.
    qtbot.mouseClick(step_button(window, "填写居民区信息"), Qt.MouseButton.LeftButton)
    settings = window.stack.currentWidget()
    assert isinstance(settings, SettingsView)
    edits = settings.profile.edits
    assert edits["street_office"].hasFocus()
    edits["org_name"].setFocus()
    type_text(edits["org_name"], "康宁居民区党总支")
    edits["secretary_name"].setFocus()
    type_text(edits["secretary_name"], "朱国萍")
    qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    click_page(window, "工作台")
    assert ticked(window) == ["填写居民区信息"]

    # 设置三会一课规范: the norms in view; saved as they are, they count as set.
    qtbot.mouseClick(step_button(window, "设置三会一课规范"), Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is settings
    first_norm = next(iter(settings.norms.rows.values()))[0]
    assert first_norm.hasFocus()
    assert first_norm.visibleRegion().boundingRect().height() == first_norm.height(), "scrolled into view"
    box = settings.norms
    assert box.visibleRegion().boundingRect().height() == min(box.height(), settings.scroll_area.viewport().height())
    qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    click_page(window, "工作台")
    assert ticked(window) == ["填写居民区信息", "设置三会一课规范"]

    # 导入党员名册 / 导入居民名单: the roster's page, the cursor on 导入….
    for words, page, add in (
        (
            "导入党员名册",
            MemberView,
            lambda: MemberService(context.db).create({"name": "陈建珍", "member_type": "full"}),
        ),
        ("导入居民名单", ResidentView, lambda: ResidentService(context.db).create({"name": "朱国萍"})),
    ):
        qtbot.mouseClick(step_button(window, words), Qt.MouseButton.LeftButton)
        roster = window.stack.currentWidget()
        assert isinstance(roster, page)
        assert roster.toolbar.widgetForAction(roster.import_action).hasFocus()
        add()  # what the import writes
        click_page(window, "工作台")
        assert words in ticked(window)

    # 设置备份位置: 备份到其他位置… in focus; a copy made there ticks the last step, and the list is done.
    usb = tmp_path / "u盘"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    qtbot.mouseClick(step_button(window, "设置备份位置"), Qt.MouseButton.LeftButton)
    assert settings.data.elsewhere_button.hasFocus()
    qtbot.keyClick(settings.data.elsewhere_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: settings.data.task is not None and settings.data.task.done, timeout=20000)
    assert list(usb.glob("*.zip"))
    click_page(window, "工作台")
    QApplication.processEvents()
    assert not panel.first_steps.isVisible(), "every step done: 开始使用 is gone"
