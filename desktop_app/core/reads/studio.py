"""书记工作室: the problems open too long."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from desktop_app.core.domain.enums import ProblemStatus
from desktop_app.core.reads.rules import live
from desktop_app.core.storage.plain import Reader, day

OPEN_STATES = tuple(status for status in ProblemStatus if status.is_open)
# One parameter per open state, by the state's own name.
OPEN_SINCE = (
    "SELECT id, description, raised_date FROM studio_problems"
    f" WHERE {live('studio_problems')} AND status IN ({', '.join(f':{state.name.lower()}' for state in OPEN_STATES)})"
    " AND raised_date <= :raised_by ORDER BY raised_date, id"
)


class OpenProblem(NamedTuple):
    problem_id: int
    description: str
    raised: dt.date


def open_problems(reader: Reader, raised_by: dt.date) -> list[OpenProblem]:
    """Problems still open that were raised on or before `raised_by`, oldest first."""
    params: dict[str, object] = {state.name.lower(): state.value for state in OPEN_STATES}
    return [
        OpenProblem(problem_id, description, day(raised))
        for problem_id, description, raised in reader.rows(OPEN_SINCE, {**params, "raised_by": raised_by})
    ]
