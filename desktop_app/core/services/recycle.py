"""回收站: deleted records of every kind, restorable or removable for good."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.core.services.registry import record_services
from desktop_app.core.storage.backup import make_backup
from desktop_app.core.storage.database import Database


@dataclass(frozen=True)
class DeletedEntry:
    kind_key: str
    kind_label: str
    record_id: int
    title: str
    deleted_at: dt.datetime


class RecycleBinService:
    def __init__(self, db: Database) -> None:
        self.services = record_services(db)

    def entries(self) -> list[DeletedEntry]:
        entries = [
            DeletedEntry(key, service.kind_label, record_id, title or "", deleted_at)
            for key, service in self.services.items()
            for record_id, title, deleted_at in service.deleted_entries()
        ]
        return sorted(entries, key=lambda e: e.deleted_at, reverse=True)

    def restore(self, entries: list[DeletedEntry]) -> int:
        return sum(self.services[kind].restore(ids) for kind, ids in _ids_by_kind(entries).items())

    def purge(self, entries: list[DeletedEntry]) -> int:
        """Delete for good, after a backup: the one deletion the 回收站 cannot undo."""
        if not entries:
            return 0
        db = next(iter(self.services.values())).db
        if db.file_path is not None:
            make_backup(db.file_path, db.backup_dir, "before-purge", key=db.key)
        return sum(self.services[kind].purge(ids) for kind, ids in _ids_by_kind(entries).items())


def _ids_by_kind(entries: list[DeletedEntry]) -> dict[str, list[int]]:
    """One statement per record kind, not one transaction per record."""
    grouped: dict[str, list[int]] = {}
    for entry in entries:
        grouped.setdefault(entry.kind_key, []).append(entry.record_id)
    return grouped
