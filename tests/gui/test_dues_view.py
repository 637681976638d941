"""The 党费 month grid as a secretary uses it: 核定 by keys, a selection of months marked paid with Space."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QLabel

from desktop_app.core.domain.enums import DuesCategory, DuesPaymentWay
from desktop_app.core.services.dues import Basis, DuesService
from desktop_app.core.services.people import MemberService
from desktop_app.core.storage.audit import AuditService
from desktop_app.ui.views.dues import FIRST_MONTH_COLUMN, DuesView

Key = Qt.Key
YEAR = dt.date.today().year


def shown(qtbot, context):
    view = DuesView(context)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)  # shortcuts reach the active window only
    return view


def test_assess_a_member_by_keys_then_the_grid_shows_what_each_month_owes(qtbot, context, drive_modal, type_text):
    zhu = MemberService(context.db).create({"name": "朱国萍", "join_date": dt.date(2000, 7, 1)})
    view = shown(qtbot, context)
    assert view.model.text(0, 0) == "朱国萍"
    assert view.model.text(0, FIRST_MONTH_COLUMN) == "—", "not yet assessed: nothing owed"
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, 0))

    def assess(dialog):
        dialog.base.setFocus()
        type_text(dialog.base, "3000.01")  # 在职 is the first category; the bound's far side: 1 %
        qtbot.keyClick(dialog.base, Key.Key_Return)

    drive_modal(lambda: qtbot.keyClick(view.table, Key.Key_E, Qt.KeyboardModifier.ControlModifier), assess)
    assert view.model.text(0, FIRST_MONTH_COLUMN) == "30.00"
    assert "全年应缴 360.00 元" in view.totals.text()
    assert DuesService(context.db).ledger(YEAR)[0].member_id == zhu


def test_a_base_that_is_not_a_number_is_said_in_the_dialog_and_kept(qtbot, context, drive_modal, type_text):
    MemberService(context.db).create({"name": "朱国萍", "join_date": dt.date(2000, 7, 1)})
    view = shown(qtbot, context)
    view.table.setCurrentIndex(view.model.index(0, 0))
    seen: list[str] = []

    def wrong_then_cancel(dialog):
        dialog.base.setFocus()
        type_text(dialog.base, "四千")
        qtbot.keyClick(dialog.base, Key.Key_Return)
        seen.append(dialog.error.text())
        assert dialog.isVisible()
        assert dialog.base.text() == "四千"
        qtbot.keyClick(dialog.base, Key.Key_Escape)

    drive_modal(lambda: view.assess_action.trigger(), wrong_then_cancel)
    assert "不是金额" in seen[0]


def test_select_months_of_several_members_and_press_space(qtbot, context):
    members = MemberService(context.db)
    ids = [members.create({"name": name, "join_date": dt.date(2000, 7, 1)}) for name in ("甲", "乙")]
    DuesService(context.db).assess_year(
        YEAR, dict.fromkeys(ids, Basis(DuesCategory.EMPLOYED, Decimal("4000"))), dt.date(YEAR, 1, 5)
    )
    view = shown(qtbot, context)
    month = dt.date.today().month
    column = FIRST_MONTH_COLUMN + month - 1
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, column))
    selection = view.table.selectionModel()
    selection.select(view.table.model().index(1, column), QItemSelectionModel.SelectionFlag.Select)
    qtbot.keyClick(view.table, Key.Key_Space)
    assert view.model.text(0, column) == "✓ 40.00"
    assert view.model.text(1, column) == "✓ 40.00"
    assert "已记录 2 笔" in view.totals.text()
    assert "实缴 80.00 元" in view.totals.text()


def test_the_month_grid_model_passes_the_model_tester(qtmodeltester, demo_context):
    from desktop_app.ui.views.dues import DuesGridModel

    model = DuesGridModel()
    model.set_rows(DuesService(demo_context.db).ledger(YEAR), dt.date.today().month)
    assert model.rowCount() > 0
    qtmodeltester.check(model)


def test_relief_asks_for_the_approval_and_then_the_months_show_waived(qtbot, context, drive_modal, type_text):
    zhu = MemberService(context.db).create({"name": "朱国萍", "join_date": dt.date(2000, 7, 1)})
    DuesService(context.db).assess_year(YEAR, {zhu: Basis(DuesCategory.EMPLOYED, Decimal("4000"))}, dt.date(YEAR, 1, 5))
    view = shown(qtbot, context)
    march, may = FIRST_MONTH_COLUMN + 2, FIRST_MONTH_COLUMN + 4
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, march))
    view.table.selectionModel().select(
        QItemSelection(view.model.index(0, march), view.model.index(0, may)),
        QItemSelectionModel.SelectionFlag.Select,
    )
    said: list[str] = []

    def relieve(dialog):
        edits = dialog.edits
        for key, text in (
            ("reason", "大病住院"),
            ("branch_decision_date", "2026-03-01"),
            ("approved_by", "街道党工委"),
        ):
            edits[key].setFocus()
            type_text(edits[key], text)
        qtbot.keyClick(edits["approved_by"], Key.Key_Return)
        said.append(dialog.error.text())
        assert dialog.isVisible(), "without the approval's date and number it is not recorded"
        for key, text in (("approval_date", "2026年3月8日"), ("document_no", "街党〔2026〕3号")):
            edits[key].setFocus()
            type_text(edits[key], text)
        qtbot.keyClick(edits["document_no"], Key.Key_Return)

    drive_modal(lambda: view.relief_action.trigger(), relieve)
    assert "批准日期" in said[0]
    assert "批准文号" in said[0]
    assert [view.model.text(0, column) for column in range(march, may + 1)] == ["免", "免", "免"]


def test_the_six_month_filter_shows_only_the_members_at_risk(qtbot, context):
    members = MemberService(context.db)
    absent = members.create({"name": "失联党员", "join_date": dt.date(2000, 7, 1)})
    paying = members.create({"name": "按时交", "join_date": dt.date(2000, 7, 1)})
    dues = DuesService(context.db)
    today = dt.date.today()
    for year in (today.year - 1, today.year):
        dues.assess_year(year, dict.fromkeys((absent, paying), Basis(DuesCategory.STUDENT)), dt.date(year, 1, 5))
        for month in range(1, 13):  # each month paid in its own month
            dues.pay([(paying, month)], year, dt.date(year, month, 15), DuesPaymentWay.CASH)
    view = shown(qtbot, context)
    assert view.model.rowCount() == 2
    view.show_only.setFocus()
    qtbot.keyClick(view.show_only, Key.Key_End)  # the last choice: 连续 6 个月未缴
    assert view.show_only.currentText() == "连续 6 个月未缴"
    assert [view.model.text(r, 0) for r in range(view.model.rowCount())] == ["失联党员"]


def test_a_payment_entered_later_keeps_the_day_it_was_handed_over(qtbot, context):
    from PySide6.QtCore import QDate
    from sqlalchemy import select

    from desktop_app.core.domain.enums import DuesPaymentKind
    from desktop_app.core.storage.models import DuesPayment

    zhu = MemberService(context.db).create({"name": "朱国萍", "join_date": dt.date(2000, 7, 1)})
    DuesService(context.db).assess_year(YEAR, {zhu: Basis(DuesCategory.STUDENT)}, dt.date(YEAR, 1, 5))
    view = shown(qtbot, context)
    view.paid_on.setDate(QDate(YEAR, 1, 15))  # what the 缴费日期 field shows after the person picks it
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, FIRST_MONTH_COLUMN + 2))  # March, paid in January: 预交
    qtbot.keyClick(view.table, Key.Key_Space)
    with context.db.read_session() as session:
        [(paid_on, kind)] = session.execute(select(DuesPayment.paid_on, DuesPayment.kind)).all()
    assert paid_on == dt.date(YEAR, 1, 15)
    assert kind is DuesPaymentKind.ADVANCE


def test_rounding_chosen_in_settings_by_keys_applies_to_the_next_assessment(qtbot, context, drive_modal, type_text):
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.ui.views.settings import SettingsView

    ProfileService(context.db).save({"community_name": "康宁居民区"})  # set up, as after the first run
    MemberService(context.db).create({"name": "朱国萍", "join_date": dt.date(2000, 7, 1)})
    settings = SettingsView(context)
    qtbot.addWidget(settings)
    settings.show()
    rounding = settings.dues.rounding
    assert rounding.currentText() == "四舍五入到分"
    rounding.setFocus()
    qtbot.keyClick(rounding, Key.Key_Down)
    assert rounding.currentText() == "舍去分以下尾数"
    qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    assert settings.saved_note.text() == "设置已保存。"

    view = shown(qtbot, context)
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, 0))

    def assess(dialog):
        dialog.base.setFocus()
        type_text(dialog.base, "4321.50")  # 1 %: 43.215
        qtbot.keyClick(dialog.base, Key.Key_Return)

    drive_modal(lambda: qtbot.keyClick(view.table, Key.Key_E, Qt.KeyboardModifier.ControlModifier), assess)
    assert view.model.text(0, FIRST_MONTH_COLUMN) == "43.21"


def test_a_voluntary_gift_is_recorded_from_the_grid_and_shown_apart_from_the_months(
    qtbot, context, drive_modal, type_text
):
    from desktop_app.ui.views.dues import PAID_COLUMN

    zhu = MemberService(context.db).create({"name": "朱国萍", "join_date": dt.date(2000, 7, 1)})
    DuesService(context.db).assess_year(YEAR, {zhu: Basis(DuesCategory.STUDENT)}, dt.date(YEAR, 1, 5))
    view = shown(qtbot, context)
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, 0))
    said: list[str] = []

    def give(dialog):
        dialog.amount_edit.setFocus()
        type_text(dialog.amount_edit, "一千")
        qtbot.keyClick(dialog.amount_edit, Key.Key_Return)
        said.append(dialog.error.text())
        dialog.amount_edit.selectAll()
        type_text(dialog.amount_edit, "1,000")
        qtbot.keyClick(dialog.amount_edit, Key.Key_Return)

    drive_modal(lambda: view.voluntary_action.trigger(), give)
    assert "不是金额" in said[0]
    assert "另有自愿多交 1000.00 元" in view.totals.text()
    assert view.model.text(0, PAID_COLUMN) == "0.00", "a gift pays no month"
    tip = view.model.data(view.model.index(0, PAID_COLUMN), Qt.ItemDataRole.ToolTipRole)
    assert "1000.00 元" in tip


def test_bases_imported_through_the_dialog_show_each_problem_and_write_nothing_until_right(
    qtbot, context, drive_modal, tmp_path
):
    import openpyxl

    members = MemberService(context.db)
    for name in ("朱国萍", "李建华"):
        members.create({"name": name, "join_date": dt.date(2000, 7, 1)})
    sheet = tmp_path / "党费基数.xlsx"

    def write(rows):
        book = openpyxl.Workbook()
        for row in [["姓名", "缴费类别", "税后月工资"], *rows]:
            book.active.append(row)
        book.save(sheet)

    write([["朱国萍", "在职", 5000], ["李建华", "退伍", 3000]])
    view = shown(qtbot, context)
    seen: dict[str, object] = {}

    def check_then_fix(dialog):
        dialog.load_file(sheet)
        qtbot.waitUntil(lambda: dialog.preview is not None)
        seen["problem"] = dialog.table.item(0, 2).text()
        seen["enabled"] = dialog.import_button.isEnabled()
        write([["朱国萍", "在职", 5000], ["李建华", "退休", 5000.01]])
        dialog.load_file(sheet)
        qtbot.waitUntil(lambda: dialog.preview is not None and dialog.import_button.isEnabled())
        seen["amounts"] = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible())

    drive_modal(lambda: view.import_action.trigger(), check_then_fix)
    assert seen["problem"] == "第B列（缴费类别）：“退伍”不是缴费类别"
    assert seen["enabled"] is False
    assert sorted(seen["amounts"]) == ["在职，每月 50.00 元", "离退休，每月 50.00 元"], "5000.01 retired: 1 %"
    assert "已核定 2 人" in view.totals.text()
    assert {view.model.text(r, FIRST_MONTH_COLUMN) for r in range(2)} == {"50.00"}


def click_cell(qtbot, view, row, column):
    view.table.scrollTo(view.model.index(row, column))
    rect = view.table.visualRect(view.model.index(row, column))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def tool_button(view, action):
    from PySide6.QtWidgets import QToolBar

    bar = view.findChild(QToolBar)
    return bar.widgetForAction(action)


def back_to(qtbot, view):
    """The page's window active again, as the window manager makes it when a dialog closes."""
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)


def assessed(context, names):
    members = MemberService(context.db)
    ids = [members.create({"name": name, "join_date": dt.date(2000, 7, 1)}) for name in names]
    DuesService(context.db).assess_year(
        YEAR, dict.fromkeys(ids, Basis(DuesCategory.EMPLOYED, Decimal("4000"))), dt.date(YEAR, 1, 5)
    )
    return ids


def test_a_paid_mark_made_by_mistake_is_undone_the_same_day_by_ctrl_z(qtbot, context):
    assessed(context, ["朱国萍"])
    view = shown(qtbot, context)
    column = FIRST_MONTH_COLUMN + dt.date.today().month - 1
    click_cell(qtbot, view, 0, column)
    qtbot.keyClick(view.table, Key.Key_Space)
    assert view.model.text(0, column) == "✓ 40.00"
    qtbot.keyClick(view.table, Key.Key_Space)
    assert "已记录 0 笔" not in view.totals.text()
    assert "撤销本笔" in view.totals.text(), "Space on a paid cell says how to take a mark back"
    qtbot.keyClick(view.table, Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert view.model.text(0, column) == "40.00", "unpaid again"
    assert "已撤销" in view.totals.text()
    assert not DuesService(context.db).ledger(YEAR)[0].paid
    assert view.table.currentIndex().row() == 0
    assert view.table.currentIndex().column() == column


def test_a_mark_of_an_earlier_day_is_corrected_with_a_reason_and_the_grid_shows_it(
    qtbot, context, drive_modal, type_text, monkeypatch, shown_errors
):
    from desktop_app.core.services import dues as dues_service

    [zhu] = assessed(context, ["朱国萍"])
    month = dt.date.today().month
    yesterday = dues_service.utc_now() - dt.timedelta(days=1)
    with monkeypatch.context() as patched:  # the mark was made yesterday
        patched.setattr(dues_service, "utc_now", lambda: yesterday)
        DuesService(context.db).pay([(zhu, month)], YEAR, dt.date.today(), DuesPaymentWay.CASH, "王芳")
    view = shown(qtbot, context)
    column = FIRST_MONTH_COLUMN + month - 1
    click_cell(qtbot, view, 0, column)
    qtbot.keyClick(view.table, Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "更正" in shown_errors[-1][1], "yesterday's mark is not undone; the message names 更正"
    assert view.model.text(0, column) == "✓ 40.00"
    shown_in_dialog: list[str] = []

    def correct(dialog):
        shown_in_dialog.append(dialog.findChild(QLabel).text())
        qtbot.keyClick(dialog.reason, Key.Key_Return)  # no reason: said, and the dialog stays
        shown_in_dialog.append(dialog.error.text())
        type_text(dialog.reason, "记错了人")
        qtbot.keyClick(dialog.reason, Key.Key_Return)

    drive_modal(lambda: qtbot.mouseClick(tool_button(view, view.correct_action), Qt.MouseButton.LeftButton), correct)
    assert "40.00 元" in shown_in_dialog[0]
    assert "原因" in shown_in_dialog[1]
    assert view.model.text(0, column) == "40.00※", "owed again, and marked as corrected"
    tip = view.model.data(view.model.index(0, column), Qt.ItemDataRole.ToolTipRole)
    assert "记错了人" in tip
    assert "现金" in tip, "the payment itself is still shown"
    assert (view.table.currentIndex().row(), view.table.currentIndex().column()) == (0, column)
    logged = [e for e in AuditService(context.db).entries() if e.summary.startswith("更正")]
    assert "记错了人" in logged[0].details


def test_after_assess_or_a_voluntary_gift_the_cursor_stays_on_the_member(qtbot, context, drive_modal, type_text):
    assessed(context, ["甲", "乙", "丙"])
    view = shown(qtbot, context)
    click_cell(qtbot, view, 2, 0)
    name = view.model.text(2, 0)

    def assess(dialog):
        dialog.from_month.setFocus()
        dialog.from_month.selectAll()
        qtbot.keyClicks(dialog.from_month, "7")
        dialog.base.setFocus()
        type_text(dialog.base, "6000")
        qtbot.keyClick(dialog.base, Key.Key_Return)

    drive_modal(lambda: qtbot.keyClick(view.table, Key.Key_E, Qt.KeyboardModifier.ControlModifier), assess)
    assert view.model.text(view.table.currentIndex().row(), 0) == name
    assert view.model.text(view.table.currentIndex().row(), FIRST_MONTH_COLUMN + 6) == "90.00"
    back_to(qtbot, view)
    assert QApplication.focusWidget() is view.table

    def give(dialog):
        dialog.amount_edit.setFocus()
        type_text(dialog.amount_edit, "100")
        qtbot.keyClick(dialog.amount_edit, Key.Key_Return)

    drive_modal(lambda: qtbot.mouseClick(tool_button(view, view.voluntary_action), Qt.MouseButton.LeftButton), give)
    assert view.model.text(view.table.currentIndex().row(), 0) == name
    back_to(qtbot, view)
    assert QApplication.focusWidget() is view.table


def test_names_and_party_groups_are_shown_whole_at_1366x768(qtbot, demo_context, office_page):
    """The grid's 姓名 and 党小组 columns hold a four-character name and a group such as “第1党小组” whole (the
    group was cut to “第1党…” while the grid left 140 px unused on the right)."""
    from desktop_app.ui.kit.column_widths import text_width

    _, view = office_page(demo_context, "党费")
    assert isinstance(view, DuesView)
    table, model = view.table, view.model
    cut = []
    for column, title in ((0, "姓名"), (1, "党小组")):
        texts = {str(model.index(row, column).data() or "") for row in range(model.rowCount())}
        texts |= {"欧阳秀英"} if column == 0 else {"第10党小组"}
        cut += [f"{title}：{text}" for text in texts if text_width(table, text) > table.columnWidth(column)]
    assert cut == []
    header = table.horizontalHeader()
    assert header.sectionPosition(model.columnCount() - 1) + header.sectionSize(model.columnCount() - 1) <= (
        table.viewport().width()
    ), "every column in sight at 1366×768"


def test_the_grid_paints_its_cells_as_qt_s_own_delegate_does(qtbot, context):
    """GridCells asks the model once a cell instead of seven times: the pixels are Qt's delegate's, for months paid,
    unpaid (red), waived, reduced, corrected and not owed, the current cell and a selection."""
    from PySide6.QtWidgets import QStyledItemDelegate

    from desktop_app.ui.views.dues import GridCells

    zhu, li, wang = assessed(context, ["朱国萍", "李建国", "王芳"])
    MemberService(context.db).create({"name": "新党员", "join_date": dt.date(YEAR, 6, 20)})
    dues = DuesService(context.db)
    dues.pay([(zhu, 1), (zhu, 2), (li, 1)], YEAR, dt.date(YEAR, 1, 20), DuesPaymentWay.CASH, "王芳")
    approved = (dt.date(YEAR, 3, 1), "街道党工委", dt.date(YEAR, 3, 8), "街党〔2026〕3号")
    dues.grant_relief(li, YEAR, (3, 4), Decimal("0"), "大病住院", *approved)
    dues.grant_relief(wang, YEAR, (5, 6), Decimal("1.50"), "生活困难", *approved)
    dues.correct(zhu, YEAR, 2, "记错了人", dt.date(YEAR, 12, 31))
    view = shown(qtbot, context)
    assert isinstance(view.table.itemDelegate(), GridCells)
    view.table.setCurrentIndex(view.model.index(1, FIRST_MONTH_COLUMN + 2))
    view.table.selectionModel().select(
        QItemSelection(view.model.index(0, FIRST_MONTH_COLUMN), view.model.index(2, FIRST_MONTH_COLUMN + 3)),
        QItemSelectionModel.SelectionFlag.Select,
    )
    texts = {view.model.text(row, column) for row in range(4) for column in range(view.model.columnCount())}
    assert {"免", "1.50", "40.00※", "—"} <= texts, "every kind of cell is in sight"
    ours = view.table.viewport().grab().toImage()
    view.table.setItemDelegate(QStyledItemDelegate(view.table))
    assert view.table.viewport().grab().toImage() == ours
