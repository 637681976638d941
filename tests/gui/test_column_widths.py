"""Every list view at 1366×768: each column header is read whole, and dates are never cut.

Walks every page of the window (and the 书记工作室's tabs) as a person does, by clicks, and measures
with the font's own metrics what each header and each date needs against the width its column has."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionComboBox, QTableView, QTabWidget, QWidget

from desktop_app.core.exchange.demo import fill_demo
from desktop_app.ui.kit.text_size import SIZES, apply_points
from desktop_app.ui.shell.main_window import MainWindow

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$")
# An amount or a count, as a cell shows it (党费: ✓ paid, ※ corrected): a number cut short misstates money.
NUMBER = re.compile(r"^[✓※]?-?\d[\d,]*(\.\d+)?$")
ROWS_MEASURED = 30


def cut_texts(table: QTableView) -> list[str]:
    """What `table` shows cut short: headers wider than their column, and dates wider than their cell."""
    header = table.horizontalHeader()
    style = header.style()
    # What Qt needs beside the text (as it sizes columns to their contents; with less it cuts the text with …):
    # a header's margins, and its sort arrow with one more margin; a cell's margins and the grid line.
    header_margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    header_room = 2 * header_margin
    if header.isSortIndicatorShown():
        header_room += style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header) + header_margin
    cell_margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    cell_room = 2 * cell_margin + (1 if table.showGrid() else 0)
    header_metrics, cell_metrics = header.fontMetrics(), table.fontMetrics()
    model = table.model()
    cut = []
    for column in range(model.columnCount()):
        if table.isColumnHidden(column):
            continue
        width = header.sectionSize(column)
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        if header.isVisible() and header_metrics.horizontalAdvance(title) + header_room > width:
            cut.append(f"列标题“{title}”（{width}px）")
        for row in range(min(model.rowCount(), ROWS_MEASURED)):
            text = str(model.index(row, column).data() or "")
            if (DATE.match(text) or NUMBER.match(text)) and cell_metrics.horizontalAdvance(text) + cell_room > width:
                cut.append(f"“{title}”列的 {text}（{width}px）")
                break
    return cut


def shown_tables(page: QWidget) -> list[QTableView]:
    return [table for table in page.findChildren(QTableView) if table.isVisible() and table.model() is not None]


def walk_every_list(qtbot, window: MainWindow, click_page) -> tuple[int, dict[str, list[str]]]:
    """Every page clicked, and each tab of a page with tabs: how many tables were measured, and what was cut."""
    cut: dict[str, list[str]] = {}
    seen = 0
    for row in range(window.nav.count()):
        title = window.nav.item(row).text()
        click_page(window, title)
        page = window.stack.currentWidget()
        tabs = page.findChildren(QTabWidget)
        for tab in range(tabs[0].count()) if tabs else [None]:
            if tab is not None:
                bar = tabs[0].tabBar()
                qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tab).center())
            QApplication.processEvents()
            for table in shown_tables(page):
                seen += 1
                if found := cut_texts(table):
                    cut.setdefault(title if tab is None else f"{title}/{tabs[0].tabText(tab)}", []).extend(found)
    return seen, cut


@pytest.fixture
def window(qtbot, context):
    fill_demo(context.db, "small", today=dt.date.today())
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.width() <= 1366
    # A record deleted by keys, so the 回收站 and the 操作记录 have rows (with their times) to measure.
    care = window.view(1)
    window.nav.setCurrentRow(1)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(care.search, Qt.Key.Key_Down)
    qtbot.keyClick(care.table, Qt.Key.Key_Delete)
    assert care.model.rowCount() == 179
    return window


def test_every_list_shows_its_headers_and_dates_whole(qtbot, window, click_page):
    seen, cut = walk_every_list(qtbot, window, click_page)
    assert seen >= 12, "every list view was measured"
    assert not cut, cut


def test_lists_open_when_the_text_is_made_larger_widen_their_columns(qtbot, window, click_page, choose_text_size):
    walk_every_list(qtbot, window, click_page)  # every page built at the standard size
    choose_text_size(window, "特大")
    seen, cut = walk_every_list(qtbot, window, click_page)
    assert seen >= 12
    assert not cut, cut


def test_lists_built_at_the_largest_text_size_show_headers_and_dates_whole(
    qtbot, context, click_page, text_size_restored
):
    apply_points(SIZES["特大"])
    fill_demo(context.db, "small", today=dt.date.today())
    window = MainWindow(context)
    qtbot.addWidget(window)
    seen, cut = walk_every_list(qtbot, window, click_page)
    assert seen >= 12
    assert not cut, cut


def test_the_workbench_charts_show_every_legend_line_and_month_at_the_largest_text_size(
    qtbot, window, click_page, choose_text_size
):
    from desktop_app.ui.kit.chart import MonthlyChart

    choose_text_size(window, "特大")
    click_page(window, "工作台")
    QApplication.processEvents()
    charts = [chart for chart in window.stack.currentWidget().findChildren(MonthlyChart) if chart.isVisible()]
    assert len(charts) == 2
    for chart in charts:
        line = chart.fontMetrics().height()
        legend_bottom = line * (len(chart.data.series) + 1.4)
        assert chart.height() >= legend_bottom + line, f"{chart.title}: the last legend line is cut"
        month = chart.fontMetrics().horizontalAdvance("12")
        slot = chart.width() / 24  # narrower than any slot the chart draws
        from PySide6.QtCore import QRectF

        assert MonthlyChart.label_rect(QRectF(0, 0, slot, line), month).width() >= month, "a month label is whole"


@pytest.mark.parametrize("label", ["标准", "特大"])
def test_the_wide_columns_of_a_list_built_at_any_text_size_keep_room_for_their_text(
    qtbot, context, click_page, text_size_restored, label
):
    """三会一课's 主题 and 地点 share what the other columns leave; where that is too little (特大 at 1366×768)
    they keep room for eight characters and the list scrolls sideways, instead of showing three."""
    from desktop_app.ui.kit.column_widths import text_width

    apply_points(SIZES[label])
    fill_demo(context.db, "small", today=dt.date.today())
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.showMaximized()
    qtbot.waitExposed(window)
    click_page(window, "三会一课")
    meetings = window.stack.currentWidget()
    QApplication.processEvents()
    table = meetings.table
    columns = [spec.key for spec in meetings.service.columns()]
    least = text_width(table, "字" * 8)
    for key in ("topic", "place"):
        assert table.columnWidth(columns.index(key)) >= least, f"{key}: {table.columnWidth(columns.index(key))}px"
    window.resize(1366, 720)  # the window made smaller, then larger again: the room holds both ways
    QApplication.processEvents()
    assert all(table.columnWidth(columns.index(key)) >= least for key in ("topic", "place"))
    window.resize(1366 if label == "特大" else 1200, 740)
    QApplication.processEvents()
    spare = table.viewport().width() - sum(
        table.columnWidth(c) for c in range(len(columns)) if columns[c] not in ("topic", "place")
    )
    widths = [table.columnWidth(columns.index(key)) for key in ("topic", "place")]
    assert sum(widths) >= min(spare, 2 * least) - 2, "the wide columns take what the others leave"


@pytest.mark.parametrize("label", ["标准", "特大"])
def test_a_new_meetings_attendance_shows_every_mark_whole(qtbot, context, text_size_restored, label):
    """出席情况's drop-downs read （未标记） whole at every text size (at 特大 it was cut to “（未标记”)."""
    from desktop_app.core.services.meetings import MeetingService
    from desktop_app.core.services.people import MemberService
    from desktop_app.ui.forms.meetings import MeetingForm

    apply_points(SIZES[label])
    MemberService(context.db).create({"name": "欧阳国萍", "is_committee": True})
    form = MeetingForm(MeetingService(context.db))
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    status = form.attendance.cellWidget(0, form.attendance.STATUS)
    assert status.currentText() == "（未标记）"
    # What the style needs around the text's advance (Qt sizes a combo box by the text's ink, which leaves out
    # the blank halves of the full-width brackets).
    option = QStyleOptionComboBox()
    status.initStyleOption(option)
    text = max(status.fontMetrics().horizontalAdvance(status.itemText(i)) for i in range(status.count()))
    needed = status.style().sizeFromContents(
        QStyle.ContentsType.CT_ComboBox, option, QSize(text, status.fontMetrics().height()), status
    )
    assert status.width() >= needed.width(), f"{status.width()}px < {needed.width()}px"


@pytest.mark.parametrize("label", ["标准", "特大"])
def test_a_long_drop_down_is_as_wide_as_its_widest_choice(qtbot, text_size_restored, label):
    """A filter of thousands of members is sized from its characters' advances, not text by text: as wide as its
    widest choice still, as high as a short drop-down, and measured again when its choices change."""
    from PySide6.QtWidgets import QHBoxLayout

    from desktop_app.ui.kit.combo_box import LONG_LIST, ComboBox

    apply_points(SIZES[label])
    names = ["全部党员", *(f"王{n}" for n in range(LONG_LIST * 2)), "欧阳（未标记）"]
    long_box, short_box = ComboBox(), ComboBox()
    long_box.addItems(names)
    short_box.addItems(names[-3:])
    window = QWidget()
    row = QHBoxLayout(window)
    row.addWidget(long_box)
    row.addWidget(short_box)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    metrics = long_box.fontMetrics()
    option = QStyleOptionComboBox()
    long_box.initStyleOption(option)
    widest = max(metrics.horizontalAdvance(name) for name in names)
    needed = long_box.style().sizeFromContents(
        QStyle.ContentsType.CT_ComboBox, option, QSize(widest, metrics.height()), long_box
    )
    assert long_box.width() >= needed.width(), f"{long_box.width()}px < {needed.width()}px"
    assert long_box.sizeHint() == short_box.sizeHint(), "the same widest text, the same box"
    before = long_box.sizeHint().width()
    long_box.setItemText(1, "欧阳王李张刘陈杨黄赵吴周")
    assert long_box.sizeHint().width() > before
