"""The main window: a left navigation list and one view per record kind.

The window shows before the database is opened: nothing heavy (SQLAlchemy, the
views and their services) is imported until `attach` is called with the data.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QListWidget, QMainWindow, QSplitter, QStackedWidget, QWidget

from desktop_app import APP_NAME
from desktop_app.ui.screen import fit_to_screen

if TYPE_CHECKING:
    from desktop_app.ui.context import AppContext

# (title, module under desktop_app.ui.views, class): imported when the view is first shown.
VIEWS = (
    ("工作台", "dashboard", "DashboardView"),
    ("关怀记录", "records", "CareView"),
    ("学习考察", "records", "VisitView"),
    ("三会一课", "records", "MeetingView"),
    ("居民", "records", "ResidentView"),
    ("党员", "records", "MemberView"),
    ("书记工作室", "studio", "StudioView"),
    ("报表导出", "reports", "ReportsView"),
    ("回收站", "recycle", "RecycleView"),
    ("操作记录", "audit", "AuditView"),
    ("设置", "settings", "SettingsView"),
)


# Record kind -> the view listing it, and its tab when the view has tabs (书记工作室).
RECORD_VIEWS = {
    "care": ("CareView", None),
    "visit": ("VisitView", None),
    "meeting": ("MeetingView", None),
    "resident": ("ResidentView", None),
    "member": ("MemberView", None),
    "studio_activity": ("StudioView", 0),
    "studio_problem": ("StudioView", 1),
}


def view_class(index: int) -> type:
    _, module, name = VIEWS[index]
    return getattr(importlib.import_module(f"desktop_app.ui.views.{module}"), name)


def view_classes() -> list[type]:
    return [view_class(index) for index in range(len(VIEWS))]


def view_index(cls: type) -> int:
    return next(index for index, (_, _, name) in enumerate(VIEWS) if name == cls.__name__)


def ui_settings(data_dir: Path) -> QSettings:
    """Window geometry and column widths live beside the data, so each data directory has its own."""
    return QSettings(str(Path(data_dir) / "界面设置.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.context: AppContext | None = None
        self.settings = settings if settings is not None else context.settings  # type: ignore[union-attr]
        self.setWindowTitle(APP_NAME)
        self.nav = QListWidget()
        self.nav.setMinimumWidth(120)
        self.nav.setMaximumWidth(220)
        self.nav.setStyleSheet("QListWidget::item { padding: 7px 12px; }")
        self.stack = QStackedWidget()
        self._built: dict[int, QWidget] = {}
        for number, (title, _, _) in enumerate(VIEWS, start=1):
            self.nav.addItem(title)
            # Views are built when first shown, so start-up reads only the 工作台.
            self.stack.addWidget(QWidget())
            if number <= 10:  # Ctrl+1 … Ctrl+9, Ctrl+0
                QShortcut(
                    QKeySequence(f"Ctrl+{number % 10}"), self, activated=lambda n=number - 1: self.nav.setCurrentRow(n)
                )
        self.nav.setEnabled(False)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        guide = help_menu.addAction("使用说明", self.show_guide)
        guide.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        help_menu.addAction("关于书记工作台", self.show_about)
        self.count_label = QLabel("正在打开数据…")
        self.statusBar().addWidget(self.count_label)
        self._restore_layout()
        if context is not None:
            self.attach(context)

    def attach(self, context: AppContext) -> None:
        """The data is open: fill in the window and show the 工作台."""
        self.context = context
        db = context.db
        location = db.file_path or db.engine.url.render_as_string(hide_password=True)
        # Imported here, once the window is shown: PySide6 builds the ~120 enums of Qt's namespace on
        # its first import (~20 ms), and nothing before the window needs them.
        from PySide6.QtCore import Qt

        file_label = QLabel(f"数据文件：{location}")
        file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(file_label)
        self.count_label.setText("")
        self.nav.setEnabled(True)
        self.nav.currentRowChanged.connect(self.show_view)
        self.update_title()
        if self.nav.currentRow() == 0:
            self.show_view(0)
        else:
            self.nav.setCurrentRow(0)

    def view(self, index: int) -> QWidget:
        if index not in self._built:
            view = view_class(index)(self.context)
            view.count_changed.connect(self._show_count)
            if hasattr(view, "profile_saved"):  # 设置
                view.profile_saved.connect(self.update_title)
                view.data_replaced.connect(self.data_replaced)
            if hasattr(view, "reminder_activated"):  # 工作台
                view.reminder_activated.connect(self.follow_reminder)
            old = self.stack.widget(index)
            self.stack.insertWidget(index, view)
            self.stack.removeWidget(old)
            old.deleteLater()
            self._built[index] = view
        return self._built[index]

    def data_replaced(self) -> None:
        """A backup was restored: every other view reads the data afresh when next shown."""
        for index in [i for i in self._built if not hasattr(self._built[i], "profile_saved")]:
            view = self._built.pop(index)
            self.stack.insertWidget(index, QWidget())
            self.stack.removeWidget(view)
            view.deleteLater()
        self.update_title()

    def record_view(self, kind_key: str) -> QWidget:
        """Show the list that holds records of this kind, and return it (a RecordView)."""
        for name, (view_name, tab) in RECORD_VIEWS.items():
            if name == kind_key:
                index = next(i for i, (_, _, cls) in enumerate(VIEWS) if cls == view_name)
                self.nav.setCurrentRow(index)
                view = self.view(index)
                if tab is not None:
                    view.tabs.setCurrentIndex(tab)  # type: ignore[attr-defined]
                    return view.current()  # type: ignore[attr-defined]
                return view
        raise KeyError(kind_key)

    def follow_reminder(self, target: object) -> None:
        """A reminder was clicked: open its record, or a new record's form already filled in."""
        kind = target.kind  # type: ignore[attr-defined]
        if kind == "backup":
            self.nav.setCurrentRow(next(i for i, (_, _, cls) in enumerate(VIEWS) if cls == "SettingsView"))
            return
        view = self.record_view(kind)
        if target.record_id is not None:  # type: ignore[attr-defined]
            view.open_record(target.record_id)  # type: ignore[attr-defined]
        else:
            view.create_record(dict(target.initial))  # type: ignore[attr-defined]

    def show_view(self, index: int) -> None:
        if index < 0 or self.context is None:
            return
        already_built = index in self._built
        view = self.view(index)
        self.stack.setCurrentIndex(index)
        # The cursor follows to the page (its search box), so typing searches at once; not while the
        # person walks the navigation list with the arrow keys.
        if not self.nav.hasFocus():
            view.setFocus()
        if already_built:
            view.reload()  # type: ignore[attr-defined]
        else:
            self._show_count(view.record_count() if hasattr(view, "record_count") else -1)

    def reload_current(self) -> None:
        """Read the shown page afresh (something changed behind it, e.g. the start-up backup)."""
        self.stack.currentWidget().reload()  # type: ignore[attr-defined]

    def _show_count(self, count: int) -> None:
        view = self.stack.currentWidget()
        if hasattr(view, "record_count") and count >= 0:
            self.count_label.setText(f"{view.title}：共 {count} 条")  # type: ignore[attr-defined]
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
            if hasattr(view, "save_state"):
                view.save_state()
        self.settings.sync()

    def show_guide(self) -> None:
        from desktop_app.ui.guide import GuideDialog

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

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        super().closeEvent(event)
