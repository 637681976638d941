"""The main window: a left navigation list and one view per record kind."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QListWidget, QMainWindow, QSplitter, QStackedWidget, QWidget

from desktop_app import APP_NAME
from desktop_app.core.services.profile import ProfileService
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.audit import AuditView
from desktop_app.ui.views.dashboard import DashboardView
from desktop_app.ui.views.record_view import RecordView
from desktop_app.ui.views.records import CareView, MeetingView, MemberView, ResidentView, VisitView
from desktop_app.ui.views.recycle import RecycleView
from desktop_app.ui.views.reports import ReportsView
from desktop_app.ui.views.settings import SettingsView

VIEW_CLASSES = (
    DashboardView,
    CareView,
    VisitView,
    MeetingView,
    ResidentView,
    MemberView,
    ReportsView,
    RecycleView,
    AuditView,
    SettingsView,
)


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.nav = QListWidget()
        self.nav.setMinimumWidth(120)
        self.nav.setMaximumWidth(220)
        self.nav.setStyleSheet("QListWidget { font-size: 11pt; } QListWidget::item { padding: 7px 12px; }")
        self.stack = QStackedWidget()
        self.views: list[QWidget] = []
        self._built: dict[int, QWidget] = {}
        for number, view_class in enumerate(VIEW_CLASSES, start=1):
            self.nav.addItem(view_class.title)
            # Views are built when first shown, so start-up reads only the 工作台.
            placeholder = QWidget()
            self.stack.addWidget(placeholder)
            QShortcut(
                QKeySequence(f"Ctrl+{number % 10}"), self, activated=lambda n=number - 1: self.nav.setCurrentRow(n)
            )
        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)

        self.count_label = QLabel()
        self.statusBar().addWidget(self.count_label)
        location = context.db.file_path or context.db.engine.url.render_as_string(hide_password=True)
        file_label = QLabel(f"数据文件：{location}")
        file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(file_label)

        self.nav.currentRowChanged.connect(self.show_view)
        self.update_title()
        self._restore_layout()
        self.nav.setCurrentRow(0)

    def view(self, index: int) -> QWidget:
        if index not in self._built:
            view = VIEW_CLASSES[index](self.context)
            view.count_changed.connect(self._show_count)
            if isinstance(view, SettingsView):
                view.profile_saved.connect(self.update_title)
                view.data_replaced.connect(self.data_replaced)
            old = self.stack.widget(index)
            self.stack.insertWidget(index, view)
            self.stack.removeWidget(old)
            old.deleteLater()
            self._built[index] = view
        return self._built[index]

    def data_replaced(self) -> None:
        """A backup was restored: every other view reads the data afresh when next shown."""
        for index in [i for i in self._built if not isinstance(self._built[i], SettingsView)]:
            view = self._built.pop(index)
            placeholder = QWidget()
            self.stack.insertWidget(index, placeholder)
            self.stack.removeWidget(view)
            view.deleteLater()
        self.update_title()

    def view_of(self, view_class: type) -> QWidget:
        return self.view(VIEW_CLASSES.index(view_class))

    def show_view(self, index: int) -> None:
        if index < 0:
            return
        already_built = index in self._built
        view = self.view(index)
        self.stack.setCurrentIndex(index)
        if already_built:
            view.reload()  # type: ignore[attr-defined]
        else:
            self._show_count(view.record_count() if hasattr(view, "record_count") else -1)

    def _show_count(self, count: int) -> None:
        view = self.stack.currentWidget()
        if isinstance(view, RecordView | RecycleView | AuditView) and count >= 0:
            self.count_label.setText(f"{view.title}：共 {count} 条")
        else:
            self.count_label.setText("")

    def update_title(self) -> None:
        community = ProfileService(self.context.db).get().community_name
        self.setWindowTitle(f"{APP_NAME} — {community}" if community else APP_NAME)

    def _restore_layout(self) -> None:
        settings = self.context.settings
        geometry = settings.value("window/geometry")
        if geometry is None:
            self.resize(1280, 800)
        else:
            self.restoreGeometry(geometry)
        splitter = settings.value("window/splitter")
        if splitter is None:
            self.splitter.setSizes([150, 1130])
        else:
            self.splitter.restoreState(splitter)

    def save_layout(self) -> None:
        settings = self.context.settings
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/splitter", self.splitter.saveState())
        for view in self._built.values():
            if isinstance(view, RecordView):
                view.save_state()
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        super().closeEvent(event)
