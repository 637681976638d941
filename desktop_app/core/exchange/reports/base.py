"""What every report shares: the base class, the export options and result, reading rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.reports.workbook import CellKind, ReportBook
from desktop_app.core.storage.database import Database

C = CellKind
Progress = Callable[[int, int], None]
BATCH = 2000


@dataclass(frozen=True)
class ExportOptions:
    unmasked: bool = False  # full phone and ID numbers
    include_illness: bool = False  # the illness detail of 重病帮困 records
    password: str | None = field(default=None, repr=False)  # 加密导出: the file opens only with it


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


class Report:
    kind: str
    title: str
    model: Any  # the records counted and listed

    def __init__(self, db: Database) -> None:
        self.db = db

    def _where(self, period: Period) -> list[Any]:
        """Live records dated inside the period."""
        return [live(self.model), self.model.date.between(period.start, period.end)]

    def count(self, period: Period) -> int:
        with self.db.read_session() as session:
            return session.scalar(select(func.count(self.model.id)).where(*self._where(period))) or 0

    def heading(self, community: str, period: Period) -> str:
        """The title over each sheet."""
        return f"{community}{period.label}{self.title}"

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        raise NotImplementedError


def live(model: Any) -> Any:
    return model.deleted_at.is_(None)


def all_rows(session: Any, stmt: Any) -> list[Any]:
    """Every row at once: SQLite releases its read lock when the statement is done, so a writer is not
    kept waiting while the workbook is written (see Database.fetch_stored)."""
    return list(session.execute(stmt))
