"""学习考察 form: participants picked from the members, and a small table of adopted practices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
)

from desktop_app.core.domain.enums import PracticeStatus
from desktop_app.core.domain.fields import Field
from desktop_app.core.domain.pinyin import initials
from desktop_app.core.services.people import MemberService
from desktop_app.core.services.visits import VisitService
from desktop_app.ui.editors import ChoiceEditor, DateEditor, Editor, LongTextEditor, editor_for, enum_choices
from desktop_app.ui.forms.base import RecordForm
from desktop_app.ui.signals import on_click


class PracticeTable(QTableWidget):
    """Rows of 借鉴举措: description, owner, due date, progress."""

    HEADERS = ("借鉴举措", "负责人", "完成期限", "进展")

    def __init__(self) -> None:
        super().__init__(0, len(self.HEADERS))
        self.setHorizontalHeaderLabels(self.HEADERS)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setVisible(False)
        self._due_editors: dict[object, DateEditor] = {}
        self._status_editors: dict[object, ChoiceEditor] = {}

    def add_practice(self, values: dict[str, Any] | None = None) -> None:
        values = values or {}
        row = self.rowCount()
        self.insertRow(row)
        self.setCellWidget(row, 0, QLineEdit(values.get("description", "")))
        self.setCellWidget(row, 1, QLineEdit(values.get("owner", "")))
        due = DateEditor(optional=True)
        due.set_value(values.get("due_date"))
        self.setCellWidget(row, 2, due.widget)
        self._due_editors[due.widget] = due
        status = ChoiceEditor(enum_choices(PracticeStatus), optional=False)
        status.set_value(PracticeStatus(values.get("status", PracticeStatus.TODO)))
        self._status_editors[status.widget] = status
        self.setCellWidget(row, 3, status.widget)

    def remove_selected(self) -> None:
        for row in sorted({index.row() for index in self.selectedIndexes()}, reverse=True):
            self.removeRow(row)

    def practices(self) -> list[dict[str, Any]]:
        rows = []
        for row in range(self.rowCount()):
            description = self.cellWidget(row, 0)
            owner = self.cellWidget(row, 1)
            assert isinstance(description, QLineEdit)
            assert isinstance(owner, QLineEdit)
            rows.append(
                {
                    "description": description.text(),
                    "owner": owner.text(),
                    "due_date": self._due_editors[self.cellWidget(row, 2)].value(),
                    "status": self._status_editors[self.cellWidget(row, 3)].value(),
                }
            )
        return rows


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
        self.participant_filter = QLineEdit()
        self.participant_filter.setPlaceholderText("按姓名或拼音首字母筛选")
        self.participant_list = QListWidget()
        self.participant_list.setMinimumHeight(140)
        for member in MemberService(self.service.db).active_members():
            item = QListWidgetItem(member.name)
            item.setData(Qt.ItemDataRole.UserRole, member.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.participant_list.addItem(item)
        self.participant_filter.textChanged.connect(self._filter_participants)
        people_layout.addWidget(self.participant_filter)
        people_layout.addWidget(self.participant_list)
        row.addWidget(people, 1)

        practices = QGroupBox("借鉴举措")
        practices_layout = QVBoxLayout(practices)
        self.practice_table = PracticeTable()
        self.practice_table.setMinimumHeight(140)
        buttons = QHBoxLayout()
        add = QPushButton("添加举措")
        add.clicked.connect(lambda: self.practice_table.add_practice())
        remove = QPushButton("删除所选举措")
        on_click(remove.clicked, self.practice_table.remove_selected)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        practices_layout.addWidget(self.practice_table)
        practices_layout.addLayout(buttons)
        row.addWidget(practices, 2)
        self.content.addLayout(row)

    def _filter_participants(self, text: str) -> None:
        needle = text.strip().lower()
        for index in range(self.participant_list.count()):
            item = self.participant_list.item(index)
            name = item.text()
            item.setHidden(bool(needle) and needle not in name and needle not in initials(name))

    def load_extra(self, values: Mapping[str, Any]) -> None:
        chosen = set(values.get("participant_ids") or [])
        for index in range(self.participant_list.count()):
            item = self.participant_list.item(index)
            checked = item.data(Qt.ItemDataRole.UserRole) in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.practice_table.setRowCount(0)
        for practice in values.get("practices") or []:
            self.practice_table.add_practice(practice)

    def extra_values(self) -> dict[str, Any]:
        participant_ids = [
            self.participant_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.participant_list.count())
            if self.participant_list.item(i).checkState() == Qt.CheckState.Checked
        ]
        return {"participant_ids": participant_ids, "practices": self.practice_table.practices()}
