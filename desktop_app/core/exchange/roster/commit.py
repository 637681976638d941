"""The previewed rows written all or nothing, after a backup, with one 操作记录 entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.errors import AppError
from desktop_app.core.domain.fields import empty_value
from desktop_app.core.domain.pinyin import initials, sort_key
from desktop_app.core.exchange.roster.kinds import ImportKind
from desktop_app.core.exchange.roster.preview import ImportPreview
from desktop_app.core.storage import audit
from desktop_app.core.storage.backup import make_backup
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import PartyGroup


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    skipped: int
    backup: Path | None


def commit_import(db: Database, preview: ImportPreview) -> ImportResult:
    """Write the previewed rows, all or nothing, after backing up the database."""
    if not preview.ok:
        raise AppError(f"有 {preview.count('error')} 行存在错误，未导入任何数据。请修改表格后重新导入。")
    backup = make_backup(db.file_path, db.backup_dir, "before-import", key=db.key) if db.file_path else None
    kind = preview.kind
    now = dt.datetime.now()
    with db.session() as session:
        group_ids: dict[str, int] = {}
        if kind.in_party_groups:
            group_ids = dict(session.execute(select(PartyGroup.name, PartyGroup.id)).all())
            for name in preview.new_groups:
                group = PartyGroup(name=name, notes="")
                session.add(group)
                session.flush()
                group_ids[name] = group.id
        inserts, updates = [], []
        for row in preview.rows:
            if row.status not in ("new", "update"):
                continue
            values = dict(row.values)
            if kind.in_party_groups and "group_name" in values:
                group_name = values.pop("group_name")
                values["group_id"] = group_ids.get(group_name) if group_name else None
            values["name_initials"] = initials(values["name"])
            values["name_pinyin"] = sort_key(values["name"])
            values["updated_at"] = now
            if row.status == "new":
                inserts.append(_with_defaults(kind, values))
            else:
                updates.append({"id": row.existing_id, **values})
        first_new = (session.scalar(select(func.max(kind.model.id))) or 0) + 1
        if inserts:
            session.execute(insert(kind.model), inserts)
        if updates:
            # Each row updated from the version it has now (read in this transaction): a person's save racing
            # the import makes it fail whole (ConcurrentWriteError), never silently undone.
            versions = dict(
                session.execute(
                    select(kind.model.id, kind.model.version).where(kind.model.id.in_([u["id"] for u in updates]))
                ).all()
            )
            who = audit.actor(session)
            session.execute(
                update(kind.model), [{**u, "version": versions[u["id"]], "updated_by": who} for u in updates]
            )
        touched = select(kind.model.id).where(
            (kind.model.id >= first_new) | kind.model.id.in_([u["id"] for u in updates])
        )
        kind.service(db).refresh_search_text(session, list(session.scalars(touched)))
        audit.record(
            session,
            AuditAction.IMPORT,
            kind.record_kind,
            None,
            f"导入{kind.label}名册",
            details=f"文件：{preview.path.name}；新增 {len(inserts)}，更新 {len(updates)}，"
            f"跳过 {preview.count('skip')}",
        )
    return ImportResult(len(inserts), len(updates), preview.count("skip"), backup)


def _with_defaults(kind: ImportKind, values: dict[str, Any]) -> dict[str, Any]:
    """Columns the file did not have get the form's empty values, and the kind's defaults."""
    complete = {spec.name: empty_value(spec) for spec in kind.fields}
    complete.update(values)
    for name, default in kind.defaults.items():
        complete[name] = complete.get(name) or default
    complete.pop("group_name", None)
    return complete
