import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desktop_app.core.domain.enums import AttendanceStatus, CareStatus, MeetingKind
from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.care import CareService
from desktop_app.core.services.people import MemberService, PartyGroupService, ResidentService
from desktop_app.ui.forms.care import CareForm
from desktop_app.ui.forms.meetings import MeetingForm
from desktop_app.ui.shell.main_window import MainWindow, view_classes, view_index
from desktop_app.ui.views.records import CareView, MeetingView, ResidentView
from desktop_app.ui.views.recycle import RecycleView


def test_main_window_shows_every_view_with_title_and_counts(qtbot, demo_context):
    window = MainWindow(demo_context)
    qtbot.addWidget(window)
    window.show()
    assert "康宁居民区" in window.windowTitle()
    for index, view_class in enumerate(view_classes()):
        window.nav.setCurrentRow(index)
        assert isinstance(window.stack.currentWidget(), view_class)
    window.nav.setCurrentRow(view_index(ResidentView))
    assert window.count_label.text() == "居民：共 400 条"
    assert str(demo_context.db.file_path) in window.statusBar().findChildren(type(window.count_label))[-1].text()


def test_window_layout_is_remembered(qtbot, demo_context):
    window = MainWindow(demo_context)
    qtbot.addWidget(window)
    window.resize(640, 480)  # fits the offscreen screen, which restoreGeometry clamps to
    window.splitter.setSizes([200, 800])
    window.nav.setCurrentRow(1)
    window.view(1).table.setColumnWidth(0, 177)
    window.close()
    again = MainWindow(demo_context)
    qtbot.addWidget(again)
    assert again.size().width() == 640
    assert again.view(1).table.columnWidth(0) == 177


def test_search_as_you_type_with_pinyin_initials(qtbot, context):
    residents = ResidentService(context.db)
    residents.create({"name": "朱国萍", "address": "5号楼302室"})
    residents.create({"name": "李建华", "address": "7号楼101室"})
    view = ResidentView(context)
    qtbot.addWidget(view)
    assert view.model.rowCount() == 2
    qtbot.keyClicks(view.search, "zgp")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.model.text(0, 0) == "朱国萍"
    view.search.clear()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)


def test_care_filters_by_category_and_date_range(qtbot, demo_context):
    view = CareView(demo_context)
    qtbot.addWidget(view)
    total = view.model.rowCount()
    date_filter, category_filter, status_filter = view.filters
    category_filter.combo.setCurrentIndex(1)
    assert 0 < view.model.rowCount() < total
    status_filter.combo.setCurrentIndex(status_filter.combo.findText(CareStatus.FOLLOW_UP.label))
    for row in range(view.model.rowCount()):
        assert view.model.text(row, 7) == "需回访"
    category_filter.combo.setCurrentIndex(0)
    status_filter.combo.setCurrentIndex(0)
    date_filter.quick.setCurrentIndex(date_filter.quick.findText("自定义"))
    date_filter.start.setDate(dt.date(2024, 1, 1))
    date_filter.end.setDate(dt.date(2024, 1, 31))
    shown = [view.model.text(r, 0) for r in range(view.model.rowCount())]
    assert shown
    assert all(text.startswith("2024-01") for text in shown)


def test_create_care_action_through_the_form(qtbot, context):
    ResidentService(context.db).create({"name": "陈静", "address": "3号楼201室"})
    view = CareView(context)
    qtbot.addWidget(view)
    form = view.open_form()
    qtbot.addWidget(form)
    assert form.editors["date"].value() == dt.date.today(), "today is the default date"
    form.editors["category_id"].widget.setCurrentIndex(1)  # 新婚送蜂蜜 sets item and amount
    assert form.editors["item"].value() == "蜂蜜两瓶"
    assert form.editors["amount"].value() == "120.00"
    picker = form.editors["resident_id"]
    qtbot.keyClicks(picker.line, "cj")
    picker._picked("陈静（3号楼201室）")
    assert form.editors["recipient_name"].value() == "陈静"
    form.save()
    assert form.result() == form.DialogCode.Accepted
    view.reload()
    assert view.model.rowCount() == 1
    saved = CareService(context.db).get(form.saved_id)
    assert saved["amount"] == Decimal("120.00")
    assert saved["resident_id"] is not None


def test_failed_save_keeps_the_dialog_open_with_inline_messages(qtbot, context):
    form = CareForm(CareService(context.db))
    qtbot.addWidget(form)
    form.show()
    form.editors["amount"].set_value("十块")
    form.editors["notes"].set_value("写了很多字的备注")
    form.save()
    assert form.isVisible()
    assert form.error_labels["amount"].isVisible()
    assert "金额应为数字" in form.error_labels["amount"].text()
    # Field errors come first; once they are mended, the rules across fields speak.
    form.editors["amount"].set_value("10")
    form.save()
    assert form.isVisible()
    assert not form.error_labels["amount"].isVisible()
    assert "请选择居民" in form.error_labels["recipient_name"].text()
    assert form.editors["notes"].value() == "写了很多字的备注", "what was typed is kept"
    assert CareService(context.db).count() == 0


def test_escape_asks_before_throwing_away_typed_text(qtbot, context):
    form = CareForm(CareService(context.db))
    qtbot.addWidget(form)
    form.show()
    asked = []
    form.ask = lambda question: asked.append(question) or False
    form.editors["recipient_name"].set_value("王五")
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert asked
    assert form.isVisible()
    form.ask = lambda question: True
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert not form.isVisible()


def test_untouched_form_closes_without_asking(qtbot, context):
    form = CareForm(CareService(context.db))
    qtbot.addWidget(form)
    form.show()
    form.ask = lambda question: (_ for _ in ()).throw(AssertionError("should not ask"))
    form.reject()
    assert not form.isVisible()


def test_delete_to_recycle_bin_and_restore(qtbot, demo_context):
    view = CareView(demo_context)
    qtbot.addWidget(view)
    before = view.model.rowCount()
    view.table.selectRow(0)
    view.table.selectionModel().select(
        view.model.index(1, 0),
        view.table.selectionModel().SelectionFlag.Select | view.table.selectionModel().SelectionFlag.Rows,
    )
    assert len(view.selected_ids()) == 2
    view.ask = lambda question: False
    view.delete_selected()
    assert view.model.rowCount() == before
    view.ask = lambda question: "回收站" in question
    view.delete_selected()
    assert view.model.rowCount() == before - 2
    bin_view = RecycleView(demo_context)
    qtbot.addWidget(bin_view)
    assert bin_view.model.rowCount() == 2
    bin_view.table.selectAll()
    bin_view.restore_selected()
    assert bin_view.model.rowCount() == 0
    view.reload()
    assert view.model.rowCount() == before


def test_purge_needs_confirmation(qtbot, demo_context):
    care = CareService(demo_context.db)
    care.soft_delete(care.list_ids(limit=1))
    bin_view = RecycleView(demo_context)
    qtbot.addWidget(bin_view)
    bin_view.table.selectAll()
    bin_view.ask = lambda question: False
    bin_view.purge_selected()
    assert bin_view.model.rowCount() == 1
    bin_view.ask = lambda question: "无法恢复" in question
    bin_view.purge_selected()
    assert bin_view.model.rowCount() == 0
    assert care.count(ListQuery(deleted=True)) == 0


def rest_present_button(form):
    return next(b for b in form.findChildren(QPushButton) if b.text() == "其余标为出席")


def test_meeting_form_attendance_maths_and_vote_warning(qtbot, context):
    groups = PartyGroupService(context.db)
    g1 = groups.create({"name": "第一党小组"})
    members = MemberService(context.db)
    for i in range(4):
        members.create({"name": f"党员{i}", "group_id": g1})
    view = MeetingView(context)
    qtbot.addWidget(view)
    form = view.open_form()
    qtbot.addWidget(form)
    form.show()
    form.editors["kind"].set_value(MeetingKind.GENERAL_ASSEMBLY)
    assert not form._rows["group_id"][1].isVisible()
    table = form.attendance
    assert table.rowCount() == 4
    assert "应到 4 人，实到 0 人，请假 0 人，缺席 0 人，未标记 4 人" in form.summary.text(), "nobody is marked for them"
    qtbot.mouseClick(rest_present_button(form), Qt.MouseButton.LeftButton)
    assert "应到 4 人，实到 4 人" in form.summary.text()
    table.status_editors[0].set_value(AttendanceStatus.ON_LEAVE)
    table.status_editors[1].set_value(AttendanceStatus.ABSENT)
    assert "实到 2 人，请假 1 人，缺席 1 人，出勤率 50%" in form.summary.text()
    form.editors["vote_taken"].set_value(True)
    assert form.quorum_warning.isVisible(), "2 of 4 is not more than half"
    table.status_editors[1].set_value(AttendanceStatus.PRESENT)
    assert not form.quorum_warning.isVisible()
    table.status_editors[1].set_value(None)
    qtbot.mouseClick(rest_present_button(form), Qt.MouseButton.LeftButton)
    assert "实到 3 人，请假 1 人" in form.summary.text(), "the unmarked one marked; 请假 stays"
    form.editors["kind"].set_value(MeetingKind.GROUP_MEETING)
    assert form._rows["group_id"][1].isVisible()


def test_meeting_form_saves_attendance_and_reloads_it(qtbot, context):
    g1 = PartyGroupService(context.db).create({"name": "第一党小组"})
    members = MemberService(context.db)
    ids = [members.create({"name": f"党员{i}", "group_id": g1}) for i in range(3)]
    view = MeetingView(context)
    qtbot.addWidget(view)
    form = view.open_form()
    qtbot.addWidget(form)
    form.editors["kind"].set_value(MeetingKind.GROUP_MEETING)
    form.editors["group_id"].set_value(g1)
    form.editors["topic"].set_value("学习党章")
    form.attendance.status_editors[2].set_value(AttendanceStatus.ON_LEAVE)
    qtbot.mouseClick(rest_present_button(form), Qt.MouseButton.LeftButton)
    form.save()
    assert form.error_labels["topic"].text() == ""
    assert "请假须填写原因" in form.general_error.text(), "a missing reason is shown, the dialog stays"
    form.attendance.cellWidget(2, 3).setText("生病住院")
    form.save()
    assert form.saved_id
    again = MeetingForm(view.service, form.saved_id)
    qtbot.addWidget(again)
    assert [m.id for m in again.attendance.members] == ids
    assert "应到 3 人，实到 2 人，请假 1 人" in again.summary.text()
    assert not again.is_dirty()
