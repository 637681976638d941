"""What every view needs: the open database and the UI settings of this data directory."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings

from desktop_app.core.database import Database


@dataclass
class AppContext:
    db: Database
    settings: QSettings

    @classmethod
    def open(cls, db: Database) -> AppContext:
        # Window geometry and column widths live beside the data, so each data
        # directory (and each test) has its own.
        settings = QSettings(str(db.data_dir / "界面设置.ini"), QSettings.Format.IniFormat)
        return cls(db, settings)
