"""党费 bases from an Excel sheet (name or ID number, 缴费类别, monthly base): read as tolerantly as the rosters,
each row's dues computed by the rule table, and the year's 核定 written all or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop_app.core.domain.enums import DuesCategory
from desktop_app.core.domain.errors import AppError
from desktop_app.core.domain.normalize import clean_text, halfwidth, parse_money
from desktop_app.core.exchange.roster.preview import Problem, cell_value
from desktop_app.core.exchange.roster.reading import blank, find_header, read_sheet_rows
from desktop_app.core.services.dues import Basis, DuesService
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import Member


@dataclass(frozen=True)
class DuesBasesFile:
    headers: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: {
            "name": ("姓名", "党员姓名", "名字"),
            "id_number": ("身份证号", "身份证号码", "公民身份号码"),
            "category": ("缴费类别", "党费类别", "人员类别"),
            "base": ("月收入基数", "基数", "税后工资", "税后月工资", "月工资", "基本养老金", "基本离退休费", "月收入"),
            "farmer_amount": ("农民党费", "每月党费"),
        }
    )


# How the category is written in sheets people keep, beyond the labels themselves.
CATEGORY_WORDS = {
    **{category.label: category for category in DuesCategory},
    "退休": DuesCategory.RETIRED,
    "离休": DuesCategory.RETIRED,
    "在岗": DuesCategory.EMPLOYED,
    "失业": DuesCategory.UNEMPLOYED,
    "下岗": DuesCategory.UNEMPLOYED,
    "救济": DuesCategory.RELIEF,
    "抚恤": DuesCategory.RELIEF,
    "双报到": DuesCategory.PAYS_AT_WORK,
    "单位缴纳": DuesCategory.PAYS_AT_WORK,
}


@dataclass
class DuesBasesPreview:
    path: Path
    year: int
    bases: dict[int, Basis] = field(default_factory=dict)  # member id -> basis
    amounts: dict[int, Decimal] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return f"{self.year}年：可核定 {len(self.bases)} 人，有错误 {len({p.row for p in self.problems})} 行"


def _money(value: Any) -> Decimal | None:
    """A cell's amount, read as every money field is (4,500.50, 4500元, an Excel number); blank is None."""
    if blank(value):
        return None
    try:
        return parse_money(value)
    except ValueError as exc:
        raise ValueError(f"“{value}”不是金额：{exc}") from None


def preview_dues_bases(db: Database, path: Path, year: int) -> DuesBasesPreview:
    """Read and check every row; write nothing."""
    path = Path(path)
    kind = DuesBasesFile()
    rows = read_sheet_rows(path)
    header_index, columns = find_header(kind, rows, path.name)
    if "category" not in columns:
        raise AppError(f"“{path.name}”的表头中没有“缴费类别”一列，无法核定党费。")
    with db.read_session() as session:
        members = session.execute(
            select(Member.id, Member.name, Member.id_number).where(Member.deleted_at.is_(None))
        ).all()
    by_id = {id_number: member_id for member_id, _, id_number in members if id_number}
    by_name: dict[str, list[int]] = {}
    for member_id, name, _ in members:
        by_name.setdefault(name, []).append(member_id)
    preview = DuesBasesPreview(path, year)
    service = DuesService(db)
    for offset, row in enumerate(rows[header_index + 1 :]):
        number = header_index + 2 + offset
        if all(blank(v) for v in row):
            continue
        raw = {name: cell_value(row[col]) if col < len(row) else None for name, (col, _) in columns.items()}

        def problem(field_name: str, message: str, number: int = number) -> Problem:
            column, header = columns.get(field_name, (None, ""))
            return Problem(number, message, column, header)

        name = clean_text(raw.get("name"))
        id_number = halfwidth(clean_text(raw.get("id_number"))).upper()
        found = by_id.get(id_number) if id_number else None
        if found is None:
            matches = by_name.get(name, [])
            if len(matches) != 1:
                why = "名册中没有这名党员" if not matches else "名册中有同名党员，请填写身份证号区分"
                preview.problems.append(problem("name", why))
                continue
            found = matches[0]
        category = CATEGORY_WORDS.get(clean_text(raw.get("category")))
        if category is None:
            preview.problems.append(problem("category", f"“{raw.get('category') or ''}”不是缴费类别"))
            continue
        try:
            basis = Basis(category, _money(raw.get("base")), _money(raw.get("farmer_amount")))
            amount = service.amount(basis)
        except (ValueError, AppError) as exc:
            target = "farmer_amount" if category is DuesCategory.FARMER else "base"
            preview.problems.append(problem(target, str(exc)))
            continue
        preview.bases[found], preview.amounts[found], preview.names[found] = basis, amount, name
    if not preview.bases and not preview.problems:
        raise AppError(f"“{path.name}”的表头（第{header_index + 1}行）下面没有数据。")
    return preview


def commit_dues_bases(db: Database, preview: DuesBasesPreview, decided_on: dt.date) -> int:
    """The year's 核定 for the members read; those assessed already keep theirs. Returns how many were added."""
    if not preview.ok:
        raise AppError(f"有 {len({p.row for p in preview.problems})} 行存在错误，未核定任何人。请修改表格后重新导入。")
    return DuesService(db).assess_year(preview.year, preview.bases, decided_on)
