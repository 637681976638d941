"""操作记录: who changed what and when; filter by action, record kind, date and text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSplitter, QTableView, QTextEdit, QVBoxLayout, QWidget

from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.services.registry import record_services
from desktop_app.core.storage.audit import AuditRow, AuditService
from desktop_app.ui.kit.column_widths import MOMENT_SAMPLE, ColumnWidths, Room
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.kit.formatting import moment_text
from desktop_app.ui.kit.list_model import ListTableModel
from desktop_app.ui.kit.page import Page
from desktop_app.ui.views.filters import ChoiceFilter, DateRangeFilter, by_key

OTHER_KINDS = {
    "care_category": "关怀类别",
    "profile": "居民区信息",
    "meeting_norm": "三会一课频次",
    "attachment": "附件",
    "studio_topic": "工作室课题",
    "settings": "设置",
    "report": "报表",
    "dues_assessment": "党费核定",
    "dues_payment": "党费缴纳",
    "dues_relief": "党费减免",
    "package": "上报数据包",
    "street_unit": "居民区名单",
    "backup": "备份",
    "security": "密码与锁定",
}


class AuditModel(ListTableModel):
    HEADERS = ("时间", "操作", "类别", "内容", "操作人", "说明")

    def __init__(self, kind_labels: dict[str, str], parent: Any = None) -> None:
        super().__init__(parent)
        self.kind_labels = kind_labels

    def cells(self, row: AuditRow) -> tuple[str, ...]:
        details = row.details or "、".join(row.changes)
        if row.unmasked:
            details = "（含完整个人信息）" + details
        kind = self.kind_labels.get(row.record_kind, row.record_kind)
        return moment_text(row.at, seconds=True), row.action.label, kind, row.summary, row.os_user, details


class AuditView(Page):
    title = "操作记录"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = AuditService(context.db)
        services = record_services(context.db)
        self.kind_labels = {key: s.kind_label for key, s in services.items()} | OTHER_KINDS
        # Field labels for the change details, by record kind.
        self.field_labels = {key: {f.name: f.label for f in s.fields} for key, s in services.items()}
        self.model = AuditModel(self.kind_labels, self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索内容或说明")
        self.search.setClearButtonEnabled(True)
        self.dates = DateRangeFilter()
        self.action = ChoiceFilter("全部操作", by_key("action", [(a.value, a.label) for a in AuditAction]))
        self.kind = ChoiceFilter("全部类别", by_key("kind", list(self.kind_labels.items())))
        row = QHBoxLayout()
        row.addWidget(self.search, 2)
        for widget in (self.dates, self.action, self.kind):
            row.addWidget(widget)
            widget.changed.connect(self.reload)
        row.addStretch(1)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(250)
        timer.timeout.connect(self.reload)
        self.search.textChanged.connect(timer.start)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self.show_details)
        self.details = QTextEdit()
        self.details.setReadOnly(True)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setSizes([500, 160])
        self.note = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.note)
        self.setFocusProxy(self.search)
        self.reload()
        actions = tuple(action.label for action in AuditAction)
        rooms = (Room((MOMENT_SAMPLE,)), Room(actions, chars=3), Room(chars=6), Room(chars=20), Room(chars=6))
        ColumnWidths(self.table, rooms).fit()

    def reload(self) -> None:
        date_from, date_to = self.dates.range()
        rows = self.service.entries(
            action=self.action.chosen().get("action"),
            kind=self.kind.chosen().get("kind"),
            text=self.search.text(),
            date_from=date_from,
            date_to=date_to,
        )
        self.model.set_rows(rows)
        limit = AuditService.LIMIT
        self.note.setText(f"只显示最近的 {limit} 条，请用筛选条件缩小范围。" if len(rows) >= limit else "")
        self.details.clear()
        self.count_changed.emit(len(rows))

    def record_count(self) -> int:
        return self.model.rowCount()

    def show_details(self, current: QModelIndex) -> None:
        if not current.isValid():
            return
        row = self.model.rows[current.row()]
        labels = self.field_labels.get(row.record_kind, {})
        lines = [f"{moment_text(row.at, seconds=True)}　{row.os_user}　{row.action.label}　{row.summary}"]
        for name, (old, new) in row.changes.items():
            lines.append(f"{labels.get(name, name)}：{old or '（空）'} → {new or '（空）'}")
        if row.details:
            lines.append(row.details)
        self.details.setPlainText("\n".join(lines))
