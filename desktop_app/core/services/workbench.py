"""工作台: everything the first page shows, read in one go through the driver alone (core.reads): at
start-up on a connection of its own, on a worker, before the ORM has loaded; afterwards on the open database.
The reminders, the two 12-month charts, this year's care, the latest records, the 流动党员 away with their last
contact, and a new program's first steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.domain.mobile import Away
from desktop_app.core.reads.care import CareTotal, care_totals, newest_care
from desktop_app.core.reads.duties import read_away_now
from desktop_app.core.reads.meetings import newest_meetings
from desktop_app.core.reads.settings import COMMUNITY, read_community_name, read_mode
from desktop_app.core.reads.visits import newest_visits
from desktop_app.core.services.first_steps import FirstStep, first_steps
from desktop_app.core.services.reminders import Reminder, compute_reminders
from desktop_app.core.services.statistics import MonthlySeries, care_per_month, meetings_per_month
from desktop_app.core.storage.paths import BACKUP_DIRNAME
from desktop_app.core.storage.plain import Reader, head_revision, open_reader, schema_revision

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
    care_totals: list[CareTotal]  # this year's
    latest: list[str]  # the newest care actions, meetings and visits, as lines
    first_steps: list[FirstStep]  # 开始使用, for a program not yet in use (else empty)
    away: list[Away]  # the 流动党员 away today, with their last contact


def workbench_data(reader: Reader, today: dt.date, backup_dir: Path | None) -> WorkbenchData:
    """`backup_dir`: where the automatic backups go, for the reminder to back up (None: a server database)."""
    return WorkbenchData(
        today=today,
        community=read_community_name(reader),
        reminders=compute_reminders(reader, today, backup_dir),
        meetings=meetings_per_month(reader, today),
        care=care_per_month(reader, today),
        care_totals=care_totals(reader, dt.date(today.year, 1, 1), today),
        latest=latest_lines(reader),
        first_steps=first_steps(reader),
        away=read_away_now(reader, today),
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
        if schema_revision(reader) != head_revision():
            return None
        if read_mode(reader) != COMMUNITY or not read_community_name(reader):
            return None
        return workbench_data(reader, today or dt.date.today(), data_file.parent / BACKUP_DIRNAME)
    finally:
        reader.connection.close()


def latest_lines(reader: Reader) -> list[str]:
    """The newest care actions, meetings and visits, as their lists order them (newest first)."""
    return [
        *(f"【关怀】{c.date:%Y-%m-%d} {c.category} {c.recipient}" for c in newest_care(reader, LATEST)),
        *(f"【三会一课】{m.date:%Y-%m-%d} {m.kind.label}：{m.topic}" for m in newest_meetings(reader, LATEST)),
        *(f"【学习考察】{v.date:%Y-%m-%d} {v.destination}" for v in newest_visits(reader, LATEST)),
    ]
