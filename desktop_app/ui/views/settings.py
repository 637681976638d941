"""设置: community profile, care categories, 三会一课 norms, and where the data lives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.dues import ROUNDINGS
from desktop_app.core.domain.enums import MeetingKind, NormPeriod
from desktop_app.core.domain.errors import EditConflictError
from desktop_app.core.services.care import CareCategoryService
from desktop_app.core.services.check import check_database
from desktop_app.core.services.dues import DuesService
from desktop_app.core.services.meetings import NormService
from desktop_app.core.services.mode import STREET, ModeService
from desktop_app.core.services.reminder_settings import StartDateService, ThresholdService
from desktop_app.core.services.reminders import THRESHOLD_LABELS
from desktop_app.core.storage import backup as backup_mod
from desktop_app.ui.dialogs.edit_conflict import ConflictChoice, settle_conflict
from desktop_app.ui.kit import file_dialogs, prompts
from desktop_app.ui.kit.background import BackgroundTask, run_in_background
from desktop_app.ui.kit.combo_box import ComboBox
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.kit.editors import DateEditor
from desktop_app.ui.kit.file_dialogs import FileKind
from desktop_app.ui.kit.list_focus import focus_row
from desktop_app.ui.kit.operations import attempt
from desktop_app.ui.kit.page import Page
from desktop_app.ui.kit.profile_fields import ProfileFields
from desktop_app.ui.kit.signals import on_click
from desktop_app.ui.kit.text_size import SIZES, save_points, saved_points
from desktop_app.ui.kit.ui_settings import IDLE_MINUTES_KEY, idle_minutes
from desktop_app.ui.views.server_box import ServerBox
from desktop_app.ui.views.street_boxes import StreetKeyBox, StreetOfficeBox

if TYPE_CHECKING:
    from desktop_app.ui.shell.main_window import MainWindow


class ProfileBox(QGroupBox):
    def __init__(self, context: AppContext, street: bool = False) -> None:
        super().__init__("街道信息" if street else "居民区信息")
        layout = QVBoxLayout(self)
        self.fields = ProfileFields(context.db)
        self.fields.use_for_street(street)
        self.edits, self.error = self.fields.edits, self.fields.error
        layout.addWidget(self.fields)

    def state(self) -> object:
        return {name: edit.text() for name, edit in self.edits.items()}

    def reload(self) -> None:
        self.fields.reload()

    def save(self) -> bool:
        try:
            return self.fields.save()
        except EditConflictError as conflict:
            return settled(self, conflict, self.fields.reload, self._save_over)

    def _save_over(self, conflict: EditConflictError) -> bool:
        self.fields.version = conflict.version  # the person has seen theirs, and keeps what they typed
        return self.save()


def settled(
    box: QWidget,
    conflict: EditConflictError,
    take_theirs: Callable[[], None],
    keep_mine: Callable[[EditConflictError], bool],
) -> bool:
    """Someone else saved a setting while this person edited it: they choose, in the dialog records use; by
    default (back) what they typed stays on the page, unsaved."""
    choice = settle_conflict(conflict, box)
    if choice is ConflictChoice.MINE:
        return keep_mine(conflict)
    if choice is ConflictChoice.THEIRS:
        take_theirs()
        return True
    return False


class CategoryBox(QGroupBox):
    HEADERS = ("类别", "默认物品", "默认金额（元）", "已用次数", "状态")
    USAGE_COLUMN = 3

    def __init__(self, context: AppContext) -> None:
        super().__init__("关怀类别")
        self.service = CareCategoryService(context.db)
        self._counting = 0  # the latest count of usage asked for: an earlier one's result is not shown
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(220)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        for text, slot in (
            ("新增类别", self.add),
            ("修改", self.edit),
            ("上移", lambda: self.move_category(-1)),
            ("下移", lambda: self.move_category(1)),
            ("停用/启用", self.toggle_retired),
        ):
            button = QPushButton(text)
            on_click(button.clicked, slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        note = QLabel("类别不能删除：停用后新记录中不再出现，历史记录保持不变。")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        # 已用次数 counts every record: on a large street's data (half a million) longer than the page may take to
        # open. The categories are shown at once and their counts filled in when counted, on a worker.
        self.categories = self.service.list()
        self._count_usage()
        self.table.setRowCount(len(self.categories))
        for row, category in enumerate(self.categories):
            amount = f"{category.default_amount:,.2f}" if category.default_amount is not None else ""
            cells = (
                category.name,
                category.default_item,
                amount,
                "",
                "已停用" if category.retired else "使用中",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            if category.id == select_id:
                focus_row(self.table, row)  # after a change: back in the list, on the category

    def _count_usage(self) -> None:
        self._counting += 1
        counting = self._counting
        run_in_background(
            label="正在统计关怀类别的已用次数…",
            work=self.service.usage,
            on_done=lambda usage: self._show_usage(counting, usage),
            parent=self,
        )

    def _show_usage(self, counting: int, usage: dict[int, int]) -> None:
        if counting != self._counting:  # read again meanwhile: that count is the one to show
            return
        for row, category in enumerate(self.categories):
            item = self.table.item(row, self.USAGE_COLUMN)
            if item is not None:
                item.setText(str(usage.get(category.id, 0)))

    def current(self):
        row = self.table.currentRow()
        return self.categories[row] if 0 <= row < len(self.categories) else None

    def _ask_values(self, title: str, name: str = "", item: str = "", amount: str = "") -> dict | None:
        name, ok = QInputDialog.getText(self, title, "类别名称：", text=name)
        if not ok:
            return None
        item, ok = QInputDialog.getText(self, title, "默认物品：", text=item)
        if not ok:
            return None
        amount, ok = QInputDialog.getText(self, title, "默认金额（元）：", text=amount)
        return {"name": name, "default_item": item, "default_amount": amount} if ok else None

    def _run(self, action: Callable[[], object], select_id: int | None = None) -> None:
        """Run a change; the list is read afresh with the changed category (or the one `action` made) selected."""
        done = attempt(self, action)
        if done.ok:
            chosen = select_id if select_id is not None else done.value  # create returns the new id
            self.reload(chosen if isinstance(chosen, int) else None)

    def add(self) -> None:
        values = self._ask_values("新增关怀类别")
        if values is not None:
            self._run(lambda: self.service.create(values))

    def edit(self) -> None:
        category = self.current()
        if category is None:
            return
        amount = str(category.default_amount) if category.default_amount is not None else ""
        values = self._ask_values("修改关怀类别", category.name, category.default_item, amount)
        if values is not None:
            values["sensitive"] = category.sensitive
            self._update(category.id, values, category.version)

    def _update(self, category_id: int, values: dict[str, object], version: int) -> bool:
        """Save the category's new values over the version the person saw; someone else's save meanwhile is
        settled with them."""

        def keep_mine(conflict: EditConflictError) -> bool:
            return self._update(category_id, values, conflict.version)

        done = attempt(
            self,
            lambda: self.service.update(category_id, values, version),
            settle=lambda conflict: settled(self, conflict, lambda: self.reload(category_id), keep_mine),
        )
        if done.ok:
            self.reload(category_id)
        return done.ok

    def move_category(self, offset: int) -> None:
        category = self.current()
        if category is not None:
            self._run(lambda: self.service.move(category.id, offset), category.id)

    def toggle_retired(self) -> None:
        category = self.current()
        if category is not None:
            self._run(lambda: self.service.set_retired(category.id, not category.retired), category.id)


class NormBox(QGroupBox):
    def __init__(self, context: AppContext) -> None:
        super().__init__("三会一课频次要求")
        self.service = NormService(context.db)
        self.reviewed = False
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.rows = {}
        for norm in self.service.list():
            period = ComboBox()
            for value in NormPeriod:
                period.addItem(value.label, value)
            count = QSpinBox()
            count.setRange(0, 31)
            count.setSuffix(" 次")
            per_group = QCheckBox("按党小组分别计算")
            row = QHBoxLayout()
            row.addWidget(period)
            row.addWidget(count)
            row.addWidget(per_group)
            row.addStretch(1)
            form.addRow(norm.kind.label, row)
            self.rows[norm.kind] = (period, count, per_group)
        layout.addLayout(form)
        note = QLabel("默认值依据《中国共产党支部工作条例（试行）》；党课频次各地要求不同，可按本地规定修改。")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.reload()
        for period, count, per_group in self.rows.values():  # what the person changes, not what is read
            period.currentIndexChanged.connect(self.mark_reviewed)
            count.valueChanged.connect(self.mark_reviewed)
            per_group.toggled.connect(self.mark_reviewed)

    def reload(self) -> None:
        self.versions = self.service.versions()  # what the page was filled from: handed back when saving
        for norm in self.service.list():
            period, count, per_group = self.rows[norm.kind]
            blockers = [QSignalBlocker(widget) for widget in (period, count, per_group)]
            period.setCurrentIndex(period.findData(norm.period))
            count.setValue(norm.count)
            per_group.setChecked(norm.per_group)
            del blockers

    def values(self) -> dict[MeetingKind, dict[str, object]]:
        return {
            kind: {"period": period.currentData(), "count": count.value(), "per_group": per_group.isChecked()}
            for kind, (period, count, per_group) in self.rows.items()
        }

    def state(self) -> object:
        return self.values()

    def save(self) -> bool:
        values, reviewed = self.values(), self.reviewed

        def save_all() -> None:
            self.service.save_all(values, reviewed, self.versions)
            self.versions = self.service.versions()

        def settle(conflict: EditConflictError) -> bool:
            return settled(self, conflict, self.reload, self._save_over)

        return attempt(self, save_all, settle=settle).ok

    def _save_over(self, conflict: EditConflictError) -> bool:
        kind = conflict.theirs["kind"]
        assert isinstance(kind, MeetingKind)
        self.versions[kind] = conflict.version  # the person has seen theirs, and keeps what they typed
        return self.save()

    def mark_reviewed(self) -> None:
        """The person went through the norms (开始使用 counts them as set at the next save)."""
        self.reviewed = True


class DataBox(QGroupBox):
    data_replaced = Signal()

    def __init__(self, context: AppContext) -> None:
        super().__init__("数据")
        self.context = context
        self.task: BackgroundTask | None = None
        layout = QVBoxLayout(self)
        location = QLabel(f"数据目录：{context.db.data_dir}")
        location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        location.setWordWrap(True)
        layout.addWidget(location)
        on_server = not context.db.is_sqlite
        note = QLabel(
            "数据在数据库服务器上，由信息技术人员用 PostgreSQL 自己的工具备份（单击“立即备份”查看说明）。"
            if on_server
            else "每天第一次打开时自动备份（保留最近 7 天、4 周、12 个月），导入和升级前也会自动备份。"
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QHBoxLayout()
        for text, slot in (
            ("打开数据目录", self.open_directory),
            # A server is backed up by its own tools, not by this PC: these three explain that instead.
            ("立即备份", self.explain_server_backups if on_server else self.backup_now),
            ("备份到其他位置…", self.explain_server_backups if on_server else self.backup_elsewhere),
            ("从备份恢复…", self.explain_server_backups if on_server else self.restore),
            ("检查数据库", self.check),
        ):
            button = QPushButton(text)
            on_click(button.clicked, slot)
            buttons.addWidget(button)
            if text == "备份到其他位置…":
                self.elsewhere_button = button
        buttons.addStretch(1)
        layout.addLayout(buttons)
        security = QHBoxLayout()
        encrypted = context.db.key is not None
        self.password_button = QPushButton("修改密码…")
        self.password_button.setEnabled(encrypted)
        on_click(self.password_button.clicked, self.change_password)
        security.addWidget(self.password_button)
        if encrypted:
            said = "数据文件和备份已加密（AES-256），打开需要密码或恢复密钥。"
        elif context.db.is_sqlite:
            said = "这份数据没有加密。"
        else:
            said = "这份数据没有加密（连接的是数据库服务器，由服务器保护）。"
        state = QLabel(said)
        state.setWordWrap(True)
        security.addWidget(state, 1)
        layout.addLayout(security)
        self.report = QLabel()
        self.report.setWordWrap(True)
        self.report.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.report)

    def change_password(self) -> None:
        """A new password wraps the same data key: the data file is not rewritten, and it takes a moment."""
        from desktop_app.core.services.profile import ProfileService
        from desktop_app.core.storage import keys, security_events
        from desktop_app.core.storage.passwords import own_words_of
        from desktop_app.ui.dialogs.passwords import NewPasswordDialog

        profile = ProfileService(self.context.db).get()
        dialog = NewPasswordDialog(
            "修改打开数据用的密码。恢复密钥不变，仍然有效。",
            "修改密码",
            self,
            old_label="现在的密码或恢复密钥",
            own_words=own_words_of(profile.community_name, profile.org_name),
        )
        if not dialog.exec():
            return
        db = self.context.db

        def change() -> None:
            keys.change_password(db.data_dir, dialog.old_secret, dialog.password)
            security_events.record_pending(db)  # 修改密码 (and any wrong password on the way) into 操作记录

        # The old password's derivation, the calibration and the new wrap: about a second and a half, on a worker.
        self.task = run_in_background(
            label="正在修改密码…",
            work=change,
            on_done=lambda result: self.report.setText("密码已修改。下次启动和解锁时请使用新密码。"),
            parent=self,
            progress_dialog=True,
        )

    def explain_server_backups(self) -> None:
        from desktop_app.core.storage.pg_programs import SERVER_BACKUPS

        prompts.inform(self, SERVER_BACKUPS, "服务器的备份")

    def open_directory(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.context.db.data_dir)))

    def backup_now(self, target: Path | None = None) -> BackgroundTask:
        db = self.context.db
        self.task = run_in_background(
            label="正在备份…",
            work=lambda: backup_mod.backup_now(db, target),
            on_done=lambda path: self.report.setText(f"已备份到：{path}"),
            parent=self,
            progress_dialog=True,
        )
        return self.task

    def backup_elsewhere(self) -> None:
        chosen = file_dialogs.folder(self, self.context.settings, FileKind.BACKUP, "选择备份位置（如 U 盘）")
        if chosen:
            self.backup_now(chosen)

    def restore(self) -> None:
        from desktop_app.ui.dialogs.restore_dialog import RestoreDialog

        dialog = RestoreDialog(self.context.db, self)
        if dialog.exec() and dialog.result_info is not None:
            self.report.setText(f"已从备份恢复。恢复前的数据已另存为：{dialog.result_info.safety_copy}")
            self.data_replaced.emit()

    def check(self) -> BackgroundTask:
        """The full integrity check reads the whole file (seconds on a large one): on a worker thread."""
        db = self.context.db
        self.task = run_in_background(
            label="正在检查数据库…",
            work=lambda: check_database(db),
            on_done=lambda report: self.report.setText("\n".join(report.lines)),
            parent=self,
            progress_dialog=True,
        )
        return self.task


class ThresholdBox(QGroupBox):
    """The 工作台 reminders' thresholds."""

    def __init__(self, context: AppContext) -> None:
        super().__init__("工作台提醒")
        self.service = ThresholdService(context.db)
        form = QFormLayout(self)
        self.spins: dict[str, QSpinBox] = {}
        for name, label in THRESHOLD_LABELS.items():
            spin = QSpinBox()
            spin.setRange(0, 3650)
            spin.setSuffix(" 天")
            self.spins[name] = spin
            form.addRow(label, spin)
        self.start_dates = StartDateService(context.db)
        self.start_date = DateEditor(optional=False)
        self.start_date.widget.setToolTip("这一天之前的月份、季度和年度不提醒漏开的会议（那时的记录在纸质台账中）")
        form.addRow("启用日期（从这天起提醒漏开的会议）", self.start_date.widget)
        self.ui_settings = context.settings
        self.text_size = ComboBox()
        for label, points in SIZES.items():
            self.text_size.addItem(f"{label}（{points} 磅）", points)
        form.addRow("界面字号（看不清时调大）", self.text_size)
        self.idle_lock = QSpinBox()
        self.idle_lock.setRange(0, 240)
        self.idle_lock.setSuffix(" 分钟")
        self.idle_lock.setSpecialValueText("不自动锁定")
        self.idle_lock.setToolTip("离开电脑时别人看不到个人信息；随时可按 Ctrl+L 立即锁定")
        form.addRow("无操作多久后锁定窗口", self.idle_lock)
        self.reload()

    def reload(self) -> None:
        current = self.service.get()
        for name, spin in self.spins.items():
            spin.setValue(getattr(current, name))
        self.start_date.set_value(self.start_dates.get())
        self.text_size.setCurrentIndex(self.text_size.findData(saved_points(self.ui_settings)))
        self.idle_lock.setValue(idle_minutes(self.ui_settings))

    def state(self) -> object:
        return (
            {name: spin.value() for name, spin in self.spins.items()},
            self.start_date.value(),
            self.text_size.currentData(),
            self.idle_lock.value(),
        )

    def save(self) -> bool:
        def save_all() -> None:
            self.service.save({name: spin.value() for name, spin in self.spins.items()})
            self.start_dates.save(self.start_date.value())
            save_points(self.ui_settings, self.text_size.currentData())
            self.ui_settings.setValue(IDLE_MINUTES_KEY, self.idle_lock.value())

        return attempt(self, save_all).ok


class DuesBox(QGroupBox):
    """党费: how amounts are rounded to the fen (the documents do not say)."""

    def __init__(self, context: AppContext) -> None:
        super().__init__("党费")
        self.service = DuesService(context.db)
        form = QFormLayout(self)
        self.rounding = ComboBox()
        for mode, label in ROUNDINGS.items():
            self.rounding.addItem(label, mode)
        self.rounding.setToolTip("用于此后的核定；已核定的金额不变，如需按新方式计算请重新核定")
        form.addRow("计算到分时的尾数处理", self.rounding)
        self.reload()

    def reload(self) -> None:
        self.rounding.setCurrentIndex(self.rounding.findData(self.service.rounding))

    def state(self) -> object:
        return self.rounding.currentData()

    def save(self) -> bool:
        mode = self.rounding.currentData()
        return attempt(self, lambda: self.service.set_rounding(mode)).ok


class TwoColumns(QWidget):
    """Two columns of boxes side by side where they fit, one under the other where they do not (a large
    字号 on a 1366-wide screen): the page then scrolls down only, never sideways."""

    def __init__(self) -> None:
        super().__init__()
        self.left, self.right = QVBoxLayout(), QVBoxLayout()
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.columns.addLayout(self.left, 1)
        self.columns.addLayout(self.right, 1)
        self.scroll_area: QScrollArea | None = None

    def follow(self, scroll_area: QScrollArea) -> None:
        """Lay out for the width `scroll_area` shows, whenever it or the text size changes."""
        self.scroll_area = scroll_area
        scroll_area.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit()

    def fit(self) -> None:
        if self.scroll_area is None:
            return
        margins = self.columns.contentsMargins()
        needed = (
            self.left.minimumSize().width()
            + self.right.minimumSize().width()
            + self.columns.spacing()
            + margins.left()
            + margins.right()
        )
        side_by_side = needed <= self.scroll_area.viewport().width()
        direction = QBoxLayout.Direction.LeftToRight if side_by_side else QBoxLayout.Direction.TopToBottom
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)


class SettingsView(Page):
    """One 保存设置 for every field on the page; leaving the page with unsaved edits asks first."""

    profile_saved = Signal()
    data_replaced = Signal()
    title = "设置"
    survives_restore = True

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        inner = TwoColumns()
        left, right = inner.left, inner.right
        street = ModeService(context.db).get() == STREET
        self.profile = ProfileBox(context, street)
        left.addWidget(self.profile)
        self.data = DataBox(context)
        self.data.data_replaced.connect(self.data_replaced)
        left.addWidget(self.data)
        self.server = ServerBox(context)  # where the data lives: this PC's file or the office's server
        left.addWidget(self.server)
        self.saved_boxes: tuple[ProfileBox | NormBox | ThresholdBox | DuesBox | ServerBox, ...]
        # Boxes that show what other pages change and save on their own buttons: read afresh when shown.
        self.shown_boxes: tuple[StreetOfficeBox | CategoryBox | StreetKeyBox, ...]
        if not context.db.reach.whole_community:
            # A 社工's: their connection to the server; the community's settings are the 书记's (shown, not theirs
            # to change: the server lets a 社工 read them only).
            self.profile.setEnabled(False)
            self.saved_boxes = (self.server,)
            self.shown_boxes = ()
        elif street:
            # A street office's copy keeps no records of its own: its key and its list of communities.
            self.street_office = StreetOfficeBox(context)
            right.addWidget(self.street_office)
            self.saved_boxes = (self.profile, self.server)
            self.shown_boxes = (self.street_office,)
        else:
            self.norms = NormBox(context)
            left.addWidget(self.norms)
            self.categories = CategoryBox(context)
            right.addWidget(self.categories)
            self.thresholds = ThresholdBox(context)
            right.addWidget(self.thresholds)
            self.dues = DuesBox(context)
            right.addWidget(self.dues)
            self.street_key = StreetKeyBox(context)
            right.addWidget(self.street_key)
            self.saved_boxes = (self.profile, self.norms, self.thresholds, self.dues, self.server)
            self.shown_boxes = (self.categories, self.street_key)
        left.addStretch(1)
        right.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(inner)
        inner.follow(self.scroll_area)
        # The page scrolls on a small screen; 保存设置 stays below it, always in sight.
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.scroll_area, 1)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(9, 0, 9, 6)
        self.saved_note = QLabel()
        self.save_button = QPushButton("保存设置")
        self.save_button.setToolTip("保存居民区信息、频次要求、提醒设置和服务器连接（Ctrl+S）")
        on_click(self.save_button.clicked, self.save)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save)
        bottom.addStretch(1)
        bottom.addWidget(self.saved_note)
        bottom.addWidget(self.save_button)
        page.addLayout(bottom)
        self.setFocusProxy(self.scroll_area)
        self._saved_state = self.state()

    def state(self) -> object:
        return [box.state() for box in self.boxes()]

    def boxes(self) -> tuple[ProfileBox | NormBox | ThresholdBox | DuesBox | ServerBox, ...]:
        """The boxes 保存设置 saves, each keeping what was typed when it fails."""
        return self.saved_boxes

    def is_dirty(self) -> bool:
        return self.state() != self._saved_state

    def save(self) -> bool:
        """Save every box; a box that fails keeps what was typed and says why."""
        results = [box.save() for box in self.boxes()]  # every box, even after one fails
        saved = all(results)
        if saved:
            self._saved_state = self.state()
            self.saved_note.setText("设置已保存。")
            self.profile_saved.emit()
        return saved

    def ask(self, question: str) -> bool:
        """A yes/no question; tests replace it."""
        return prompts.ask(self, question)

    def hideEvent(self, event: QHideEvent) -> None:
        # Leaving the page never drops edits silently: save them, or keep them on the page. Only when the
        # page itself is hidden (another page chosen): the window's closing asks its own question, before it
        # goes (ui.kit.unsaved), and a minimised window keeps the page as it was.
        if (
            self.isHidden()
            and self.is_dirty()
            and self.ask("设置已修改但还没有保存。现在保存吗？\n（选“否”则修改仍留在设置页中，未生效）")
        ):
            self.save()
        super().hideEvent(event)

    def show_part(self, part: str) -> None:
        """开始使用 led here: its box in view, the cursor in it (居民区信息's first empty field)."""
        from desktop_app.core.services.first_steps import BACKUP_PLACE, NORMS, PROFILE

        focus: QWidget | None = None
        box: QWidget | None = None
        if part == PROFILE:
            edits = list(self.profile.edits.values())
            box, focus = self.profile, next((edit for edit in edits if not edit.text().strip()), edits[0])
        elif part == NORMS and hasattr(self, "norms"):
            box, focus = self.norms, next(iter(self.norms.rows.values()))[0]
            self.norms.mark_reviewed()
        elif part == BACKUP_PLACE:
            box, focus = self.data, self.data.elsewhere_button
        if box is not None and focus is not None:
            focus.setFocus()
            self.scroll_area.ensureWidgetVisible(box, 0, 0)  # the whole box where it fits, else its top

    def unsaved(self) -> list[str]:
        return ["设置页中的修改"] if self.is_dirty() else []

    def save_unsaved(self) -> bool:
        return self.save()

    def connect_window(self, window: MainWindow) -> None:
        self.profile_saved.connect(window.update_title)
        self.data_replaced.connect(window.data_replaced)

    def reload(self) -> None:
        """What was saved elsewhere since, read afresh; edits not yet saved here are kept as typed."""
        self.saved_note.setText("")
        for shown in self.shown_boxes:
            shown.reload()
        if not self.is_dirty():
            for box in self.saved_boxes:
                box.reload()
            self._saved_state = self.state()
        self.count_changed.emit(0)
