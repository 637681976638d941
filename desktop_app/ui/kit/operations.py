"""The one way a widget runs work that may fail (in the spirit of Anki's CollectionOp): the work runs, and a
failure takes the one route, `errors.report_failure` — a plain message for the person's or the machine's
problem, a crash dialog with details for a bug. Slow work goes to `background.run_in_background` instead, which
reports the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtWidgets import QWidget

from desktop_app.core.domain.errors import EditConflictError
from desktop_app.ui.kit.errors import report_failure

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    ok: bool
    value: T | None = None


def attempt(
    parent: QWidget | None, work: Callable[[], T], settle: Callable[[EditConflictError], bool] | None = None
) -> Outcome[T]:
    """Run `work` now; on failure the person is told (once) and the outcome is not ok. `settle`: how a save
    that found someone else's meanwhile is settled with the person (ok when it then saved or took theirs)."""
    try:
        return Outcome(True, work())
    except EditConflictError as conflict:
        if settle is None:
            report_failure(parent, conflict)
            return Outcome(False)
        return Outcome(settle(conflict))
    except Exception as exc:  # every failure goes the one route; none is swallowed
        report_failure(parent, exc)
        return Outcome(False)
