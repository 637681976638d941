"""组织关系转接: the year's 转入 and 转出 (each saved with its member, see people.MemberService) and the 转出 whose
回执 is overdue (domain.transfers), read through the driver so the 工作台's reminder, the page and the report read
them one way."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from desktop_app.core.domain.transfers import Transfer, receipt_overdue
from desktop_app.core.reads.duties import read_awaiting_receipt, read_transfers

if TYPE_CHECKING:
    from desktop_app.core.storage.database import Database
    from desktop_app.core.storage.plain import Reader


def transfers_between(db: Database, start: dt.date, end: dt.date) -> list[Transfer]:
    with db.plain() as reader:
        return read_transfers(reader, start, end)


def overdue_receipts(reader: Reader, today: dt.date) -> list[Transfer]:
    """The 转出 with a 介绍信 and no 回执 three months or more after their day."""
    return [transfer for transfer in read_awaiting_receipt(reader) if receipt_overdue(transfer, today)]
