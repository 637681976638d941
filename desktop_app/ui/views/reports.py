"""报表导出: pick a report and a period, see how many records go out, export without freezing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.errors import AppError
from desktop_app.core.exchange.reports.base import ExportOptions, ExportResult, Report
from desktop_app.core.exchange.reports.registry import REPORTS, export_report, report_for
from desktop_app.ui.kit import file_dialogs
from desktop_app.ui.kit.background import BackgroundTask, News, run_in_background
from desktop_app.ui.kit.combo_box import ComboBox
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.kit.file_dialogs import FileKind
from desktop_app.ui.kit.operations import attempt
from desktop_app.ui.kit.page import Page
from desktop_app.ui.kit.period_picker import PeriodPicker
from desktop_app.ui.kit.signals import on_click

if TYPE_CHECKING:
    from desktop_app.ui.views.street_boxes import PackageBox


class ReportsView(Page):
    title = "报表导出"
    catalogue: ClassVar[dict[str, type[Report]]] = REPORTS
    box_title = "导出上报街道的报表"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.task: BackgroundTask | None = None
        self.last_result: ExportResult | None = None
        box = QGroupBox(self.box_title)
        form = QFormLayout(box)
        self.kind = ComboBox()
        for kind, report in self.catalogue.items():
            self.kind.addItem(report.title, kind)
        self.period = PeriodPicker()
        self.unmasked = QCheckBox("导出完整的电话和身份证号（默认只显示首尾几位）")
        self.include_illness = QCheckBox("导出重病帮困记录的病情说明（默认不导出）")
        self.encrypt = QCheckBox("设置打开密码（加密导出：没有密码打不开文件，密码请另行告知接收人）")
        self.preview = QLabel()
        self.export_button = QPushButton("导出…")
        on_click(self.export_button.clicked, self.choose_target)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.open_folder = QPushButton("打开所在文件夹")
        self.open_folder.setEnabled(False)
        on_click(self.open_folder.clicked, self.show_folder)
        form.addRow("报表", self.kind)
        form.addRow("统计期间", self.period)
        form.addRow("个人信息", self.unmasked)
        form.addRow("病情说明", self.include_illness)
        form.addRow("文件加密", self.encrypt)
        self.form = form
        self.kind.setMaximumWidth(360)
        form.addRow("预览", self.preview)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.open_folder)
        buttons.addStretch(1)
        form.addRow("", buttons)
        form.addRow("", self.status)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        self.extra_boxes = self.more_boxes()
        for extra in self.extra_boxes:
            layout.addWidget(extra)
        layout.addStretch(1)
        self.setFocusProxy(self.kind)
        self.kind.currentIndexChanged.connect(self.reload)
        self.period.changed.connect(self.reload)
        self.reload()

    def options(self, password: str | None = None) -> ExportOptions:
        return ExportOptions(
            unmasked=self.unmasked.isChecked(), include_illness=self.include_illness.isChecked(), password=password
        )

    def reload(self) -> None:
        for extra in self.extra_boxes:
            extra.reload()
        kind = self.kind.currentData()
        if self.task is None or self.task.done:
            # A line about the last export belongs to that report and period, not to the one now chosen.
            self.status.setText("")
            self.open_folder.setEnabled(False)
        self.form.setRowVisible(self.include_illness, kind == "care" and self.catalogue is REPORTS)
        self.form.setRowVisible(self.unmasked, kind in ("members", "mobile") and self.catalogue is REPORTS)
        try:
            period = self.period.period()
            count = report_for(self.context.db, kind, self.catalogue).count(period)
        except AppError as exc:  # a period that ends before it starts; the data file busy or gone
            self.preview.setText(str(exc))
            self.export_button.setEnabled(False)
            return
        self.export_button.setEnabled(True)
        self.preview.setText(
            f"{period.label}：将导出 {count} {self.noun(kind)}"
            if count
            else f"{period.label}：本期无记录（仍可导出空表）"
        )
        self.count_changed.emit(count)

    def more_boxes(self) -> list[PackageBox]:
        """Below the reports: the 上报数据包 that the street's copy adds up by itself."""
        from desktop_app.ui.views.street_boxes import PackageBox

        return [PackageBox(self.context)]

    def noun(self, kind: str) -> str:
        return "名党员" if kind == "members" else "条记录"

    def default_name(self) -> str:
        return f"{self.period.period().label}{self.kind.currentText()}.xlsx"

    def choose_target(self) -> None:
        settings, name = self.context.settings, self.default_name()
        path = file_dialogs.save_file(
            self, settings, FileKind.REPORT, "保存报表", name, "Excel 工作簿 (*.xlsx)", ".xlsx"
        )
        if not path:
            return
        password = None
        if self.encrypt.isChecked():
            password = self.ask_file_password()
            if password is None:
                return
        self.export_to(path, password)

    def ask_file_password(self) -> str | None:
        from desktop_app.ui.dialogs.passwords import NewPasswordDialog

        dialog = NewPasswordDialog(
            "导出的文件要用这个密码才能打开（Excel、WPS 都会提示输入）。"
            "请通过电话等其他途径告诉接收人，不要和文件一起发送。",
            "加密导出",
            self,
            enforce=False,  # the receiver's file, not the data's key: advice only
        )
        return dialog.password if dialog.exec() else None

    def export_to(self, target: Path, password: str | None = None) -> BackgroundTask:
        kind, period, db = self.kind.currentData(), self.period.period(), self.context.db
        options, catalogue = self.options(password), self.catalogue
        self.export_button.setEnabled(False)
        self.status.setText("正在导出…")
        progress = News()
        self.task = run_in_background(
            label=f"正在导出{self.kind.currentText()}…",
            work=lambda: export_report(db, kind, period, target, options, progress, catalogue=catalogue),
            on_done=self._exported,
            parent=self,
            progress_dialog=True,
            news=progress,
        )
        self.task.finished.connect(lambda: self.export_button.setEnabled(True))
        self.task.failed.connect(lambda exc: self.status.setText("导出未完成。"))
        return self.task

    def _exported(self, result: ExportResult) -> None:
        self.last_result = result
        self.status.setText(f"已导出 {result.rows} {self.noun(self.kind.currentData())}到：{result.path}")
        self.open_folder.setEnabled(True)

    def show_folder(self) -> None:
        if self.last_result is not None:
            folder = QUrl.fromLocalFile(str(self.last_result.path.parent))
            attempt(self, lambda: QDesktopServices.openUrl(folder))
