"""Importing from a sheet: choose an .xlsx, see every row's status and problem (checked on a worker,
nothing written), then write all or nothing. `SheetImportDialog` is that shape; 导入名册 is one use of it,
导入党费基数 (dues_import.py) another."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.exchange.roster.commit import ImportResult, commit_import
from desktop_app.core.exchange.roster.kinds import kind_for
from desktop_app.core.exchange.roster.preview import ImportPreview, preview_import
from desktop_app.core.storage.database import Database
from desktop_app.ui.kit import file_dialogs
from desktop_app.ui.kit.background import BackgroundTask, News, run_in_background
from desktop_app.ui.kit.file_dialogs import FileKind
from desktop_app.ui.kit.screen import fit_to_screen
from desktop_app.ui.kit.signals import on_click
from desktop_app.ui.kit.ui_settings import ui_settings

ERROR_COLOR = QColor("#b03a2e")
SKIP_COLOR = QColor("#7f8c8d")
Work = Callable[[Callable[[int, int], None]], Any]


class SheetImportDialog(QDialog):
    """The shared shape; a subclass says how to read (`read`), show (`show_preview`) and write (`write`)."""

    def __init__(
        self,
        db: Database,
        title: str,
        hint: str,
        headers: Sequence[str],
        write_label: str,
        size: QSize,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.path: Path | None = None
        self.preview: Any = None
        self.task: BackgroundTask | None = None
        self.setWindowTitle(title)
        fit_to_screen(self, size)
        self.body = QVBoxLayout(self)
        self.top = QHBoxLayout()
        self.file_label = QLabel(hint)
        self.file_label.setWordWrap(True)
        choose = QPushButton("选择文件…")
        on_click(choose.clicked, self.choose_file)
        self.top.addWidget(self.file_label, 1)
        self.top.addWidget(choose)
        self.body.addLayout(self.top)
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.body.addWidget(self.table, 1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.body.addWidget(self.summary)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.import_button = QPushButton(write_label)
        self.import_button.setEnabled(False)
        on_click(self.import_button.clicked, self.commit)
        close = QPushButton("关闭")
        on_click(close.clicked, self.reject)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)
        self.body.addLayout(buttons)

    def read(self, path: Path) -> Work:
        raise NotImplementedError

    def show_preview(self, preview: Any) -> None:
        raise NotImplementedError

    def write(self, preview: Any) -> Work:
        raise NotImplementedError

    def written(self, result: Any) -> None:
        """What the write returned; the dialog closes after it."""

    def choose_file(self) -> None:
        settings = ui_settings(self.db.data_dir)
        filters = "Excel 工作簿 (*.xlsx);;所有文件 (*)"
        path = file_dialogs.open_file(self, settings, FileKind.ROSTER, "选择 Excel 文件", filters)
        if path:
            self.load_file(path)

    def load_file(self, path: Path) -> BackgroundTask | None:
        self.path = path
        self.file_label.setText(f"文件：{path}")
        return self.refresh_preview()

    def refresh_preview(self) -> BackgroundTask | None:
        if self.path is None:
            return None
        self.import_button.setEnabled(False)
        self.preview = None
        self.table.setRowCount(0)
        self.summary.setText("正在检查…")
        self.task = self._run("正在检查表格…", self.read(self.path), self._previewed)
        self.task.failed.connect(lambda exc: self.summary.setText(f"无法导入：{exc}"))
        return self.task

    def _previewed(self, preview: Any) -> None:
        self.preview = preview
        self.show_preview(preview)

    def paint_row(self, index: int, cells: Sequence[str], color: QColor | None = None) -> None:
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if color is not None:
                item.setForeground(QBrush(color))
            self.table.setItem(index, column, item)

    def commit(self) -> BackgroundTask | None:
        if self.preview is None or not self.preview.ok:
            return None
        self.import_button.setEnabled(False)
        self.task = self._run("正在写入…", self.write(self.preview), self._committed)
        self.task.failed.connect(lambda exc: self.summary.setText(f"未写入：{exc}"))
        return self.task

    def _run(self, label: str, work: Work, on_done: Callable[[Any], None]) -> BackgroundTask:
        progress = News()
        return run_in_background(
            label=label, work=lambda: work(progress), on_done=on_done, parent=self, progress_dialog=True, news=progress
        )

    def _committed(self, result: Any) -> None:
        self.written(result)
        self.accept()


class ImportDialog(SheetImportDialog):
    """导入名册 (residents or members)."""

    def __init__(self, db: Database, kind_key: str, parent: QWidget | None = None) -> None:
        self.kind = kind_for(kind_key)
        super().__init__(
            db,
            f"导入{self.kind.label}名册",
            "请选择 Excel 文件（.xlsx）。旧版 .xls 请先用 Excel 或 WPS 另存为 .xlsx。",
            ("行号", "处理方式", "姓名", "问题或说明"),
            "导入",
            QSize(860, 560),
            parent,
        )
        self.result_summary: ImportResult | None = None
        duplicates = QHBoxLayout()
        duplicates.addWidget(QLabel("名册中已有的人："))
        self.skip = QRadioButton("跳过")
        self.update_existing = QRadioButton("用表格中的信息更新")
        self.skip.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.skip)
        group.addButton(self.update_existing)
        self.update_existing.toggled.connect(self.refresh_preview)
        duplicates.addWidget(self.skip)
        duplicates.addWidget(self.update_existing)
        duplicates.addStretch(1)
        self.body.insertLayout(1, duplicates)

    def read(self, path: Path) -> Work:
        update, db, kind = self.update_existing.isChecked(), self.db, self.kind.key
        return lambda progress: preview_import(db, kind, path, update, progress)

    def show_preview(self, preview: ImportPreview) -> None:
        shown = [row for row in preview.rows if row.problems or row.status != "new"] or preview.rows
        self.table.setRowCount(len(shown))
        for index, row in enumerate(shown):
            # The row number has its own column; each problem names its column and field.
            detail = "\n".join(p.where_in_row() for p in row.problems) or row.note
            color = {"error": ERROR_COLOR, "skip": SKIP_COLOR}.get(row.status)
            self.paint_row(index, (str(row.number), row.status_label, str(row.values.get("name") or ""), detail), color)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        text = preview.summary()
        if preview.ignored_headers:
            text += f"。未识别、不导入的列：{'、'.join(preview.ignored_headers)}"
        if not preview.ok:
            text += "。请先在表格中改正标红的行，再重新选择文件；在此之前不会导入任何数据。"
        self.summary.setText(text)
        self.import_button.setEnabled(preview.ok and (preview.count("new") + preview.count("update")) > 0)

    def write(self, preview: ImportPreview) -> Work:
        db = self.db
        return lambda progress: commit_import(db, preview)

    def written(self, result: ImportResult) -> None:
        self.result_summary = result
        self.summary.setText(
            f"已导入 {result.created + result.updated} 人：新增 {result.created} 人，更新 {result.updated} 人，"
            f"跳过 {result.skipped} 人。" + (f"导入前的数据已备份到：{result.backup}" if result.backup else "")
        )
