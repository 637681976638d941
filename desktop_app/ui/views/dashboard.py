"""工作台: the first page (see ui.views.workbench_panel for what it shows)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop_app.core.services.workbench import workbench_of
from desktop_app.ui.kit.page import Page
from desktop_app.ui.views.workbench_panel import WorkbenchPanel

if TYPE_CHECKING:
    from desktop_app.ui.kit.context import AppContext
    from desktop_app.ui.shell.main_window import MainWindow


class DashboardView(Page):
    title = "工作台"
    reads_the_clock = True  # what is due depends on today, and 备份过旧 on the backup files

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        # At start-up the window showed the 工作台 while the data opened: that panel is taken over as it is
        # (the person may already be in its list); otherwise the data is read here.
        shown, context.first_look = context.first_look, None
        self.panel = shown or WorkbenchPanel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel)
        self.setFocusProxy(self.panel)
        if shown is None:
            self.reload()
        else:
            shown.show()  # a widget given a new parent is hidden until shown again

    def connect_window(self, window: MainWindow) -> None:
        self.panel.reminder_activated.connect(window.follow_reminder)

    def reload(self, today: dt.date | None = None) -> None:
        data = workbench_of(self.context.db, today)
        self.panel.show_data(data)
        self.count_changed.emit(len(data.reminders))
