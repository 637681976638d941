"""Defects a person found with keys and clicks, reproduced the same way (issue: the GUI as a secretary uses it)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QMessageBox, QPushButton, QToolBar

from desktop_app.core.domain.enums import AttendanceStatus
from desktop_app.core.services.care import CareService
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import MemberService
from desktop_app.core.services.visits import VisitService
from desktop_app.core.storage.backup import list_backups
from desktop_app.ui.forms.care import CareForm
from desktop_app.ui.kit import prompts
from desktop_app.ui.views.records import CareView, MeetingView, VisitView
from desktop_app.ui.views.settings import DataBox, SettingsView


def button(widget, text):
    return next(b for b in widget.findChildren(QPushButton) if b.text() == text)


def active(qtbot, window):
    """Shown and the active window, as a form is after a person opens it."""
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def shown_view(qtbot, view):
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    view.table.setFocus()
    return view


def committee(context, count=3):
    members = MemberService(context.db)
    return [members.create({"name": f"委员{i}", "is_committee": True}) for i in range(count)]


def test_enter_in_the_meeting_form_saves_and_never_resets_attendance(
    qtbot, context, drive_modal, monkeypatch, type_text
):
    ids = committee(context)
    view = shown_view(qtbot, MeetingView(context))
    questions = []
    monkeypatch.setattr(prompts, "ask", lambda parent, q: questions.append(q) or False)

    def fill(form):
        type_text(form.editors["topic"].widget, "研究年度工作")
        status = form.attendance.cellWidget(0, 2)
        assert isinstance(status, QComboBox)
        assert status.currentText() == "（未标记）", "nobody starts as 出席"
        status.setFocus()
        qtbot.keyClick(status, Qt.Key.Key_Down)
        qtbot.keyClick(status, Qt.Key.Key_Down)
        assert status.currentText() == "请假"
        reason = form.attendance.cellWidget(0, 3)
        type_text(reason, "外出")
        # Enter in the topic: the form tries to save, and says who is still unmarked; nothing is reset.
        qtbot.keyClick(form.editors["topic"].widget, Qt.Key.Key_Return)
        assert form.isVisible()
        assert "还有 2 人未标记" in form.general_error.text()
        assert status.currentText() == "请假"
        asked_before = len(questions)
        qtbot.mouseClick(button(form, "其余标为出席"), Qt.MouseButton.LeftButton)
        assert len(questions) == asked_before, "only the unmarked are marked: nothing to ask"
        assert status.currentText() == "请假", "a mark a person set is never reset"
        # Enter in an attendance combo saves.
        qtbot.keyClick(form.attendance.cellWidget(1, 2), Qt.Key.Key_Return)

    drive_modal(lambda: qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier), fill)
    service = MeetingService(context.db)
    [meeting_id] = service.list_ids()
    saved = {a["member_id"]: a for a in service.get(meeting_id)["attendance"]}
    assert saved[ids[0]]["status"] is AttendanceStatus.ON_LEAVE
    assert saved[ids[0]]["reason"] == "外出"
    assert saved[ids[1]]["status"] is AttendanceStatus.PRESENT
    assert saved[ids[2]]["status"] is AttendanceStatus.PRESENT


def test_only_save_is_a_default_button_in_every_form(qtbot, context):
    from desktop_app.ui.forms.visits import VisitForm

    committee(context)
    for view_class in (MeetingView, VisitView, CareView):
        view = view_class(context)
        qtbot.addWidget(view)
        form = view.open_form()
        qtbot.addWidget(form)
        defaults = [b.text() for b in form.findChildren(QPushButton) if b.isDefault() or b.autoDefault()]
        assert defaults == ["保存"], (view_class.__name__, defaults)
    assert VisitForm  # the 学习考察 form is the one with 添加举措


def test_enter_in_the_visit_form_saves_without_adding_a_practice(qtbot, context, drive_modal, type_text):
    view = shown_view(qtbot, VisitView(context))

    def fill(form):
        type_text(form.editors["destination"].widget, "梅陇六村")
        qtbot.keyClick(form.editors["destination"].widget, Qt.Key.Key_Return)

    drive_modal(lambda: qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier), fill)
    [visit_id] = VisitService(context.db).list_ids()
    assert VisitService(context.db).get(visit_id)["practices"] == []


def test_backup_now_button_makes_a_backup(qtbot, context):
    settings = SettingsView(context)
    qtbot.addWidget(settings)
    box = settings.findChild(DataBox)
    qtbot.mouseClick(button(box, "立即备份"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.task is not None and box.task.done, timeout=20000)
    assert "已备份到" in box.report.text()
    assert len(list_backups(context.db.backup_dir)) == 1


def test_double_click_opens_the_form_once(qtbot, demo_context, drive_modal):
    view = shown_view(qtbot, CareView(demo_context))
    opened = []
    original = view.open_form

    def counting_open_form(*args, **kwargs):
        form = original(*args, **kwargs)
        opened.append(form)
        return form

    view.open_form = counting_open_form
    rect = view.table.visualRect(view.model.index(0, 1))

    def close(form):
        qtbot.keyClick(form, Qt.Key.Key_Escape)

    def double_click():
        # What a mouse sends for a double click: press, release, then the double-click press.
        viewport, left = view.table.viewport(), Qt.MouseButton.LeftButton
        qtbot.mousePress(viewport, left, pos=rect.center())
        qtbot.mouseRelease(viewport, left, pos=rect.center())
        qtbot.mouseDClick(viewport, left, pos=rect.center())

    drive_modal(double_click, close)
    qtbot.wait(50)
    assert len(opened) == 1
    assert QApplication.activeModalWidget() is None


def test_optional_dates_and_times_are_typed_and_tab_leaves(qtbot, context):
    form = active(qtbot, CareForm(CareService(context.db)))
    follow_up = form.editors["follow_up_date"]
    line = follow_up.widget.findChild(QLineEdit)
    assert follow_up.value() is None
    assert line.text() == ""
    line.setFocus()
    qtbot.keyClicks(line, "2024/3/5")
    qtbot.keyClick(line, Qt.Key.Key_Tab)
    assert line.text() == "2024-03-05"
    assert follow_up.value() == dt.date(2024, 3, 5)
    assert not line.hasFocus(), "Tab leaves the date"
    line.selectAll()
    qtbot.keyClick(line, Qt.Key.Key_Delete)
    assert follow_up.value() is None, "an emptied optional date stays empty"
    qtbot.keyClick(line, Qt.Key.Key_Up)
    assert follow_up.value() is None, "no arrow key jumps to 1900"


def test_times_typed_as_digits(qtbot, context):
    from desktop_app.ui.forms.meetings import MeetingForm

    form = MeetingForm(MeetingService(context.db))
    qtbot.addWidget(form)
    start = form.editors["start_time"]
    line = start.widget.findChild(QLineEdit)
    qtbot.keyClicks(line, "1430")
    assert start.value() == dt.time(14, 30)
    line.clear()
    qtbot.keyClicks(line, "25:99")
    form.editors["topic"].set_value("试")
    form.save()
    assert "时间" in form.error_labels["start_time"].text(), "a time that does not exist is named at its field"


def test_a_fixed_value_clears_its_stale_error(qtbot, context, type_text):
    form = CareForm(CareService(context.db))
    qtbot.addWidget(form)
    form.show()
    form.save()
    name_error = form.error_labels["recipient_name"]
    assert name_error.isVisible()
    type_text(form.editors["recipient_name"].widget, "陈静")
    assert not name_error.isVisible()


def test_questions_default_to_no(monkeypatch):
    """Enter or Esc on 确定放弃吗？ / 确定删除吗？ answers 否."""
    from importlib import reload

    import desktop_app.ui.kit.prompts as prompts_module

    seen = {}

    def question(parent, title, text, buttons, default):
        seen["default"] = default
        return default

    monkeypatch.setattr(QMessageBox, "question", question)
    real = reload(prompts_module)  # the autouse fixture answers questions; read the module's own function
    assert real.ask(None, "确定放弃吗？") is False
    assert seen["default"] == QMessageBox.StandardButton.No


def shown_window(qtbot, context):
    from desktop_app.ui.shell.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def test_keyboard_flow_between_views(qtbot, demo_context, drive_modal, monkeypatch, asked):
    window = shown_window(qtbot, demo_context)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    care = window.stack.currentWidget()
    assert isinstance(care, CareView)
    assert care.search.hasFocus(), "switching views puts the cursor in the view's search box"
    # Ctrl+N works at once, from wherever the cursor is.
    drive_modal(
        lambda: qtbot.keyClick(care.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier),
        lambda form: qtbot.keyClick(form, Qt.Key.Key_Escape),
    )
    window.activateWindow()  # a window manager gives the window back its focus when the dialog closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    # Down from the search box goes into the list and selects the first row.
    qtbot.keyClick(care.search, Qt.Key.Key_Down)
    assert care.table.hasFocus()
    assert len(care.selected_ids()) == 1
    # Delete asks, then moves the record to the 回收站; Delete inside the search box edits the text.
    before = care.model.rowCount()
    qtbot.keyClick(care.table, Qt.Key.Key_Delete)
    assert "回收站" in asked[-1]
    assert care.model.rowCount() == before - 1
    qtbot.keyClick(care.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert care.search.hasFocus()
    qtbot.keyClicks(care.search, "ab")
    qtbot.keyClick(care.search, Qt.Key.Key_Home)
    asked_before = len(asked)
    qtbot.keyClick(care.search, Qt.Key.Key_Delete)
    assert care.search.text() == "b"
    assert len(asked) == asked_before
    # Ctrl+P prints the selected meeting in 三会一课.
    printed = []
    monkeypatch.setattr(
        "desktop_app.ui.dialogs.meeting_print.print_meetings", lambda parent, service, ids: printed.append(ids)
    )
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    meetings = window.stack.currentWidget()
    assert isinstance(meetings, MeetingView)
    qtbot.keyClick(meetings.search, Qt.Key.Key_Down)
    qtbot.keyClick(meetings.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed == [meetings.selected_ids()]


def test_the_list_offers_every_toolbar_action_on_right_click(qtbot, demo_context):
    view = MeetingView(demo_context)
    qtbot.addWidget(view)
    offered = [action.text() for action in view.table.actions()]
    assert view.table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    assert offered == ["新增", "编辑", "删除", "附件", "打印…", "导出PDF…"]


def test_an_implausible_record_is_confirmed_before_saving(qtbot, context, monkeypatch, type_text):
    from desktop_app.ui.forms.meetings import MeetingForm

    questions = []
    answer = [False]
    monkeypatch.setattr(prompts, "ask", lambda parent, q: questions.append(q) or answer[0])
    form = MeetingForm(MeetingService(context.db))
    qtbot.addWidget(form)
    form.show()
    type_text(form.editors["topic"].widget, "明年的会")
    future = dt.date.today() + dt.timedelta(days=30)
    form.editors["date"].set_value(future)
    qtbot.keyClick(form.editors["topic"].widget, Qt.Key.Key_Return)
    assert "在今天之后" in questions[-1]
    assert form.isVisible(), "answered 否: the form stays with what was typed"
    assert MeetingService(context.db).list_ids() == []
    answer[0] = True
    qtbot.keyClick(form.editors["topic"].widget, Qt.Key.Key_Return)
    assert len(MeetingService(context.db).list_ids()) == 1


def toolbar_button(view, text):
    action = next(a for a in view.toolbar.actions() if a.text() == text)
    return view.toolbar.widgetForAction(action)


def test_an_import_by_clicks_says_how_many_were_imported(qtbot, context, drive_modal, monkeypatch, tmp_path, told):
    import openpyxl
    from PySide6.QtWidgets import QFileDialog

    from desktop_app.ui.views.records import ResidentView

    book = openpyxl.Workbook()
    for row in (["姓名", "住址"], ["朱国萍", "5号楼"], ["李建华", "7号楼"]):
        book.active.append(row)
    path = tmp_path / "名册.xlsx"
    book.save(path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))
    view = shown_view(qtbot, ResidentView(context))

    def import_file(dialog):
        qtbot.mouseClick(button(dialog, "选择文件…"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=20000)
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)

    drive_modal(lambda: qtbot.mouseClick(toolbar_button(view, "导入…"), Qt.MouseButton.LeftButton), import_file)
    assert told[-1].startswith("已导入 2 人")
    assert view.model.rowCount() == 2


def test_restoring_from_the_recycle_bin_says_so(qtbot, demo_context):
    from desktop_app.ui.views.recycle import RecycleView

    CareService(demo_context.db).soft_delete(CareService(demo_context.db).list_ids()[:1])
    view = RecycleView(demo_context)
    qtbot.addWidget(view)
    view.table.selectRow(0)
    toolbar = view.findChild(QToolBar)
    qtbot.mouseClick(toolbar.widgetForAction(view.restore_action), Qt.MouseButton.LeftButton)
    assert view.note.text() == "已恢复 1 条记录，它们回到了原来的列表中。"


def test_the_export_line_goes_when_another_report_is_chosen(qtbot, demo_context, tmp_path):
    from desktop_app.ui.views.reports import ReportsView

    view = ReportsView(demo_context)
    qtbot.addWidget(view)
    task = view.export_to(tmp_path / "a.xlsx")
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert "已导出" in view.status.text()
    view.kind.setFocus()
    qtbot.keyClick(view.kind, Qt.Key.Key_Down)
    assert view.status.text() == ""
    assert not view.open_folder.isEnabled()


def test_meeting_topics_take_the_spare_width(qtbot, demo_context):
    view = MeetingView(demo_context)
    qtbot.addWidget(view)
    view.resize(1300, 600)
    view.show()
    qtbot.waitExposed(view)
    header = view.table.horizontalHeader()
    keys = [c.key for c in view.service.columns()]
    assert header.sectionSize(keys.index("topic")) > header.sectionSize(keys.index("rate"))
    shown = sum(header.sectionSize(column) for column in range(header.count()) if not header.isSectionHidden(column))
    assert shown >= view.table.viewport().width() - 1, "the wide columns fill what the others leave"


def test_meeting_pdf_is_named_by_date_and_topic():
    from desktop_app.ui.views.records import meeting_pdf_name

    assert meeting_pdf_name([(dt.date(2024, 3, 5), "学习 党章/准则")]) == "2024-03-05学习党章准则会议记录.pdf"
    two = [(dt.date(2024, 12, 20), "甲"), (dt.date(2024, 1, 5), "乙")]
    assert meeting_pdf_name(two) == "2024-01-05至2024-12-20会议记录（2次）.pdf"


@pytest.fixture
def restore_text_size():
    from desktop_app.ui.kit.text_size import DEFAULT_POINTS, apply_points

    yield
    apply_points(DEFAULT_POINTS)  # the application font outlives the test


def test_f1_opens_the_guide(qtbot, demo_context, drive_modal):
    window = shown_window(qtbot, demo_context)
    seen = []

    def read(dialog):
        seen.append(dialog.text.toPlainText())
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    drive_modal(lambda: qtbot.keyClick(window, Qt.Key.Key_F1), read)
    assert "Ctrl+N" in seen[0]
    assert "字号" in seen[0]


def test_a_larger_text_size_applies_everywhere_and_is_remembered(qtbot, demo_context, restore_text_size):
    from desktop_app.ui.kit.text_size import saved_points
    from desktop_app.ui.views.settings import SettingsView

    settings = SettingsView(demo_context)
    qtbot.addWidget(settings)
    combo = settings.thresholds.text_size
    combo.setCurrentIndex(combo.findData(16))
    qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    assert QApplication.font().pointSize() == 16
    assert saved_points(demo_context.settings) == 16
    form = CareView(demo_context).open_form()
    qtbot.addWidget(form)
    assert form.editors["recipient_name"].widget.font().pointSize() == 16


def test_tab_leaves_a_required_date_at_once(qtbot, context):
    from desktop_app.ui.forms.meetings import MeetingForm

    form = active(qtbot, MeetingForm(MeetingService(context.db)))
    date = form.editors["date"].widget
    date.setFocus()
    qtbot.keyClick(date, Qt.Key.Key_Tab)
    assert not date.hasFocus(), "Tab goes to the next field, not to the date's month and day"
    assert form.editors["start_time"].widget.findChild(QLineEdit).hasFocus()


def test_a_new_form_starts_with_the_cursor_in_its_first_field(qtbot, context, drive_modal, type_text):
    from desktop_app.ui.views.records import ResidentView

    view = shown_view(qtbot, ResidentView(context))

    def type_at_once(form):
        # The widget that has the keyboard once the dialog is the active window.
        assert form.focusWidget() is form.editors["name"].widget
        qtbot.keyClicks(form.focusWidget(), "Li Si")
        qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Return)

    drive_modal(lambda: qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier), type_at_once)
    assert view.model.rowCount() == 1


def test_an_empty_list_still_has_room_for_dates_and_kinds(qtbot, context):
    view = MeetingView(context)
    qtbot.addWidget(view)
    metrics = view.table.fontMetrics()
    keys = [c.key for c in view.service.columns()]
    assert view.table.columnWidth(keys.index("date")) >= metrics.horizontalAdvance("2026-12-01")
    assert view.table.columnWidth(keys.index("kind")) >= metrics.horizontalAdvance("支部委员会会议")
