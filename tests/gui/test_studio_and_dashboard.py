import datetime as dt

import pypdf
import pytest
from PySide6.QtCore import Qt

from desktop_app.core.domain.enums import MeetingKind, ProblemStatus
from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.care import CareCategoryService, CareService
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import MemberService, PartyGroupService
from desktop_app.core.services.studio import StudioActivityService, StudioProblemService, StudioTopicService
from desktop_app.ui.dialogs.meeting_print import write_meeting_pdf
from desktop_app.ui.forms.base import RecordForm
from desktop_app.ui.shell.main_window import MainWindow, view_index
from desktop_app.ui.views.dashboard import DashboardView
from desktop_app.ui.views.studio import OPEN_TOO_LONG, StudioView


@pytest.fixture
def opened_forms(monkeypatch):
    """Forms the program opened (their modal loop is skipped)."""
    forms: list[RecordForm] = []

    def fake_exec(form):
        forms.append(form)
        return 0

    monkeypatch.setattr(RecordForm, "exec", fake_exec)
    return forms


def test_a_reminder_opens_a_prefilled_meeting_form(qtbot, context, opened_forms, click_reminder):
    g1 = PartyGroupService(context.db).create({"name": "第一党小组"})
    MemberService(context.db).create({"name": "组员甲", "group_id": g1})
    window = MainWindow(context)
    qtbot.addWidget(window)
    dashboard = window.view(0)
    assert isinstance(dashboard, DashboardView)
    click_reminder(dashboard.panel, "尚未召开党小组会（第一党小组）")
    [form] = opened_forms
    assert form.editors["kind"].value() is MeetingKind.GROUP_MEETING
    assert form.editors["group_id"].value() == g1
    assert form.record_id is None
    assert [m.name for m in form.attendance.members] == ["组员甲"], "the group's members are listed"
    assert window.stack.currentIndex() == 3, "the 三会一课 list is shown behind the form"


@pytest.fixture
def follow_up(context):
    """A care action awaiting a follow-up long due (王奶奶): its id."""
    other = next(c.id for c in CareCategoryService(context.db).list() if c.name == "其他")
    return CareService(context.db).create(
        {
            "date": "2024-01-01",
            "category_id": other,
            "recipient_name": "王奶奶",
            "status": "需回访",
            "follow_up_date": "2024-01-10",
        }
    )


def test_a_follow_up_reminder_opens_the_care_record(qtbot, context, opened_forms, click_reminder, follow_up):
    cid = follow_up
    window = MainWindow(context)
    qtbot.addWidget(window)
    dashboard = window.view(0)
    click_reminder(dashboard.panel, "王奶奶")
    [form] = opened_forms
    assert form.record_id == cid
    assert form.editors["recipient_name"].value() == "王奶奶"


def test_a_stale_problem_reminder_opens_the_studio_ledger(qtbot, context, opened_forms, click_reminder):
    topic = StudioTopicService(context.db).list()[0].id
    pid = StudioProblemService(context.db).create(
        {"raised_date": dt.date.today() - dt.timedelta(days=90), "topic_id": topic, "description": "老问题"}
    )
    window = MainWindow(context)
    qtbot.addWidget(window)
    dashboard = window.view(0)
    click_reminder(dashboard.panel, "老问题")
    [form] = opened_forms
    assert form.record_id == pid
    studio = window.view(view_index(StudioView))
    assert studio.tabs.currentIndex() == 1


def test_dashboard_chart_and_backup_reminder(qtbot, demo_context, reminder_lines):
    view = DashboardView(demo_context)
    qtbot.addWidget(view)
    view.reload(today=dt.date(2024, 6, 15))
    assert view.panel.meeting_chart.data is not None
    assert "党小组会" in view.panel.meeting_chart.data.series
    assert len(view.panel.meeting_chart.data.months) == 12
    assert "次" in view.panel.care_chart.toolTip()
    assert any("建议立即备份" in line for line in reminder_lines(view.panel))
    view.show()
    assert not view.panel.meeting_chart.grab().isNull()


def test_the_first_automatic_backup_clears_the_backup_reminder_at_once(qtbot, demo_context, reminder_lines):
    from desktop_app.ui.shell.app import start_up_backup
    from desktop_app.ui.shell.main_window import MainWindow

    window = MainWindow(demo_context)
    qtbot.addWidget(window)
    dashboard = window.stack.currentWidget()
    assert any("还没有任何备份" in line for line in reminder_lines(dashboard.panel))
    task = start_up_backup(demo_context.db, window)  # on a worker thread: the 工作台 is usable meanwhile
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert "已自动备份" in window.statusBar().currentMessage()
    assert not any("备份" in line for line in reminder_lines(dashboard.panel)), "the 工作台 agrees with the status bar"


def test_studio_view_create_edit_filter_and_link(qtbot, context):
    studio = StudioView(context)
    qtbot.addWidget(studio)
    form = studio.activities.open_form()
    qtbot.addWidget(form)
    form.editors["topic"].set_value("新书记带教")
    form.editors["participants"].set_value("张三（梅陇六村）\n李四（虹旭小区）")
    form.save()
    activity = form.saved_id
    assert activity
    studio.activities.reload()
    assert studio.activities.model.rowCount() == 1
    studio.tabs.setCurrentIndex(1)
    problem_form = studio.problems.open_form()
    qtbot.addWidget(problem_form)
    problem_form.editors["description"].set_value("业委会换届候选人不足")
    problem_form.editors["topic_id"].set_value(StudioTopicService(context.db).list()[0].id)
    problem_form.discussed.list.item(0).setCheckState(Qt.CheckState.Checked)
    problem_form.save()
    assert problem_form.saved_id
    problems = StudioProblemService(context.db)
    assert problems.get(problem_form.saved_id)["discussed_in"] == [activity]
    # Edit: resolve it, without the resolution first (the form stays open), then with it.
    edit = studio.problems.open_form(problem_form.saved_id)
    qtbot.addWidget(edit)
    edit.show()
    edit.editors["status"].set_value(ProblemStatus.RESOLVED)
    edit.save()
    assert edit.isVisible()
    assert "解决情况" in edit.error_labels["resolution"].text()
    edit.editors["resolution"].set_value("动员年轻党员参选")
    edit.save()
    assert problems.get(problem_form.saved_id)["status"] is ProblemStatus.RESOLVED
    studio.problems.reload()
    status_filter = studio.problems.filters[2]
    status_filter.combo.setCurrentIndex(status_filter.combo.findText("未解决（待研究、研讨中）"))
    assert studio.problems.model.rowCount() == 0
    status_filter.combo.setCurrentIndex(0)
    assert studio.problems.model.rowCount() == 1


def test_problems_open_too_long_are_shaded(qtbot, context):
    from PySide6.QtCore import Qt

    topic = StudioTopicService(context.db).list()[0].id
    service = StudioProblemService(context.db)
    old = service.create(
        {"raised_date": dt.date.today() - dt.timedelta(days=200), "topic_id": topic, "description": "旧"}
    )
    service.create({"raised_date": dt.date.today(), "topic_id": topic, "description": "新"})
    studio = StudioView(context)
    qtbot.addWidget(studio)
    model = studio.problems.model
    shades = {
        model.record_id(r): model.ensure_rows(r, r) or model.data(model.index(r, 0), Qt.ItemDataRole.BackgroundRole)
        for r in range(model.rowCount())
    }
    assert shades[old] == OPEN_TOO_LONG
    assert [v for k, v in shades.items() if k != old] == [None]
    assert StudioActivityService(context.db).count(ListQuery()) == 0


def test_meetings_export_to_pdf_one_page_each(qtbot, context, tmp_path):
    members = MemberService(context.db)
    a = members.create({"name": "王小民"})
    b = members.create({"name": "请假乙"})
    meetings = MeetingService(context.db)
    ids = [
        meetings.create(
            {
                "kind": "committee",
                "date": f"2024-0{m}-05",
                "topic": f"第{m}次支委会",
                "place": "党群服务站",
                "content": f"研究第{m}季度为民服务工作，支部全体党员参加，人人发言，日日有事",
                "host": "朱国萍",
                "recorder": "陈静",
                "attendance": [
                    {"member_id": a, "status": "present"},
                    {"member_id": b, "status": "on_leave", "reason": "住院"},
                ],
            }
        )
        for m in (1, 2, 3)
    ]
    target = write_meeting_pdf(meetings, ids, tmp_path / "会议记录.pdf")
    reader = pypdf.PdfReader(target)
    assert len(reader.pages) == 3
    for page, month in zip(reader.pages, (1, 2, 3), strict=True):
        # Exactly what was typed: the font shares glyphs with radicals (支 and ⽀, 民 and ⺠), and the
        # text layer must still give the ideographs (what search, copy and filing read).
        text = "".join(page.extract_text().split())
        assert "支部委员会会议记录" in text
        assert "会议会议" not in text
        assert f"第{month}次支委会" in text
        assert f"研究第{month}季度为民服务工作，支部全体党员参加，人人发言，日日有事" in text
        assert "王小民" in text
        assert "请假乙（请假：住院）" in text
        assert f"2024年{month}月5日" in text  # dates as the program writes them in print (day_text)
        assert "主持人（签字）" in text
        assert not any(0x2E80 <= ord(char) <= 0x2FDF for char in text), "no radical stands for a character"


def test_a_dues_risk_reminder_opens_the_member_by_keys(qtbot, context, opened_forms, reminder_lines):
    from decimal import Decimal

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from desktop_app.core.domain.enums import DuesCategory
    from desktop_app.core.services.dues import Basis, DuesService

    absent = MemberService(context.db).create({"name": "失联党员", "join_date": dt.date(2000, 7, 1)})
    today = dt.date.today()
    dues = DuesService(context.db)
    for year in (today.year - 1, today.year):  # six unpaid months before this one, whatever today is
        dues.assess_year(year, {absent: Basis(DuesCategory.EMPLOYED, Decimal("4000"))}, dt.date(year, 1, 5))
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    dashboard = window.view(0)
    lines = reminder_lines(dashboard.panel)
    row = next(i for i, line in enumerate(lines) if "失联党员" in line)
    assert "个月未缴党费" in lines[row]
    dashboard.panel.todo.setFocus()
    while dashboard.panel.todo.currentIndex().row() < row:  # the keyboard's way down the list to it
        qtbot.keyClick(dashboard.panel.todo, Qt.Key.Key_Down)
    qtbot.keyClick(dashboard.panel.todo, Qt.Key.Key_Return)
    [form] = opened_forms
    assert form.record_id == absent


def test_the_problem_ledger_tab_is_read_when_first_clicked(qtbot, demo_context, click_page):
    window = MainWindow(demo_context)
    qtbot.addWidget(window)
    click_page(window, "书记工作室")
    studio = window.stack.currentWidget()
    assert isinstance(studio, StudioView)
    assert studio._problems is None, "the page opens with the activities alone"
    bar = studio.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert studio.problems.isVisible()
    assert studio.problems.model.rowCount() == 15
    assert window.count_label.text() == "书记工作室：共 15 条"


@pytest.fixture
def single_click_desktop(app):
    """A desktop that opens an item with one click (as some Linux desktops are set): the application style says so."""
    from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleFactory

    class SingleClick(QProxyStyle):
        def styleHint(self, hint, option=None, widget=None, returned=None):  # noqa: N802  (Qt names it)
            if hint == QStyle.StyleHint.SH_ItemView_ActivateItemOnSingleClick:
                return 1
            return super().styleHint(hint, option, widget, returned)

    before = app.style().name()
    app.setStyle(SingleClick(QStyleFactory.create(before)))
    yield
    app.setStyle(QStyleFactory.create(before))


def test_one_click_on_a_reminder_opens_one_form_where_one_click_opens_items(
    qtbot, context, opened_forms, click_reminder, follow_up, single_click_desktop
):
    window = MainWindow(context)
    qtbot.addWidget(window)
    click_reminder(window.view(0).panel, "王奶奶")
    [form] = opened_forms
    assert form.record_id == follow_up
