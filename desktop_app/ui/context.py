"""What every view needs: the open database and the UI settings of this data directory."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings

from desktop_app.core.storage.database import Database


@dataclass
class AppContext:
    db: Database
    settings: QSettings

    @classmethod
    def open(cls, db: Database) -> AppContext:
        from desktop_app.ui.main_window import ui_settings

        return cls(db, ui_settings(db.data_dir))
