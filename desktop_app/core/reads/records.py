"""Whether a kind of record holds any live row (开始使用: a roster imported, the day's work recorded)."""

from __future__ import annotations

from desktop_app.core.reads.rules import live
from desktop_app.core.storage.plain import Reader

ROSTER_TABLES = ("members", "residents")
WORK_TABLES = ("care_actions", "meetings", "study_visits", "studio_activities", "studio_problems")
ANY_LIVE = {table: f"SELECT 1 FROM {table} WHERE {live(table)} LIMIT 1" for table in (*ROSTER_TABLES, *WORK_TABLES)}


def any_live(reader: Reader, table: str) -> bool:
    """`table` (one of ROSTER_TABLES and WORK_TABLES) holds a row not in the 回收站."""
    return reader.scalar(ANY_LIVE[table]) is not None
