"""民主评议: a year's review, set up from its 民主评议党员 meeting, typed into one table (自评, votes per grade, 评定,
and the 处置 of a 不合格), saved all at once; the 优秀 limit is the branch's own and only warns."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from desktop_app.core.domain.enums import ReviewBody, ReviewDisposal, ReviewGrade
from desktop_app.core.domain.errors import ValidationError
from desktop_app.core.services.reviews import ENTRY_KEYS, ReviewService, ReviewSheet
from desktop_app.ui.kit.editor_table import EditorTable, TableColumn
from desktop_app.ui.kit.editors import BoolEditor, ChoiceEditor, DateEditor, TextEditor, enum_choices
from desktop_app.ui.kit.operations import attempt
from desktop_app.ui.kit.page import Page
from desktop_app.ui.kit.signals import on_click

if TYPE_CHECKING:
    from desktop_app.ui.kit.context import AppContext


def count_editor() -> TextEditor:
    return TextEditor("0", max_length=4)


class ReviewTable(EditorTable):
    def __init__(self) -> None:
        super().__init__(
            (
                TableColumn("姓名", None, sample="欧阳建国"),
                TableColumn("党小组", None, sample="第10党小组"),
                TableColumn("自评", lambda: BoolEditor("已完成")),
                TableColumn("优秀", count_editor),
                TableColumn("合格", count_editor),
                TableColumn("基本合格", count_editor),
                TableColumn("不合格", count_editor),
                TableColumn("评定", lambda: ChoiceEditor(enum_choices(ReviewGrade), optional=True)),
                TableColumn("处置", lambda: ChoiceEditor(enum_choices(ReviewDisposal), optional=True)),
                TableColumn("处置日期", lambda: DateEditor(optional=True)),
                TableColumn("文号或说明", lambda: TextEditor(max_length=200), stretch=True),
            ),
            scrolls_itself=True,  # a page's table: its columns scroll sideways at the larger 字号
        )

    def show_sheet(self, sheet: ReviewSheet | None) -> None:
        """The year's rows; each row's editors are made as it comes into sight (`EditorTable.show_rows`)."""
        rows = []
        for row in sheet.rows if sheet else ():
            values = row.values
            counts = [str(values[key]) if values[key] else "" for key in ENTRY_KEYS[1:5]]
            rows.append((row.name, row.group, values["self_assessed"], *counts, *(values[k] for k in ENTRY_KEYS[5:])))
        self.show_rows(rows)

    def entries(self) -> list[dict[str, Any]]:
        return [dict(zip(ENTRY_KEYS, self.row_values(row)[2:], strict=True)) for row in range(self.rowCount())]


class ReviewView(Page):
    title = "民主评议"
    reads = frozenset({"member_reviews", "member_review_entries", "members", "meetings", "app_settings"})

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = ReviewService(context.db)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setSuffix(" 年")
        self.year.setValue(dt.date.today().year)
        self.year.valueChanged.connect(lambda _year: self.reload())
        self.set_up_button = QPushButton("按本年民主评议党员会议建立名单")
        on_click(self.set_up_button.clicked, self.set_up)
        self.decided_on = DateEditor(optional=True)
        self.decided_by = ChoiceEditor(enum_choices(ReviewBody), optional=True)
        self.limit = QSpinBox()
        self.limit.setRange(0, 100)
        self.limit.setSuffix(" %")
        self.limit.setSpecialValueText("不设")
        self.limit_button = QPushButton("保存上限")
        on_click(self.limit_button.clicked, self.save_limit)
        form = QFormLayout()
        form.addRow("年度", self.year)
        form.addRow("作出评定的会议", self.decided_by.widget)
        form.addRow("评定日期", self.decided_on.widget)
        limit_row = QHBoxLayout()
        limit_row.addWidget(self.limit)
        limit_row.addWidget(self.limit_button)
        limit_row.addStretch(1)
        form.addRow("优秀比例上限（超过时提醒，不阻止）", limit_row)
        top = QHBoxLayout()
        top.addLayout(form)
        side = QVBoxLayout()
        side.addWidget(self.set_up_button)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        side.addWidget(self.summary, 1)
        top.addLayout(side, 1)
        self.table = ReviewTable()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e")
        self.save_button = QPushButton("保存评议结果")
        on_click(self.save_button.clicked, self.save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.error, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        explained = QLabel(
            "“优秀”至“不合格”四列是互评和民主测评中各等次的得票数；评定为不合格的，须填处置、处置日期和决定文号或说明。"
        )
        explained.setWordWrap(True)
        layout.addWidget(explained)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.sheet: ReviewSheet | None = None
        self.meeting_day: dt.date | None = None
        self.reload()

    def reload(self) -> None:
        self.sheet = sheet = self.service.sheet(self.year.value())
        self.table.show_sheet(sheet)
        self.decided_on.set_value(sheet.decided_on if sheet else None)
        self.decided_by.set_value(sheet.decided_by if sheet else None)
        self.limit.setValue(self.service.excellent_limit() or 0)
        self.error.setText("")
        self.save_button.setEnabled(sheet is not None)
        self.meeting_day = self.service.meeting_day(self.year.value())
        self.set_up_button.setEnabled(self.meeting_day is not None)
        self.show_summary()
        self.count_changed.emit(len(sheet.rows) if sheet else 0)

    def show_summary(self) -> None:
        sheet = self.sheet
        if sheet is None:
            self.summary.setText(
                "本年还没有登记“民主评议党员”会议：请先在“三会一课”中登记，再建立评议名单。"
                if self.meeting_day is None
                else f"按 {self.meeting_day:%Y-%m-%d} 的民主评议党员会议建立名单：列出当天在本支部的全部党员。"
            )
            return
        counts = "，".join(f"{grade.label} {count} 人" for grade, count in sheet.counts.items())
        lines = [f"按 {sheet.meeting_date:%Y-%m-%d} 的民主评议党员会议，参评党员 {len(sheet.rows)} 人。", counts]
        warning = self.service.warning(sheet)
        if warning:
            lines.append(f"提醒：{warning}")
        self.summary.setText("\n".join(lines))

    def set_up(self) -> None:
        if attempt(self, lambda: self.service.set_up(self.year.value())).ok:
            self.reload()

    def save(self) -> None:
        head = {"decided_on": self.decided_on.value(), "decided_by": self.decided_by.value()}
        try:
            self.service.save(self.year.value(), head, self.table.entries())
        except ValidationError as exc:
            self.error.setText("；".join(exc.errors.values()))  # kept as typed, the form stays
            return
        self.reload()
        self.error.setText("已保存。")

    def save_limit(self) -> None:
        if attempt(self, lambda: self.service.set_excellent_limit(self.limit.value() or None)).ok:
            self.show_summary()

    def record_count(self) -> int:
        return len(self.sheet.rows) if self.sheet else 0
