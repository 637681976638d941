"""Settings kept with the data (`app_settings`: JSON values by key), read and written inside a session."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from desktop_app.core.storage.models import AppSetting


def stored(session: Session, key: str) -> Any:
    """The value kept under `key`, or None."""
    row = session.get(AppSetting, key)
    return row.value if row is not None else None


def store(session: Session, key: str, value: Any) -> Any:
    """Keep `value` under `key`; returns what was there before (None if nothing)."""
    row = session.get(AppSetting, key)
    if row is None:
        session.add(AppSetting(key=key, value=value))
        return None
    before, row.value = row.value, value
    return before
