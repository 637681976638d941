"""The two rules many reads share, each one named fragment of SQL text whose values are bound parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from desktop_app.core.domain.enums import MemberStatus


def live(table: str) -> str:
    """The row of `table` is not in the 回收站. The partial indexes of live rows (migration 0012, `models.live_index`)
    are written with the same predicate, so SQLite uses them for the statements that say it."""
    return f"{table}.deleted_at IS NULL"


def belonged_on(day: str) -> str:
    """The member was in the branch on the day bound to the parameter named `day` (an ISO date) — joined and
    transferred in by then, not yet gone. A member marked 已转出 without a date left before any day the program
    can tell. A statement may ask it of several days (the 党费 ledger: twelve month ends), each its own parameter;
    the member's status is bound as `active_status` (see `belonged_on_params`)."""
    if not day.isidentifier():
        raise ValueError(f"not a parameter name: {day!r}")
    return (
        f"((members.join_date IS NULL OR members.join_date <= :{day})"
        f" AND (members.transfer_in_date IS NULL OR members.transfer_in_date <= :{day})"
        f" AND (members.left_date > :{day} OR (members.left_date IS NULL AND members.status = :active_status)))"
    )


def belonged_on_params(**days: dt.date) -> dict[str, str | dt.date]:
    """The parameters of `belonged_on` for these named days."""
    return {"active_status": MemberStatus.ACTIVE.value, **days}


def among(column: str, name: str, values: Collection[int] | None) -> tuple[str, dict[str, int]]:
    """` AND column IN (…)`: the row's `column` holds one of `values`, a bound parameter each (`name_0`, `name_1`,
    …), and those parameters; None: no restriction, no text. For the few members a read still needs after a
    first pass over everyone."""
    if values is None:
        return "", {}
    if not name.isidentifier():
        raise ValueError(f"not a parameter name: {name!r}")
    params = {f"{name}_{index}": value for index, value in enumerate(values)}
    return f" AND {column} IN ({', '.join(':' + key for key in params) or 'NULL'})", params
