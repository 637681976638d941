"""学习考察 form: participants picked from the members, and a small table of adopted practices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
)

from desktop_app.core.domain.enums import PracticeStatus
from desktop_app.core.domain.fields import Field
from desktop_app.core.domain.pinyin import initials
from desktop_app.core.services.people import MemberService
from desktop_app.core.services.visits import VisitService
from desktop_app.ui.forms.base import RecordForm
from desktop_app.ui.kit.check_list import CheckList
from desktop_app.ui.kit.editor_table import EditorTable, TableColumn
from desktop_app.ui.kit.editors import (
    ChoiceEditor,
    DateEditor,
    Editor,
    LongTextEditor,
    TextEditor,
    editor_for,
    enum_choices,
)
from desktop_app.ui.kit.signals import on_click


def name_matches(needle: str, name: str) -> bool:
    """A name found by its characters or its pinyin initials (zgp → 朱国萍)."""
    return needle in name or needle in initials(name)


def members_to_tick(members: MemberService) -> CheckList:
    """The active members, to tick who took part (a study visit, a talk), filtered by name or pinyin initials."""
    return CheckList(
        [(member.id, member.name) for member in members.active_members()],
        "按姓名或拼音首字母筛选",
        name_matches,
        "可输入姓名或拼音首字母，清空后显示全部。",
        unit="人",
    )


class PracticeTable(EditorTable):
    """Rows of 借鉴举措: description, owner, due date, progress, each cell typed into its own editor."""

    KEYS = ("description", "owner", "due_date", "status")

    def __init__(self) -> None:
        super().__init__(
            (
                TableColumn("借鉴举措", TextEditor, stretch=True),
                TableColumn("负责人", lambda: TextEditor(max_length=50)),
                TableColumn("完成期限", lambda: DateEditor(optional=True)),
                TableColumn("进展", lambda: ChoiceEditor(enum_choices(PracticeStatus), optional=False)),
            )
        )

    def add_practice(self, values: Mapping[str, Any] | None = None) -> None:
        values = values or {}
        self.add_row(
            (
                values.get("description", ""),
                values.get("owner", ""),
                values.get("due_date"),
                PracticeStatus(values.get("status", PracticeStatus.TODO)),
            )
        )

    def add_and_edit(self) -> None:
        """添加举措: a new row, with the cursor in its first cell."""
        self.add_practice()
        self.editor(self.rowCount() - 1, 0).widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def remove_selected(self) -> None:
        """删除所选举措: the row the cursor was last in."""
        self.remove_row(self.currentRow())

    def practices(self) -> list[dict[str, Any]]:
        return [dict(zip(self.KEYS, self.row_values(row), strict=True)) for row in range(self.rowCount())]


class VisitForm(RecordForm[VisitService]):
    noun = "学习考察记录"
    initial_size = (960, 700)
    sections = (("date", "destination", "district", "organiser", "notes"), ("highlights", "takeaways"))

    def make_editor(self, spec: Field) -> Editor:
        if spec.name in ("highlights", "takeaways"):
            return LongTextEditor(lines=6)
        return editor_for(spec)

    def defaults(self) -> dict[str, Any]:
        return {"date": dt.date.today()}

    def build_extra(self) -> None:
        row = QHBoxLayout()
        people = QGroupBox("参加人员")
        people_layout = QVBoxLayout(people)
        self.participants = members_to_tick(MemberService(self.service.db))
        self.participants.list.setMinimumHeight(140)
        people_layout.addWidget(self.participants)
        row.addWidget(people, 1)

        practices = QGroupBox("借鉴举措")
        practices_layout = QVBoxLayout(practices)
        self.practice_table = PracticeTable()
        self.practice_table.setMinimumHeight(140)
        buttons = QHBoxLayout()
        add = QPushButton("添加举措")
        on_click(add.clicked, self.practice_table.add_and_edit)
        remove = QPushButton("删除所选举措")
        on_click(remove.clicked, self.practice_table.remove_selected)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        practices_layout.addWidget(self.practice_table)
        practices_layout.addLayout(buttons)
        row.addWidget(practices, 2)
        self.content.addLayout(row)

    def load_extra(self, values: Mapping[str, Any]) -> None:
        self.participants.set_chosen(values.get("participant_ids") or [])
        self.practice_table.clear_rows()
        for practice in values.get("practices") or []:
            self.practice_table.add_practice(practice)

    def extra_values(self) -> dict[str, Any]:
        return {"participant_ids": self.participants.chosen(), "practices": self.practice_table.practices()}
