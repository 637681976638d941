"""党费: the month grid of a year (members × months), marked paid a cell or a selection at a time, and the
year's 核定 per member. The rules and amounts are the core's (`core.services.dues`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain import normalize
from desktop_app.core.domain.enums import DuesCategory, DuesPaymentWay
from desktop_app.core.domain.errors import AppError, EditConflictError, ValidationError
from desktop_app.core.services.dues import Basis, DuesService
from desktop_app.core.services.dues_ledger import MONTHS, LedgerRow, due_through, totals
from desktop_app.core.services.people import PartyGroupService
from desktop_app.ui.dialogs.edit_conflict import ConflictChoice, settle_conflict
from desktop_app.ui.kit.column_widths import ColumnWidths, Room
from desktop_app.ui.kit.combo_box import ComboBox
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.kit.dialog_buttons import ok_cancel
from desktop_app.ui.kit.formatting import date_edit, iso_date, python_date
from desktop_app.ui.kit.list_focus import focus_row
from desktop_app.ui.kit.operations import attempt
from desktop_app.ui.kit.page import Page
from desktop_app.ui.kit.styles import ERROR_STYLE

FIRST_MONTH_COLUMN = 2
PAID_COLUMN = FIRST_MONTH_COLUMN + 13  # 实缴
UNPAID = QBrush(QColor("#fde2e1"))
PAID_MARK = "✓"
CORRECTED_MARK = "※"  # the month's payments were corrected: the cell's tooltip lists them
NOT_OWED = "—"
DISPLAY, BACKGROUND, ALIGNMENT, TOOLTIP = (
    int(role)
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ToolTipRole,
    )
)
ANSWERED_ROLES = frozenset((DISPLAY, BACKGROUND, ALIGNMENT, TOOLTIP))
RIGHT_ALIGNMENT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
RIGHT_ALIGNED = int(RIGHT_ALIGNMENT)
HAS_DISPLAY = QStyleOptionViewItem.ViewItemFeature.HasDisplay
COLLECTOR_KEY = "dues/collector"


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def typed_amount(edit: QLineEdit) -> Decimal | None:
    """An amount as people type it (4500, 4,500.50, 4500元), read as every money field is; blank is None."""
    text = edit.text().strip()
    try:
        return normalize.parse_money(text) if text else None
    except ValueError as exc:
        raise AppError(f"“{text}”不是金额：{exc}。") from None


class RecordingDialog(QDialog):
    """A dialog whose OK writes through `record(dialog)`: what the core refuses is said in the dialog, and
    everything typed stays, until it is written or the person cancels."""

    def __init__(self, record: Callable[[Any], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record = record
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)

    def accept(self) -> None:
        try:
            self.record(self)
        except ValidationError as exc:
            self.error.setText(exc.describe())
            return
        except AppError as exc:
            self.error.setText(str(exc))
            return
        super().accept()

    # -- closing with the window (ui.kit.unsaved) ---------------------------------------
    def unsaved(self) -> list[str]:
        typed = any(edit.isModified() for edit in self.findChildren(QLineEdit))
        return [f"“{self.windowTitle()}”中填写的内容"] if self.isVisible() and typed else []

    def save_unsaved(self) -> bool:
        self.accept()
        return not self.isVisible()  # refused: the reason is said in the dialog, what was typed stays

    def discard_unsaved(self) -> None:
        self.reject()


class AssessDialog(RecordingDialog):
    """核定 one member: the category and the monthly base (or a farmer's amount); from a month, for a change."""

    def __init__(
        self, name: str, year: int, record: Callable[[AssessDialog], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(record, parent)
        self.setWindowTitle(f"核定党费：{name}")
        form = QFormLayout(self)
        self.category = ComboBox()
        self.category.addItems([category.label for category in DuesCategory])
        self.base = QLineEdit()
        self.base.setPlaceholderText("在职填税后月工资，离退休填基本离退休费（元）")
        self.from_month = QSpinBox()
        self.from_month.setRange(1, 12)
        self.from_month.setSuffix(" 月起")
        form.addRow("缴费类别", self.category)
        form.addRow("月收入基数（元）", self.base)
        form.addRow(f"{year}年", self.from_month)
        form.addRow(self.error)
        form.addRow(ok_cancel(self, "核定"))
        self.category.setFocus()

    def basis(self) -> Basis:
        category = list(DuesCategory)[self.category.currentIndex()]  # Qt would make the enum a plain string
        amount = typed_amount(self.base)
        if category is DuesCategory.FARMER:
            return Basis(category, farmer_amount=amount)
        return Basis(category, base=amount)


class ReliefDialog(RecordingDialog):
    """减免 for a member's selected months: the reason, the amount, the branch's decision and the approval."""

    FIELDS = (
        ("reason", "减免原因"),
        ("monthly_amount", "每月减为（元，0 为免交）"),
        ("branch_decision_date", "支部决定日期"),
        ("approved_by", "批准的上级党委"),
        ("approval_date", "批准日期"),
        ("document_no", "批准文号"),
    )

    def __init__(
        self,
        name: str,
        months: tuple[int, int],
        record: Callable[[ReliefDialog], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(record, parent)
        self.setWindowTitle(f"党费减免：{name}（{months[0]}–{months[1]}月）")
        form = QFormLayout(self)
        self.edits = {key: QLineEdit() for key, _ in self.FIELDS}
        self.edits["monthly_amount"].setText("0")
        for key, label in self.FIELDS:
            form.addRow(label, self.edits[key])
        form.addRow(self.error)
        form.addRow(ok_cancel(self, "记录减免"))

    def amount(self) -> Decimal:
        text = self.edits["monthly_amount"].text().strip() or "0"
        try:
            return Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError({"monthly_amount": "请填写金额，免交填 0"}, {"monthly_amount": "每月减为"}) from exc

    def date(self, key: str) -> dt.date | None:
        """A date as typed (2026-03-01, 2026/3/1, 2026年3月1日); an unreadable one counts as not given."""
        text = self.edits[key].text().strip()
        try:
            return normalize.parse_date(text) if text else None
        except ValueError:
            return None


class VoluntaryDialog(RecordingDialog):
    """自愿多交: a one-off amount beyond the months, with the 缴费日期, way and collector of the page."""

    def __init__(self, name: str, record: Callable[[VoluntaryDialog], None], parent: QWidget | None = None) -> None:
        super().__init__(record, parent)
        self.setWindowTitle(f"自愿多交党费：{name}")
        form = QFormLayout(self)
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText("如 200")
        self.amount_edit.setMinimumWidth(self.amount_edit.fontMetrics().horizontalAdvance("0") * 16)
        note = QLabel(
            "一次性多交的党费，不计入各月应缴；1000 元及以上的全额上缴。\n缴费日期、方式和收缴人按页面上方所填。"
        )
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow("金额（元）", self.amount_edit)
        form.addRow(self.error)
        form.addRow(ok_cancel(self, "记录"))

    def amount(self) -> Decimal:
        amount = typed_amount(self.amount_edit)
        if amount is None:
            raise ValidationError({"amount": "请填写金额"}, {"amount": "金额"})
        return amount


class CorrectionDialog(RecordingDialog):
    """更正 a month paid on an earlier day: the reason is asked; the payments stay, reversed by a new entry."""

    def __init__(
        self, title: str, history: str, record: Callable[[CorrectionDialog], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(record, parent)
        self.setWindowTitle(f"更正党费：{title}")
        form = QFormLayout(self)
        note = QLabel(
            f"已记录：{history}\n\n更正会冲销这个月已记的金额，原记录保留，原因写入“操作记录”；"
            "更正后这个月恢复为未缴，可再按实际情况标记已缴。"
        )
        note.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("如：记错了人、重复记录")
        self.reason.setMinimumWidth(self.reason.fontMetrics().horizontalAdvance("0") * 40)
        form.addRow(note)
        form.addRow("更正原因", self.reason)
        form.addRow(self.error)
        form.addRow(ok_cancel(self, "更正"))
        self.reason.setFocus()


class DuesGridModel(QAbstractTableModel):
    """The month grid over the ledger rows: Qt asks only for the cells it paints (600 members × 17 columns
    as items took longer to build than the page may take to open)."""

    HEADERS = ("姓名", "党小组", *(f"{m}月" for m in MONTHS), "应缴", "实缴", "欠缴")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[LedgerRow] = []
        self.due = 0  # the last month due in the year shown
        # A corrected month's entries as a line of text, read when a person points at the cell.
        self.month_history: Callable[[int, int], str] | None = None

    def set_rows(self, rows: list[LedgerRow], due: int) -> None:
        self.beginResetModel()
        self.rows, self.due = rows, due
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        # Asked for every role of every cell painted: the roles it has no answer for return at once.
        if role not in ANSWERED_ROLES or not index.isValid():
            return None
        column = index.column()
        if role == DISPLAY:
            return self.text(index.row(), column)
        if role == ALIGNMENT:
            return RIGHT_ALIGNED if column >= FIRST_MONTH_COLUMN else None
        if role == BACKGROUND:
            return self.background(index.row(), column)
        row, month = self.rows[index.row()], column - FIRST_MONTH_COLUMN + 1
        if month in row.corrected and self.month_history is not None:  # the tooltip
            return f"{month}月有更正：{self.month_history(row.member_id, month)}"
        if column == PAID_COLUMN and row.voluntary:
            gifts = "；".join(f"{iso_date(day)} {money(amount)} 元" for day, amount in row.voluntary)
            return f"另有自愿多交（不计入各月）：{gifts}"
        return None

    def background(self, row_index: int, column: int) -> QBrush | None:
        """Red for a month due and not paid in full."""
        month = column - FIRST_MONTH_COLUMN + 1
        return UNPAID if month in MONTHS and month <= self.due and self.rows[row_index].unpaid(month) else None

    def text(self, row_index: int, column: int) -> str:
        row = self.rows[row_index]
        if column == 0:
            return row.name
        if column == 1:
            return row.group
        month = column - FIRST_MONTH_COLUMN + 1
        if month in MONTHS:
            if month not in row.owed or (row.owed[month] == 0 and month not in row.relieved):
                return NOT_OWED  # not a member that month, or paying at the 单位 (双报到)
            if month in row.relieved and row.owed[month] == 0:
                return "免"
            corrected = CORRECTED_MARK if month in row.corrected else ""
            if row.unpaid(month):
                return money(row.owed[month] - row.paid.get(month, Decimal(0))) + corrected
            return f"{PAID_MARK} {money(row.paid.get(month, Decimal(0)))}{corrected}"
        arrears = row.arrears(self.due)
        return (money(row.owed_total), money(row.paid_total), money(arrears) if arrears > 0 else "")[
            column - FIRST_MONTH_COLUMN - 12
        ]


class GridCells(QStyledItemDelegate):
    """The grid's cells painted from the model in one call each: Qt's own delegate asks the model seven roles of every
    cell it paints, each a call from C++ into Python (the page paints its first screen twice as it opens). It sets
    what Qt's `initStyleOption` sets from the roles DuesGridModel answers (text, alignment, background) and leaves
    the option as the view made it for the others, as Qt does: the same pixels. Tooltips still come from `data`."""

    def __init__(self, grid: DuesGridModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.grid = grid

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        cell: Any = option  # PySide's stubs leave out the option's fields
        row, column = index.row(), index.column()
        cell.index = index
        cell.features |= HAS_DISPLAY
        cell.text = self.grid.text(row, column)
        if column >= FIRST_MONTH_COLUMN:
            cell.displayAlignment = RIGHT_ALIGNMENT
        background = self.grid.background(row, column)
        if background is not None:
            cell.backgroundBrush = background


class DuesView(Page):
    title = "党费"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = DuesService(context.db)
        self.rows: list[LedgerRow] = []
        self.due = 0  # the last month due in the year shown
        toolbar = QToolBar()
        self.pay_action = toolbar.addAction("标记已缴", self.mark_paid)
        self.pay_action.setToolTip("把选中的月份标记为已缴（在表格中按空格键）；可以先选中多个人、多个月")
        self.assess_action = toolbar.addAction("核定…", self.assess_selected)
        self.relief_action = toolbar.addAction("减免…", self.relieve_selected)
        self.relief_action.setToolTip("为选中的月份记录减免（须有支部决定和上级党委批准）")
        self.undo_action = toolbar.addAction("撤销本笔", self.undo_last)
        self.undo_action.setToolTip("撤销选中格子今天记录的最后一笔（记错时用，Ctrl+Z）；以前记录的请用“更正…”")
        self.correct_action = toolbar.addAction("更正…", self.correct_month)
        self.correct_action.setToolTip("冲销当前格子已记的缴费并写明原因（原记录保留，写入操作记录）")
        self.voluntary_action = toolbar.addAction("自愿多交…", self.record_voluntary)
        self.voluntary_action.setToolTip("为当前党员记录一次自愿多交的党费（不计入各月；1000 元及以上全额上缴）")
        self.import_action = toolbar.addAction("导入基数…", self.import_bases)
        self.import_action.setToolTip("从 Excel 表（姓名或身份证号、缴费类别、月收入基数）一次核定全年党费")
        for action, keys in ((self.assess_action, "Ctrl+E"), (self.undo_action, "Ctrl+Z")):
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        self.year.setSuffix(" 年")
        self.group = ComboBox()
        self.group.addItem("全部党小组", None)
        for group_id, name in PartyGroupService(context.db).choices():
            self.group.addItem(name, group_id)
        self.show_only = ComboBox()
        self.show_only.addItem("全部党员", "all")
        self.show_only.addItem("本月未缴", "unpaid_now")
        self.show_only.addItem("连续 6 个月未缴", "at_risk")
        self.way = ComboBox()
        self.way.addItems([way.label for way in DuesPaymentWay])
        # The day the money was handed over (a payment entered later keeps its own day; 补缴 and 预交 count from it).
        self.paid_on = date_edit(QDate.currentDate())
        self.collector = QLineEdit(str(context.settings.value(COLLECTOR_KEY, "")))
        self.collector.setPlaceholderText("收缴人")
        self.collector.setMaximumWidth(120)
        filters = QHBoxLayout()
        for widget in (self.year, self.group, self.show_only):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(QLabel("缴费方式"))
        filters.addWidget(self.way)
        filters.addWidget(QLabel("缴费日期"))
        filters.addWidget(self.paid_on)
        filters.addWidget(self.collector)
        self.model = DuesGridModel(self)
        self.model.month_history = self.month_history
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(GridCells(self.model, self.table))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        # Widths in the font's own measure (sizing to the contents would read every row), kept when the 字号
        # changes while the page is open; all in sight on a 1366-wide screen at the standard size.
        # A name of four characters (欧阳秀英), a group such as 第10党小组.
        person, group = Room(chars=4), Room(samples=("第10党小组",), chars=5)
        amount = Room(samples=("✓1234.56",))
        self.widths = ColumnWidths(self.table, (person, group, *(amount,) * 12, amount, amount, amount))
        self.widths.fit()
        self.table.addActions(
            [
                self.pay_action,
                self.undo_action,
                self.correct_action,
                self.assess_action,
                self.relief_action,
                self.voluntary_action,
            ]
        )
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.installEventFilter(self)
        self.totals = QLabel()
        self.totals.setWordWrap(True)  # a year's sums are one long sentence: it must not widen the window
        layout = QVBoxLayout(self)
        layout.addWidget(toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        self.setFocusProxy(self.table)
        for combo in (self.group, self.show_only):
            combo.currentIndexChanged.connect(self.reload)
        self.year.valueChanged.connect(self.reload)
        self.reload()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Space marks the selection paid: one key, as on the paper book's tick (the table would take Space
        # for its own selection otherwise).
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Space and not event.modifiers():
                self.mark_paid()
                return True
        return super().eventFilter(watched, event)

    def reload(self) -> None:
        """Read the grid afresh; the cursor stays on the member and month it was on (after 核定, 自愿多交 …)."""
        kept = self.current_row()
        column = self.table.currentIndex().column()
        year = self.year.value()
        loaded = attempt(self, lambda: self.service.ledger(year, self.group.currentData()))
        if not loaded.ok or loaded.value is None:
            return
        rows = loaded.value
        today = dt.date.today()
        shown = self.show_only.currentData()
        if shown == "unpaid_now" and year == today.year:
            rows = [row for row in rows if row.unpaid(today.month)]
        elif shown == "at_risk":
            risky = {member_id for member_id, _ in self.service.at_risk(today)}
            rows = [row for row in rows if row.member_id in risky]
        self.rows = rows
        self.due = due_through(year, today)
        self.model.set_rows(rows, self.due)
        sums = totals(rows, self.due)
        self.totals.setText(
            f"{year}年 {len(rows)} 名党员：全年应缴 {money(sums.owed)} 元，实缴 {money(sums.paid)} 元，"
            f"到{self.due}月欠缴 {money(sums.arrears)} 元；"
            f"{sums.month}月应缴 {money(sums.month_owed)} 元，实缴 {money(sums.month_paid)} 元"
            + (f"；另有自愿多交 {money(sums.voluntary)} 元" if sums.voluntary else "")
            + f"（红底为已到期未缴，{CORRECTED_MARK} 为有更正）"
        )
        if kept is not None:
            row = next((i for i, r in enumerate(rows) if r.member_id == kept.member_id), None)
            if row is not None:
                focus_row(self.table, row, max(column, 0), take_focus=False)
        self.count_changed.emit(len(rows))

    def changed(self) -> None:
        """After a change: the grid read afresh, the cursor back in it on the member and month worked on."""
        self.reload()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def month_history(self, member_id: int, month: int) -> str:
        found = attempt(self, lambda: self.service.entries(member_id, self.year.value(), month))
        return "；".join(entry.describe() for entry in found.value or []) if found.ok else ""

    def current_month(self) -> tuple[LedgerRow, int] | None:
        """The member and month of the cursor's cell, if it is a month cell."""
        row = self.current_row()
        month = self.table.currentIndex().column() - FIRST_MONTH_COLUMN + 1
        return (row, month) if row is not None and month in MONTHS else None

    def undo_last(self) -> None:
        """撤销本笔: the last entry of each selected month cell, if it was made today (all or none)."""
        cells = self.selected_cells()
        if not cells:
            return
        year = self.year.value()
        undone = attempt(self, lambda: self.service.undo_last(cells, year, dt.date.today()))
        if undone.ok and undone.value:
            self.changed()
            entries = undone.value
            said = f"已撤销 {len(entries)} 笔" if len(entries) > 1 else f"已撤销：{entries[0].describe()}"
            self.totals.setText(said + "。" + self.totals.text())

    def correct_month(self) -> None:
        """更正…: the cell's payments reversed, with the reason."""
        cell = self.current_month()
        if cell is None:
            return
        row, month = cell
        year = self.year.value()
        history = self.month_history(row.member_id, month)
        if not history:
            self.totals.setText(f"{row.name} {month}月没有缴费记录，无需更正。" + self.totals.text())
            return

        def record(dialog: CorrectionDialog) -> None:
            self.service.correct(row.member_id, year, month, dialog.reason.text(), dt.date.today())

        title = f"{row.name} {year}年{month}月"
        if attempt(self, lambda: CorrectionDialog(title, history, record, self).exec()).ok:
            self.changed()

    def record_count(self) -> int:
        return len(self.rows)

    def selected_cells(self) -> list[tuple[int, int]]:
        """(member id, month) of the selected month cells."""
        return sorted(
            {
                (self.rows[index.row()].member_id, index.column() - FIRST_MONTH_COLUMN + 1)
                for index in self.table.selectedIndexes()
                if FIRST_MONTH_COLUMN <= index.column() < FIRST_MONTH_COLUMN + 12
            }
        )

    def handed_over(self) -> tuple[dt.date, DuesPaymentWay, str]:
        """The 缴费日期, way and collector the bar shows (the collector is remembered for next time)."""
        collector = self.collector.text().strip()
        self.context.settings.setValue(COLLECTOR_KEY, collector)
        return python_date(self.paid_on.date()), list(DuesPaymentWay)[self.way.currentIndex()], collector

    def mark_paid(self) -> None:
        cells = self.selected_cells()
        if not cells:
            return
        year = self.year.value()
        paid_on, way, collector = self.handed_over()
        paid = attempt(self, lambda: self.service.pay(cells, year, paid_on, way, collector))
        if paid.ok:
            self.changed()
            said = (
                f"已记录 {paid.value} 笔。"
                if paid.value
                else "选中的月份都已缴（或不需缴），没有重复记录；"
                "记错了的，当天可“撤销本笔”（Ctrl+Z），以后用“更正…”写明原因。"
            )
            self.totals.setText(said + self.totals.text())

    def relieve_selected(self) -> None:
        """减免 for the current member over the selected months of that row."""
        row = self.current_row()
        if row is None:
            return
        months = sorted(month for member_id, month in self.selected_cells() if member_id == row.member_id)
        if not months:
            return
        year, span = self.year.value(), (months[0], months[-1])

        def record(dialog: ReliefDialog) -> None:
            text = {key: edit.text() for key, edit in dialog.edits.items()}
            self.service.grant_relief(
                row.member_id,
                year,
                span,
                dialog.amount(),
                text["reason"],
                dialog.date("branch_decision_date"),
                text["approved_by"],
                dialog.date("approval_date"),
                text["document_no"],
            )

        if attempt(self, lambda: ReliefDialog(row.name, span, record, self).exec()).ok:
            self.changed()

    def import_bases(self) -> None:
        from desktop_app.ui.dialogs.dues_import import DuesBasesDialog  # openpyxl only when the person imports

        dialog = DuesBasesDialog(self.context.db, self.year.value(), self)
        if dialog.exec() and dialog.preview is not None:
            self.year.setValue(dialog.year.value())
            self.changed()
            kept = len(dialog.preview.bases) - (dialog.added or 0)
            unchanged = f"，{kept} 人此前已核定、保持不变" if kept else ""
            self.totals.setText(f"已核定 {dialog.added} 人{unchanged}。" + self.totals.text())

    def current_row(self) -> LedgerRow | None:
        index = self.table.currentIndex()
        return self.rows[index.row()] if index.isValid() and index.row() < len(self.rows) else None

    def record_voluntary(self) -> None:
        row = self.current_row()
        if row is None:
            return

        def record(dialog: VoluntaryDialog) -> None:
            paid_on, way, collector = self.handed_over()
            self.service.voluntary(row.member_id, dialog.amount(), paid_on, way, collector)

        if attempt(self, lambda: VoluntaryDialog(row.name, record, self).exec()).ok:
            self.changed()

    def assess_selected(self) -> None:
        row = self.current_row()
        if row is None:
            return
        year = self.year.value()
        seen = self.service.assessment_versions(row.member_id, year)  # what this person changes from

        def record(dialog: AssessDialog) -> None:
            if not row.owed:  # not yet assessed for the year: the year's 核定
                self.service.assess_year(year, {row.member_id: dialog.basis()}, dt.date.today())
                return
            month, basis, today = dialog.from_month.value(), dialog.basis(), dt.date.today()
            try:
                self.service.record_change(row.member_id, year, month, basis, today, version=seen.get(month, 0))
            except EditConflictError as conflict:  # someone else recorded one meanwhile: the person chooses
                choice = settle_conflict(conflict, dialog)
                if choice is ConflictChoice.MINE:
                    self.service.record_change(row.member_id, year, month, basis, today, version=conflict.version)
                elif choice is ConflictChoice.KEEP_EDITING:
                    raise  # said in the dialog, everything typed still there

        if attempt(self, lambda: AssessDialog(row.name, year, record, self).exec()).ok:
            self.changed()
