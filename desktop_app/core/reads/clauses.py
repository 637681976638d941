"""The shared rules as clauses of the ORM's statements (this module imports SQLAlchemy; the 工作台's first look
never loads it): the same fragments as the driver's statements use, their values bound."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, TextClause, bindparam, text

from desktop_app.core.reads.rules import belonged_on as belonged_on_sql
from desktop_app.core.reads.rules import belonged_on_params


def belonged_on(day: dt.date) -> TextClause:
    """The member was in the branch on `day` (see rules.belonged_on), for a statement over `members`."""
    bound = belonged_on_params(belonged_day=day).items()
    return text(belonged_on_sql("belonged_day")).bindparams(
        *(bindparam(name, value, type_=Date if isinstance(value, dt.date) else None) for name, value in bound)
    )
