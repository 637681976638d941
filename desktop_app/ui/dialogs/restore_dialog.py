"""从备份恢复: the backups with their date, size and contents; restore one, or a file from elsewhere."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.storage.backup_files import BackupInfo, list_backups
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.restore import (
    BackupContents,
    BundleSecretRequiredError,
    InvalidBackupError,
    RestoreResult,
    inspect_backup,
    restore_backup,
)
from desktop_app.ui.kit import file_dialogs, prompts
from desktop_app.ui.kit.background import BackgroundTask, run_in_background
from desktop_app.ui.kit.file_dialogs import FileKind
from desktop_app.ui.kit.formatting import moment_text
from desktop_app.ui.kit.operations import attempt
from desktop_app.ui.kit.screen import fit_to_screen
from desktop_app.ui.kit.signals import on_click
from desktop_app.ui.kit.ui_settings import ui_settings


class RestoreDialog(QDialog):
    HEADERS = ("备份时间", "类型", "大小", "内容")

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.result_info: RestoreResult | None = None
        self.setWindowTitle("从备份恢复")
        fit_to_screen(self, QSize(820, 460))
        layout = QVBoxLayout(self)
        note = QLabel("恢复会用所选备份替换当前全部数据。恢复前，当前数据会先另存一份备份，恢复后仍可找回。")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        restore = QPushButton("恢复所选备份")
        on_click(restore.clicked, self.restore_selected)
        other = QPushButton("选择其他备份文件…")
        on_click(other.clicked, self.choose_file)
        close = QPushButton("关闭")
        on_click(close.clicked, self.reject)
        buttons.addWidget(restore)
        buttons.addWidget(other)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.backups: list[BackupInfo] = []
        self.task: BackgroundTask | None = None
        self.reload()

    def reload(self) -> None:
        self.backups = list_backups(self.db.backup_dir)
        self.table.setRowCount(len(self.backups))
        for row, backup in enumerate(self.backups):
            try:
                contents = inspect_backup(backup.path, self.db.key).describe()
            except InvalidBackupError as exc:
                contents = f"不可用：{exc}"
            cells = (
                moment_text(backup.created),
                backup.reason_label,
                f"{backup.size / 1024 / 1024:.1f} MB",
                contents,
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        if self.backups:
            self.table.selectRow(0)

    def restore_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.backups):
            self.restore(self.backups[row].path)

    def choose_file(self) -> None:
        settings = ui_settings(self.db.data_dir)
        filters = "书记工作台备份 (*.zip *.sqlite3);;所有文件 (*)"
        path = file_dialogs.open_file(self, settings, FileKind.BACKUP, "选择备份文件", filters)
        if path:
            self.restore(path)

    def restore(self, path: Path) -> BackgroundTask | None:
        """Inspect (a bundle of other data asks for its own password), ask, then restore on a worker thread:
        a large file takes seconds. The lists wait at the database's gate meanwhile, so none reads half a
        file. The dialog closes once the data is back."""
        secret: str | None = None
        inspected = attempt(self, lambda: self._inspect(path, secret))
        if inspected.ok and inspected.value is None:  # other data's bundle
            secret = self.ask_bundle_secret(f"备份包“{path.name}”来自另一份数据（如另一台电脑）。")
            if secret is None:
                return None
            inspected = attempt(self, lambda: self._inspect(path, secret))
        contents = inspected.value
        if contents is None:
            return None
        if not prompts.ask(
            self, f"用这个备份（{contents.describe()}）替换当前全部数据吗？\n当前数据会先另存一份备份。"
        ):
            return None
        db = self.db

        def restored(result: RestoreResult) -> None:
            self.result_info = result
            self.accept()

        self.task = run_in_background(
            label="正在从备份恢复…",
            work=lambda: restore_backup(db, path, secret),
            on_done=restored,
            parent=self,
            progress_dialog=True,
        )
        return self.task

    def _inspect(self, path: Path, secret: str | None) -> BackupContents | None:
        """What the backup holds; None when it is a bundle that needs its own password first."""
        try:
            return inspect_backup(path, self.db.key, secret)
        except BundleSecretRequiredError:
            if secret is not None:
                raise
            return None

    def ask_bundle_secret(self, why: str) -> str | None:
        """The password or recovery key of a bundle made with other data (another PC)."""
        secret, given = QInputDialog.getText(
            self, "备份包的密码", f"{why}\n\n密码或恢复密钥：", QLineEdit.EchoMode.Password
        )
        return secret if given and secret else None
