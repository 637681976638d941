"""谈心谈话 by clicks and keys at 1366×768: from 谈话覆盖, Enter on a member without a talk opens a new talk with
them and the 书记 ticked; typed and saved, it is read back and the member leaves the list."""

import datetime as dt

from PySide6.QtCore import Qt

from desktop_app.core.services.people import MemberService
from desktop_app.core.services.talks import TalkService
from desktop_app.ui.views.talk_coverage import TalkCoverageView

Key = Qt.Key


def test_a_talk_is_recorded_from_the_coverage_page_by_keys(
    qtbot, context, click_page, drive_modal, type_text, office_page
):
    members = MemberService(context.db)
    secretary = members.create(
        {"name": "朱国萍", "join_date": dt.date(2000, 7, 1), "is_committee": True, "committee_role": "书记"}
    )
    wang = members.create({"name": "王秀英", "join_date": dt.date(2000, 7, 1)})
    window, page = office_page(context, "谈话覆盖")
    assert isinstance(page, TalkCoverageView)
    assert [page.without.index(r, 0).data() for r in range(page.without.rowCount())] == ["王秀英"]
    assert "党员与书记：0/1 人已谈（0%）" in page.summary.text()
    page.without_table.setFocus()
    qtbot.keyClick(page.without_table, Key.Key_Down)

    def fill(form):
        assert sorted(form.participants.chosen()) == sorted([wang, secretary]), "both ticked"
        form.editors["topic"].widget.setFocus()
        type_text(form.editors["topic"].widget, "了解家庭困难")
        qtbot.keyClick(form.editors["topic"].widget, Key.Key_Return)

    drive_modal(lambda: qtbot.keyClick(page.without_table, Key.Key_Return), fill)
    talks = TalkService(context.db)
    [talk_id] = talks.list_ids()
    saved = talks.get(talk_id)
    assert saved["topic"] == "了解家庭困难"
    assert saved["date"] == dt.date.today()
    assert sorted(saved["participant_ids"]) == sorted([wang, secretary])
    click_page(window, "谈话覆盖")
    assert page.without.rowCount() == 0, "read afresh when shown again"


def test_a_talk_with_one_person_stays_open_with_the_reason(qtbot, context, drive_modal, type_text, office_page):
    MemberService(context.db).create({"name": "王秀英", "join_date": dt.date(2000, 7, 1)})
    _, view = office_page(context, "谈心谈话", active=True)
    view.table.setFocus()
    said = []

    def one_person(form):
        form.participants.filter.setFocus()
        qtbot.keyClick(form.participants.filter, Key.Key_Down)
        qtbot.keyClick(form.participants.list, Key.Key_Space)
        form.editors["topic"].widget.setFocus()
        type_text(form.editors["topic"].widget, "谈心")
        qtbot.keyClick(form.editors["topic"].widget, Key.Key_Return)
        said.append(form.general_error.text())
        assert form.isVisible(), "a failed save keeps the form open with what was typed"
        qtbot.keyClick(form.editors["topic"].widget, Key.Key_Escape)

    drive_modal(lambda: qtbot.keyClick(view.table, Key.Key_N, Qt.KeyboardModifier.ControlModifier), one_person)
    assert "至少要有两名党员" in said[0]
    assert TalkService(context.db).count() == 0


def test_letters_typed_in_the_participants_list_filter_it_for_the_next_person(
    qtbot, context, drive_modal, type_text, office_page
):
    """After ticking one person (filter, ↓, Space) the cursor is in the list; typing the next person's initials
    there starts a new filter (the letters used to vanish, and the next Space unticked the first person)."""
    members = MemberService(context.db)
    zhu = members.create({"name": "朱国萍", "join_date": dt.date(2000, 7, 1)})
    chen = members.create({"name": "陈建珍", "join_date": dt.date(2001, 7, 1)})
    members.create({"name": "程凤海", "join_date": dt.date(2002, 7, 1)})
    _, view = office_page(context, "谈心谈话", active=True)
    view.table.setFocus()
    seen = []

    def two_people(form):
        type_text(form.editors["topic"].widget, "谈心")
        picker = form.participants
        qtbot.keyClicks(picker.filter, "zgp")
        qtbot.keyClick(picker.filter, Key.Key_Down)
        qtbot.keyClick(picker.list, Key.Key_Space)
        assert form.focusWidget() is picker.list
        qtbot.keyClick(picker.list, "c")  # the cursor is still in the list, ...
        qtbot.keyClicks(form.focusWidget(), "jz")  # ... and the next letters go where it is then
        seen.append((picker.filter.text(), form.focusWidget() is picker.filter))
        qtbot.keyClick(picker.filter, Key.Key_Down)
        qtbot.keyClick(picker.list, Key.Key_Space)
        seen.append(sorted(picker.chosen()))
        qtbot.keyClick(form.editors["topic"].widget, Key.Key_Return)

    drive_modal(lambda: qtbot.keyClick(view.table, Key.Key_N, Qt.KeyboardModifier.ControlModifier), two_people)
    assert seen[0] == ("cjz", True), "letters typed in the list go to the filter box"
    assert seen[1] == sorted([zhu, chen])
    [talk_id] = TalkService(context.db).list_ids()
    assert sorted(TalkService(context.db).get(talk_id)["participant_ids"]) == sorted([zhu, chen])


def test_the_people_ticked_are_in_sight_when_the_talk_opens_from_the_coverage_page(
    qtbot, context, drive_modal, office_page
):
    """Opened from 谈话覆盖, the 书记 and the member are ticked far down the list: the form says who is ticked,
    so a person does not tick the 书记 again (which unticks her)."""
    members = MemberService(context.db)
    members.create({"name": "朱国萍", "join_date": dt.date(2000, 7, 1), "is_committee": True, "committee_role": "书记"})
    members.create({"name": "王秀英", "join_date": dt.date(2000, 7, 1)})
    for number, name in enumerate(["陈建珍", "程凤海", "崔志建", "贾燕志", "孔春文", "廖峰敏", "廖静", "林宝文"]):
        members.create({"name": name, "join_date": dt.date(2001, 1, 1) + dt.timedelta(days=number)})
    _, page = office_page(context, "谈话覆盖")
    names = [page.without.index(r, 0).data() for r in range(page.without.rowCount())]
    page.without_table.setFocus()
    for _ in range(names.index("王秀英") + 1):
        qtbot.keyClick(page.without_table, Key.Key_Down)
    said = []

    def look(form):
        picker = form.participants
        said.append((picker.summary.isVisible(), picker.summary.text()))
        qtbot.keyClicks(picker.filter, "zgp")  # the 书记 ticked again by a person who could not see her tick
        qtbot.keyClick(picker.filter, Key.Key_Down)
        qtbot.keyClick(picker.list, Key.Key_Space)
        said.append(picker.summary.text())
        qtbot.keyClick(picker.list, Key.Key_Space)
        qtbot.keyClick(form, Key.Key_Escape)

    drive_modal(lambda: qtbot.keyClick(page.without_table, Key.Key_Return), look)
    visible, first = said[0]
    assert visible
    assert sorted(first.removeprefix("已选 2 人：").split("、")) == sorted(["朱国萍", "王秀英"])
    assert said[1] == "已选 1 人：王秀英", "a tick undone is said at once"


def test_no_empty_band_above_the_people_at_1366x768(qtbot, demo_context, drive_modal, office_page):
    """Issue 27: the new talk form left an empty band between its fields and 谈话人员 (the fields' columns took
    the spare height); the list of people takes it instead."""
    _, view = office_page(demo_context, "谈心谈话", active=True)
    view.table.setFocus()
    seen = []

    def look(form):
        qtbot.waitExposed(form)
        fields = [form.editors[name].widget for name in ("date", "way", "topic", "record")]
        people = form.participants.parentWidget()
        lowest = max(field.mapTo(form, field.rect().bottomLeft()).y() for field in fields)
        seen.append((people.title(), people.mapTo(form, people.rect().topLeft()).y() - lowest))
        seen.append(form.participants.list.height())
        qtbot.keyClick(form, Key.Key_Escape)

    drive_modal(lambda: qtbot.keyClick(view.table, Key.Key_N, Qt.KeyboardModifier.ControlModifier), look)
    (title, gap), list_height = seen
    assert title == "谈话人员（至少两人）"
    assert gap <= 24, f"{gap} px of empty band above 谈话人员"
    assert list_height >= 160
