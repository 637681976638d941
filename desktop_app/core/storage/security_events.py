"""Key events that happen while the data is closed (a password set before the database exists, wrong
passwords at the door or on the lock screen, 锁定, a recovery key used), kept until the 操作记录 can be
written, then written there.

The database is encrypted: before the right password is typed nothing can be written into it, and while
the window is locked nothing is. So the events wait in a small file beside `keys.json`
(`security-events.json`: what happened and when, and how many wrong passwords; never anything typed),
and `record_pending` writes them into 操作记录 at the next successful opening or unlocking, then removes
the file. Failing to note an event never stops anybody from opening their data: it is logged instead.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_app.core.storage.database import Database

log = logging.getLogger("desktop_app")

PENDING_FILENAME = "security-events.json"
# The 操作记录's words for the events noted here (tests/unit/test_audit_coverage.py lists every audited action).
PASSWORD_SET = "设置密码"
PASSWORD_CHANGED = "修改密码"
RECOVERY_KEY_USED = "用恢复密钥打开"
LOCKED = "锁定"
UNLOCKED = "解锁"
WRONG_PASSWORDS = "密码错误"


def pending_path(data_dir: Path) -> Path:
    return Path(data_dir) / PENDING_FILENAME


def _read(data_dir: Path) -> dict[str, Any]:
    try:
        content = json.loads(pending_path(data_dir).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("pending security events unreadable, started anew: %s", exc)
        return {}
    return content if isinstance(content, dict) else {}


def _write(data_dir: Path, content: dict[str, Any]) -> None:
    path = pending_path(data_dir)
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as handle:
            json.dump(content, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(path)
    except OSError as exc:  # a read-only folder: the event is lost from 操作记录, never the data from its owner
        log.warning("could not note a security event in %s: %s", path, exc)


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="microseconds")  # events in a second keep their order


def note(data_dir: Path, what: str, details: str = "") -> None:
    """An event to write into 操作记录 at the next opening (`what` is one of the words above)."""
    content = _read(data_dir)
    content.setdefault("events", []).append({"at": _now(), "what": what, "details": details})
    _write(data_dir, content)


def note_wrong_password(data_dir: Path) -> None:
    """One more wrong password or recovery key: counted, with the first and last time; nothing typed is kept."""
    content = _read(data_dir)
    failures = content.setdefault("failures", {"count": 0, "first": _now()})
    failures["count"] = int(failures.get("count", 0)) + 1
    failures["last"] = _now()
    _write(data_dir, content)


def record_pending(db: Database) -> int:
    """Write what waited into 操作记录, in the order it happened; the number of lines written. A database that
    cannot be written now (read-only, full) keeps them waiting, and opens all the same."""
    from sqlalchemy.exc import SQLAlchemyError

    from desktop_app.core.domain.errors import AppError

    try:
        return _record_pending(db)
    except (AppError, SQLAlchemyError, OSError) as exc:
        log.warning("pending security events not yet recorded: %s", exc)
        return 0


def _record_pending(db: Database) -> int:
    from desktop_app.core.domain.enums import AuditAction
    from desktop_app.core.storage import audit

    if db.file_path is None:
        return 0  # a server's data: its own log
    content = _read(db.data_dir)
    if not content:
        return 0
    lines: list[tuple[dt.datetime, str, str]] = [
        (dt.datetime.fromisoformat(event["at"]), event["what"], event.get("details", ""))
        for event in content.get("events", [])
    ]
    failures = content.get("failures")
    if failures and failures.get("count"):
        first, last = dt.datetime.fromisoformat(failures["first"]), dt.datetime.fromisoformat(failures["last"])
        when = f"{first:%Y-%m-%d %H:%M}"
        if f"{last:%Y-%m-%d %H:%M}" != when:
            when += f"至{last:%Y-%m-%d %H:%M}"
        lines.append(
            (
                last,  # in its place among the events: after the lock, before the unlock
                f"{WRONG_PASSWORDS} {failures['count']} 次",
                f"{when}，启动或解锁时输入的密码或恢复密钥不正确（输入的内容不记录）",
            )
        )
    lines.sort(key=lambda line: line[0])
    with db.session() as session:
        for at, what, details in lines:
            audit.record(session, AuditAction.SECURITY, "security", None, what, details=details, at=at)
    pending_path(db.data_dir).unlink(missing_ok=True)
    return len(lines)
