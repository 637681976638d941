"""What every view needs: the open database and the UI settings of this data directory."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

from desktop_app.core.storage.database import Database
from desktop_app.ui.kit.changes import DataChanges

if TYPE_CHECKING:
    from desktop_app.ui.views.workbench_panel import WorkbenchPanel


@dataclass
class AppContext:
    db: Database
    settings: QSettings
    # The 工作台 the window showed while the data opened: the 工作台 page takes it over.
    first_look: WorkbenchPanel | None = None
    # What each commit changed, as a signal: pages mark themselves stale and read afresh when next shown.
    changes: DataChanges = field(init=False)

    def __post_init__(self) -> None:
        self.changes = DataChanges(self.db.changes)
        self.db.listen_for_others()  # on a server: other clients' saves reach the pages too

    @classmethod
    def open(cls, db: Database) -> AppContext:
        from desktop_app.ui.kit.ui_settings import ui_settings

        return cls(db, ui_settings(db.data_dir))
