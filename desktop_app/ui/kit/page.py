"""What the main window asks of each of its pages, and nothing more: the window needs no `hasattr`."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from desktop_app.core.storage.changes import Change
    from desktop_app.ui.kit.context import AppContext
    from desktop_app.ui.shell.main_window import MainWindow
    from desktop_app.ui.views.record_view import RecordView


REFRESH_AFTER_MS = 300  # another client's burst of saves read once: pages follow within a second


class Page(QWidget):
    """One page of the main window (a record list, the 工作台, 设置, …)."""

    # The page's count changed (records listed, reminders due); the status bar shows it for record lists.
    count_changed = Signal(int)
    title: ClassVar[str] = ""
    # A restore replaces the data under every page; the page that ran it shows its report, the others are rebuilt.
    survives_restore: ClassVar[bool] = False
    # The tables the page shows; a commit writing one of them makes the page stale (None: any table).
    reads: ClassVar[frozenset[str] | None] = None
    # What the page shows depends on today (reminders, the running quarter): read afresh whenever shown.
    reads_the_clock: ClassVar[bool] = False

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.stale = False
        context.changes.changed.connect(self._data_changed)
        # Another client's saves come in bursts: a shown page reads afresh once after the burst.
        self._refresh_soon = QTimer(self)
        self._refresh_soon.setSingleShot(True)
        self._refresh_soon.setInterval(REFRESH_AFTER_MS)
        self._refresh_soon.timeout.connect(self._refresh_if_shown)

    def _data_changed(self, change: Change) -> None:
        if self.reads is None or change.touches(self.reads):
            self.stale = True
            # This program's own saves refresh the page that made them; another client's would go unseen.
            if change.elsewhere and self.isVisible():
                self._refresh_soon.start()

    def _refresh_if_shown(self) -> None:
        if self.isVisible():
            self.show_fresh()

    def show_fresh(self) -> None:
        """The page is shown again: read afresh if the data it shows changed since (on any page)."""
        if self.stale or self.reads_the_clock:
            self.stale = False
            self.reload()

    def reload(self) -> None:
        """Read the data afresh (it changed behind the page, e.g. the start-up backup or a restore)."""
        raise NotImplementedError(type(self).__name__)

    def record_count(self) -> int | None:
        """How many records the page lists, for the status bar (-1 while a long list is still being read);
        None for a page that lists none."""
        return None

    def save_state(self) -> None:
        """Keep what the person arranged (column widths) in the window's settings; most pages arrange nothing."""

    def connect_window(self, window: MainWindow) -> None:
        """Connect the page's own signals to the window (设置's saved profile, the 工作台's reminders); most
        pages have none."""

    def show_part(self, part: str) -> None:
        """Bring one part of the page into view (a 工作台 item led here, e.g. 设置's 居民区信息); most pages are
        one part."""

    def unsaved(self) -> list[str]:
        """Edits on the page not yet saved, in the person's words (see ui.kit.unsaved); most pages keep none."""
        return []

    def save_unsaved(self) -> bool:
        return True

    def discard_unsaved(self) -> None:
        """The window is closing without saving: nothing to do for most pages."""

    def record_list(self, tab: int | None) -> RecordView | None:
        """The list of records this page shows (on `tab`, for a page with tabs); None if it shows none."""
        return None
