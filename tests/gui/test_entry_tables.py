"""Tables typed into inside a form (借鉴举措, 出席情况): every cell typed by keys is saved, Tab leaves the table,
columns readable on a 1366×768 screen (issue 27, item 1)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QLineEdit, QPushButton

from desktop_app.core.domain.enums import AttendanceStatus, PracticeStatus
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import MemberService
from desktop_app.core.services.visits import VisitService
from desktop_app.ui.views.records import MeetingView, VisitView

Key = Qt.Key


def shown_view(qtbot, view):
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    view.table.setFocus()
    return view


def button(widget, text):
    return next(b for b in widget.findChildren(QPushButton) if b.text() == text)


def opened(qtbot, form):
    """A form as it opens for a person: shown, the active window, the cursor in it."""
    qtbot.waitExposed(form)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)


def focused():
    return QApplication.focusWidget()


def cell_text(table, row, column):
    """What a cell shows, read off its widget as a person reads it."""
    widget = table.cellWidget(row, column)
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QLineEdit):
        return widget.text()
    return widget.findChild(QLineEdit).text()


def cell_editor(table, row, column):
    """The widget in a cell that takes the cursor."""
    widget = table.cellWidget(row, column)
    return widget if isinstance(widget, (QComboBox, QLineEdit)) else widget.findChild(QLineEdit)


def readable(table, column):
    """The header's text fits its column."""
    text = table.horizontalHeaderItem(column).text()
    return table.columnWidth(column) >= table.fontMetrics().horizontalAdvance(text) + 8


def test_practices_typed_cell_by_cell_are_saved_and_read_back(qtbot, context, drive_modal, type_text):
    view = shown_view(qtbot, VisitView(context))
    seen = {}

    def fill(form):
        opened(qtbot, form)
        type_text(form.editors["destination"].widget, "梅陇六村")
        table = form.practice_table
        for column in range(table.columnCount()):
            assert readable(table, column), table.horizontalHeaderItem(column).text()
        for row, (practice, owner, due) in enumerate(
            (("楼道微更新", "王芳", "2026/3/5"), ("议事会每月一次", "李强", "2026年12月31日"))
        ):
            qtbot.mouseClick(button(form, "添加举措"), Qt.MouseButton.LeftButton)
            assert focused() is cell_editor(table, row, 0), "the new row's first cell takes the cursor"
            type_text(focused(), practice)
            qtbot.keyClick(focused(), Key.Key_Tab)
            type_text(focused(), owner)
            qtbot.keyClick(focused(), Key.Key_Tab)
            type_text(focused(), due)
            qtbot.keyClick(focused(), Key.Key_Tab)
            assert focused() is cell_editor(table, row, 3)
            qtbot.keyClick(focused(), Key.Key_Down)  # 未开始 → 推进中
            qtbot.keyClick(focused(), Key.Key_Tab)
            assert focused() is button(form, "添加举措"), "Tab leaves the table after its last cell"
        date_cell = table.cellWidget(1, 2)
        seen["date width"] = date_cell.width()
        seen["date text"] = date_cell.fontMetrics().horizontalAdvance("2026-12-31")
        # The cursor still in a cell, a date typed over the old one, and 保存 clicked with the mouse.
        line = cell_editor(table, 0, 2)
        line.setFocus()
        line.selectAll()
        type_text(line, "2026-04-01")
        qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)

    drive_modal(lambda: qtbot.keyClick(view.table, Key.Key_N, Qt.KeyboardModifier.ControlModifier), fill)
    assert seen["date width"] > seen["date text"], "a date in its cell is shown whole"
    [visit_id] = VisitService(context.db).list_ids()
    expected = [
        {
            "description": "楼道微更新",
            "owner": "王芳",
            "due_date": dt.date(2026, 4, 1),
            "status": PracticeStatus.IN_PROGRESS,
        },
        {
            "description": "议事会每月一次",
            "owner": "李强",
            "due_date": dt.date(2026, 12, 31),
            "status": PracticeStatus.IN_PROGRESS,
        },
    ]
    saved = VisitService(context.db).get(visit_id)["practices"]
    assert [{key: p[key] for key in expected[0]} for p in saved] == expected

    # Reopened: every cell shows what was saved.
    read_back = []

    def reopen(form):
        opened(qtbot, form)
        table = form.practice_table
        read_back.extend([cell_text(table, row, c) for c in range(4)] for row in range(table.rowCount()))
        qtbot.keyClick(focused(), Key.Key_Escape)

    view.activateWindow()  # as the window manager does when the form closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    drive_modal(lambda: qtbot.keyClick(view.table, Key.Key_Return), reopen)
    assert read_back == [
        ["楼道微更新", "王芳", "2026-04-01", "推进中"],
        ["议事会每月一次", "李强", "2026-12-31", "推进中"],
    ]


def test_attendance_reasons_typed_after_tab_are_saved_and_tab_leaves_the_table(qtbot, context, drive_modal, type_text):
    members = MemberService(context.db)
    ids = [members.create({"name": name, "is_committee": True}) for name in ("甲委员", "乙委员")]
    view = shown_view(qtbot, MeetingView(context))
    after_table = []

    def fill(form):
        opened(qtbot, form)
        type_text(form.editors["topic"].widget, "研究年度工作")
        table = form.attendance
        for column in range(table.columnCount()):
            assert readable(table, column), table.horizontalHeaderItem(column).text()
        status = cell_editor(table, 0, 2)
        status.setFocus()
        qtbot.keyClick(status, Key.Key_Down)
        qtbot.keyClick(status, Key.Key_Down)  # 请假
        qtbot.keyClick(status, Key.Key_Tab)
        type_text(focused(), "外出")
        qtbot.keyClick(focused(), Key.Key_Tab)
        assert focused() is cell_editor(table, 1, 2)
        qtbot.keyClick(focused(), Key.Key_Down)  # 出席
        qtbot.keyClick(focused(), Key.Key_Tab)
        assert focused() is cell_editor(table, 1, 3)
        qtbot.keyClick(focused(), Key.Key_Tab)
        after_table.append(focused())
        qtbot.keyClick(cell_editor(table, 1, 3), Key.Key_Return)

    drive_modal(lambda: qtbot.keyClick(view.table, Key.Key_N, Qt.KeyboardModifier.ControlModifier), fill)
    assert after_table[0].text() == "保存", "Tab goes from the last cell on to the buttons"
    service = MeetingService(context.db)
    [meeting_id] = service.list_ids()
    saved = {a["member_id"]: a for a in service.get(meeting_id)["attendance"]}
    assert (saved[ids[0]]["status"], saved[ids[0]]["reason"]) == (AttendanceStatus.ON_LEAVE, "外出")
    assert saved[ids[1]]["status"] is AttendanceStatus.PRESENT


def test_tab_leaves_the_dues_grid_and_the_lists(qtbot, demo_context):
    """The 党费 grid and the record lists are worked with the arrow keys; Tab goes on to the next field."""
    from desktop_app.ui.views.dues import DuesView

    for page in (DuesView(demo_context), VisitView(demo_context)):
        shown_view(qtbot, page)
        page.table.setCurrentIndex(page.table.model().index(0, 0))
        qtbot.keyClick(page.table, Key.Key_Right)
        assert page.table.currentIndex().column() == 1, "arrows move between cells"
        qtbot.keyClick(page.table, Key.Key_Tab)
        assert focused() is not page.table, type(page).__name__
