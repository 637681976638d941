"""操作记录: every create, update, delete, restore, import and export, written in the same transaction."""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from desktop_app.core.domain.enums import AuditAction, LabeledEnum
from desktop_app.core.domain.fields import Field, labels_of
from desktop_app.core.storage.database import Database, like_pattern
from desktop_app.core.storage.models import AuditEntry


@lru_cache(maxsize=1)
def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some service accounts: record that honestly
        return "未知用户"


SESSION_USER_KEY = "shuji_session_user"


def actor(session: Session) -> str:
    """Who is saving: the login on a server (each person signs in with their own account), else the OS user.
    A server connection's login is asked once and kept with the connection (its `info`, which lives as long as
    the connection does): the login of a connection never changes, and a save saves a round trip."""
    if session.get_bind().dialect.name == "postgresql":
        info = session.connection().info
        if SESSION_USER_KEY not in info:
            info[SESSION_USER_KEY] = str(session.scalar(select(literal_column("session_user"))))
        return str(info[SESSION_USER_KEY])
    return os_user()


RETIRED_LABEL = {"retired": "已停用"}
HIDDEN_FILLED = "（已填写）"
HIDDEN_CHANGED = "（已修改）"


@dataclass(frozen=True)
class Sensitive:
    """A value the log may say was filled or changed, but never quote (e.g. a leave reason naming an illness)."""

    value: Any


def as_text(value: Any) -> str | None:
    """How a value is kept in the log: plain text a person can read."""
    if value is None or value == "" or value == [] or value == ():
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, LabeledEnum):
        return value.label
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(text for text in (as_text(item) for item in value) if text)
    if isinstance(value, dict):
        return "；".join(f"{key}：{as_text(item)}" for key, item in value.items() if as_text(item))
    return str(value)


def diff(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
    hidden: Collection[str] = (),
) -> dict[str, list[str | None]]:
    """The fields whose value changed, as {label: [old, new]} in the words the screen uses.

    Fields in `hidden` (phones, ID numbers, illness) are compared, but only that they were filled
    or changed is written: the log must not become a second copy of sensitive personal data.
    """
    labels = labels or {}
    changes = {}
    for name in dict.fromkeys([*old, *new]):
        old_value, new_value = old.get(name), new.get(name)
        secret = name in hidden or isinstance(old_value, Sensitive) or isinstance(new_value, Sensitive)
        before, after = as_text(_unwrap(old_value)), as_text(_unwrap(new_value))
        if before == after:
            continue
        if secret:
            before = HIDDEN_FILLED if before else None
            after = (HIDDEN_CHANGED if before else HIDDEN_FILLED) if after else None
        changes[labels.get(name, name)] = [before, after]
    return changes


def _unwrap(value: Any) -> Any:
    return value.value if isinstance(value, Sensitive) else value


def field_diff(specs: Sequence[Field], old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[str | None]]:
    """`diff` with the Chinese labels of form fields, hiding the sensitive ones."""
    return diff(old, new, labels_of(specs), {spec.name for spec in specs if spec.is_sensitive})


def record(
    session: Session,
    action: AuditAction,
    kind: str = "",
    record_id: int | None = None,
    summary: str = "",
    changes: Mapping[str, list[str | None]] | None = None,
    details: str = "",
    unmasked: bool = False,
    at: dt.datetime | None = None,
) -> None:
    """`at`: when it happened, if earlier than now (an event noted while the data was closed)."""
    session.add(
        AuditEntry(
            at=at or dt.datetime.now(),
            os_user=os_user(),
            action=action,
            record_kind=kind,
            record_id=record_id,
            summary=summary[:200],
            changes=dict(changes or {}),
            details=details,
            unmasked=unmasked,
        )
    )


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    os_user: str
    action: AuditAction
    record_kind: str
    record_id: int | None
    summary: str
    changes: dict[str, list[str | None]]
    details: str
    unmasked: bool


class AuditService:
    LIMIT = 2000

    def __init__(self, db: Database) -> None:
        self.db = db

    def entries(
        self,
        action: str | None = None,
        kind: str | None = None,
        text: str = "",
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        record_id: int | None = None,
        limit: int = LIMIT,
    ) -> list[AuditRow]:
        """Newest first."""
        stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if action:
            stmt = stmt.where(AuditEntry.action == AuditAction(action))
        if kind:
            stmt = stmt.where(AuditEntry.record_kind == kind)
        if record_id is not None:
            stmt = stmt.where(AuditEntry.record_id == record_id)
        if text.strip():
            pattern = like_pattern(text.strip())
            stmt = stmt.where(
                AuditEntry.summary.like(pattern, escape="\\") | AuditEntry.details.like(pattern, escape="\\")
            )
        if date_from:
            stmt = stmt.where(AuditEntry.at >= dt.datetime.combine(date_from, dt.time.min))
        if date_to:
            stmt = stmt.where(AuditEntry.at <= dt.datetime.combine(date_to, dt.time.max))
        with self.db.read_session() as session:
            return [
                AuditRow(
                    e.id,
                    e.at,
                    e.os_user,
                    e.action,
                    e.record_kind,
                    e.record_id,
                    e.summary,
                    e.changes or {},
                    e.details,
                    e.unmasked,
                )
                for e in session.scalars(stmt)
            ]

    def log(
        self,
        action: AuditAction,
        summary: str,
        details: str = "",
        kind: str = "",
        unmasked: bool = False,
    ) -> None:
        """An entry on its own (an export, a restore), in its own short transaction."""
        with self.db.session() as session:
            record(session, action, kind, None, summary, None, details, unmasked)
