"""流动党员 by clicks and keys at 1366×768: a time away typed into a new record (Ctrl+N), read back, listed with the
phone masked; the 工作台's 流动党员 tab lists them with their last contact, and Enter opens the record."""

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app.core.domain.enums import MobileParticipation
from desktop_app.core.services.mobile import MobileMemberService
from desktop_app.core.services.people import MemberService
from desktop_app.ui.shell.main_window import MainWindow

Key = Qt.Key


def chosen(qtbot, form, name, value):
    """Down the drop-down by the arrow key until it shows `value`."""
    combo = form.editors[name].widget
    combo.setFocus()
    for _ in range(combo.count()):
        if form.editors[name].value() == value:
            return
        qtbot.keyClick(combo, Key.Key_Down)
    assert form.editors[name].value() == value


def test_a_mobile_member_is_typed_in_and_the_workbench_lists_them_with_the_last_contact(
    qtbot, context, click_page, drive_modal, type_into
):
    members = MemberService(context.db)
    members.create({"name": "王秀英", "join_date": dt.date(2000, 7, 1)})
    zhang = members.create({"name": "张卫东", "join_date": dt.date(2000, 7, 1)})
    contacted = dt.date.today() - dt.timedelta(days=10)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    click_page(window, "流动党员")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    view = window.stack.currentWidget()
    view.table.setFocus()

    def fill(form):
        frame = form.frameGeometry()
        assert frame.height() <= 768, "the form fits the office screen"
        chosen(qtbot, form, "member_id", zhang)
        type_into(form, "place", "江苏省昆山市花桥镇")
        chosen(qtbot, form, "participation", MobileParticipation.HOST)
        type_into(form, "host_organisation", "中共昆山市花桥镇绿地社区委员会")
        type_into(form, "card_no", "HQ2026-0317")
        type_into(form, "contact", "13812345678")
        type_into(form, "last_contact", f"{contacted:%Y-%m-%d}")
        qtbot.keyClick(form.editors["card_no"].widget, Key.Key_Return)

    drive_modal(lambda: qtbot.keyClick(view.table, Key.Key_N, Qt.KeyboardModifier.ControlModifier), fill)
    mobile = MobileMemberService(context.db)
    [record] = mobile.list_ids()
    saved = mobile.get(record)
    assert (saved["member_id"], saved["place"], saved["participation"]) == (
        zhang,
        "江苏省昆山市花桥镇",
        MobileParticipation.HOST,
    )
    assert (saved["contact"], saved["last_contact"], saved["left_on"]) == ("13812345678", contacted, dt.date.today())
    assert saved["fixed_place"], "a fixed place unless unticked"
    qtbot.waitUntil(lambda: view.model.index(0, 0).data() is not None, timeout=5000)  # the rows read afresh
    shown = [view.model.index(0, c).data() for c in range(view.model.columnCount())]
    assert "张卫东" in shown
    assert "138****5678" in shown, "the phone masked in the list"

    click_page(window, "工作台")
    panel = window.stack.currentWidget().panel
    tabs = panel.lists.tabBar()
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(1).center())
    assert panel.lists.currentWidget() is panel.away
    assert tabs.tabText(1) == "流动党员（1 人）"
    line = panel.away.item(0).text()
    assert line.startswith("• 张卫东")
    assert line.startswith(f"• 张卫东　最近联系 {contacted:%Y-%m-%d}（10 天前）")
    panel.away.setFocus()
    panel.away.setCurrentRow(0)
    opened = []

    def look(form):
        opened.append(form.record_id)
        qtbot.keyClick(form.editors["place"].widget, Key.Key_Escape)

    drive_modal(lambda: qtbot.keyClick(panel.away, Key.Key_Return), look)
    assert opened == [record]
