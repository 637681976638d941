"""What every view needs: the open database and the UI settings of this data directory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

from desktop_app.core.storage.database import Database

if TYPE_CHECKING:
    from desktop_app.core.services.workbench import WorkbenchData


@dataclass
class AppContext:
    db: Database
    settings: QSettings
    # The 工作台's data as the start-up worker read it, used once by the first paint.
    workbench: WorkbenchData | None = None

    @classmethod
    def open(cls, db: Database) -> AppContext:
        from desktop_app.ui.main_window import ui_settings

        return cls(db, ui_settings(db.data_dir))
