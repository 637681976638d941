"""Roster import from Excel (residents, party members): tolerant reading, a preview, an all-or-nothing write.

Government templates put title rows above the header, merge cells, order columns
freely and name them in several ways; values come as text, numbers or dates. Each
problem is reported as `第N行 第X列（列名）：问题`, and nothing is written until the
preview is confirmed; then everything is written in one transaction, after a backup.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.errors import AppError, ValidationError
from desktop_app.core.domain.fields import Field, clean_values, empty_value
from desktop_app.core.domain.normalize import clean_text, halfwidth
from desktop_app.core.domain.pinyin import initials, sort_key
from desktop_app.core.services.base import RecordService
from desktop_app.core.services.people import MemberService, PartyGroupService, ResidentService
from desktop_app.core.storage import audit
from desktop_app.core.storage.backup import make_backup
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import Member, PartyGroup, Resident
from desktop_app.core.storage.targets import output_file

MAX_ROWS = 100_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
HEADER_SEARCH_ROWS = 15
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc) format

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: str
    record_kind: str  # as the services and the 操作记录 name it
    service: type[RecordService]
    model: type[Resident] | type[Member]
    headers: dict[str, tuple[str, ...]]  # field -> header names people use, the first is the template's

    @property
    def fields(self) -> tuple[Field, ...]:
        """The form's fields: the import accepts and refuses the same values the forms do."""
        return self.service.fields


RESIDENTS = ImportKind(
    "residents",
    "居民",
    "resident",
    ResidentService,
    Resident,
    {
        "name": ("姓名", "名字", "居民姓名"),
        "gender": ("性别",),
        "birth_date": ("出生日期", "出生年月", "生日"),
        "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"),
        "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"),
        "address": ("住址", "地址", "门牌", "门牌号", "家庭住址", "居住地址"),
        "tags": ("标签", "人员类别", "特殊人群"),
        "notes": ("备注",),
    },
)
MEMBERS = ImportKind(
    "members",
    "党员",
    "member",
    MemberService,
    Member,
    {
        "name": ("姓名", "名字", "党员姓名"),
        "gender": ("性别",),
        "birth_date": ("出生日期", "出生年月", "生日"),
        "join_date": ("入党日期", "入党时间", "入党年月"),
        "member_type": ("党员类别", "党员身份", "类别"),
        "group": ("党小组", "所在党小组", "所属党小组"),
        "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"),
        "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"),
        "committee_role": ("支委职务", "职务"),
        "notes": ("备注",),
    },
)
KINDS = {k.key: k for k in (RESIDENTS, MEMBERS)}


def kind_for(key: str) -> ImportKind:
    if key not in KINDS:
        raise AppError(f"只能导入 residents（居民）或 members（党员），不能导入“{key}”")
    return KINDS[key]


@dataclass(frozen=True)
class Problem:
    row: int
    message: str
    column: int | None = None
    header: str = ""

    def __str__(self) -> str:
        if self.column is None:
            return f"第{self.row}行：{self.message}"
        return f"第{self.row}行 {self.where_in_row()}"

    def where_in_row(self) -> str:
        if self.column is None:
            return self.message
        from openpyxl.utils import get_column_letter  # openpyxl has read the file by now: no start-up cost

        return f"第{get_column_letter(self.column + 1)}列（{self.header}）：{self.message}"


STATUS_LABELS = {"new": "新增", "update": "更新", "skip": "跳过", "error": "有错误"}


@dataclass
class ImportRow:
    number: int  # the row number as Excel shows it
    values: dict[str, Any]
    status: str = "new"
    existing_id: int | None = None
    problems: list[Problem] = field(default_factory=list)
    note: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class ImportPreview:
    kind: ImportKind
    path: Path
    header_row: int
    columns: dict[str, tuple[int, str]]  # field -> (column index, header text)
    rows: list[ImportRow]
    new_groups: list[str] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [p for row in self.rows for p in row.problems]

    @property
    def ok(self) -> bool:
        return not any(row.status == "error" for row in self.rows)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    def summary(self) -> str:
        text = (
            f"共 {len(self.rows)} 行：新增 {self.count('new')}，更新 {self.count('update')}，"
            f"跳过 {self.count('skip')}，有错误 {self.count('error')}"
        )
        if self.new_groups:
            text += f"；将新建党小组：{'、'.join(self.new_groups)}"
        return text


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    skipped: int
    backup: Path | None


# -- reading the file ---------------------------------------------------------------
# The OLE directory entry of Office's encrypted package, in UTF-16 as stored.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
MAX_OLE_SCAN = 1 << 20


def _check_file(path: Path) -> None:
    name = path.name
    if not path.is_file():
        raise AppError(f"找不到文件：{path}")
    with path.open("rb") as handle:
        head = handle.read(8)
        # An .xlsx with an opening password is stored as an OLE container holding the encrypted package.
        encrypted = head.startswith(OLE_MAGIC) and ENCRYPTED_PACKAGE in handle.read(MAX_OLE_SCAN)
    if encrypted:
        raise AppError(
            f"“{name}”设置了打开密码（文件已加密），无法读取。请在 Excel 或 WPS 中打开它，取消密码后另存，再导入。"
        )
    if path.suffix.lower() == ".xls" or head.startswith(OLE_MAGIC):
        raise AppError(f"“{name}”是旧版 Excel（.xls）文件。请用 Excel 或 WPS 打开它，另存为 .xlsx 格式后再导入。")
    if not zipfile.is_zipfile(path):
        raise AppError(f"“{name}”不是有效的 .xlsx 文件（可能是改了扩展名的其他文件）。请用 Excel 或 WPS 另存为 .xlsx。")
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
            if "xl/workbook.xml" not in archive.namelist():
                raise AppError(f"“{name}”不是 Excel 工作簿（缺少工作簿内容）。")
    except zipfile.BadZipFile as exc:
        raise AppError(f"“{name}”已损坏，无法读取。请重新保存或向发送人重新索取。") from exc
    if total > MAX_UNCOMPRESSED_BYTES:
        raise AppError(
            f"“{name}”解压后超过 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB，太大，无法导入。请拆分后分批导入。"
        )


def read_sheet_rows(path: Path) -> list[tuple[Any, ...]]:
    """All rows of the first worksheet, values only, after the file checks."""
    import openpyxl  # loaded on first import, not at start-up

    path = Path(path)
    _check_file(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        raise AppError(f"“{path.name}”已损坏或格式不受支持，无法读取。请用 Excel 或 WPS 重新另存为 .xlsx。") from exc
    rows: list[tuple[Any, ...]] = []
    try:
        sheet = book.worksheets[0]
        # Files written by other programs often state no size (or a wrong one); without this,
        # openpyxl parses the whole sheet once just to learn it before reading it again.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            rows.append(row)
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise AppError(f"“{path.name}”超过 {MAX_ROWS} 行，太大，无法一次导入。请拆分后分批导入。")
    except AppError:
        raise
    except Exception as exc:  # a malformed cell (a date that does not exist, a number that is not one)
        raise AppError(
            f"“{path.name}”第{len(rows) + 1}行有无法读取的单元格（内容格式损坏）。"
            "请在 Excel 或 WPS 中检查这一行，改正后另存再导入。"
        ) from exc
    finally:
        book.close()
    while rows and all(_blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise AppError(f"“{path.name}”的第一个工作表是空的。")
    return rows


def formula_cells(path: Path) -> set[tuple[int, int]]:
    """(row, column), 0-based, of the first sheet's formula cells.

    The rows are read with each formula's cached result (what Excel last computed); a formula saved by a
    program that does not compute (or never recalculated) has none, and would import as an empty phone
    or, cached as 0, as a resident named "0". Most rosters have no formulas: a scan of the sheet's XML
    decides whether the second read is needed at all.
    """
    import openpyxl

    with zipfile.ZipFile(path) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")]
        if not any(b"<f" in archive.read(name) for name in sheets):
            return set()
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        return {
            (row_index, cell.column - 1)
            for row_index, row in enumerate(sheet.iter_rows())
            for cell in row
            if getattr(cell, "data_type", None) == "f"
        }
    finally:
        book.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_key(text: Any) -> str:
    return halfwidth(clean_text(text)).replace(" ", "").replace("*", "").replace("＊", "")


def match_header(kind: ImportKind, text: Any) -> str | None:
    """The field a header names: an exact synonym first, then a synonym it starts with (联系电话（手机）)."""
    key = _header_key(text)
    if not key:
        return None
    for name, synonyms in kind.headers.items():
        if key in synonyms:
            return name
    for name, synonyms in kind.headers.items():
        if any(key.startswith(s) for s in synonyms if len(s) >= 2):
            return name
    return None


def find_header(
    kind: ImportKind, rows: list[tuple[Any, ...]], file_name: str
) -> tuple[int, dict[str, tuple[int, str]]]:
    best: tuple[int, dict[str, tuple[int, str]]] | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, tuple[int, str]] = {}
        for column, value in enumerate(row):
            name = match_header(kind, value)
            if name and name not in columns:
                columns[name] = (column, _header_key(value))
        if "name" in columns and len(columns) >= 2 and (best is None or len(columns) > len(best[1])):
            best = (index, columns)
    if best is None:
        expected = "、".join(s[0] for s in kind.headers.values())
        raise AppError(
            f"在“{file_name}”的前 {HEADER_SEARCH_ROWS} 行中找不到表头。表头至少要有“姓名”和另外一列，"
            f"可用的列名有：{expected}。可以先导出模板对照填写。"
        )
    return best


# -- turning rows into records ------------------------------------------------------------
def _cell_value(value: Any) -> Any:
    """Excel keeps phone and ID numbers typed as numbers as floats: give them back as digits."""
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e6:
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**6:
        return str(value)
    return value


def _usable_cached(name: str, cached: Any) -> bool:
    """A formula's cached result stands in for a typed value only if there is one, and a name is text."""
    if _blank(cached):
        return False
    return isinstance(cached, str) if name == "name" else True


def _prepare(kind: ImportKind, raw: dict[str, Any]) -> dict[str, Any]:
    values = dict(raw)
    if kind is MEMBERS:
        member_type = clean_text(values.get("member_type"))
        if member_type in ("正式", "预备"):
            values["member_type"] = member_type + "党员"
        role = clean_text(values.get("committee_role"))
        values["is_committee"] = bool(role)
    return values


def _duplicate_key(values: dict[str, Any]) -> tuple[str, ...] | None:
    if values.get("id_number"):
        return ("id", values["id_number"])
    if values.get("phone"):
        return ("name_phone", values["name"], values["phone"])
    return None


def _existing_keys(db: Database, kind: ImportKind) -> dict[tuple[str, ...], int]:
    model = kind.model
    keys: dict[tuple[str, ...], int] = {}
    with db.read_session() as session:
        for record_id, name, phone, id_number in session.execute(
            select(model.id, model.name, model.phone, model.id_number).where(model.deleted_at.is_(None))
        ):
            if id_number:
                keys[("id", id_number)] = record_id
            if phone:
                keys.setdefault(("name_phone", name, phone), record_id)
    return keys


# The same limit the 党小组 form enforces: an import creates groups through no other rule.
GROUP_NAME_LIMIT = next(f.max_length for f in PartyGroupService.fields if f.name == "name")


def preview_import(
    db: Database, kind_key: str, path: Path, update_duplicates: bool = False, progress: Progress | None = None
) -> ImportPreview:
    """Read and check every row; write nothing."""
    kind = kind_for(kind_key)
    path = Path(path)
    rows = read_sheet_rows(path)
    formulas = formula_cells(path)
    header_index, columns = find_header(kind, rows, path.name)
    ignored = [
        _header_key(v)
        for c, v in enumerate(rows[header_index])
        if not _blank(v) and c not in {col for col, _ in columns.values()}
    ]
    field_specs = [f for f in kind.fields if f.name in columns or f.name == "is_committee"]
    existing = _existing_keys(db, kind)
    groups = dict(_group_ids(db)) if kind is MEMBERS else {}
    new_groups: list[str] = []
    seen: dict[tuple[str, ...], int] = {}
    result: list[ImportRow] = []
    data = rows[header_index + 1 :]
    for offset, row in enumerate(data):
        number = header_index + 2 + offset
        if progress and offset % 1000 == 0:
            progress(offset, len(data))
        if all(_blank(v) for v in row):
            continue
        raw = {name: _cell_value(row[col]) if col < len(row) else None for name, (col, _) in columns.items()}
        item = ImportRow(number, {})
        unusable = [
            Problem(number, "是公式，没有可用的计算结果，请在 Excel 或 WPS 中另存为数值后再导入", col, header)
            for name, (col, header) in columns.items()
            if (header_index + 1 + offset, col) in formulas and not _usable_cached(name, raw.get(name))
        ]
        if unusable:
            item.status, item.values, item.problems = "error", {"name": clean_text(raw.get("name"))}, unusable
            result.append(item)
            continue
        try:
            cleaned = clean_values(field_specs, _prepare(kind, raw))
        except ValidationError as exc:
            item.status = "error"
            item.values = {"name": clean_text(raw.get("name"))}  # shown in the preview only
            item.problems = [
                Problem(
                    number,
                    message,
                    columns[name][0] if name in columns else None,
                    columns[name][1] if name in columns else exc.labels.get(name, name),
                )
                for name, message in exc.errors.items()
            ]
            result.append(item)
            continue
        if kind is MEMBERS and "group" in columns:
            group_name = clean_text(raw.get("group"))
            if len(group_name) > GROUP_NAME_LIMIT:
                column, label = columns["group"]
                limit = f"党小组名称不能超过 {GROUP_NAME_LIMIT} 个字（现有 {len(group_name)} 个）"
                item.status, item.values = "error", {"name": cleaned.get("name", "")}
                item.problems = [Problem(number, limit, column, label)]
                result.append(item)
                continue
            cleaned["group_name"] = group_name or None
            if group_name and group_name not in groups and group_name not in new_groups:
                new_groups.append(group_name)
        item.values = cleaned
        key = _duplicate_key(cleaned)
        if key is not None and key in seen:
            item.status = "skip"
            item.note = f"与第{seen[key]}行重复，已跳过"
        elif key is not None and key in existing:
            item.existing_id = existing[key]
            item.status = "update" if update_duplicates else "skip"
            item.note = "名册中已有此人，" + ("将用本行更新" if update_duplicates else "已跳过")
        if key is not None:
            seen.setdefault(key, number)
        result.append(item)
    if not result:
        raise AppError(f"“{path.name}”的表头（第{header_index + 1}行）下面没有数据。")
    if progress:
        progress(len(data), len(data))
    return ImportPreview(kind, path, header_index + 1, columns, result, new_groups, ignored)


def _group_ids(db: Database) -> Iterable[tuple[str, int]]:
    with db.read_session() as session:
        return list(session.execute(select(PartyGroup.name, PartyGroup.id).where(PartyGroup.deleted_at.is_(None))))


def commit_import(db: Database, preview: ImportPreview) -> ImportResult:
    """Write the previewed rows, all or nothing, after backing up the database."""
    if not preview.ok:
        raise AppError(f"有 {preview.count('error')} 行存在错误，未导入任何数据。请修改表格后重新导入。")
    backup = make_backup(db.file_path, db.backup_dir, "before-import") if db.file_path else None
    kind = preview.kind
    now = dt.datetime.now()
    with db.session() as session:
        group_ids: dict[str, int] = {}
        if kind is MEMBERS:
            group_ids = dict(session.execute(select(PartyGroup.name, PartyGroup.id)).all())
            for name in preview.new_groups:
                group = PartyGroup(name=name, notes="")
                session.add(group)
                session.flush()
                group_ids[name] = group.id
        inserts, updates = [], []
        for row in preview.rows:
            if row.status not in ("new", "update"):
                continue
            values = dict(row.values)
            if kind is MEMBERS and "group_name" in values:
                group_name = values.pop("group_name")
                values["group_id"] = group_ids.get(group_name) if group_name else None
            values["name_initials"] = initials(values["name"])
            values["name_pinyin"] = sort_key(values["name"])
            values["updated_at"] = now
            if row.status == "new":
                inserts.append(_with_defaults(kind, values))
            else:
                updates.append({"id": row.existing_id, **values})
        first_new = (session.scalar(select(func.max(kind.model.id))) or 0) + 1
        if inserts:
            session.execute(insert(kind.model), inserts)
        if updates:
            session.execute(update(kind.model), updates)
        touched = select(kind.model.id).where(
            (kind.model.id >= first_new) | kind.model.id.in_([u["id"] for u in updates])
        )
        kind.service(db).refresh_search_text(session, list(session.scalars(touched)))
        audit.record(
            session,
            AuditAction.IMPORT,
            kind.record_kind,
            None,
            f"导入{kind.label}名册",
            details=f"文件：{preview.path.name}；新增 {len(inserts)}，更新 {len(updates)}，"
            f"跳过 {preview.count('skip')}",
        )
    return ImportResult(len(inserts), len(updates), preview.count("skip"), backup)


def _with_defaults(kind: ImportKind, values: dict[str, Any]) -> dict[str, Any]:
    """Columns the file did not have get the form's empty values."""
    complete = {spec.name: empty_value(spec) for spec in kind.fields}
    complete.update(values)
    if kind is RESIDENTS:
        complete["status"] = complete.get("status") or "active"
    else:
        complete["member_type"] = complete.get("member_type") or "full"
        complete["status"] = complete.get("status") or "active"
        complete.pop("group_name", None)
    return complete


def write_template(kind_key: str, target: Path) -> Path:
    """An empty roster with the header names the import knows, and a hint for each column."""
    import xlsxwriter

    kind = kind_for(kind_key)
    target = output_file(Path(target), (".xlsx",), "导入模板")
    hints = {
        "birth_date": "日期，如 1960-03-05 或 1960年3月5日",
        "join_date": "日期，如 1985-07-01",
        "id_number": "18 位身份证号，请把单元格设为文本",
        "phone": "手机或座机号码，请把单元格设为文本",
        "gender": "男 或 女",
        "member_type": "正式党员 或 预备党员",
        "tags": "多个标签用顿号分隔，如 独居老人、高龄",
        "group": "如 第1党小组；表中新出现的党小组会自动建立",
        "committee_role": "支委成员填写职务，如 组织委员",
    }
    target = Path(target)
    book = xlsxwriter.Workbook(str(target))
    try:
        sheet = book.add_worksheet(f"{kind.label}名册")
        title = book.add_format({"font_name": "宋体", "font_size": 14, "bold": True})
        header = book.add_format(
            {"font_name": "宋体", "bold": True, "border": 1, "bg_color": "#D9D9D9", "align": "center"}
        )
        text = book.add_format({"font_name": "宋体", "num_format": "@"})
        names = [synonyms[0] for synonyms in kind.headers.values()]
        sheet.merge_range(0, 0, 0, len(names) - 1, f"{kind.label}名册（从第 3 行起每人一行，列的顺序可以调整）", title)
        for column, (name, label) in enumerate(zip(kind.headers, names, strict=True)):
            sheet.write_string(1, column, label, header)
            sheet.set_column(column, column, 22 if name in ("id_number", "address") else 14, text)
            if name in hints:
                sheet.write_comment(1, column, hints[name])
        sheet.freeze_panes(2, 0)
    finally:
        book.close()
    return target
