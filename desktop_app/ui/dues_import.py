"""导入党费基数: choose an .xlsx of names, 缴费类别 and monthly bases, see each member's amount or each row's
problem, then write the year's 核定 all or nothing. The bases themselves are incomes: not shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.exchange.roster.dues_bases import DuesBasesPreview, commit_dues_bases, preview_dues_bases
from desktop_app.core.storage.database import Database
from desktop_app.ui.background import BackgroundTask
from desktop_app.ui.import_dialog import ERROR_COLOR
from desktop_app.ui.screen import fit_to_screen
from desktop_app.ui.signals import on_click


class DuesBasesDialog(QDialog):
    def __init__(self, db: Database, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.path: Path | None = None
        self.preview: DuesBasesPreview | None = None
        self.added: int | None = None
        self.task: BackgroundTask | None = None
        self.setWindowTitle("导入党费基数（年度核定）")
        fit_to_screen(self, QSize(760, 520))
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.file_label = QLabel("请选择 Excel 文件（.xlsx）：姓名或身份证号、缴费类别、月收入基数各一列。")
        self.file_label.setWordWrap(True)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.year.setSuffix(" 年")
        self.year.setPrefix("核定 ")
        self.year.valueChanged.connect(self.refresh_preview)
        choose = QPushButton("选择文件…")
        on_click(choose.clicked, self.choose_file)
        top.addWidget(self.file_label, 1)
        top.addWidget(self.year)
        top.addWidget(choose)
        layout.addLayout(top)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(("行号或姓名", "结果", "说明"))
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.import_button = QPushButton("核定")
        self.import_button.setEnabled(False)
        on_click(self.import_button.clicked, self.commit)
        close = QPushButton("关闭")
        on_click(close.clicked, self.reject)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择党费基数表", "", "Excel 工作簿 (*.xlsx);;所有文件 (*)")
        if path:
            self.load_file(Path(path))

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
        path, year, db = self.path, self.year.value(), self.db
        self.task = BackgroundTask(
            self, "正在检查表格…", lambda progress: preview_dues_bases(db, path, year), self.show_preview
        )
        self.task.failed.connect(lambda exc: self.summary.setText(f"无法导入：{exc}"))
        return self.task.start()

    def show_preview(self, preview: DuesBasesPreview) -> None:
        self.preview = preview
        # The problems first, each where it is; then the amounts each member would be assessed at.
        lines = [(f"第{p.row}行", "有错误", p.where_in_row(), True) for p in preview.problems]
        for member_id, amount in preview.amounts.items():
            category = preview.bases[member_id].category.label
            lines.append((preview.names[member_id], "可核定", f"{category}，每月 {amount:.2f} 元", False))
        self.table.setRowCount(len(lines))
        for index, (where, status, detail, wrong) in enumerate(lines):
            for column, text in enumerate((where, status, detail)):
                item = QTableWidgetItem(text)
                if wrong:
                    item.setForeground(QBrush(ERROR_COLOR))
                self.table.setItem(index, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        text = preview.summary()
        if not preview.ok:
            text += "。请先在表格中改正标红的行，再重新选择文件；在此之前不会核定任何人。"
        self.summary.setText(text)
        self.import_button.setEnabled(preview.ok and bool(preview.bases))

    def commit(self) -> BackgroundTask | None:
        if self.preview is None or not self.preview.ok:
            return None
        preview, db = self.preview, self.db
        self.import_button.setEnabled(False)
        self.task = BackgroundTask(
            self, "正在核定…", lambda progress: commit_dues_bases(db, preview, dt.date.today()), self._committed
        )
        self.task.failed.connect(lambda exc: self.summary.setText(f"未核定：{exc}"))
        return self.task.start()

    def _committed(self, added: int) -> None:
        self.added = added
        self.accept()
