"""Keys a person uses on the first start, in a picker and after a save (issue 27, item 11)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
)

from desktop_app.core.services.care import CareCategoryService
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import MemberService
from desktop_app.core.services.visits import VisitService
from desktop_app.ui.dialogs.first_run import FirstRunDialog
from desktop_app.ui.views.records import MeetingView, VisitView
from desktop_app.ui.views.settings import CategoryBox

Key = Qt.Key


def active(qtbot, window):
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def back_to(qtbot, window):
    """Active again, as the window manager makes a window when the dialog over it closes."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_the_first_start_puts_the_cursor_in_the_first_field(qtbot, db, type_text):
    dialog = active(qtbot, FirstRunDialog(db))
    focused = QApplication.focusWidget()
    assert not isinstance(focused, QRadioButton)
    assert isinstance(focused, QLineEdit)
    type_text(focused, "梅陇三村")
    assert dialog.edits["community_name"].text() == "梅陇三村", "typed straight into the community's name"


def test_participants_are_found_and_ticked_by_keys_and_a_filter_without_match_says_so(
    qtbot, context, drive_modal, type_text
):
    members = MemberService(context.db)
    zhu = members.create({"name": "朱国萍", "join_date": dt.date(2000, 7, 1)})
    members.create({"name": "王芳", "join_date": dt.date(2001, 7, 1)})
    view = active(qtbot, VisitView(context))
    view.table.setFocus()
    said = []

    def fill(form):
        qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
        type_text(form.editors["destination"].widget, "梅陇六村")
        box = next(b for b in form.findChildren(QGroupBox) if b.title() == "参加人员")
        search = next(e for e in box.findChildren(QLineEdit) if e.placeholderText().startswith("按姓名"))
        names = box.findChild(QListWidget)
        search.setFocus()
        qtbot.keyClicks(search, "xyz")
        said.extend(label.text() for label in box.findChildren(QLabel) if label.isVisible())
        search.clear()
        qtbot.keyClicks(search, "zgp")
        qtbot.keyClick(search, Key.Key_Down)
        assert QApplication.focusWidget() is names, "↓ goes from the filter into the list"
        assert names.currentItem().text() == "朱国萍"
        qtbot.keyClick(names, Key.Key_Space)
        assert names.currentItem().checkState() == Qt.CheckState.Checked, "Space ticks"
        qtbot.keyClick(names, Key.Key_Return)

    drive_modal(lambda: qtbot.keyClick(view.table, Key.Key_N, Qt.KeyboardModifier.ControlModifier), fill)
    assert any("没有找到" in text and "xyz" in text for text in said), said
    [visit_id] = VisitService(context.db).list_ids()
    assert VisitService(context.db).get(visit_id)["participant_ids"] == [zhu]


def test_after_a_save_the_cursor_is_in_the_list_on_the_saved_row(qtbot, context, drive_modal, type_text):
    members = MemberService(context.db)
    for name in ("甲委员", "乙委员"):
        members.create({"name": name, "is_committee": True})
    service = MeetingService(context.db)
    view = active(qtbot, MeetingView(context))

    def fill(form):
        qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
        type_text(form.editors["topic"].widget, "研究年度工作")
        qtbot.mouseClick(
            next(b for b in form.findChildren(QPushButton) if b.text() == "其余标为出席"), Qt.MouseButton.LeftButton
        )
        qtbot.keyClick(form.editors["topic"].widget, Key.Key_Return)

    view.focus_search()  # new records start from the search box as often as from the list
    drive_modal(lambda: qtbot.keyClick(view.search, Key.Key_N, Qt.KeyboardModifier.ControlModifier), fill)
    back_to(qtbot, view)
    [meeting_id] = service.list_ids()
    assert QApplication.focusWidget() is view.table, "back in the list"
    assert view.selected_ids() == [meeting_id], "on the saved row"
    assert view.model.record_id(view.table.currentIndex().row()) == meeting_id

    def change(form):
        qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
        form.editors["topic"].widget.setFocus()
        type_text(form.editors["topic"].widget, "（续）")
        qtbot.keyClick(form.editors["topic"].widget, Key.Key_Return)

    view.focus_search()
    qtbot.keyClick(view.search, Key.Key_Down)
    drive_modal(lambda: qtbot.keyClick(view.table, Key.Key_Return), change)
    back_to(qtbot, view)
    assert QApplication.focusWidget() is view.table
    assert view.selected_ids() == [meeting_id]


def test_a_new_care_category_in_settings_leaves_the_cursor_on_it(qtbot, context, monkeypatch):
    answers = iter(["慰问困难党员", "米和油", "100"])
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: (next(answers), True))
    box = active(qtbot, CategoryBox(context))
    qtbot.mouseClick(
        next(b for b in box.findChildren(QPushButton) if b.text() == "新增类别"), Qt.MouseButton.LeftButton
    )
    row = box.table.currentRow()
    assert box.table.item(row, 0).text() == "慰问困难党员"
    assert QApplication.focusWidget() is box.table
    assert any(c.name == "慰问困难党员" for c in CareCategoryService(context.db).list())


def test_mark_the_rest_present_does_what_its_one_wording_says(qtbot, context, drive_modal, asked):
    """其余标为出席: the tooltip, F1 and README say the same, and it is what happens (answering 是 to any
    question, as the fixture does, would have overwritten the 请假 below)."""
    from pathlib import Path

    from desktop_app.ui.dialogs.guide import GUIDE_HTML, MARK_REST_PRESENT

    members = MemberService(context.db)
    for name in ("甲委员", "乙委员", "丙委员"):
        members.create({"name": name, "is_committee": True})
    view = active(qtbot, MeetingView(context))
    view.table.setFocus()
    statuses = []

    def fill(form):
        qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
        rest = next(b for b in form.findChildren(QPushButton) if b.text() == "其余标为出席")
        statuses.append(rest.toolTip())
        first = form.attendance.cellWidget(0, 2)
        first.setFocus()
        qtbot.keyClick(first, Key.Key_Down)
        qtbot.keyClick(first, Key.Key_Down)  # 请假
        qtbot.mouseClick(rest, Qt.MouseButton.LeftButton)
        statuses.extend(form.attendance.cellWidget(row, 2).currentText() for row in range(3))
        qtbot.keyClick(rest, Key.Key_Escape)

    drive_modal(lambda: qtbot.keyClick(view.table, Key.Key_N, Qt.KeyboardModifier.ControlModifier), fill)
    assert statuses == [MARK_REST_PRESENT, "请假", "出席", "出席"]
    assert asked == [] or all("放弃" in q for q in asked), "nothing asked about the marks"
    assert MARK_REST_PRESENT in GUIDE_HTML
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert MARK_REST_PRESENT in readme
