"""The list view every record kind shares: toolbar, search-as-you-type, filters, sortable table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.columns import ColumnKind
from desktop_app.core.services.base import ListQuery
from desktop_app.ui.forms.base import RecordForm, S
from desktop_app.ui.kit import prompts
from desktop_app.ui.kit.column_widths import DATE_SAMPLE, ColumnWidths, Room
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.kit.errors import report_failure
from desktop_app.ui.kit.list_focus import focus_row
from desktop_app.ui.kit.operations import attempt
from desktop_app.ui.kit.page import Page
from desktop_app.ui.kit.signals import on_click
from desktop_app.ui.kit.table_model import RecordTableModel, RecordTableView
from desktop_app.ui.views.filters import QueryFilter

SEARCH_DELAY_MS = 250
MOST_CHARS = 20  # a column sized to its contents is at most this many Chinese characters wide
WIDE_CHARS = 8  # a wide column (a topic, a place) shows at least this many, the list scrolling sideways if need be


class RecordView(Page, Generic[S]):
    """Subclasses set the title, service, form and filters of one record kind."""

    form_class: type[RecordForm[S]] = RecordForm
    search_hint = "搜索"
    personal_data = False
    has_attachments = True
    # Columns that share the spare width (long texts such as 主题); otherwise the last column takes it.
    wide_columns: tuple[str, ...] = ()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = self.make_service()
        self.model = RecordTableModel(self.service, self)
        self.model.fill_failed.connect(lambda exc: report_failure(self, exc), Qt.ConnectionType.QueuedConnection)
        self.model.completed.connect(self._list_complete)
        self._select_when_complete: int | None = None
        self.filters = self.make_filters()

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_action = self._action("新增", QKeySequence.StandardKey.New, self.create_record)
        self.edit_action = self._action("编辑", None, self.edit_selected)
        self.delete_action = self._action("删除", QKeySequence.StandardKey.Delete, self.delete_selected)
        self.delete_action.setVisible(context.db.reach.may_bin)  # a 社工's records go to the 回收站 by a 书记
        if self.has_attachments:
            self.attach_action = self._action("附件", None, self.show_attachments)
        self.add_toolbar_actions()

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.search_hint)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        find.triggered.connect(self.focus_search)
        self.addAction(find)
        # Switching to this view puts the cursor in its search box; Down goes on into the list.
        self.setFocusProxy(self.search)
        self.search.installEventFilter(self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(self._search_timer.start)

        filter_row = QHBoxLayout()
        filter_row.addWidget(self.search, 2)
        for widget in self.filters:
            widget.changed.connect(self.reload)
            filter_row.addWidget(widget)
        if self.personal_data and context.db.reach.whole_community:  # a 社工's server sends them masked
            self.unmask = QCheckBox("显示完整个人信息")
            self.unmask.setToolTip("默认隐藏电话和身份证号的中间几位")
            self.unmask.toggled.connect(self.model.set_unmasked)
            filter_row.addWidget(self.unmask)
        filter_row.addStretch(1)

        self.table = RecordTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(*self.model.default_sort())
        self.table.horizontalHeader().setSortIndicatorShown(True)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(not self.wide_columns)
        self.table.horizontalHeader().setSectionsMovable(True)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        # `activated` is Enter and double-click alike; connecting doubleClicked as well opened the form twice.
        self.table.activated.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        # Right-click (or the keyboard's menu key) offers every toolbar action.
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.addActions([action for action in self.toolbar.actions() if not action.isSeparator()])

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(filter_row)
        layout.addWidget(self.table, 1)
        self.column_widths = ColumnWidths(
            self.table,
            [
                Room(
                    samples=(DATE_SAMPLE,) if spec.kind is ColumnKind.DATE else tuple(m.label for m in spec.enum or ()),
                    chars=WIDE_CHARS if spec.key in self.wide_columns else 4,
                )
                for spec in self.service.columns()
            ],
            contents=True,
            at_most_chars=MOST_CHARS,
            wide=[column for column, spec in enumerate(self.service.columns()) if spec.key in self.wide_columns],
        )
        remembered = self._restore_columns()
        if remembered:
            self.column_widths.keep_room()
        # Enabling sorting sorts by the indicator (the default or the remembered one): that is the first load.
        self.table.setSortingEnabled(True)
        self.reload()
        if not remembered:
            self._fit_columns()

    # -- what subclasses describe -----------------------------------------------------
    def make_service(self) -> S:
        raise NotImplementedError

    def make_filters(self) -> list[QueryFilter]:
        return []

    def add_toolbar_actions(self) -> None:
        """Kinds with more to do (党小组…, 导入…, 打印…) add their actions here."""

    # -- building helpers -----------------------------------------------------------
    def _action(
        self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | None, slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            # Window-wide, wherever the cursor is: Qt keeps shortcuts of hidden views (other pages, the
            # other tab) inactive, and a text field keeps the keys it edits with (Delete) for itself.
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setToolTip(f"{text}（{QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)}）")
        on_click(action.triggered, slot)
        self.toolbar.addAction(action)
        self.addAction(action)
        return action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Down and self.model.rowCount():
                self.table.setFocus(Qt.FocusReason.TabFocusReason)
                if not self.table.selectionModel().hasSelection():
                    self.table.selectRow(0)
                return True
        return super().eventFilter(watched, event)

    # -- loading ----------------------------------------------------------------------
    def current_query(self) -> ListQuery:
        query = ListQuery(
            text=self.search.text(), sort_key=self.model.query.sort_key, descending=self.model.query.descending
        )
        for widget in self.filters:
            widget.apply(query)
        return query

    def reload(self) -> None:
        self._search_timer.stop()
        self._select_when_complete = None
        if not attempt(self, lambda: self.model.set_query(self.current_query())).ok:
            return
        if not self.model.complete:
            self.count_changed.emit(-1)  # counted once the rest of a long list is in
        self._update_actions()

    def _list_complete(self, count: int) -> None:
        self.count_changed.emit(count)
        if self._select_when_complete is not None:
            self.select_record(self._select_when_complete)

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.record_id(row) for row in rows]

    def select_record(self, record_id: int, take_focus: bool = False) -> None:
        """The record's row selected; with `take_focus` the list takes the cursor too (after a save)."""
        if take_focus:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        row = self.model.row_of(record_id)
        if row is None:
            # Further down a long list than its first rows: selected when the rest is in.
            self._select_when_complete = None if self.model.complete else record_id
            return
        focus_row(self.table, row, 0, take_focus)

    def _update_actions(self) -> None:
        count = len(self.table.selectionModel().selectedRows())
        self.edit_action.setEnabled(count == 1)
        self.delete_action.setEnabled(count > 0)
        if self.has_attachments:
            self.attach_action.setEnabled(count == 1)

    # -- actions --------------------------------------------------------------------
    def open_form(self, record_id: int | None = None, initial: dict | None = None) -> RecordForm:
        return self.form_class(self.service, record_id, self, initial=initial)

    def create_record(self, initial: dict | None = None) -> None:
        form = self.open_form(None, initial)
        if form.exec() and form.saved_id:
            self.show_saved(form.saved_id)

    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.open_record(ids[0])

    def open_record(self, record_id: int) -> None:
        """Open a record's form (from the list, or from a 工作台 reminder)."""
        self.select_record(record_id)
        form = self.open_form(record_id)
        if form.exec():
            self.show_saved(record_id)

    def show_saved(self, record_id: int) -> None:
        """After a save, on every page: the list read afresh, the cursor back in it on the saved row."""
        self.reload()
        self.select_record(record_id, take_focus=True)

    def ask(self, question: str) -> bool:
        """A yes/no question; tests replace it."""
        return prompts.ask(self, question)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        noun = self.service.kind_label
        if not self.ask(f"确定删除选中的 {len(ids)} 条{noun}吗？\n删除后可以在“回收站”中恢复。"):
            return
        if attempt(self, lambda: self.service.soft_delete(ids)).ok:
            self.reload()

    def show_attachments(self) -> None:
        from desktop_app.ui.dialogs.attachments import AttachmentsDialog

        ids = self.selected_ids()
        if len(ids) == 1:
            AttachmentsDialog(self.context.db, self.service.kind_key, ids[0], self).exec()

    # -- remembered layout ------------------------------------------------------------
    def _settings_key(self) -> str:
        return f"views/{self.service.kind_key}/header"

    def _restore_columns(self) -> bool:
        state = self.context.settings.value(self._settings_key())
        return state is not None and self.table.horizontalHeader().restoreState(state)

    def _fit_columns(self) -> None:
        """Widths from the header and the first rows (not all 50,000), within sensible bounds; dates and
        choices are as wide as their longest value even while the list is still empty."""
        self.column_widths.fit()

    def save_state(self) -> None:
        self.context.settings.setValue(self._settings_key(), self.table.horizontalHeader().saveState())

    def show_status(self, message: str) -> None:
        """A result worth a line in the main window's status bar (a list can also stand alone, in tests)."""
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, 10000)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def record_count(self) -> int:
        """-1 while the rest of a long list is being read."""
        return self.model.rowCount(QModelIndex()) if self.model.complete else -1

    def record_list(self, tab: int | None) -> RecordView[Any]:
        return self
