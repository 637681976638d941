import datetime as dt
import zipfile

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.core.domain.errors import AppError
from desktop_app.core.exchange.roster import kinds, reading
from desktop_app.core.exchange.roster.commit import commit_import
from desktop_app.core.exchange.roster.preview import preview_import
from desktop_app.core.exchange.roster.template import write_template
from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.people import MemberService, PartyGroupService, ResidentService


@pytest.fixture
def db(engine_db):
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_db


GOOD_ID = "11010519491231002X"


def workbook(path, rows, title=None, merge=None):
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        if merge:
            sheet.merge_cells(merge)
        sheet.append([])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_tolerant_headers_title_rows_and_merged_cells(db, tmp_path):
    path = workbook(
        tmp_path / "居民.xlsx",
        [
            ["序号", "门牌", "名字", "手机", "公民身份号码", "性别", "出生年月", "无关列"],
            [1, "5号楼302室", "朱国萍", "138 1234 5678", GOOD_ID, "女", "1949-12-31", "x"],
        ],
        title="某某居民区居民花名册",
        merge="A1:H1",
    )
    preview = preview_import(db, "residents", path)
    assert preview.header_row == 3
    assert set(preview.columns) >= {"name", "address", "phone", "id_number", "gender", "birth_date"}
    assert preview.ignored_headers == ["序号", "无关列"]
    row = preview.rows[0]
    assert row.number == 4
    assert row.values["phone"] == "13812345678"
    assert row.values["address"] == "5号楼302室"
    assert ResidentService(db).count() == 0, "a preview writes nothing"
    result = commit_import(db, preview)
    assert (result.created, result.updated) == (1, 0)
    if db.is_sqlite:  # a server is backed up by the server's own tools
        assert result.backup is not None
        assert result.backup.exists(), "the database is backed up before an import writes"
    else:
        assert result.backup is None
    assert ResidentService(db).list_ids(ListQuery(text="zgp"))


@pytest.mark.parametrize("header", ["联系电话（手机）", "电话", "手机号码", "联系方式", " 手 机 ", "*联系电话"])
def test_header_synonyms_for_phone(header):
    assert reading.match_header(kinds.RESIDENTS, header) == "phone"


def test_every_date_format_and_value_normalisation(db, tmp_path):
    dates = ["2023-03-05", "2023/3/5", "2023.3.5", "2023年3月5日", dt.datetime(2023, 3, 5), 44990]
    rows = [["姓名", "出生日期", "电话"]]
    rows += [
        [f"居民{i}", value, phone]
        for i, (value, phone) in enumerate(
            zip(dates, ["１３８１２３４５６７８", "138-1234-5679", 13812345680, "021 6436 1234", None, ""], strict=True)
        )
    ]
    preview = preview_import(db, "residents", workbook(tmp_path / "d.xlsx", rows))
    assert preview.ok, [str(p) for p in preview.problems]
    assert {r.values["birth_date"] for r in preview.rows} == {dt.date(2023, 3, 5)}
    assert [r.values["phone"] for r in preview.rows][:4] == ["13812345678", "13812345679", "13812345680", "02164361234"]


def test_problems_name_row_column_and_field(db, tmp_path):
    rows = [
        ["姓名", "身份证号", "出生日期"],
        ["张三", "110105194912310021", "2023-02-30"],
        ["", "", ""],
        ["", GOOD_ID, ""],
    ]
    preview = preview_import(db, "residents", workbook(tmp_path / "bad.xlsx", rows))
    messages = [str(p) for p in preview.problems]
    assert "第2行 第B列（身份证号）：身份证号校验位不正确，请核对" in messages
    assert any(m.startswith("第2行 第C列（出生日期）：日期") for m in messages)
    assert "第4行 第A列（姓名）：必须填写" in messages
    assert preview.count("error") == 2
    with pytest.raises(AppError, match="未导入任何数据"):
        commit_import(db, preview)
    assert ResidentService(db).count() == 0


def test_duplicates_in_the_file_and_in_the_roster(db, tmp_path):
    residents = ResidentService(db)
    existing = residents.create({"name": "李四", "phone": "13900000000", "address": "旧地址"})
    rows = [
        ["姓名", "电话", "住址", "身份证号"],
        ["王五", "", "1号楼", GOOD_ID],
        ["王五（重复）", "", "1号楼", GOOD_ID],
        ["李四", "139-0000-0000", "新地址", ""],
    ]
    path = workbook(tmp_path / "dup.xlsx", rows)
    skip = preview_import(db, "residents", path)
    assert [r.status for r in skip.rows] == ["new", "skip", "skip"]
    assert skip.rows[1].note == "与第2行重复，已跳过"
    result = commit_import(db, skip)
    assert (result.created, result.updated, result.skipped) == (1, 0, 2)
    assert residents.get(existing)["address"] == "旧地址"
    again = preview_import(db, "residents", path, update_duplicates=True)
    assert [r.status for r in again.rows] == ["update", "skip", "update"]
    commit_import(db, again)
    assert residents.get(existing)["address"] == "新地址"
    assert residents.count() == 2


def test_members_import_creates_groups_and_reads_short_types(db, tmp_path):
    PartyGroupService(db).create({"name": "第1党小组"})
    rows = [
        ["党员姓名", "党员身份", "所在党小组", "入党时间", "职务"],
        ["甲", "正式", "第1党小组", "1985年7月1日", "组织委员"],
        ["乙", "预备", "第9党小组", "2024.1.5", ""],
    ]
    preview = preview_import(db, "members", workbook(tmp_path / "m.xlsx", rows))
    assert preview.ok, [str(p) for p in preview.problems]
    assert preview.new_groups == ["第9党小组"]
    assert "将新建党小组：第9党小组" in preview.summary()
    commit_import(db, preview)
    members = MemberService(db)
    by_name = {members.get(i)["name"]: members.get(i) for i in members.list_ids()}
    assert by_name["甲"]["is_committee"] is True
    assert by_name["甲"]["committee_role"] == "组织委员"
    assert by_name["乙"]["member_type"].label == "预备党员"
    assert dict(PartyGroupService(db).choices()).keys()


def test_a_failure_during_the_write_leaves_the_database_unchanged(db, tmp_path, monkeypatch):
    rows = [["姓名", "住址"]] + [[f"居民{i}", f"{i}号楼"] for i in range(50)]
    preview = preview_import(db, "residents", workbook(tmp_path / "r.xlsx", rows))
    preview.rows[30].values["name"] = None  # the database refuses this row mid-write
    with pytest.raises(Exception):  # noqa: B017, PT011 - the database's own error, whatever its type
        commit_import(db, preview)
    assert ResidentService(db).count() == 0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.with_suffix(".xlsx").write_text("姓名,电话\n张三,1\n"), "不是有效的 .xlsx"),
        (lambda p: p.with_suffix(".xlsx").write_bytes(reading.OLE_MAGIC + b"\0" * 100), "旧版 Excel"),
        (lambda p: p.with_suffix(".xls").write_bytes(b"anything"), "另存为 .xlsx"),
    ],
)
def test_files_that_are_not_xlsx(db, tmp_path, make, message):
    make(tmp_path / "名册")
    path = next(tmp_path.glob("名册.*"))
    with pytest.raises(AppError, match=message):
        preview_import(db, "residents", path)


def test_corrupt_zip(db, tmp_path):
    good = workbook(tmp_path / "good.xlsx", [["姓名"], ["张三"]])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    with pytest.raises(AppError, match=r"损坏|不是有效"):
        preview_import(db, "residents", broken)


def test_empty_sheet_and_missing_header(db, tmp_path):
    with pytest.raises(AppError, match="是空的"):
        preview_import(db, "residents", workbook(tmp_path / "empty.xlsx", []))
    with pytest.raises(AppError, match="找不到表头"):
        preview_import(db, "residents", workbook(tmp_path / "nohead.xlsx", [["甲", "乙"], ["1", "2"]]))
    with pytest.raises(AppError, match="下面没有数据"):
        preview_import(db, "residents", workbook(tmp_path / "onlyhead.xlsx", [["姓名", "电话"]]))


def test_too_large_files_are_refused(db, tmp_path, monkeypatch):
    path = workbook(tmp_path / "big.xlsx", [["姓名"]] + [[f"人{i}"] for i in range(30)])
    monkeypatch.setattr(reading, "MAX_ROWS", 10)
    with pytest.raises(AppError, match="超过 10 行"):
        preview_import(db, "residents", path)
    monkeypatch.setattr(reading, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(AppError, match="解压后超过"):
        preview_import(db, "residents", path)


def test_xml_entities_are_refused(db, tmp_path):
    good = workbook(tmp_path / "good.xlsx", [["姓名"], ["张三"]])
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                doctype = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                data = (doctype + data.decode().split("?>", 1)[-1]).encode()
            dst.writestr(item, data)
    with pytest.raises(AppError, match="损坏或格式不受支持"):
        preview_import(db, "residents", bomb)
    assert ResidentService(db).count() == 0


def test_template_round_trips(db, tmp_path):
    for kind in ("residents", "members"):
        path = write_template(kind, tmp_path / f"{kind}.xlsx")
        sheet = openpyxl.load_workbook(path).active
        headers = [c.value for c in sheet[2]]
        assert "姓名" in headers
        sheet.append(["测试人员"] + [None] * (len(headers) - 1))
        sheet.parent.save(path)
        preview = preview_import(db, kind, path)
        assert preview.header_row == 2
        assert preview.count("new") == 1
        assert len(preview.columns) == len(headers), "every template column is recognised"


def test_cli_import_dry_run_then_write(keyed_data_dir, tmp_path, capsys):
    data_dir = keyed_data_dir
    path = workbook(tmp_path / "r.xlsx", [["姓名", "身份证号"], ["甲", GOOD_ID], ["乙", "123"]])
    assert main(["import", "residents", str(path), "--data-dir", str(data_dir)]) == 1
    captured = capsys.readouterr()
    assert "第3行 第B列（身份证号）：身份证号应为 18 位" in captured.out
    assert "未导入任何数据" in captured.err
    good = workbook(tmp_path / "ok.xlsx", [["姓名", "身份证号"], ["甲", GOOD_ID]])
    assert main(["import", "residents", str(good), "--dry-run", "--data-dir", str(data_dir)]) == 0
    assert "未写入任何数据" in capsys.readouterr().out
    assert main(["import", "residents", str(good), "--data-dir", str(data_dir)]) == 0
    assert "新增 1 人" in capsys.readouterr().out


def test_a_password_protected_workbook_is_called_encrypted_not_old(db, tmp_path):
    # What Excel writes for an .xlsx with an opening password: an OLE container whose directory names
    # the "EncryptedPackage" stream (UTF-16), in place of the zip package.
    path = tmp_path / "加密名册.xlsx"
    path.write_bytes(reading.OLE_MAGIC + b"\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le"))
    with pytest.raises(AppError, match="设置了打开密码") as caught:
        preview_import(db, "residents", path)
    assert "旧版" not in str(caught.value)


def test_a_malformed_cell_is_named_by_its_row_without_english(db, tmp_path):
    path = tmp_path / "坏日期.xlsx"
    workbook(path, [["姓名", "出生日期"], ["甲", dt.date(1950, 1, 1)], ["乙", dt.date(1960, 1, 1)]])
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                # The third row's date as a t="d" cell holding a date that does not exist.
                data = data.replace(b'<c r="B3" s="1" t="n"><v>21916</v></c>', b'<c r="B3" t="d"><v>2023-13-45</v></c>')
                assert b"2023-13-45" in data
            target.writestr(item, data)
    with pytest.raises(AppError) as caught:
        preview_import(db, "residents", broken)
    message = str(caught.value)
    assert "第3行" in message
    assert not any(word in message for word in ("Error", "ValueError", "Traceback"))


def test_an_imported_party_group_name_keeps_the_forms_limit(db, tmp_path):
    path = tmp_path / "党员.xlsx"
    workbook(path, [["姓名", "党小组"], ["甲", "长" * 59], ["乙", "第一党小组"]])
    preview = preview_import(db, "members", path)
    [problem] = [p for row in preview.rows for p in row.problems]
    assert problem.row == 2
    assert "不能超过 50 个字" in str(problem)
    assert "党小组" in str(problem)
    assert not preview.ok


def test_formulas_without_a_usable_result_are_named_per_cell(db, tmp_path):
    """openpyxl saves formulas without results (as programs that never recalculate do): each is reported."""
    path = tmp_path / "公式.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "联系电话", "住址"])
    sheet.append(["甲", '=CONCAT("139","12345678")', "1号楼"])
    sheet.append(["=0", "13912345679", "2号楼"])
    sheet.append(["乙", "13912345670", "3号楼"])
    book.save(path)
    preview = preview_import(db, "residents", path)
    problems = [str(p) for row in preview.rows for p in row.problems]
    assert problems == [
        "第2行 第B列（联系电话）：是公式，没有可用的计算结果，请在 Excel 或 WPS 中另存为数值后再导入",
        "第3行 第A列（姓名）：是公式，没有可用的计算结果，请在 Excel 或 WPS 中另存为数值后再导入",
    ]
    assert not preview.ok


def test_a_formula_with_a_cached_text_result_imports_as_that_text(db, tmp_path):
    """What Excel saves: the formula and its last result. A text result stands for the value."""
    path = tmp_path / "公式结果.xlsx"
    workbook(path, [["姓名", "住址"], ["甲", "1号楼"]])
    patched = tmp_path / "with-cache.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                cached = '<c r="B2" t="str"><f>"1"&amp;"号楼"</f><v>1号楼</v></c>'.encode()
                data = data.replace('<c r="B2" t="inlineStr"><is><t>1号楼</t></is></c>'.encode(), cached)
                assert b"<f>" in data
            target.writestr(item, data)
    preview = preview_import(db, "residents", patched)
    assert preview.ok
    assert preview.rows[0].values["address"] == "1号楼"
