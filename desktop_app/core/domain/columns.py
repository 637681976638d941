"""The columns of a record list: what each holds, and the text its cells show.

Lists turn tens of thousands of values into text while scrolling: they read stored values
(`RecordService.fetch_stored`, no type processing) and convert each with one function chosen
once per column. Stored forms: dates as ISO text, money as whole fen (models.Money), tags as JSON text.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.core.domain.enums import LabeledEnum
from desktop_app.core.domain.masking import mask_id_number, mask_phone


class ColumnKind(enum.Enum):
    TEXT = enum.auto()
    DATE = enum.auto()
    MONEY = enum.auto()
    COUNT = enum.auto()
    PERCENT = enum.auto()
    ENUM = enum.auto()
    PHONE = enum.auto()
    ID_NUMBER = enum.auto()
    TAGS = enum.auto()


@dataclass(frozen=True)
class Column:
    """One column of a record list: its label, the SQL that yields and sorts it, its kind."""

    key: str
    label: str
    expr: Any
    kind: ColumnKind = ColumnKind.TEXT
    enum: type[LabeledEnum] | None = None
    sort_expr: Any = None  # when the display value sorts badly, e.g. Chinese names by pinyin

    @property
    def order_by(self) -> Any:
        return self.expr if self.sort_expr is None else self.sort_expr


CellText = Callable[[Any], str]


def first_line(value: Any) -> str:
    # One line in a table cell: the rest is seen in the form (and in the cell's tooltip).
    return "" if value is None else str(value).partition("\n")[0]


def plain(value: Any) -> str:
    return "" if value is None else str(value)


def money_text(fen: int | None) -> str:
    """Whole fen as yuan with two decimals and thousands separators, exactly (no floating point)."""
    if fen is None:
        return ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{yuan:,}.{cents:02d}"


def percent_text(value: float | None) -> str:
    return "" if value is None else f"{float(value):.0%}"


def tags_text(value: str | list[str] | None) -> str:
    tags = json.loads(value) if isinstance(value, str) else value
    return "、".join(tags) if tags else ""


def cell_text(column: Column, unmasked: bool) -> CellText:
    kind = column.kind
    if kind is ColumnKind.ENUM and column.enum is not None:
        labels = {member.value: member.label for member in column.enum}
        return lambda value: "" if value is None else labels.get(value, str(value))
    if kind is ColumnKind.PHONE and not unmasked:
        return mask_phone
    if kind is ColumnKind.ID_NUMBER and not unmasked:
        return mask_id_number
    converters: dict[ColumnKind, CellText] = {
        ColumnKind.TAGS: tags_text,
        ColumnKind.MONEY: money_text,
        ColumnKind.PERCENT: percent_text,
        ColumnKind.DATE: plain,
        ColumnKind.COUNT: plain,
    }
    return converters.get(kind, first_line)
