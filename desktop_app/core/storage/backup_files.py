"""Backups are files named by their time and reason (`20261201-093000-daily.sqlite3`): listed without
opening any of them, and without the database layer (the 工作台 asks for the newest at start-up)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

OFFSITE_BACKUP_KEY = "offsite_backup"  # app_settings: the last backup written elsewhere (a USB stick): time, folder

_NAME = re.compile(r"^(\d{8}-\d{6})(?:-\d+)?-(.+)\.sqlite3$")


def backup_name(reason: str, when: dt.datetime | None = None) -> str:
    when = when or dt.datetime.now()
    return f"{when:%Y%m%d-%H%M%S}-{reason}.sqlite3"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: dt.datetime
    reason: str
    size: int

    @property
    def reason_label(self) -> str:
        labels = {
            "daily": "每日自动备份",
            "manual": "手动备份",
            "before-import": "导入前",
            "before-restore": "恢复前",
            "before-purge": "永久删除前",
        }
        if self.reason.startswith("before-migration"):
            return "升级数据结构前"
        return labels.get(self.reason, self.reason)


def list_backups(backup_dir: Path) -> list[BackupInfo]:
    """Backups in the folder, newest first (names carry their time)."""
    found = []
    if backup_dir.is_dir():
        for path in backup_dir.glob("*.sqlite3"):
            match = _NAME.match(path.name)
            if match:
                created = dt.datetime.strptime(match[1], "%Y%m%d-%H%M%S")
                found.append(BackupInfo(path, created, match[2], path.stat().st_size))
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)
