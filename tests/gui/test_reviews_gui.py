"""民主评议 by clicks and keys at 1366×768: the list set up from the meeting, votes typed, the 评定 chosen, a
不合格 without its 处置 refused in place, then saved and read back."""

import datetime as dt

from PySide6.QtCore import QPoint, Qt

from desktop_app.core.domain.enums import ReviewBody, ReviewGrade
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import MemberService
from desktop_app.core.services.reviews import ReviewService
from desktop_app.ui.views.reviews import ReviewView

Key = Qt.Key
LEFT = Qt.MouseButton.LeftButton


def choose(qtbot, editor, value, key):
    """Step through a choice editor by keys until `value` is chosen (a few presses at most)."""
    editor.widget.setFocus()
    for _ in range(len(ReviewGrade) + 2):
        if editor.value() is value:
            return
        qtbot.keyClick(editor.widget, key)
    raise AssertionError(f"{value} not reached by keys: {editor.widget.currentText()}")


def test_a_review_is_typed_and_saved_by_keys_and_clicks(qtbot, context, type_text, office_page):
    today = dt.date.today()
    MemberService(context.db).create({"name": "朱国萍", "join_date": dt.date(2000, 7, 1)})
    MeetingService(context.db).create({"kind": "member_review", "date": today, "topic": "民主评议党员"})
    _, page = office_page(context, "民主评议")
    assert isinstance(page, ReviewView)
    assert not page.save_button.isEnabled(), "nothing to save before the list is set up"
    qtbot.mouseClick(page.set_up_button, LEFT)
    assert page.table.rowCount() == 1
    assert page.table.item(0, 0).text() == "朱国萍"

    votes = page.table.editor(0, 3).widget
    votes.setFocus()
    type_text(votes, "12")
    grade = page.table.editor(0, 7)
    choose(qtbot, grade, ReviewGrade.UNQUALIFIED, Key.Key_Down)
    choose(qtbot, page.decided_by, ReviewBody.GENERAL_ASSEMBLY, Key.Key_Down)
    day = page.decided_on.typed.line
    day.setFocus()
    type_text(day, f"{today:%Y-%m-%d}")
    qtbot.mouseClick(page.save_button, LEFT, pos=QPoint(5, 5))
    assert "须选择处置方式并填写处置日期" in page.error.text(), "said in place, what was typed kept"
    assert page.table.editor(0, 7).value() is ReviewGrade.UNQUALIFIED
    assert ReviewService(context.db).sheet(today.year).counts[ReviewGrade.UNQUALIFIED] == 0

    choose(qtbot, grade, ReviewGrade.QUALIFIED, Key.Key_Up)
    qtbot.mouseClick(page.save_button, LEFT, pos=QPoint(5, 5))
    assert page.error.text() == "已保存。"
    saved = ReviewService(context.db).sheet(today.year)
    assert saved.rows[0].values["votes_excellent"] == 12
    assert saved.rows[0].values["grade"] is ReviewGrade.QUALIFIED
    assert saved.decided_on == today
    assert saved.decided_by is ReviewBody.GENERAL_ASSEMBLY


def placeholder_cut(line) -> bool:
    """Whether `line` shows its placeholder cut short (with …), measured as QLineEdit paints it: the style's
    contents rectangle, less 2 px of margin on each side and, with a clear button, the button's room (its icon,
    the icon margin and 6 px: QLineEditPrivate's side-widget parameters)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionFrame

    option = QStyleOptionFrame()
    line.initStyleOption(option)
    style = line.style()
    room = style.subElementRect(QStyle.SubElement.SE_LineEditContents, option, line).width() - 2 * 2
    if line.isClearButtonEnabled():
        room -= style.pixelMetric(QStyle.PixelMetric.PM_LineEditIconMargin, None, line)
        room -= style.pixelMetric(QStyle.PixelMetric.PM_LineEditIconSize, None, line) + 6
    return line.fontMetrics().horizontalAdvance(line.placeholderText()) > room


def test_empty_dates_show_their_whole_hint_at_1366x768(qtbot, demo_context, office_page):
    """评定日期 and each row's 处置日期, empty, say “未填（如 2024-03-05）” whole (they showed “未填（如 2024-…”)."""
    _, page = office_page(demo_context, "民主评议")
    assert isinstance(page, ReviewView)
    assert page.decided_on.value() is None, "this year's review is not decided yet"
    cut = ["评定日期"] if placeholder_cut(page.decided_on.typed.line) else []
    service = ReviewService(demo_context.db)
    page.year.setValue(next(year for year in range(page.year.value(), 2000, -1) if service.sheet(year)))
    assert page.table.rowCount() > 0
    for row in range(page.table.rowCount()):
        line = page.table.editor(row, 9).widget.line
        if page.table.editor(row, 9).value() is None and placeholder_cut(line):
            cut.append(f"第 {row + 1} 行的处置日期")
            break
    assert cut == []


def rows_with_editors(table) -> int:
    return sum(table.cellWidget(row, 2) is not None for row in range(table.rowCount()))


def test_a_year_change_makes_only_the_rows_in_sight(qtbot, demo_context, office_page):
    """Issue 27: each step of the year took seconds on a large branch: every member's row of nine editors was made
    anew (5,000 widgets for 590 members). Now a year shows its rows' editors as they come into sight; Tab walks on
    into rows not yet in sight, and what was never in sight is saved as it was."""
    window, page = office_page(demo_context, "民主评议", active=True)
    assert isinstance(page, ReviewView)
    service = ReviewService(demo_context.db)
    year = next(year for year in range(page.year.value(), 2000, -1) if service.sheet(year))
    page.year.setFocus()
    for shown in (year, year - 1, year):  # by the spin box's keys: down to the year, one more, and back up
        while page.year.value() != shown:
            qtbot.keyClick(page.year, Key.Key_Down if page.year.value() > shown else Key.Key_Up)
        sheet = service.sheet(shown)
        table = page.table
        assert table.rowCount() == (len(sheet.rows) if sheet else 0)
    assert table.rowCount() > 30
    in_sight = table.rowAt(table.viewport().height() - 1) - table.rowAt(0) + 1
    assert in_sight > 5
    assert rows_with_editors(table) <= in_sight + 2, "only the rows in sight (and one each side) are made"

    before = service.sheet(year)
    table = page.table
    start = table.editor(0, 2).widget
    start.setFocus()
    editable = sum(column.make is not None for column in table.columns)
    far = 25
    assert table.cellWidget(far, 2) is None, "row 26 is out of sight"
    for _ in range(far * editable):
        qtbot.keyClick(window.focusWidget(), Key.Key_Tab)
    assert window.focusWidget() is table.editor(far, 2).widget, "Tab walked row by row into rows not in sight"
    assert table.currentRow() == far
    votes = table.editor(far, 3).widget
    votes.setFocus()
    votes.selectAll()
    qtbot.keyClicks(votes, "7")
    qtbot.mouseClick(page.save_button, LEFT, pos=QPoint(5, 5))
    assert page.error.text() == "已保存。"
    after = service.sheet(year)
    assert after.rows[far].values["votes_excellent"] == 7
    assert [row.values for row in after.rows if row.member_id != after.rows[far].member_id] == [
        row.values for row in before.rows if row.member_id != before.rows[far].member_id
    ], "rows never built are saved as they were"

    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    assert table.cellWidget(table.rowCount() - 1, 2) is not None, "scrolled to the end, the last rows are made"


def test_rows_that_come_into_sight_at_a_smaller_text_size_have_their_editors(
    qtbot, demo_context, text_size_restored, office_page
):
    """At 特大 fewer rows are in sight; back at 标准 the rows that now show are made too (no row of bare names)."""
    from desktop_app.ui.kit.text_size import SIZES, apply_points

    apply_points(SIZES["特大"])
    _, page = office_page(demo_context, "民主评议")
    assert isinstance(page, ReviewView)
    service = ReviewService(demo_context.db)
    page.year.setValue(next(year for year in range(page.year.value(), 2000, -1) if service.sheet(year)))
    table = page.table
    qtbot.wait(50)
    made_large = rows_with_editors(table)
    apply_points(SIZES["标准"])
    qtbot.wait(50)
    last_in_sight = table.rowAt(table.viewport().height() - 1)
    assert last_in_sight + 1 > made_large, "more rows are in sight at 标准"
    assert all(table.cellWidget(row, 2) is not None for row in range(last_in_sight + 1))
