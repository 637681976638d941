"""Every row read and checked as the forms check it, duplicates found; nothing is written."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop_app.core.domain.errors import AppError, ValidationError
from desktop_app.core.domain.fields import clean_values
from desktop_app.core.domain.normalize import clean_text
from desktop_app.core.exchange.roster.kinds import ImportKind, kind_for
from desktop_app.core.exchange.roster.reading import blank, find_header, formula_cells, header_key, read_sheet_rows
from desktop_app.core.services.people import PartyGroupService
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import PartyGroup

Progress = Callable[[int, int], None]


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


def cell_value(value: Any) -> Any:
    """Excel keeps phone and ID numbers typed as numbers as floats: give them back as digits."""
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e6:
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**6:
        return str(value)
    return value


def _usable_cached(name: str, cached: Any) -> bool:
    """A formula's cached result stands in for a typed value only if there is one, and a name is text."""
    if blank(cached):
        return False
    return isinstance(cached, str) if name == "name" else True


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
        header_key(v)
        for c, v in enumerate(rows[header_index])
        if not blank(v) and c not in {col for col, _ in columns.values()}
    ]
    field_specs = [f for f in kind.fields if f.name in columns or f.name == "is_committee"]
    existing = _existing_keys(db, kind)
    groups = dict(_group_ids(db)) if kind.in_party_groups else {}
    new_groups: list[str] = []
    seen: dict[tuple[str, ...], int] = {}
    result: list[ImportRow] = []
    data = rows[header_index + 1 :]
    for offset, row in enumerate(data):
        number = header_index + 2 + offset
        if progress and offset % 1000 == 0:
            progress(offset, len(data))
        if all(blank(v) for v in row):
            continue
        raw = {name: cell_value(row[col]) if col < len(row) else None for name, (col, _) in columns.items()}
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
            cleaned = clean_values(field_specs, kind.prepare(raw))
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
        if kind.in_party_groups and "group" in columns:
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
