"""组织关系转接 (pure): when a 转出's 回执 is overdue.

A member transferred out leaves with a 介绍信 whose 回执 the receiving organisation sends back; the branch keeps
the 回执 as proof that the member arrived. The program reminds when no 回执 has come back RECEIPT_MONTHS after the
转出, counted in calendar months (a 转出 on 15 March is reminded of from 15 June; on 30 November, from the last day
of February). A 转出 without a 介绍信 (no number and no organisation: an old date moved in by migration 0018, or
a member who left otherwise) awaits no 回执.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import NamedTuple

from desktop_app.core.domain.enums import TransferDirection

RECEIPT_MONTHS = 3


class Transfer(NamedTuple):
    member_id: int
    name: str
    direction: TransferDirection
    date: dt.date
    organisation: str  # 转往 (out) / 来自 (in)
    letter_no: str
    handled_by: str
    receipt_date: dt.date | None

    @property
    def has_letter(self) -> bool:
        return bool(self.letter_no or self.organisation)


def months_later(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, or that month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def receipt_due(transfer: Transfer) -> dt.date:
    return months_later(transfer.date, RECEIPT_MONTHS)


def receipt_overdue(transfer: Transfer, today: dt.date) -> bool:
    """A 转出 with its 介绍信 and no 回执 by `today` (one received later was still awaited then), on or after the
    day RECEIPT_MONTHS later."""
    return (
        transfer.direction is TransferDirection.OUT
        and transfer.has_letter
        and (transfer.receipt_date is None or transfer.receipt_date > today)
        and today >= receipt_due(transfer)
    )


def receipt_state(transfer: Transfer, today: dt.date) -> str:
    """The 回执 as the 组织关系转接 page and report word it."""
    if transfer.receipt_date is not None:
        return "已收回执" if transfer.direction is TransferDirection.OUT else "已寄回执"
    if not transfer.has_letter:
        return ""
    if receipt_overdue(transfer, today):
        return f"逾期未收回执（应于 {receipt_due(transfer):%Y-%m-%d} 前）"
    return "待回执" if transfer.direction is TransferDirection.OUT else "未寄回执"
