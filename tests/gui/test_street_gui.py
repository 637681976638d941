"""街道汇总 as people use it: a street office sets its copy up, communities send packages, the street
imports them by clicks or by dropping files, and sees who has reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog

from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.exchange.packages.build import build_package, package_period
from desktop_app.core.services.mode import ModeService
from desktop_app.core.services.street import StreetKeyService, StreetPackageService
from desktop_app.core.storage.startup import open_database
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.shell.main_window import STREET_VIEWS, MainWindow
from desktop_app.ui.views.street import PackagesView, StreetDashboardView, StreetReportsView
from tests.conftest import TEST_DATA_KEY

YEAR = dt.date.today().year
QUARTER = (dt.date.today().month - 1) // 3 + 1


def street_context(db):
    ModeService(db).become_street("示例街道")
    return AppContext.open(db), StreetKeyService(db).create_key_pair("示例街道")


def sent_packages(tmp_path: Path, key, seeds=(21, 22)) -> list[Path]:
    files = []
    for seed in seeds:
        community = open_database(tmp_path / f"community-{seed}", key=TEST_DATA_KEY)
        fill_demo(community, "small", seed=seed)
        StreetKeyService(community).set_street_key(key)
        target = tmp_path / f"{seed}.sjb"
        build_package(community, package_period(f"{YEAR}Q{QUARTER}"), target)
        community.dispose()
        files.append(target)
    return files


def test_first_run_for_a_street_office_shows_the_street_pages(qtbot, app, db, drive_modal, type_text):
    from desktop_app.ui.dialogs.first_run import FirstRunDialog

    window = MainWindow(settings=AppContext.open(db).settings)
    qtbot.addWidget(window)

    def choose_street(dialog):
        qtbot.mouseClick(dialog.street, Qt.MouseButton.LeftButton)
        assert not dialog.demo.isVisible(), "demo data is a community's"
        assert not dialog.edits["unit_code"].isVisible()
        name = dialog.edits["community_name"]
        name.setFocus()
        qtbot.keyClick(name, Qt.Key.Key_Return)
        assert dialog.profile.error.text() == "街道名称：必须填写", "said in the street's words"
        type_text(name, "示例街道")
        qtbot.keyClick(name, Qt.Key.Key_Return)

    drive_modal(lambda: FirstRunDialog(db, window).exec(), choose_street)
    assert ModeService(db).get() == "street"
    window.attach(AppContext.open(db))
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [t for t, _, _ in STREET_VIEWS]
    assert isinstance(window.view(0), StreetDashboardView)
    assert window.windowTitle().endswith("示例街道")


def test_import_by_clicks_asks_to_add_new_communities_then_lists_them(qtbot, db, tmp_path, monkeypatch, asked):
    context, key = street_context(db)
    files = sent_packages(tmp_path, key)
    view = PackagesView(context)
    qtbot.addWidget(view)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(f) for f in files], ""))
    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=20000)
    assert "不在本街道的名单中" in asked[-1]
    assert {view.table.item(r, 0).text() for r in range(2)} == {"示例21号居民区", "示例22号居民区"}
    assert all(view.table.item(r, 4).text() == "当前" for r in range(2))

    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)  # the same files again
    qtbot.waitUntil(lambda: view.results.count() == 2 and "已导入过" in view.results.item(0).text(), timeout=20000)
    assert view.table.rowCount() == 2, "nothing added twice"


def test_a_folder_dropped_on_the_page_is_imported(qtbot, db, tmp_path):
    context, key = street_context(db)
    folder = tmp_path / "U盘"
    folder.mkdir()
    for path in sent_packages(tmp_path, key, seeds=(21,)):
        path.rename(folder / path.name)
    view = PackagesView(context)
    qtbot.addWidget(view)
    view.show()
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(folder))])
    drop = QDropEvent(
        QPoint(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    view.dropEvent(drop)  # what Qt delivers when files are let go over the page
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=20000)
    assert drop.isAccepted()


def test_the_dashboard_shows_who_reported_and_who_did_not(qtbot, db, tmp_path):
    from desktop_app.core.exchange.packages.street_import import import_packages
    from desktop_app.core.services.street import StreetUnitService

    context, key = street_context(db)
    StreetUnitService(db).add("310199999", "未报居民区")
    import_packages(db, sent_packages(tmp_path, key, seeds=(21,)), add_units=True)
    view = StreetDashboardView(context)
    qtbot.addWidget(view)
    names = [view.table.item(r, 0).text() for r in range(view.table.rowCount())]
    reported, absent = names.index("示例21号居民区（310100021）"), names.index("未报居民区（310199999）")
    sent, verdict = 2 * QUARTER - 1, 2 * QUARTER  # each quarter: 报送, then 三会一课
    assert view.table.item(reported, sent).text() == "已报"
    assert view.table.item(reported, verdict).text().startswith(("达标", "未达标"))
    assert view.table.item(absent, sent).text() == "未报"
    assert view.table.item(absent, verdict).text() == "—", "nothing reported, nothing judged"
    assert "1 个未报：未报居民区" in view.missing.text()
    view.unit.setFocus()
    qtbot.keyClick(view.unit, Qt.Key.Key_Down)  # 按月
    assert view.table.columnCount() == 25


def test_a_consolidated_report_is_exported_by_clicks(qtbot, db, tmp_path, monkeypatch):
    import openpyxl

    from desktop_app.core.exchange.packages.street_import import import_packages

    context, key = street_context(db)
    import_packages(db, sent_packages(tmp_path, key), add_units=True)
    view = StreetReportsView(context)
    qtbot.addWidget(view)
    view.period.unit.setCurrentIndex(view.period.unit.findData("quarter"))
    view.period.quarter.setCurrentIndex(QUARTER - 1)
    assert "将导出 2 个居民区" in view.preview.text()
    assert not view.unmasked.isVisibleTo(view)
    assert not view.include_illness.isVisibleTo(view)
    target = tmp_path / "汇总.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.last_result is not None, timeout=20000)
    sheet = openpyxl.load_workbook(target)["汇总"]
    assert {sheet.cell(row, 2).value for row in (4, 5)} == {"示例21号居民区", "示例22号居民区"}
    assert StreetPackageService(db).packages()


def test_a_community_without_the_street_key_is_told_and_offered_to_import_it(
    qtbot, demo_context, tmp_path, monkeypatch
):
    from desktop_app.core.storage.recipient_key import PublicKey, new_private_key, public_of
    from desktop_app.ui.views.reports import ReportsView
    from desktop_app.ui.views.street_boxes import PackageBox

    view = ReportsView(demo_context)
    qtbot.addWidget(view)
    box = view.findChild(PackageBox)
    assert "还没有导入街道公钥" in box.key_state.text()
    assert not box.build_button.isEnabled()
    key_file = tmp_path / "街道公钥.pub"
    key_file.write_text(PublicKey(public_of(new_private_key()), "示例街道").to_file_text(), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(key_file), ""))
    qtbot.mouseClick(box.key_button, Qt.MouseButton.LeftButton)
    assert "示例街道" in box.key_state.text()
    assert box.build_button.isEnabled()
    target = tmp_path / "康宁居民区-2024Q2.sjb"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(box.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.built is not None, timeout=20000)
    assert target.exists()
    assert "第1版" in box.status.text()


def test_the_dashboard_shows_each_communitys_yearly_duties_after_a_real_import(
    qtbot, db, tmp_path, monkeypatch, asked, click_page, office_page
):
    """At 1366×768: packages of last year imported by 导入数据包…, one of them made by a program of format 1, and a
    community that sent nothing; the 汇总工作台's 民主评议 and 谈心谈话 tabs show each community's numbers, or across
    them why there are none, every column in sight."""
    from PySide6.QtWidgets import QAbstractScrollArea

    from desktop_app.core.domain.duty_figures import DutyFigures, MobileCounts, TransferCounts
    from desktop_app.core.domain.enums import ReviewGrade
    from desktop_app.core.domain.periods import Period
    from desktop_app.core.exchange.packages.contents import duties_part
    from desktop_app.core.services.reviews import ReviewService
    from desktop_app.core.services.street import StreetUnitService
    from desktop_app.core.services.talks import TalkService
    from tests.packages import quarters

    last_year = YEAR - 1
    context, key = street_context(db)
    StreetUnitService(db).add("310199999", "未报居民区")
    files = []
    for seed in (21, 22):
        community = open_database(tmp_path / f"community-{seed}", key=TEST_DATA_KEY)
        fill_demo(community, "small", seed=seed)
        StreetKeyService(community).set_street_key(key)
        files += quarters(community, last_year, tmp_path, seed, old=seed == 22)
        if seed == 21:
            review = ReviewService(community).sheet(last_year)
            coverage = TalkService(community).coverage(last_year)
            sent = DutyFigures.from_part(duties_part(community, Period.year(last_year)))
        community.dispose()
    assert review is not None

    window, packages = office_page(context, "数据包")
    assert isinstance(packages, PackagesView)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(f) for f in files], ""))
    qtbot.mouseClick(packages.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: packages.table.rowCount() == len(files), timeout=30000)

    click_page(window, "汇总工作台")
    dashboard = window.stack.currentWidget()
    assert isinstance(dashboard, StreetDashboardView)
    dashboard.year.setFocus()
    qtbot.keyClick(dashboard.year, Qt.Key.Key_Down)  # last year
    assert dashboard.year.value() == last_year
    bar = dashboard.tabs.tabBar()
    assert [bar.tabText(i) for i in range(bar.count())] == [
        "报送与三会一课",
        "民主评议",
        "谈心谈话",
        "六个月提醒",
        "组织关系转接",
        "流动党员",
    ]

    def shown(tab: int):
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tab).center())
        table = dashboard.tabs.currentWidget().findChild(QAbstractScrollArea)
        assert table is dashboard.duty_tables[("reviews", "talks", "lapses", "transfers", "mobile")[tab - 1]]
        qtbot.waitUntil(table.isVisible)
        assert not table.horizontalScrollBar().isVisible(), "every column in sight at 1366×768"
        header = table.horizontalHeader()
        for column in range(table.columnCount()):
            lines = table.horizontalHeaderItem(column).text().split("\n")
            widest = max(header.fontMetrics().horizontalAdvance(line) for line in lines)
            assert header.sectionSize(column) >= widest, f"the heading of column {column} is read whole"
        rows = {table.item(r, 0).text().split("（")[0]: r for r in range(table.rowCount())}
        return table, rows

    table, rows = shown(1)
    r = rows["示例21号居民区"]
    counts = review.counts
    expected = [len(review.rows), sum(counts.values()), *(counts[grade] for grade in ReviewGrade)]
    assert [table.item(r, c).text() for c in range(1, 8)] == [f"{last_year}-12-31", *map(str, expected)]
    for name, why in (("示例22号居民区", "旧版数据包无此项"), ("未报居民区", "未报")):
        assert table.item(rows[name], 2).text() == why
        assert table.columnSpan(rows[name], 2) == 6, "said once across the numbers: no zeros"
    assert table.item(rows["合计"], 2).text() == str(len(review.rows)), "合计 of the one community with numbers"

    table, rows = shown(2)
    r = rows["示例21号居民区"]
    assert table.item(r, 4).text() == f"{coverage.committee_share:.0%}"
    assert table.item(r, 7).text() == f"{coverage.member_share:.0%}"
    assert table.item(rows["示例22号居民区"], 2).text() == "旧版数据包无此项"

    for tab, section in ((4, TransferCounts), (5, MobileCounts)):
        table, rows = shown(tab)
        counts = sent.row(section).counts
        assert counts is not None
        r = rows["示例21号居民区"]
        shown_counts = [table.item(r, c).text() for c in range(2, 2 + len(section.COLUMNS))]
        assert shown_counts == [str(value) for value in counts.cells()], section.TITLE
        assert table.item(rows["示例22号居民区"], 2).text() == "旧版数据包无此项"
