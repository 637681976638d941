"""工作台: everything the first page shows, read in one go through the driver alone (see storage.plain): at
start-up on a connection of its own, on a worker, before the ORM has loaded; afterwards on the open database.
The reminders, the two 12-month charts, this year's care, the latest records, and a new program's first steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.domain.enums import MeetingKind
from desktop_app.core.services.first_steps import FirstStep, first_steps
from desktop_app.core.services.plain_reads import COMMUNITY, read_care_totals, read_community_name, read_mode
from desktop_app.core.services.reminders import Reminder, compute_reminders
from desktop_app.core.services.statistics import MonthlySeries, care_per_month, meetings_per_month
from desktop_app.core.storage.paths import BACKUP_DIRNAME
from desktop_app.core.storage.plain import Reader, day, head_revision, open_reader

if TYPE_CHECKING:
    from desktop_app.core.storage.database import Database

LATEST = 3  # of each kind


@dataclass(frozen=True)
class WorkbenchData:
    today: dt.date
    community: str
    reminders: list[Reminder]
    meetings: MonthlySeries
    care: MonthlySeries
    care_totals: list[tuple[str, int, Decimal]]  # this year: category, count, amount
    latest: list[str]  # the newest care actions, meetings and visits, as lines
    first_steps: list[FirstStep]  # 开始使用, for a program not yet in use (else empty)


def workbench_data(reader: Reader, today: dt.date, backup_dir: Path | None) -> WorkbenchData:
    """`backup_dir`: where the automatic backups go, for the reminder to back up (None: a server database)."""
    return WorkbenchData(
        today=today,
        community=read_community_name(reader),
        reminders=compute_reminders(reader, today, backup_dir),
        meetings=meetings_per_month(reader, today),
        care=care_per_month(reader, today),
        care_totals=read_care_totals(reader, dt.date(today.year, 1, 1), today),
        latest=latest_lines(reader),
        first_steps=first_steps(reader),
    )


def workbench_of(db: Database, today: dt.date | None = None) -> WorkbenchData:
    """The 工作台 read on the open database."""
    with db.plain() as reader:
        return workbench_data(reader, today or dt.date.today(), db.backup_dir if db.file_path is not None else None)


def first_look(data_file: Path, key: bytes | None, today: dt.date | None = None) -> WorkbenchData | None:
    """The 工作台 read straight from the data file, before the database layer has loaded (a look, read-only:
    opening the data properly follows). None when the first page must wait for that: data of an earlier
    version to migrate, a copy not yet set up, a street office's copy. A file that cannot be read this way
    (a wrong key, damage) raises, and the proper opening says what is wrong."""
    reader = open_reader(data_file, key)
    try:
        if reader.scalar("SELECT version_num FROM alembic_version") != head_revision():
            return None
        if read_mode(reader) != COMMUNITY or not read_community_name(reader):
            return None
        return workbench_data(reader, today or dt.date.today(), data_file.parent / BACKUP_DIRNAME)
    finally:
        reader.connection.close()


def latest_lines(reader: Reader) -> list[str]:
    """The newest care actions, meetings and visits, as their lists order them (newest first)."""
    newest = f"WHERE {{0}}.deleted_at IS NULL ORDER BY {{0}}.date DESC, {{0}}.id DESC LIMIT {LATEST}"
    care = reader.rows(
        "SELECT care_actions.date, care_categories.name, care_actions.recipient_name FROM care_actions"
        " JOIN care_categories ON care_categories.id = care_actions.category_id " + newest.format("care_actions")
    )
    meetings = reader.rows("SELECT date, kind, topic FROM meetings " + newest.format("meetings"))
    visits = reader.rows("SELECT date, destination FROM study_visits " + newest.format("study_visits"))
    return [
        *(f"【关怀】{day(date):%Y-%m-%d} {category} {name}" for date, category, name in care),
        *(f"【三会一课】{day(date):%Y-%m-%d} {MeetingKind(kind).label}：{topic}" for date, kind, topic in meetings),
        *(f"【学习考察】{day(date):%Y-%m-%d} {destination}" for date, destination in visits),
    ]
