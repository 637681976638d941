"""关怀 — care actions and their user-editable categories."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from desktop_app.core.domain.columns import Column, ColumnKind
from desktop_app.core.domain.enums import AuditAction, CareStatus
from desktop_app.core.domain.errors import ConcurrentWriteError, EditConflictError, NotFoundError, ValidationError
from desktop_app.core.domain.fields import Field, FieldType, clean_values
from desktop_app.core.domain.pinyin import initials
from desktop_app.core.reads.care import CareTotal, care_totals
from desktop_app.core.services.base import RecordService, Validated, name_taken, settings_conflict
from desktop_app.core.storage import audit
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import CareAction, CareCategory, Resident

F = FieldType


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    name: str
    default_item: str
    default_amount: Decimal | None
    sort_order: int
    retired: bool
    sensitive: bool
    version: int  # handed back to `update`: was it saved by someone else meanwhile?


class CareCategoryService:
    """Categories are never deleted (history keeps them); they are renamed, reordered or retired."""

    fields = (
        Field("name", "类别名称", F.TEXT, required=True, max_length=50),
        Field("default_item", "默认物品", F.TEXT, max_length=100),
        Field("default_amount", "默认金额（元）", F.MONEY),
        Field("sensitive", "含病情等隐私", F.BOOL),
    )

    def __init__(self, db: Database) -> None:
        self.db = db

    def list(self, include_retired: bool = True) -> list[CategoryInfo]:
        """The categories in order. How many records use each is `usage`, counted apart: it reads every record
        (half a million on a large street's data), which a form choosing a category does not need."""
        stmt = select(
            CareCategory.id,
            CareCategory.name,
            CareCategory.default_item,
            CareCategory.default_amount,
            CareCategory.sort_order,
            CareCategory.retired,
            CareCategory.sensitive,
            CareCategory.version,
        ).order_by(CareCategory.sort_order, CareCategory.id)
        if not include_retired:
            stmt = stmt.where(CareCategory.retired.is_(False))
        with self.db.read_session() as session:
            return [CategoryInfo(*row) for row in session.execute(stmt)]

    def usage(self) -> dict[int, int]:
        """Category id -> how many records (not in the 回收站) use it; a category no record uses is left out."""
        stmt = (
            select(CareAction.category_id, func.count())
            .where(CareAction.deleted_at.is_(None))
            .group_by(CareAction.category_id)
        )
        with self.db.read_session() as session:
            return dict(session.execute(stmt).all())

    def choices(self) -> builtins.list[tuple[int, str]]:  # `list` alone is the method above
        """(id, name) of every category in order, for filters: no usage counts to compute."""
        stmt = select(CareCategory.id, CareCategory.name).order_by(CareCategory.sort_order, CareCategory.id)
        with self.db.read_session() as session:
            return [(category_id, name) for category_id, name in session.execute(stmt)]

    def _check_name(self, session: Session, name: str, category_id: int | None) -> None:
        if name_taken(session, CareCategory, name, category_id):
            raise ValidationError({"name": "已有同名类别"}, {"name": "类别名称"})

    def create(self, values: Mapping[str, Any]) -> int:
        cleaned = clean_values(self.fields, values)
        with self.db.session() as session:
            self._check_name(session, cleaned["name"], None)
            last = session.scalar(select(func.max(CareCategory.sort_order))) or 0
            category = CareCategory(**cleaned, sort_order=last + 1, retired=False)
            session.add(category)
            session.flush()
            audit.record(
                session,
                AuditAction.CREATE,
                "care_category",
                category.id,
                category.name,
                audit.field_diff(self.fields, {}, cleaned),
            )
            return category.id

    def update(self, category_id: int, values: Mapping[str, Any], version: int | None = None) -> None:
        """`version`: the one the person's dialog was filled from (`list`); when someone has saved the category
        since (or retired or moved it), nothing is written and EditConflictError says who and when."""
        cleaned = clean_values(self.fields, values)
        try:
            with self.db.session() as session:
                self._update(session, category_id, cleaned, values, version)
        except ConcurrentWriteError as exc:  # saved by someone else between our read and our write
            with self.db.read_session() as session:
                raise self._conflict(self._get(session, category_id), values) from exc

    def _conflict(self, category: CareCategory, mine: Mapping[str, Any]) -> EditConflictError:
        theirs = {spec.name: getattr(category, spec.name) for spec in self.fields}
        return settings_conflict(f"关怀类别“{category.name}”", category, self.fields, mine, theirs)

    def _update(
        self,
        session: Session,
        category_id: int,
        cleaned: Mapping[str, Any],
        values: Mapping[str, Any],
        version: int | None,
    ) -> None:
        category = self._get(session, category_id)
        if version is not None and category.version != version:
            raise self._conflict(category, values)
        self._check_name(session, cleaned["name"], category_id)
        category.updated_by = audit.actor(session)
        before = {name: getattr(category, name) for name in cleaned}
        for name, value in cleaned.items():
            setattr(category, name, value)
        _logged(session, category, audit.field_diff(self.fields, before, cleaned))

    def set_retired(self, category_id: int, retired: bool) -> None:
        with self.db.session() as session:
            category = self._get(session, category_id)
            changes = audit.diff({"retired": category.retired}, {"retired": retired}, audit.RETIRED_LABEL)
            _logged(session, category, changes)
            category.retired = retired

    def move(self, category_id: int, offset: int) -> None:
        """Move a category up (-1) or down (+1) in the order shown on forms."""
        with self.db.session() as session:
            ordered = list(session.scalars(select(CareCategory).order_by(CareCategory.sort_order, CareCategory.id)))
            index = next(i for i, c in enumerate(ordered) if c.id == category_id)
            target = max(0, min(len(ordered) - 1, index + offset))
            ordered.insert(target, ordered.pop(index))
            for position, category in enumerate(ordered, start=1):
                category.sort_order = position

    @staticmethod
    def _get(session: Session, category_id: int) -> CareCategory:
        category = session.get(CareCategory, category_id)
        if category is None:
            raise NotFoundError("找不到该关怀类别")
        return category


def _logged(session: Session, category: CareCategory, changes: dict[str, list[str | None]]) -> None:
    audit.record(session, AuditAction.UPDATE, "care_category", category.id, category.name, changes)


class CareService(RecordService):
    model = CareAction
    filters: ClassVar[dict[str, Callable[[Any], ColumnElement[bool]]]] = {
        "category_id": lambda value: CareAction.category_id == value,
        "status": lambda value: CareAction.status == CareStatus(value),
    }
    kind_key = "care"
    kind_label = "关怀记录"
    default_sort = "date"
    fields = (
        Field("date", "日期", F.DATE, required=True),
        Field("category_id", "类别", F.REF, required=True),
        Field("resident_id", "居民", F.REF),
        Field("recipient_name", "对象姓名", F.TEXT, max_length=50),
        Field("recipient_address", "对象住址", F.TEXT, max_length=200),
        Field("item", "关怀内容", F.TEXT, max_length=200),
        Field("amount", "金额（元）", F.MONEY),
        Field("handled_by", "经办人", F.TEXT, max_length=50),
        Field("status", "状态", F.ENUM, enum=CareStatus),
        Field("follow_up_date", "回访日期", F.DATE),
        Field("illness_detail", "病情说明", F.LONG_TEXT, max_length=2000, sensitive=True),
        Field("notes", "备注", F.LONG_TEXT, max_length=2000),
    )

    def columns(self) -> list[Column]:
        c = CareAction
        return [
            Column("date", "日期", c.date, ColumnKind.DATE),
            Column("category", "类别", CareCategory.name),
            Column("recipient_name", "对象", c.recipient_name, sort_expr=c.recipient_initials),
            Column("recipient_address", "住址", c.recipient_address),
            Column("item", "关怀内容", c.item),
            Column("amount", "金额（元）", c.amount, ColumnKind.MONEY),
            Column("handled_by", "经办人", c.handled_by),
            Column("status", "状态", c.status, ColumnKind.ENUM, CareStatus),
            Column("follow_up_date", "回访日期", c.follow_up_date, ColumnKind.DATE),
            Column("notes", "备注", c.notes),
        ]

    def joined(self, stmt: Select) -> Select:
        return stmt.join(CareCategory, CareAction.category_id == CareCategory.id)

    def search_columns(self) -> list[Any]:
        c = CareAction
        return [c.recipient_name, c.recipient_initials, c.recipient_address, c.item, c.handled_by, c.notes]

    def date_column(self) -> Any:
        return CareAction.date

    def title_expr(self) -> Any:
        return CareCategory.name + " " + CareAction.recipient_name

    def validate(
        self, session: Session, cleaned: Mapping[str, Any], values: Mapping[str, Any], record_id: int | None
    ) -> dict[str, Any]:
        errors: dict[str, str] = {}
        settled = dict(cleaned)
        category = session.get(CareCategory, cleaned["category_id"])
        if category is None:
            errors["category_id"] = "所选类别不存在"
        elif category.retired and record_id is None:
            errors["category_id"] = f"类别“{category.name}”已停用，请选择其他类别"
        resident_id = cleaned["resident_id"]
        if resident_id is not None:
            resident = session.get(Resident, resident_id)
            if resident is None:
                errors["resident_id"] = "所选居民不存在"
            else:
                # The record keeps the name and address as they were when the care was given.
                settled["recipient_name"] = cleaned["recipient_name"] or resident.name
                settled["recipient_address"] = cleaned["recipient_address"] or resident.address
        if not settled["recipient_name"]:
            errors["recipient_name"] = "请选择居民，或填写对象姓名"
        status = settled["status"] = cleaned["status"] or CareStatus.DONE
        if status is CareStatus.FOLLOW_UP and cleaned["follow_up_date"] is None:
            errors["follow_up_date"] = "状态为“需回访”时必须填写回访日期"
        if cleaned["follow_up_date"] is not None and cleaned["follow_up_date"] < cleaned["date"]:
            errors["follow_up_date"] = "回访日期不能早于关怀日期"
        if errors:
            raise self.invalid(errors)
        return settled

    def totals_by_category(self, start: dt.date, end: dt.date) -> list[CareTotal]:
        """Each category's number of care actions and their amount in a date range, in category order."""
        with self.db.plain() as reader:
            return care_totals(reader, start, end)

    def apply(self, session: Session, obj: Any, validated: Validated) -> None:
        super().apply(session, obj, validated)
        obj.recipient_initials = initials(obj.recipient_name)
