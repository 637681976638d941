"""List cells are made from stored values; they must read exactly as the typed values would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop_app.core.demo import fill_demo
from desktop_app.core.list_text import cell_text, money_text
from desktop_app.core.services.base import ColumnKind, ListQuery
from desktop_app.core.services.registry import record_services


def typed_text(kind: ColumnKind, value: object) -> str:
    """The oracle: the same text made the slow way, from SQLAlchemy's typed values."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if kind is ColumnKind.PERCENT:
        return f"{float(value):.0%}"  # type: ignore[arg-type]
    return str(value).split("\n")[0]


@pytest.mark.parametrize("unmasked", [False, True])
def test_every_list_column_reads_the_same_from_stored_values(db, unmasked):
    fill_demo(db, "small")
    for kind, service in record_services(db).items():
        ids = service.list_ids(ListQuery())[:60]
        stored = service.fetch_stored(ids)
        converters = [cell_text(column, unmasked) for column in service.columns()]
        rows = service.fetch_rows(ids, unmasked=unmasked)  # labels, masks and tags, from typed values
        assert rows, kind
        assert len(stored) == len(rows), kind
        for row in rows:
            for column, convert, typed, raw in zip(
                service.columns(), converters, row[1:], stored[row[0]][1:], strict=True
            ):
                assert convert(raw) == typed_text(column.kind, typed), (kind, column.key, raw, typed)


@pytest.mark.parametrize(
    ("fen", "text"),
    [(None, ""), (0, "0.00"), (5, "0.05"), (100, "1.00"), (123456789, "1,234,567.89"), (-250, "-2.50")],
)
def test_money_is_shown_from_whole_fen_exactly(fen, text):
    assert money_text(fen) == text
