"""街道汇总 on the pages that are not its own: a community's 上报数据包 (报表导出) and street key (设置),
and a street office's key and list of communities (设置)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.exchange.packages.build import BuiltPackage, build_package, default_name
from desktop_app.core.services.street import StreetKeyService, StreetUnitService
from desktop_app.core.storage.recipient_key import PublicKey
from desktop_app.ui.background import BackgroundTask
from desktop_app.ui.context import AppContext
from desktop_app.ui.dialog_buttons import ok_cancel
from desktop_app.ui.operations import attempt
from desktop_app.ui.signals import on_click
from desktop_app.ui.styles import ERROR_STYLE
from desktop_app.ui.views.reports import PeriodPicker

KEY_DIR_KEY = "street/key_dir"
PACKAGE_OUT_KEY = "street/package_out"


def describe_key(key: PublicKey | None) -> str:
    if key is None:
        return "还没有导入街道公钥：数据包要按街道的公钥加密，请向街道索取公钥文件（.pub）后导入。"
    return f"数据包将加密发给：{key.street or '街道'}（公钥指纹 {key.fingerprint}，可与街道电话核对）"


def import_street_key(parent: QWidget, context: AppContext) -> PublicKey | None:
    """Choose the street's .pub file and keep it; the fingerprint is shown to read back on the phone."""
    folder = str(context.settings.value(KEY_DIR_KEY) or Path.home())
    path, _ = QFileDialog.getOpenFileName(parent, "选择街道公钥文件", folder, "街道公钥 (*.pub);;所有文件 (*)")
    if not path:
        return None
    context.settings.setValue(KEY_DIR_KEY, str(Path(path).parent))

    def read_and_keep() -> PublicKey:
        key = PublicKey.from_file_text(Path(path).read_text(encoding="utf-8"), Path(path).name)
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
        folder = Path(str(self.context.settings.value(PACKAGE_OUT_KEY) or Path.home()))
        suggested = attempt(self, lambda: default_name(self.context.db, period))
        if not suggested.ok or suggested.value is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "保存数据包", str(folder / suggested.value), "书记工作台数据包 (*.sjb)"
        )
        if path:
            self.build_to(Path(path) if path.lower().endswith(".sjb") else Path(path + ".sjb"))

    def build_to(self, target: Path) -> BackgroundTask:
        self.context.settings.setValue(PACKAGE_OUT_KEY, str(target.parent))
        db, period, names = self.context.db, self.period.period(), self.names.isChecked()
        self.build_button.setEnabled(False)
        self.status.setText("正在生成…")
        self.task = BackgroundTask(
            self, "正在生成数据包…", lambda progress: build_package(db, period, target, names), self._built
        )
        self.task.finished.connect(lambda: self.build_button.setEnabled(True))
        self.task.failed.connect(lambda exc: self.status.setText("数据包未生成。"))
        return self.task.start()

    def _built(self, built: BuiltPackage) -> None:
        self.built = built
        names = "含名单" if built.includes_names else "仅汇总数字，不含姓名"
        self.status.setText(
            f"已生成{self.period.period().label}第{built.sequence}版（{names}，{built.size / 1024:.0f} KB）："
            f"{built.path}。请用 U 盘或政务网盘交给街道；街道导入后以最新版本为准。"
        )


class UnitDialog(QDialog):
    """添加居民区: its 单位代码 (as the street assigned it) and name."""

    def __init__(self, units: StreetUnitService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.units = units
        self.setWindowTitle("添加居民区")
        form = QFormLayout(self)
        self.code = QLineEdit()
        self.name = QLineEdit()
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        form.addRow("单位代码*", self.code)
        form.addRow("居民区名称*", self.name)
        form.addRow(self.error)
        form.addRow(ok_cancel(self, "添加"))

    def accept(self) -> None:
        from desktop_app.core.domain.errors import ValidationError

        try:
            self.units.add(self.code.text(), self.name.text())
        except ValidationError as exc:
            self.error.setText(exc.describe())
            return
        super().accept()


class StreetOfficeBox(QGroupBox):
    """A street office's 设置: its key (the public half exported for the communities) and its list."""

    def __init__(self, context: AppContext) -> None:
        super().__init__("街道密钥与居民区名单")
        self.context = context
        self.keys = StreetKeyService(context.db)
        self.units = StreetUnitService(context.db)
        layout = QVBoxLayout(self)
        self.key_state = QLabel()
        self.key_state.setWordWrap(True)
        export = QPushButton("导出本街道公钥…")
        export.setToolTip("把公钥文件发给各居民区，在他们的“设置”中导入；公钥可以公开，私钥只在本机的加密数据中")
        on_click(export.clicked, self.export_key)
        add = QPushButton("添加居民区…")
        on_click(add.clicked, self.add_unit)
        row = QHBoxLayout()
        row.addWidget(export)
        row.addWidget(add)
        row.addStretch(1)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(("单位代码", "居民区"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.key_state)
        layout.addLayout(row)
        layout.addWidget(self.table)
        self.reload()

    def reload(self) -> None:
        own = self.keys.own_public_key()
        self.key_state.setText(
            f"本街道公钥指纹：{own.fingerprint}（居民区导入后可电话核对）"
            if own
            else "还没有生成密钥：点“导出本街道公钥…”生成，并把公钥文件发给各居民区。"
        )
        units = self.units.list()
        self.table.setRowCount(len(units))
        for r, unit in enumerate(units):
            self.table.setItem(r, 0, QTableWidgetItem(unit.code))
            self.table.setItem(r, 1, QTableWidgetItem(unit.name))

    def export_key(self) -> None:
        from desktop_app.core.services.profile import ProfileService

        folder = Path(str(self.context.settings.value(KEY_DIR_KEY) or Path.home()))
        path, _ = QFileDialog.getSaveFileName(self, "保存街道公钥", str(folder / "街道公钥.pub"), "街道公钥 (*.pub)")
        if path:
            self.write_key(
                Path(path) if path.lower().endswith(".pub") else Path(path + ".pub"),
                ProfileService(self.context.db).get().community_name,
            )

    def write_key(self, target: Path, street: str) -> None:
        def make_and_write() -> None:
            key = self.keys.own_public_key() or self.keys.create_key_pair(street)
            target.write_text(key.to_file_text(), encoding="utf-8")

        if attempt(self, make_and_write).ok:
            self.context.settings.setValue(KEY_DIR_KEY, str(target.parent))
            self.reload()
            self.key_state.setText(self.key_state.text() + f"\n已保存到：{target}")

    def add_unit(self) -> None:
        if UnitDialog(self.units, self).exec():
            self.reload()
