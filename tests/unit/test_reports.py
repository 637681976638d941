import datetime as dt
import os
from decimal import Decimal

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.core.domain.errors import AppError
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.exchange.reports import registry
from desktop_app.core.exchange.reports.base import ExportOptions
from desktop_app.core.exchange.reports.care import CareReport
from desktop_app.core.exchange.reports.registry import export_report
from desktop_app.core.services.care import CareCategoryService, CareService
from desktop_app.core.services.people import MemberService
from desktop_app.core.storage.targets import WRITING_DIRNAME


@pytest.fixture
def db(engine_db):
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_db


TODAY = dt.date(2024, 6, 15)


@pytest.fixture
def community(db):
    fill_demo(db, "small", today=TODAY)
    return db


def category(db, name):
    return next(c.id for c in CareCategoryService(db).list() if c.name == name)


def load(path):
    return openpyxl.load_workbook(path)


def rows(sheet, first=4):
    """The table's rows: from below the header to the blank row before the 填报人 line."""
    result = []
    for row in sheet.iter_rows(min_row=first, values_only=True):
        if all(v is None for v in row):
            break
        result.append(list(row))
    return result


def test_meetings_report_layout_and_print_settings(community, tmp_path):
    target = tmp_path / "三会一课.xlsx"
    result = export_report(community, "meetings", Period.parse("2024Q1"), target, today=TODAY)
    assert result.rows > 0
    book = load(target)
    assert book.sheetnames == ["落实情况", "会议明细"]
    for sheet in book.worksheets:
        assert sheet["A1"].value.startswith("康宁居民区2024年第一季度三会一课落实情况统计表")
        assert any(str(r).startswith("A1:") for r in sheet.merged_cells.ranges), "the title is merged"
        assert sheet["A2"].value == "填报单位：康宁居民区党总支"
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth or 1) == 1, "absent means the default: one page wide"
        assert sheet.page_setup.fitToHeight == 0
        assert sheet.print_title_rows == "$1:$3"
        assert sheet.freeze_panes == "A4"
        assert "第 &P 页 共 &N 页" in sheet.oddFooter.center.text
        assert sheet["A3"].font.name == "宋体"
    summary = book["落实情况"]
    by_kind = {r[1]: r for r in rows(summary) if r[1]}
    assert by_kind["支部党员大会"][3:5] == [1, 1]
    assert by_kind["支部委员会会议"][3] == 3
    assert "每个党小组每月1次" in by_kind["党小组会（第1党小组）"][2]
    detail = book["会议明细"]
    header = [c.value for c in detail[3]]
    assert header == [
        *("序号", "日期", "类别", "主题", "人员", "地点"),
        *("应到", "实到", "出勤率", "请假及缺席人员（原因）"),
    ]
    first = detail[4]
    assert isinstance(first[1].value, dt.datetime)
    assert first[1].number_format == "yyyy-mm-dd"
    assert first[4].value.startswith("主持："), "host, recorder and lecturer share a column, a line each"
    assert first[8].number_format == "0%"
    assert 0 < first[8].value <= 1
    assert detail.auto_filter.ref.startswith("A3:J")
    assert any("（请假：" in (r[9] or "") for r in rows(detail))


def column_widths(sheet) -> list[float]:
    """The widths the sheet gives its columns (a run of columns may share one entry)."""
    widths = [0.0] * sheet.max_column
    for dimension in sheet.column_dimensions.values():
        for column in range(dimension.min, min(dimension.max, sheet.max_column) + 1):
            widths[column - 1] = dimension.width
    return [width or 8.43 for width in widths]  # an unset column: Excel's default width


def test_the_meeting_details_print_readably_on_a4_landscape(community, tmp_path):
    from desktop_app.core.exchange.reports.workbook import READABLE_POINTS, printed_points

    target = tmp_path / "三会一课.xlsx"
    export_report(community, "meetings", Period.parse("2024"), target, today=TODAY)
    for sheet in load(target).worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert printed_points(column_widths(sheet)) >= READABLE_POINTS, sheet.title
    detail = load(target)["会议明细"]
    assert detail.max_column <= 10
    long_texts = [detail.cell(4, column) for column in (3, 4, 5, 10)]  # 类别, 主题, 人员, 请假及缺席人员
    assert all(cell.alignment.wrap_text for cell in long_texts)
    assert detail["A4"].font.size >= READABLE_POINTS


def test_care_ledger_totals_formula_text_and_illness(community, tmp_path):
    care = CareService(community)
    care.create(
        {
            "date": "2024-05-01",
            "category_id": category(community, "其他"),
            "recipient_name": '=HYPERLINK("x")',
            "item": "+1 慰问",
            "notes": "@备注\x07带控制符",
            "amount": "12.34",
        }
    )
    care.create(
        {
            "date": "2024-05-02",
            "category_id": category(community, "重病帮困"),
            "recipient_name": "病人甲",
            "illness_detail": "肝癌晚期",
            "amount": "500",
        }
    )
    target = tmp_path / "关怀.xlsx"
    export_report(community, "care", Period.parse("2024-05"), target, today=TODAY)
    book = load(target)
    ledger = book["关怀台账"]
    data = rows(ledger)
    formula_row = next(r for r in data if r[3] and r[3].startswith("="))
    cell = next(c for c in ledger.iter_rows(min_row=4) if c[3].value == formula_row[3])[3]
    assert cell.data_type == "s", "a formula-looking name stays text"
    assert formula_row[5] == "+1 慰问"
    assert formula_row[9] == "@备注带控制符"
    assert formula_row[6] == pytest.approx(12.34)
    total = next(r for r in data if r[0] == "合计")
    amounts = [Decimal(str(r[6])) for r in data if isinstance(r[0], int) and r[6] is not None]
    assert Decimal(str(total[6])) == sum(amounts)
    flat = " ".join(str(v) for r in data for v in r if v)
    assert "肝癌" not in flat, "illness detail is not exported unless chosen"
    export_report(community, "care", Period.parse("2024-05"), target, ExportOptions(include_illness=True))
    ledger = load(target)["关怀台账"]
    assert ledger["K3"].value == "病情说明"
    assert "肝癌晚期" in [r[10] for r in rows(ledger)]
    summary = load(target)["分类汇总"]
    summary_rows = rows(summary)
    assert summary_rows[-1][0] == "合计"
    assert summary_rows[-1][2] == sum(r[2] for r in summary_rows[:-1])


def test_members_roster_masks_personal_data_as_text(community, tmp_path):
    MemberService(community).create(
        {"name": "测试党员", "phone": "13812345678", "id_number": "11010519491231002X", "join_date": "2000-01-01"}
    )
    target = tmp_path / "名册.xlsx"
    export_report(community, "members", Period.parse("2024"), target, today=TODAY)
    sheet = load(target)["党员名册"]
    assert "党员名册（截至2024年12月31日）" in sheet["A1"].value
    mine = next(r for r in sheet.iter_rows(min_row=4) if r[1].value == "测试党员")
    assert mine[8].value == "138****5678"
    assert mine[9].value == "110***********002X"
    export_report(community, "members", Period.parse("2024"), target, ExportOptions(unmasked=True))
    mine = next(r for r in load(target)["党员名册"].iter_rows(min_row=4) if r[1].value == "测试党员")
    assert mine[8].value == "13812345678"
    assert mine[8].data_type == "s", "phone numbers are text, not numbers"
    assert mine[9].value == "11010519491231002X"


def test_visits_report_lists_participants_and_practices(community, tmp_path):
    target = tmp_path / "考察.xlsx"
    result = export_report(community, "visits", Period.parse("2023-06-15..2024-06-15"), target, today=TODAY)
    sheet = load(target)["学习考察"]
    data = [r for r in rows(sheet) if isinstance(r[0], int)]
    assert len(data) == result.rows > 0
    assert all(r[4] and "、" in r[4] for r in data), "four participants each"
    assert all(r[7].startswith("1. ") for r in data)


def test_an_empty_period_is_still_a_valid_report(community, tmp_path):
    for kind in ("meetings", "care", "visits"):
        target = tmp_path / f"{kind}.xlsx"
        assert export_report(community, kind, Period.parse("1999"), target).rows == 0
        book = load(target)
        notes = [r[0] for sheet in book.worksheets for r in rows(sheet)]
        assert "本期无记录" in notes


def test_locked_target_gets_a_clear_message_and_is_left_alone(community, tmp_path):
    target = tmp_path / "报表.xlsx"
    target.write_bytes(b"old report")
    (tmp_path / "~$报表.xlsx").write_bytes(b"lock")
    with pytest.raises(AppError, match="正被 Excel 或 WPS 打开"):
        export_report(community, "care", Period.parse("2024"), target)
    assert target.read_bytes() == b"old report"


def test_failed_export_leaves_no_half_written_file(community, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "报表.xlsx"
    target.write_bytes(b"old report")

    def explode(*args, **kwargs):
        raise RuntimeError("disk went away")

    monkeypatch.setattr(CareReport, "write", explode)
    with pytest.raises(RuntimeError):
        export_report(community, "care", Period.parse("2024"), target)
    assert target.read_bytes() == b"old report"
    assert os.listdir(out) == ["报表.xlsx"]


def test_replace_refused_by_the_system_is_explained(community, tmp_path, monkeypatch):
    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(AppError, match="正被 Excel 或 WPS 打开"):
        export_report(community, "care", Period.parse("2024"), out / "报表.xlsx")
    assert os.listdir(out) == []


def test_cli_export(keyed_db, keyed_data_dir, tmp_path, capsys):
    fill_demo(keyed_db, "small", today=TODAY)
    data_dir = keyed_data_dir
    target = tmp_path / "out.xlsx"
    assert main(["export", "care", "--period", "2024Q1", "--out", str(target), "--data-dir", str(data_dir)]) == 0
    assert "已导出" in capsys.readouterr().out
    assert target.exists()
    assert main(["export", "care", "--period", "24Q1", "--out", str(target), "--data-dir", str(data_dir)]) == 1
    assert "无法识别统计期间" in capsys.readouterr().err


@pytest.fixture
def community_in_a_file(data_dir):
    """The embedded file's own behaviour: under a rollback journal a reader keeps writers out."""
    from desktop_app.core.storage.startup import open_database

    database = open_database(data_dir)
    fill_demo(database, "small", today=TODAY)
    yield database
    database.dispose()


def test_a_save_during_a_long_export_is_not_kept_waiting(community_in_a_file, tmp_path):
    """Under a rollback journal an open reader keeps every writer out: the export must not hold the
    database while it writes the workbook (a secretary's save during it failed as busy)."""
    import sqlite3

    from sqlalchemy import insert

    from desktop_app.core.storage.models import CareAction

    db = community_in_a_file
    other = category(db, "其他")
    with db.session() as session:  # enough rows for the export to report progress while it writes
        session.execute(
            insert(CareAction),
            [{"date": TODAY, "category_id": other, "recipient_name": f"甲{n}", "search_text": ""} for n in range(4500)],
        )
    saves = []

    def save_while_writing(done, total):
        writer = sqlite3.connect(db.file_path, timeout=0.2)
        try:
            writer.execute("update community_profile set reporter_name = ?", (f"第{len(saves)}次",))
            writer.commit()
            saves.append(done)
        finally:
            writer.close()

    period = Period.parse("2000-01-01..2030-12-31")
    export_report(db, "care", period, tmp_path / "c.xlsx", progress=save_while_writing)
    assert saves, "the export reported progress while it wrote"


def test_an_unmasked_export_is_audited_before_the_file_is_released(community, tmp_path, monkeypatch):
    from desktop_app.core.domain.errors import DatabaseEnvironmentError
    from desktop_app.core.storage import audit

    def read_only(*args, **kwargs):
        raise DatabaseEnvironmentError("数据文件是只读的，无法保存。")

    monkeypatch.setattr(audit.AuditService, "log", read_only)
    target = tmp_path / "members.xlsx"
    with pytest.raises(DatabaseEnvironmentError):
        export_report(community, "members", Period.parse("2024"), target, ExportOptions(True))
    assert not target.exists(), "no file with full ID numbers without its 操作记录 entry"
    assert not list(tmp_path.rglob("*.partial"))
    assert not (tmp_path / WRITING_DIRNAME).exists()


def test_a_report_is_written_out_of_sight_and_a_killed_write_leaves_nothing_behind(community, tmp_path):
    folder = tmp_path / "导出"
    folder.mkdir()
    target = folder / "members.xlsx"
    leftover = folder / WRITING_DIRNAME / "members.xlsx.partial"  # what a killed export left
    leftover.parent.mkdir()
    leftover.write_bytes(b"half a workbook")
    seen_while_writing: list[list[str]] = []
    real_close = registry.ReportBook.close

    def close(book):
        seen_while_writing.append(sorted(p.name for p in folder.iterdir()))
        return real_close(book)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(registry.ReportBook, "close", close)
        export_report(community, "members", Period.parse("2024"), target)
    assert seen_while_writing == [[WRITING_DIRNAME]], "only the hidden folder is in sight while the report is written"
    assert sorted(p.name for p in folder.iterdir()) == ["members.xlsx"]


def test_header_and_footer_text_cannot_become_page_codes(community, tmp_path):
    from desktop_app.core.services.profile import ProfileService

    profile = ProfileService(community)
    profile.save({**vars(profile.get()), "reporter_name": "-2+3&P填报"})
    target = tmp_path / "m.xlsx"
    export_report(community, "meetings", Period.parse("2024"), target)
    footer = openpyxl.load_workbook(target).active.oddFooter.left.text
    assert footer == "填报人：-2+3&&P填报"


def test_text_longer_than_a_cell_holds_is_cut_visibly():
    from desktop_app.core.exchange.reports.workbook import CELL_LIMIT, export_text

    text = export_text("长" * (CELL_LIMIT + 10))
    assert len(text) == CELL_LIMIT
    assert text.endswith("…（已截断）")


def test_a_long_note_continues_in_rows_that_each_fit_the_page(community, tmp_path):
    from desktop_app.core.exchange.reports.workbook import CONTINUED, LINE_HEIGHT, MAX_ROW_LINES
    from desktop_app.core.services.care import CareService

    note = "".join(f"第{n}句备注说明。" for n in range(1, 160)) + "备注到此结束"
    CareService(community).create(
        {"date": "2024-02-01", "category_id": category(community, "其他"), "recipient_name": "长备注", "notes": note}
    )
    target = tmp_path / "care.xlsx"
    export_report(community, "care", Period.parse("2024"), target)
    sheet = openpyxl.load_workbook(target)["关怀台账"]
    heights = [d.height for d in sheet.row_dimensions.values() if d.height]
    assert max(heights) <= LINE_HEIGHT * MAX_ROW_LINES + 3, "no row taller than the page allows"
    headers = [c.value for c in sheet[3]]
    notes_column, name_column = headers.index("备注") + 1, headers.index("对象") + 1
    first = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, name_column).value == "长备注")
    pieces = [sheet.cell(first, notes_column).value]
    row = first + 1
    while sheet.cell(row, 1).value == CONTINUED:
        pieces.append(sheet.cell(row, notes_column).value)
        row += 1
    assert len(pieces) > 1
    assert "".join(pieces).replace("\n", "") == note, "every character printed, in order"


def test_an_encrypted_export_opens_only_with_its_password(community, tmp_path):
    import io
    import zipfile

    import msoffcrypto
    import openpyxl

    from desktop_app.core.storage.audit import AuditService

    target = tmp_path / "members.xlsx"
    export_report(community, "members", Period.parse("2024"), target, ExportOptions(password="给街道的密码"))
    with pytest.raises(zipfile.BadZipFile):  # an Office-encrypted package, not a readable workbook
        openpyxl.load_workbook(target)
    with target.open("rb") as sealed:
        office = msoffcrypto.OfficeFile(sealed)
        office.load_key(password="给街道的密码")
        plain = io.BytesIO()
        office.decrypt(plain)
    sheet = openpyxl.load_workbook(plain).active
    assert "党员名册" in sheet["A1"].value
    entry = AuditService(community).entries()[0]
    assert "加密导出" in entry.details
    assert "给街道的密码" not in entry.details, "the password is not logged"


def test_a_partial_file_another_running_program_is_writing_is_left_alone(community, tmp_path):
    import subprocess
    import sys

    folder = tmp_path / "导出"
    (folder / WRITING_DIRNAME).mkdir(parents=True)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    killed = folder / WRITING_DIRNAME / f"care.xlsx.{int(gone.stdout)}.partial"  # its process has ended
    killed.write_bytes(b"half a workbook")
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        writing = folder / WRITING_DIRNAME / f"studio.xlsx.{running.pid}.partial"
        writing.write_bytes(b"being written")
        export_report(community, "members", Period.parse("2024"), folder / "members.xlsx")
        assert not killed.exists(), "what a killed export left is removed"
        assert writing.read_bytes() == b"being written", "what another program is writing is not touched"
    finally:
        running.kill()
        running.wait()
