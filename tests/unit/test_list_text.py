"""List cells are made from stored values; they must read exactly as the typed values would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from desktop_app.core.domain.columns import Column, ColumnKind, cell_text, money_text
from desktop_app.core.domain.masking import mask_id_number, mask_phone
from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.registry import record_services


def typed_text(column: Column, value: object, unmasked: bool) -> str:
    """The oracle: the same text made the slow way, from SQLAlchemy's typed values."""
    if value is None:
        return ""
    if column.enum is not None:
        return column.enum(value).label
    if column.kind is ColumnKind.PHONE and not unmasked:
        return mask_phone(value)  # type: ignore[arg-type]
    if column.kind is ColumnKind.ID_NUMBER and not unmasked:
        return mask_id_number(value)  # type: ignore[arg-type]
    if column.kind is ColumnKind.TAGS:
        return "、".join(value)  # type: ignore[arg-type]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if column.kind is ColumnKind.PERCENT:
        return f"{float(value):.0%}"  # type: ignore[arg-type]
    return str(value).split("\n")[0]


@pytest.mark.parametrize("unmasked", [False, True])
def test_every_list_column_reads_the_same_from_stored_values(db, unmasked):
    fill_demo(db, "small")
    for kind, service in record_services(db).items():
        columns = service.columns()
        ids = service.list_ids(ListQuery())[:60]
        typed_query = service.joined(select(service.model.id, *(c.expr for c in columns)))
        with db.read_session() as session:
            typed = {row[0]: row for row in session.execute(typed_query.where(service.model.id.in_(ids)))}
        shown = service.fetch_rows(ids, unmasked=unmasked)
        assert shown, kind
        assert [row[0] for row in shown] == ids, kind
        for row in shown:
            expected = tuple(typed_text(c, v, unmasked) for c, v in zip(columns, typed[row[0]][1:], strict=True))
            assert row[1:] == expected, (kind, row[0])


def test_every_kind_of_column_has_its_own_converter():
    kinds = {kind: cell_text(Column("k", "列", None, kind), unmasked=False) for kind in ColumnKind}
    assert kinds[ColumnKind.MONEY](12345) == "123.45"
    assert kinds[ColumnKind.TAGS]('["高龄", "独居老人"]') == "高龄、独居老人"
    assert kinds[ColumnKind.PHONE]("13812345678") == "138****5678"
    assert kinds[ColumnKind.TEXT]("第一行\n第二行") == "第一行"
    assert all(convert(None) == "" for convert in kinds.values())


@pytest.mark.parametrize(
    ("fen", "text"),
    [(None, ""), (0, "0.00"), (5, "0.05"), (100, "1.00"), (123456789, "1,234,567.89"), (-250, "-2.50")],
)
def test_money_is_shown_from_whole_fen_exactly(fen, text):
    assert money_text(fen) == text
