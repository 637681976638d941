"""街道汇总 on the pages that are not its own: a community's 上报数据包 (报表导出) and street key (设置),
and a street office's key and list of communities (设置)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.exchange.packages.build import BuiltPackage, build_package, default_name
from desktop_app.core.services.street import StreetKeyService, StreetUnitService, UnitInfo
from desktop_app.core.storage.recipient_key import PublicKey
from desktop_app.ui.kit import file_dialogs, prompts
from desktop_app.ui.kit.background import BackgroundTask, run_in_background
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.kit.dialog_buttons import ok_cancel
from desktop_app.ui.kit.file_dialogs import FileKind
from desktop_app.ui.kit.operations import attempt
from desktop_app.ui.kit.period_picker import PeriodPicker
from desktop_app.ui.kit.signals import on_click
from desktop_app.ui.kit.styles import ERROR_STYLE

UNIT_LIST_HEIGHT = 260  # about eight communities in sight; a street's 20-40 scroll inside the list


def describe_key(key: PublicKey | None) -> str:
    if key is None:
        return "还没有导入街道公钥：数据包要按街道的公钥加密，请向街道索取公钥文件（.pub）后导入。"
    return f"数据包将加密发给：{key.street or '街道'}（公钥指纹 {key.fingerprint}，可与街道电话核对）"


def import_street_key(parent: QWidget, context: AppContext) -> PublicKey | None:
    """Choose the street's .pub file and keep it; the fingerprint is shown to read back on the phone."""
    kind = FileKind.STREET_KEY
    path = file_dialogs.open_file(parent, context.settings, kind, "选择街道公钥文件", "街道公钥 (*.pub);;所有文件 (*)")
    if path is None:
        return None

    def read_and_keep() -> PublicKey:
        key = PublicKey.from_file_text(path.read_text(encoding="utf-8"), path.name)
        StreetKeyService(context.db).set_street_key(key)
        return key

    done = attempt(parent, read_and_keep)
    return done.value if done.ok else None


class StreetKeyBox(QGroupBox):
    """A community's 设置: the street's public key its packages are sealed to."""

    def __init__(self, context: AppContext) -> None:
        super().__init__("上报街道")
        self.context = context
        layout = QVBoxLayout(self)
        self.state = QLabel()
        self.state.setWordWrap(True)
        button = QPushButton("导入街道公钥…")
        on_click(button.clicked, self.choose)
        row = QHBoxLayout()
        row.addWidget(button)
        row.addStretch(1)
        layout.addWidget(self.state)
        layout.addLayout(row)
        self.reload()

    def reload(self) -> None:
        self.state.setText(describe_key(StreetKeyService(self.context.db).street_key()))

    def choose(self) -> None:
        key = import_street_key(self, self.context)
        if key is not None:
            self.state.setText(describe_key(key))


class PackageBox(QGroupBox):
    """报表导出 → 上报数据包: one file for the period, aggregates unless 含名单 is ticked."""

    def __init__(self, context: AppContext) -> None:
        super().__init__("上报数据包（发给街道，街道的程序自动汇总）")
        self.context = context
        self.task: BackgroundTask | None = None
        self.built: BuiltPackage | None = None
        form = QFormLayout(self)
        self.period = PeriodPicker(custom=False)
        self.names = QCheckBox("含名单：附上关怀对象、考察人员和党员缴费的姓名（默认只有汇总数字，不含任何姓名）")
        self.key_state = QLabel()
        self.key_state.setWordWrap(True)
        self.key_button = QPushButton("导入街道公钥…")
        on_click(self.key_button.clicked, self.choose_key)
        self.build_button = QPushButton("生成数据包…")
        on_click(self.build_button.clicked, self.choose_target)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.build_button)
        buttons.addWidget(self.key_button)
        buttons.addStretch(1)
        form.addRow("统计期间", self.period)
        form.addRow("名单", self.names)
        form.addRow("加密", self.key_state)
        form.addRow("", buttons)
        form.addRow("", self.status)
        self.reload()

    def reload(self) -> None:
        self.show_key(StreetKeyService(self.context.db).street_key())

    def show_key(self, key: PublicKey | None) -> None:
        self.key_state.setText(describe_key(key))
        self.key_button.setVisible(key is None)
        self.build_button.setEnabled(key is not None)

    def choose_key(self) -> None:
        key = import_street_key(self, self.context)
        if key is not None:
            self.show_key(key)

    def choose_target(self) -> None:
        period = self.period.period()
        suggested = attempt(self, lambda: default_name(self.context.db, period))
        if not suggested.ok or suggested.value is None:
            return
        settings, kind = self.context.settings, FileKind.PACKAGE_OUT
        path = file_dialogs.save_file(
            self, settings, kind, "保存数据包", suggested.value, "书记工作台数据包 (*.sjb)", ".sjb"
        )
        if path:
            self.build_to(path)

    def build_to(self, target: Path) -> BackgroundTask:
        db, period, names = self.context.db, self.period.period(), self.names.isChecked()
        self.build_button.setEnabled(False)
        self.status.setText("正在生成…")
        self.task = run_in_background(
            label="正在生成数据包…",
            work=lambda: build_package(db, period, target, names),
            on_done=self._built,
            parent=self,
            progress_dialog=True,
        )
        self.task.finished.connect(lambda: self.build_button.setEnabled(True))
        self.task.failed.connect(lambda exc: self.status.setText("数据包未生成。"))
        return self.task

    def _built(self, built: BuiltPackage) -> None:
        self.built = built
        names = "含名单" if built.includes_names else "仅汇总数字，不含姓名"
        self.status.setText(
            f"已生成{self.period.period().label}第{built.sequence}版（{names}，{built.size / 1024:.0f} KB）："
            f"{built.path}。请用 U 盘或政务网盘交给街道；街道导入后以最新版本为准。"
        )


class UnitDialog(QDialog):
    """添加居民区, or 编辑 one on the list: its 单位代码 (as the street assigned it) and name."""

    def __init__(self, units: StreetUnitService, parent: QWidget | None = None, unit: UnitInfo | None = None) -> None:
        super().__init__(parent)
        self.units = units
        self.unit = unit
        self.setWindowTitle("编辑居民区" if unit else "添加居民区")
        form = QFormLayout(self)
        self.code = QLineEdit(unit.code if unit else "")
        self.name = QLineEdit(unit.name if unit else "")
        if unit is not None and not unit.deletable:
            self.code.setReadOnly(True)  # its packages carry this code
            self.code.setToolTip("已导入过这个居民区的数据包，单位代码不能修改")
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        form.addRow("单位代码*", self.code)
        form.addRow("居民区名称*", self.name)
        form.addRow(self.error)
        form.addRow(ok_cancel(self, "保存" if unit else "添加"))

    def accept(self) -> None:
        from desktop_app.core.domain.errors import ValidationError

        try:
            if self.unit is None:
                self.units.add(self.code.text(), self.name.text())
            else:
                self.units.update(self.unit.code, self.code.text(), self.name.text())
        except ValidationError as exc:
            self.error.setText(exc.describe())
            return
        super().accept()


class StreetOfficeBox(QGroupBox):
    """A street office's 设置: its key (the public half exported for the communities) and its list, where a
    community is added, corrected, deleted (while nothing came from it) or retired (停用)."""

    HEADERS = ("单位代码", "居民区", "状态", "数据包")

    def __init__(self, context: AppContext) -> None:
        super().__init__("街道密钥与居民区名单")
        self.context = context
        self.keys = StreetKeyService(context.db)
        self.units = StreetUnitService(context.db)
        self.listed: list[UnitInfo] = []
        layout = QVBoxLayout(self)
        self.key_state = QLabel()
        self.key_state.setWordWrap(True)
        self.saved_to = QLabel()
        self.saved_to.setWordWrap(True)
        # A long path cannot wrap: it may be cut rather than widen the page's right column.
        self.saved_to.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.saved_to.hide()
        export = QPushButton("导出本街道公钥…")
        export.setToolTip("把公钥文件发给各居民区，在他们的“设置”中导入；公钥可以公开，私钥只在本机的加密数据中")
        on_click(export.clicked, self.export_key)
        key_row = QHBoxLayout()
        key_row.addWidget(export)
        key_row.addStretch(1)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # The list keeps its height whatever it holds: adding a row scrolls inside it, nothing below moves.
        self.table.setFixedHeight(UNIT_LIST_HEIGHT)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.edit_unit())
        self.add_button = QPushButton("添加居民区…")
        on_click(self.add_button.clicked, self.add_unit)
        self.edit_button = QPushButton("编辑…")
        on_click(self.edit_button.clicked, self.edit_unit)
        self.delete_button = QPushButton("删除")
        on_click(self.delete_button.clicked, self.delete_unit)
        self.retire_button = QPushButton("停用")
        on_click(self.retire_button.clicked, self.toggle_retired)
        unit_row = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button, self.retire_button):
            unit_row.addWidget(button)
        unit_row.addStretch(1)
        note = QLabel("收到过数据包的居民区不能删除，可以停用：停用后不再计入未报，已收的数据包保留。")
        note.setWordWrap(True)
        layout.addWidget(self.key_state)
        layout.addLayout(key_row)
        layout.addWidget(self.saved_to)
        layout.addWidget(QLabel("居民区名单："))
        layout.addWidget(self.table)
        layout.addLayout(unit_row)
        layout.addWidget(note)
        self.reload()

    def reload(self, select_code: str | None = None) -> None:
        own = self.keys.own_public_key()
        self.key_state.setText(
            f"本街道公钥指纹：{own.fingerprint}（居民区导入后可电话核对）"
            if own
            else "还没有生成密钥：点“导出本街道公钥…”生成，并把公钥文件发给各居民区。"
        )
        shown = self.current()
        chosen = select_code or (shown.code if shown is not None else None)
        self.listed = self.units.list()
        self.table.setRowCount(len(self.listed))
        for r, unit in enumerate(self.listed):
            cells = (unit.code, unit.name, "已停用" if unit.retired else "使用中", f"{unit.packages} 个")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
            if unit.code == chosen:
                self.table.selectRow(r)
        self._selection_changed()

    def current(self) -> UnitInfo | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return self.listed[min(rows)] if rows and min(rows) < len(self.listed) else None

    def _selection_changed(self) -> None:
        unit = self.current()
        self.edit_button.setEnabled(unit is not None)
        self.delete_button.setEnabled(unit is not None and unit.deletable)
        self.delete_button.setToolTip(
            "已收到过这个居民区的数据包，不能删除，可以停用" if unit is not None and not unit.deletable else ""
        )
        self.retire_button.setEnabled(unit is not None)
        self.retire_button.setText("启用" if unit is not None and unit.retired else "停用")

    def export_key(self) -> None:
        from desktop_app.core.services.profile import ProfileService

        settings, kind = self.context.settings, FileKind.STREET_KEY
        path = file_dialogs.save_file(self, settings, kind, "保存街道公钥", "街道公钥.pub", "街道公钥 (*.pub)", ".pub")
        if path:
            self.write_key(path, ProfileService(self.context.db).get().community_name)

    def write_key(self, target: Path, street: str) -> None:
        def make_and_write() -> None:
            key = self.keys.own_public_key() or self.keys.create_key_pair(street)
            target.write_text(key.to_file_text(), encoding="utf-8")

        if attempt(self, make_and_write).ok:
            self.reload()
            self.saved_to.setText(f"已保存到：{target}")
            self.saved_to.show()

    def add_unit(self) -> None:
        dialog = UnitDialog(self.units, self)
        if dialog.exec():
            self.reload(dialog.code.text().strip())

    def edit_unit(self) -> None:
        unit = self.current()
        if unit is None:
            return
        dialog = UnitDialog(self.units, self, unit)
        if dialog.exec():
            self.reload(dialog.code.text().strip())

    def delete_unit(self) -> None:
        unit = self.current()
        if unit is None or not prompts.ask(self, f"从名单中删除{unit.name}（{unit.code}）吗？"):
            return
        if attempt(self, lambda: self.units.delete(unit.code)).ok:
            self.reload()

    def toggle_retired(self) -> None:
        unit = self.current()
        if unit is not None and attempt(self, lambda: self.units.set_retired(unit.code, not unit.retired)).ok:
            self.reload(unit.code)
