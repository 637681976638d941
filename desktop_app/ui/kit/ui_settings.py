"""The UI settings of one data directory (window geometry, column widths, the idle lock's minutes): they live
beside the data, so each data directory has its own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

IDLE_MINUTES_KEY = "security/idle_lock_minutes"
DEFAULT_IDLE_MINUTES = 10


def ui_settings(data_dir: Path) -> QSettings:
    return QSettings(str(Path(data_dir) / "界面设置.ini"), QSettings.Format.IniFormat)


def idle_minutes(settings: QSettings) -> int:
    value = settings.value(IDLE_MINUTES_KEY, DEFAULT_IDLE_MINUTES)
    try:
        return max(int(str(value)), 0)
    except ValueError:
        return DEFAULT_IDLE_MINUTES
