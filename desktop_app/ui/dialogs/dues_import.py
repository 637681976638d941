"""导入党费基数: choose an .xlsx of names, 缴费类别 and monthly bases, see each member's amount or each row's
problem, then write the year's 核定 all or nothing. The bases themselves are incomes: not shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHeaderView, QSpinBox, QWidget

from desktop_app.core.exchange.roster.dues_bases import DuesBasesPreview, commit_dues_bases, preview_dues_bases
from desktop_app.core.storage.database import Database
from desktop_app.ui.dialogs.import_dialog import ERROR_COLOR, SheetImportDialog, Work


class DuesBasesDialog(SheetImportDialog):
    def __init__(self, db: Database, year: int, parent: QWidget | None = None) -> None:
        super().__init__(
            db,
            "导入党费基数（年度核定）",
            "请选择 Excel 文件（.xlsx）：姓名或身份证号、缴费类别、月收入基数各一列。",
            ("行号或姓名", "结果", "说明"),
            "核定",
            QSize(760, 520),
            parent,
        )
        self.added: int | None = None
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.year.setSuffix(" 年")
        self.year.setPrefix("核定 ")
        self.year.valueChanged.connect(self.refresh_preview)
        self.top.insertWidget(1, self.year)

    def read(self, path: Path) -> Work:
        db, year = self.db, self.year.value()
        return lambda progress: preview_dues_bases(db, path, year)

    def show_preview(self, preview: DuesBasesPreview) -> None:
        # The problems first, each where it is; then the amount each member would be assessed at.
        self.table.setRowCount(len(preview.problems) + len(preview.amounts))
        for index, problem in enumerate(preview.problems):
            self.paint_row(index, (f"第{problem.row}行", "有错误", problem.where_in_row()), ERROR_COLOR)
        for index, (member_id, amount) in enumerate(preview.amounts.items(), start=len(preview.problems)):
            category = preview.bases[member_id].category.label
            self.paint_row(index, (preview.names[member_id], "可核定", f"{category}，每月 {amount:.2f} 元"))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        text = preview.summary()
        if not preview.ok:
            text += "。请先在表格中改正标红的行，再重新选择文件；在此之前不会核定任何人。"
        self.summary.setText(text)
        self.import_button.setEnabled(preview.ok and bool(preview.bases))

    def write(self, preview: DuesBasesPreview) -> Work:
        db = self.db
        return lambda progress: commit_dues_bases(db, preview, dt.date.today())

    def written(self, added: int) -> None:
        self.added = added
