"""What is kept beside the records: settings (`app_settings`), the community's profile and the first 操作记录
entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop_app.core.storage.plain import Reader, moment

# Which copy this is (see services.mode): a community's, or a street office's.
COMMUNITY, STREET = "community", "street"
MODE_LABELS = {COMMUNITY: "居民区", STREET: "街道"}
MODE_KEY = "app_mode"
NORMS_CONFIRMED_KEY = "norms_confirmed"  # the day 设置 first saved the 三会一课 norms (开始使用)
SETTING = "SELECT value FROM app_settings WHERE key = :key"
# The community's profile: the one row of community_profile a login sees (its community's; on a single PC, the
# only one).
COMMUNITY_NAME = "SELECT community_name FROM community_profile ORDER BY id LIMIT 1"
# What 开始使用 asks of the profile: the community, its Party organisation and its secretary named.
PROFILE_FILLED = "SELECT community_name, org_name, secretary_name FROM community_profile ORDER BY id LIMIT 1"
FIRST_AUDIT_ENTRY = "SELECT MIN(at) FROM audit_log"


def setting(reader: Reader, key: str) -> Any:
    """A value kept in `app_settings` (see storage.app_settings), or None."""
    return reader.json_value(reader.scalar(SETTING, {"key": key}))


def read_mode(reader: Reader) -> str:
    value = setting(reader, MODE_KEY)
    return value if value in MODE_LABELS else COMMUNITY


def read_community_name(reader: Reader) -> str:
    return reader.scalar(COMMUNITY_NAME) or ""


def profile_filled(reader: Reader) -> bool:
    """The community, its Party organisation and its secretary are all named."""
    found = reader.rows(PROFILE_FILLED)
    return bool(found) and all(found[0])


def first_audit_day(reader: Reader) -> dt.date | None:
    """The day of the first 操作记录 entry, if any."""
    first = reader.scalar(FIRST_AUDIT_ENTRY)
    return moment(first).date() if first is not None else None
