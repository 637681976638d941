"""六个月提醒 by clicks and keys at 1366×768: the members warned of, all members at a click, and Enter opens one."""

import datetime as dt

from PySide6.QtCore import QPoint, Qt

from desktop_app.core.domain.enums import AttendanceStatus
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import MemberService
from desktop_app.ui.forms.base import RecordForm
from desktop_app.ui.views.lapses import LapsesView


def months_back(today, count):
    """The 10th of each of the `count` full months before today's, oldest first."""
    days = []
    year, month = today.year, today.month
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        days.append(dt.date(year, month, 10))
    return list(reversed(days))


def test_the_page_lists_the_member_four_months_away_and_enter_opens_them(qtbot, context, monkeypatch, office_page):
    members = MemberService(context.db)
    away = members.create({"name": "失联党员", "join_date": dt.date(2000, 7, 1), "phone": "13812341234"})
    present = members.create({"name": "按时参加", "join_date": dt.date(2000, 7, 1)})
    missed = months_back(dt.date.today(), 4)
    for day in missed:
        attendance = [
            {"member_id": away, "status": AttendanceStatus.ABSENT, "reason": ""},
            {"member_id": present, "status": AttendanceStatus.PRESENT, "reason": ""},
        ]
        values = {"kind": "theme_day", "date": day, "topic": "主题党日", "attendance": attendance}
        MeetingService(context.db).create(values)
    opened = []
    monkeypatch.setattr(RecordForm, "exec", lambda form: opened.append(form) or 0)
    _, page = office_page(context, "六个月提醒")
    assert isinstance(page, LapsesView)
    model = page.model
    shown = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert len(shown) == 1
    assert shown[0][:3] == ["失联党员", "", "4 个月"]
    assert shown[0][3].endswith(f"{missed[-1].month}月")
    assert model.index(0, 2).data(Qt.ItemDataRole.ForegroundRole) == Qt.GlobalColor.red

    box = page.only_warned
    on_its_tick = QPoint(8, box.height() // 2)  # the box spans the page; its tick and words are at the left
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=on_its_tick)
    assert {model.index(r, 0).data() for r in range(model.rowCount())} == {"失联党员", "按时参加"}
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=on_its_tick)
    assert model.rowCount() == 1

    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    [form] = opened
    assert form.record_id == away, "the member's own record, with the phone to call"
