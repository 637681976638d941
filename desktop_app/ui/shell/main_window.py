"""The main window: a left navigation list and one view per record kind.

The window shows before the database is opened: nothing heavy (SQLAlchemy, the
views and their services) is imported until `attach` is called with the data. The
工作台 may be shown before that (`show_first_look`), read through the driver alone;
from then on the navigation and the reminders take clicks, and what is asked before
the data is open is done as soon as it is.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSettings, QSize
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QLabel, QListWidget, QMainWindow, QSplitter, QStackedWidget, QWidget

from desktop_app import APP_NAME
from desktop_app.ui.kit.page import Page
from desktop_app.ui.kit.screen import fit_to_screen
from desktop_app.ui.kit.text_size import DEFAULT_POINTS
from desktop_app.ui.shell import close_requests

if TYPE_CHECKING:
    from PySide6.QtGui import QSessionManager

    from desktop_app.core.services.reminders import Target
    from desktop_app.core.services.workbench import WorkbenchData
    from desktop_app.ui.kit.context import AppContext
    from desktop_app.ui.kit.unsaved import UnsavedWork
    from desktop_app.ui.shell.lock import IdleLock
    from desktop_app.ui.views.record_view import RecordView
    from desktop_app.ui.views.workbench_panel import WorkbenchPanel

# (title, module under desktop_app.ui.views, class): imported when the view is first shown.
VIEWS = (
    ("工作台", "dashboard", "DashboardView"),
    ("关怀记录", "records", "CareView"),
    ("学习考察", "records", "VisitView"),
    ("三会一课", "records", "MeetingView"),
    ("居民", "records", "ResidentView"),
    ("党员", "records", "MemberView"),
    ("党费", "dues", "DuesView"),
    ("书记工作室", "studio", "StudioView"),
    ("报表导出", "reports", "ReportsView"),
    ("回收站", "recycle", "RecycleView"),
    # The yearly duties after the first ten: the pages people had keep their Ctrl+1 … Ctrl+0.
    ("谈心谈话", "records", "TalkView"),
    ("谈话覆盖", "talk_coverage", "TalkCoverageView"),
    ("民主评议", "reviews", "ReviewView"),
    ("六个月提醒", "lapses", "LapsesView"),
    ("关系转接", "transfers", "TransfersView"),  # 组织关系转接: the navigation holds five characters at 特大
    ("流动党员", "records", "MobileMemberView"),
    ("操作记录", "audit", "AuditView"),
    ("设置", "settings", "SettingsView"),
)
# A street office's copy: the packages received, and what they add up to.
STREET_VIEWS = (
    ("汇总工作台", "street", "StreetDashboardView"),
    ("数据包", "street", "PackagesView"),
    ("汇总报表", "street", "StreetReportsView"),
    ("操作记录", "audit", "AuditView"),
    ("设置", "settings", "SettingsView"),
)
# A 社工's (shared mode): residents and care, 学习考察, the studio; the server grants them no other table.
WORKER_VIEWS = tuple(view for view in VIEWS if view[0] in {"关怀记录", "学习考察", "居民", "书记工作室", "设置"})
MODE_KEY = "app/mode"  # kept beside the data too, so the window shows the right pages before the data opens
Pages = tuple[tuple[str, str, str], ...]


# Record kind -> the view listing it, and its tab when the view has tabs (书记工作室).
RECORD_VIEWS = {
    "care": ("CareView", None),
    "visit": ("VisitView", None),
    "meeting": ("MeetingView", None),
    "resident": ("ResidentView", None),
    "member": ("MemberView", None),
    "talk": ("TalkView", None),
    "mobile_member": ("MobileMemberView", None),
    "studio_activity": ("StudioView", 0),
    "studio_problem": ("StudioView", 1),
}


def view_class(index: int, pages: Pages = VIEWS) -> type[Page]:
    _, module, name = pages[index]
    page: type[Page] = getattr(importlib.import_module(f"desktop_app.ui.views.{module}"), name)
    return page


def view_classes(pages: Pages = VIEWS) -> list[type[Page]]:
    return [view_class(index, pages) for index in range(len(pages))]


def view_index(cls: type, pages: Pages = VIEWS) -> int:
    return next(index for index, (_, _, name) in enumerate(pages) if name == cls.__name__)


def pages_for(mode: object, whole_community: bool = True) -> Pages:
    if mode == "street":
        return STREET_VIEWS
    return VIEWS if whole_community else WORKER_VIEWS


class Navigation(QListWidget):
    """The pages' list. Its rows' padding shrinks as the 字号 grows (7 px at 标准, 2 at 特大), so that every page, 设置
    among them, stays in sight on a 1366×768 screen at every 字号."""

    def __init__(self) -> None:
        super().__init__()
        self.padding = ""
        self._fit_padding()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_padding()

    def _fit_padding(self) -> None:
        vertical = max(2, 7 - (self.font().pointSize() - DEFAULT_POINTS))
        padding = f"QListWidget::item {{ padding: {vertical}px 12px; }}"
        if padding != self.padding:  # a style sheet set again would tell of a font change again
            self.padding = padding
            self.setStyleSheet(padding)


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        close_requests.install()  # the window's close still asks when a modal form is open over it
        self.context: AppContext | None = None
        if settings is None:
            assert context is not None, "settings come from the context when none are given"
            settings = context.settings
        self.settings = settings
        self.setWindowTitle(APP_NAME)
        self.nav = Navigation()
        self.nav.setMinimumWidth(120)
        self.nav.setMaximumWidth(220)
        self.stack = QStackedWidget()
        self._built: dict[int, Page] = {}
        self.pages: Pages = ()
        self.set_pages(pages_for(settings.value(MODE_KEY)))
        for number in range(1, 11):  # Ctrl+1 … Ctrl+9, Ctrl+0
            jump = QShortcut(QKeySequence(f"Ctrl+{number % 10}"), self)
            jump.activated.connect(lambda n=number - 1: self.jump_to(n))
        self.nav.setEnabled(False)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        self.idle_lock: IdleLock | None = None
        self.first_look: WorkbenchPanel | None = None
        self._waiting: Callable[[], None] | None = None  # the last thing asked before the data was open
        self._settled = False  # unsaved work already asked about (the session is ending)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        self.help_menu = help_menu
        guide = help_menu.addAction("使用说明", self.show_guide)
        # The same one sequence as setShortcut, whose overloads make PySide build Qt's namespace (~250 enum
        # classes, 15-20 ms) before the window is on screen; the list's setter does not.
        guide.setShortcuts([QKeySequence(QKeySequence.StandardKey.HelpContents)])
        help_menu.addAction("关于书记工作台", self.show_about)
        self.count_label = QLabel("正在打开数据…")
        self.statusBar().addWidget(self.count_label)
        self._restore_layout()
        if context is not None:
            self.attach(context)

    def set_pages(self, pages: Pages) -> None:
        """The navigation's pages; each is built when first shown, so start-up reads only the first."""
        if pages == self.pages:
            return
        self.pages = pages
        self.nav.blockSignals(True)
        self.nav.clear()
        for view in self._built.values():
            view.deleteLater()
        self._built.clear()
        while (widget := self.stack.widget(0)) is not None:
            self.stack.removeWidget(widget)
            widget.deleteLater()
        for title, _, _ in pages:
            self.nav.addItem(title)
            self.stack.addWidget(QWidget())
        self.nav.blockSignals(False)

    def jump_to(self, row: int) -> None:
        if row < len(self.pages):
            self.nav.setCurrentRow(row)

    def protect(self, lock: IdleLock) -> None:
        """Encrypted data: the window locks after a while without input, and at once with 锁定 (Ctrl+L)."""
        from PySide6.QtCore import Qt

        self.idle_lock = lock
        menu = self.menuBar().addMenu("安全(&S)")
        self.menuBar().insertMenu(self.help_menu.menuAction(), menu)
        lock_action = menu.addAction("锁定", lambda: lock.lock())
        lock_action.setShortcut(QKeySequence("Ctrl+L"))
        lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

    def show_first_look(self, data: WorkbenchData) -> None:
        """The 工作台 of a community's data, read before the data is open: shown at once, and clickable."""
        from desktop_app.ui.views.workbench_panel import WorkbenchPanel

        self.set_pages(VIEWS)
        panel = WorkbenchPanel()
        panel.show_data(data)
        panel.reminder_activated.connect(self.follow_reminder)
        self._replace_page(0, panel)
        self.stack.setCurrentIndex(0)
        self.first_look = panel
        self.setWindowTitle(f"{APP_NAME} — {data.community}")
        self._take_clicks()
        panel.setFocus()

    def _take_clicks(self) -> None:
        if not self.nav.isEnabled():
            self.nav.blockSignals(True)  # the 工作台 is already shown
            self.nav.setCurrentRow(0)
            self.nav.blockSignals(False)
            self.nav.setEnabled(True)
            self.nav.currentRowChanged.connect(self.show_view)

    def _wait_for_data(self, action: Callable[[], None]) -> None:
        """Asked before the data is open: done when it is (attach); a later click replaces an earlier one."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        if self._waiting is None:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self._waiting = action
        self.count_label.setText("正在打开数据…")

    def _replace_page(self, index: int, page: QWidget) -> QWidget:
        """Put `page` in the stack at `index`; returns the widget that was there."""
        before = self.stack.widget(index)
        assert before is not None  # every page has a widget, built or a placeholder
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(before)
        return before

    def attach(self, context: AppContext) -> None:
        """The data is open: fill in the window and show the 工作台 (or what was asked while it opened)."""
        from desktop_app.core.services.mode import ModeService

        self.context = context
        db = context.db
        mode = ModeService(db).get()
        self.settings.setValue(MODE_KEY, mode)
        first_look, self.first_look = self.first_look, None
        if first_look is not None:
            first_look.reminder_activated.disconnect(self.follow_reminder)
            self._replace_page(0, QWidget())
            if pages_for(mode, db.reach.whole_community) == VIEWS:
                context.first_look = first_look  # the 工作台 page takes it over, as the person left it
            else:
                first_look.deleteLater()
        self.set_pages(pages_for(mode, db.reach.whole_community))
        location = db.file_path or db.engine.url.render_as_string(hide_password=True)
        # Imported here, once the window is shown: PySide6 builds the ~120 enums of Qt's namespace on
        # its first import (~20 ms), and nothing before the window needs them.
        from PySide6.QtCore import Qt

        file_label = QLabel(f"数据文件：{location}")
        file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(file_label)
        self.count_label.setText("")
        self.update_title()
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            from PySide6.QtWidgets import QApplication

            QApplication.restoreOverrideCursor()
            if context.first_look is not None:
                self.view(0)
            waiting()
        elif self.nav.isEnabled() and self.nav.currentRow() == 0:
            self.show_view(0)
        else:
            self._take_clicks()
            self.show_view(0)

    def view(self, index: int) -> Page:
        if index not in self._built:
            assert self.context is not None  # pages are built once the data is open
            view = view_class(index, self.pages)(self.context)
            view.count_changed.connect(self._show_count)
            view.connect_window(self)
            self._replace_page(index, view).deleteLater()
            self._built[index] = view
        return self._built[index]

    def data_replaced(self) -> None:
        """A backup was restored: every other view reads the data afresh when next shown."""
        for index in [i for i, page in self._built.items() if not page.survives_restore]:
            self._built.pop(index)
            self._replace_page(index, QWidget()).deleteLater()
        self.update_title()

    def record_view(self, kind_key: str) -> RecordView:
        """Show the list that holds records of this kind, and return it."""
        view_name, tab = RECORD_VIEWS[kind_key]
        index = next(i for i, (_, _, cls) in enumerate(self.pages) if cls == view_name)
        self.nav.setCurrentRow(index)
        listing = self.view(index).record_list(tab)
        if listing is None:
            raise KeyError(kind_key)
        return listing

    def follow_reminder(self, target: Target) -> None:
        """A reminder was clicked: open its record, or a new record's form already filled in."""
        if self.context is None:
            self._wait_for_data(lambda: self.follow_reminder(target))
            return
        from desktop_app.core.services import first_steps

        pages = {  # reminders and first steps that lead to a page (and a part of it), not a record
            "backup": "SettingsView",
            "dues": "DuesView",
            "talk_coverage": "TalkCoverageView",
            first_steps.PROFILE: "SettingsView",
            first_steps.NORMS: "SettingsView",
            first_steps.BACKUP_PLACE: "SettingsView",
            first_steps.MEMBERS: "MemberView",
            first_steps.RESIDENTS: "ResidentView",
        }
        if target.kind in pages:
            index = next(i for i, (_, _, cls) in enumerate(self.pages) if cls == pages[target.kind])
            self.nav.setCurrentRow(index)
            self.view(index).show_part(target.kind)
            return
        view = self.record_view(target.kind)
        if target.record_id is not None:
            view.open_record(target.record_id)
        else:
            view.create_record(dict(target.initial))

    def show_view(self, index: int) -> None:
        if index < 0:
            return
        if self.context is None:
            self._wait_for_data(lambda: self.show_view(self.nav.currentRow()))
            return
        already_built = index in self._built
        view = self.view(index)
        self.stack.setCurrentIndex(index)
        # The cursor follows to the page (its search box), so typing searches at once; not while the
        # person walks the navigation list with the arrow keys.
        if not self.nav.hasFocus():
            view.setFocus()
        if already_built:
            view.show_fresh()
        self._show_count(view.record_count() or 0)

    def reload_current(self) -> None:
        """Read the shown page afresh (something changed behind it, e.g. the start-up backup)."""
        self.view(self.stack.currentIndex()).reload()

    def _show_count(self, count: int) -> None:
        view = self.view(self.stack.currentIndex())
        if view.record_count() is not None and count >= 0:
            self.count_label.setText(f"{view.title}：共 {count} 条")
        else:
            self.count_label.setText("")

    def update_title(self) -> None:
        from desktop_app.core.services.profile import ProfileService

        assert self.context is not None
        community = ProfileService(self.context.db).get().community_name
        self.setWindowTitle(f"{APP_NAME} — {community}" if community else APP_NAME)

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is None:
            fit_to_screen(self, QSize(1280, 800))
        else:
            self.restoreGeometry(geometry)
        splitter = self.settings.value("window/splitter")
        if splitter is None:
            self.splitter.setSizes([150, 1130])
        else:
            self.splitter.restoreState(splitter)

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        for view in self._built.values():
            view.save_state()
        self.settings.sync()

    def show_guide(self) -> None:
        from desktop_app.ui.dialogs.guide import GuideDialog

        GuideDialog(self).exec()

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from desktop_app import __version__

        QMessageBox.about(
            self,
            "关于书记工作台",
            f"<h3>{APP_NAME}</h3><p>版本 {__version__}</p>"
            "<p>居民区党总支书记的关怀记录、学习考察、三会一课和书记工作室台账，数据保存在本机。</p>",
        )

    def unsaved_work(self) -> list[UnsavedWork]:
        """Open forms and dialogs first (they are on top), then the pages: what closing would lose."""
        if self.context is None:
            return []  # before the data is open nothing can have been typed
        from PySide6.QtWidgets import QDialog

        from desktop_app.ui.kit.unsaved import UnsavedWork

        dialogs: list[UnsavedWork] = [
            dialog for dialog in self.findChildren(QDialog) if dialog.isVisible() and isinstance(dialog, UnsavedWork)
        ]
        return dialogs + list(self._built.values())

    def may_close(self) -> bool:
        """Ask 保存 / 不保存 / 取消 about everything unsaved, while the window is still on screen."""
        from desktop_app.ui.kit import unsaved

        return unsaved.settle(self, self.unsaved_work(), self._show_work)

    def _show_work(self, work: UnsavedWork) -> None:
        """A save failed while closing: bring its page forward (a form is on screen already)."""
        for index, page in self._built.items():
            if page is work:
                self.nav.setCurrentRow(index)

    def ask_before_session_ends(self, manager: QSessionManager) -> None:
        """Logging out or shutting down: the same question; 取消 cancels the logout where it can."""
        if manager.allowsInteraction():
            if self.may_close():
                self._settled = True  # the windows' close that follows does not ask again
            else:
                manager.cancel()
            manager.release()

    def showEvent(self, event: QShowEvent) -> None:
        self._settled = False
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._settled and not self.may_close():
            event.ignore()
            return
        self._settled = True  # asked once: a second close of the closed window does not ask again
        self.save_layout()
        super().closeEvent(event)
