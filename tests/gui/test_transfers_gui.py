"""组织关系转接 by clicks and keys at 1366×768: a 转出 typed into the member's form with its 介绍信, shown on the
组织关系转接 page with its 回执 overdue, Enter opens the member, and the 回执 typed there closes it."""

import datetime as dt

from PySide6.QtCore import QPoint, Qt

from desktop_app.core.services.people import MemberService
from desktop_app.core.services.transfers import transfers_between
from desktop_app.ui.shell.main_window import MainWindow
from desktop_app.ui.views.transfers import TransfersView

EVER = (dt.date(1900, 1, 1), dt.date(9999, 12, 31))


def test_a_transfer_out_typed_in_the_member_form_shows_overdue_and_its_receipt_closes_it(
    qtbot, context, click_page, drive_modal, type_into, office_page
):
    members = MemberService(context.db)
    leaving = members.create({"name": "周立群", "join_date": dt.date(2000, 7, 1)})
    members.create({"name": "王秀英", "join_date": dt.date(2000, 7, 1)})
    left = dt.date.today() - dt.timedelta(days=120)
    window, view = office_page(context, "党员")
    row = next(r for r in range(view.model.rowCount()) if view.model.record_id(r) == leaving)
    view.table.setFocus()
    view.table.selectRow(row)

    def transfer_out(form):
        frame = form.frameGeometry()
        assert frame.width() <= 1366, "the form fits the office screen"
        assert frame.height() <= 768, "the form fits the office screen"
        type_into(form, "left_date", f"{left:%Y-%m-%d}")
        status = form.editors["status"].widget
        status.setFocus()
        qtbot.keyClick(status, Qt.Key.Key_End)  # 已转出, the last status
        type_into(form, "transfer_out_to", "中共闵行区古美路街道平南居民区委员会")
        type_into(form, "transfer_out_letter", "沪徐组转〔2026〕017号")
        type_into(form, "transfer_out_handler", "朱国萍")
        qtbot.keyClick(form.editors["transfer_out_handler"].widget, Qt.Key.Key_Return)

    drive_modal(lambda: qtbot.keyClick(view.table, Qt.Key.Key_Return), transfer_out)
    [saved] = transfers_between(context.db, *EVER)
    assert (saved.date, saved.letter_no, saved.handled_by) == (left, "沪徐组转〔2026〕017号", "朱国萍")
    assert members.get(leaving)["status"].value == "transferred"

    click_page(window, "关系转接")
    page = window.stack.currentWidget()
    assert isinstance(page, TransfersView)
    model = page.model
    shown = [model.index(0, c).data() for c in range(model.columnCount())]
    assert shown[:3] == ["周立群", "转出", f"{left:%Y-%m-%d}"]
    assert shown[7].startswith("逾期未收回执")
    assert model.index(0, 7).data(Qt.ItemDataRole.ForegroundRole) == Qt.GlobalColor.red

    box = page.only_awaiting
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked()
    assert model.rowCount() == 1

    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)

    def receipt_came(form):
        assert form.record_id == leaving, "the member's own record"
        type_into(form, "transfer_out_receipt", f"{dt.date.today():%Y-%m-%d}")
        qtbot.keyClick(form.editors["transfer_out_handler"].widget, Qt.Key.Key_Return)

    drive_modal(lambda: qtbot.keyClick(page.table, Qt.Key.Key_Return), receipt_came)
    [closed] = transfers_between(context.db, *EVER)
    assert closed.receipt_date == dt.date.today()
    click_page(window, "关系转接")
    assert model.rowCount() == 0, "nothing awaits a 回执 any more"
    assert page.empty_note.text() == "没有要显示的组织关系转接。"


def test_the_yearly_duties_pages_come_after_the_first_ten(qtbot, context):
    window = MainWindow(context)
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles[:10] == [
        "工作台",
        "关怀记录",
        "学习考察",
        "三会一课",
        "居民",
        "党员",
        "党费",
        "书记工作室",
        "报表导出",
        "回收站",
    ]
    assert titles[10:16] == ["谈心谈话", "谈话覆盖", "民主评议", "六个月提醒", "关系转接", "流动党员"]
    assert titles[16:] == ["操作记录", "设置"]
