"""三会一课 form: the kind decides the fields; an attendance editor with live 应到/实到/出勤率."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop_app.core.domain.enums import AttendanceStatus, MeetingKind
from desktop_app.core.domain.fields import Field
from desktop_app.core.domain.rules import summarize_attendance, vote_quorum_met
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import MemberBrief, PartyGroupService
from desktop_app.ui.editors import ChoiceEditor, Editor, LongTextEditor, editor_for, enum_choices
from desktop_app.ui.forms.base import RecordForm
from desktop_app.ui.signals import on_click
from desktop_app.ui.styles import ERROR_STYLE

UNMARKED = "（未标记）"


class AttendanceTable(QTableWidget):
    HEADERS = ("姓名", "党员类别", "出席情况", "请假或缺席原因")

    def __init__(self) -> None:
        super().__init__(0, len(self.HEADERS))
        self.setHorizontalHeaderLabels(self.HEADERS)
        header = self.horizontalHeader()
        for column in (0, 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # The status column is as wide as its drop-down's longest choice, （未标记） included.
        widest = ChoiceEditor(enum_choices(AttendanceStatus), optional=True, empty_label=UNMARKED).widget
        widest.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.setColumnWidth(2, widest.sizeHint().width() + 4)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setVisible(False)
        self.members: list[MemberBrief] = []
        self._status_editors: dict[int, ChoiceEditor] = {}
        self.on_change: Any = None

    def set_rows(self, members: list[MemberBrief], entries: dict[int, dict[str, Any]]) -> None:
        self.members = members
        self._status_editors = {}
        self.setRowCount(0)
        for row, member in enumerate(members):
            self.insertRow(row)
            entry = entries.get(member.id, {})
            name = QTableWidgetItem(member.name)
            name.setFlags(name.flags() & ~name.flags().ItemIsEditable)
            self.setItem(row, 0, name)
            kind = QTableWidgetItem(member.member_type.label)
            kind.setFlags(name.flags())
            self.setItem(row, 1, kind)
            # Nobody is marked 出席 until the person says so: a default would hide who was really there.
            status = ChoiceEditor(enum_choices(AttendanceStatus), optional=True, empty_label=UNMARKED)
            status.set_value(AttendanceStatus(entry["status"]) if entry.get("status") else None)
            status.widget.currentIndexChanged.connect(self._changed)
            self._status_editors[row] = status
            self.setCellWidget(row, 2, status.widget)
            self.setCellWidget(row, 3, QLineEdit(entry.get("reason", "")))
        self._changed()

    def marked_away(self) -> int:
        """How many people are marked 请假 or 缺席."""
        return sum(1 for e in self._status_editors.values() if e.value() not in (None, AttendanceStatus.PRESENT))

    def mark_present(self, everyone: bool) -> None:
        """Mark the unmarked people 出席; with `everyone`, also those marked 请假 or 缺席."""
        for editor in self._status_editors.values():
            if everyone or editor.value() is None:
                editor.set_value(AttendanceStatus.PRESENT)

    def entries(self) -> list[dict[str, Any]]:
        result = []
        for row, member in enumerate(self.members):
            reason = self.cellWidget(row, 3)
            assert isinstance(reason, QLineEdit)
            result.append(
                {"member_id": member.id, "status": self._status_editors[row].value(), "reason": reason.text()}
            )
        return result

    def _changed(self) -> None:
        if self.on_change:
            self.on_change()


class MeetingForm(RecordForm[MeetingService]):
    noun = "三会一课记录"
    initial_size = (900, 780)
    sections = (
        ("kind", "group_id", "date", "start_time", "end_time", "place", "topic", "host", "recorder", "lecturer"),
        ("agenda", "content", "resolutions", "vote_taken", "votes_for", "votes_against", "votes_abstain"),
    )

    def make_editor(self, spec: Field) -> Editor:
        if spec.name == "content":
            return LongTextEditor(lines=6)
        editor = editor_for(spec)
        if spec.name == "group_id":
            assert isinstance(editor, ChoiceEditor)
            editor.set_choices(PartyGroupService(self.service.db).choices())
            editor.widget.currentIndexChanged.connect(self._expected_changed)
        elif spec.name == "kind":
            editor.widget.currentIndexChanged.connect(self._expected_changed)
        elif spec.name == "date":
            editor.changed.connect(self._expected_changed)  # who belonged that day
        elif spec.name == "vote_taken":
            editor.widget.toggled.connect(self._update_fields)
        return editor

    def defaults(self) -> dict[str, Any]:
        return {"date": dt.date.today(), "kind": MeetingKind.COMMITTEE}

    def build_extra(self) -> None:
        box = QGroupBox("出席情况")
        layout = QVBoxLayout(box)
        top = QHBoxLayout()
        self.summary = QLabel()
        self.quorum_warning = QLabel()
        self.quorum_warning.setStyleSheet(ERROR_STYLE)
        all_present = QPushButton("其余标为出席")
        all_present.setToolTip("把尚未标记的人标为出席；已标为请假或缺席的人先询问")
        top.addWidget(self.summary, 1)
        top.addWidget(all_present)
        self.attendance = AttendanceTable()
        self.attendance.setMinimumHeight(260)
        self.attendance.on_change = self._attendance_changed
        on_click(all_present.clicked, self.mark_rest_present)
        layout.addLayout(top)
        layout.addWidget(self.quorum_warning)
        layout.addWidget(self.attendance)
        self.content.addWidget(box, 1)

    def mark_rest_present(self) -> None:
        away = self.attendance.marked_away()
        question = f"已有 {away} 人标为请假或缺席。把他们也改为出席吗？\n（选“否”只标记其余的人）"
        everyone = bool(away) and self.ask(question)
        self.attendance.mark_present(everyone)

    def load_extra(self, values: Mapping[str, Any]) -> None:
        if self.record_id:
            # A saved record shows the people it listed, even if some have since left the branch.
            entries = {entry["member_id"]: entry for entry in values.get("attendance") or []}
            self.attendance.set_rows(self.service.listed_members(self.record_id), entries)
            self._update_fields()
        else:
            self._expected_changed()

    def _expected_changed(self) -> None:
        """The kind or group changed: list who should attend, keeping what was already marked."""
        if not hasattr(self, "attendance"):
            return
        kind = self.editors["kind"].value() or MeetingKind.COMMITTEE
        day = self.editors["date"].value() if "date" in self.editors else None
        expected = self.service.expected_for(kind, self.editors["group_id"].value(), day)
        entries = {entry["member_id"]: entry for entry in self.attendance.entries()}
        self.attendance.set_rows(expected, entries)
        self._update_fields()

    def _update_fields(self) -> None:
        kind = self.editors["kind"].value()
        self.set_field_visible("group_id", kind is MeetingKind.GROUP_MEETING)
        self.set_field_visible("lecturer", kind in (MeetingKind.PARTY_LESSON, MeetingKind.THEME_DAY))
        voting = bool(self.editors["vote_taken"].value())
        for name in ("votes_for", "votes_against", "votes_abstain"):
            self.set_field_visible(name, voting)
        self._update_summary()

    def _attendance_changed(self) -> None:
        self._clear_error("attendance")  # "还有 N 人未标记" is stale once a mark is made
        self._update_summary()

    def _update_summary(self) -> None:
        entries = self.attendance.entries()
        unmarked = sum(1 for entry in entries if entry["status"] is None)
        summary = summarize_attendance(entry["status"] for entry in entries if entry["status"] is not None)
        self.summary.setText(
            f"应到 {len(entries)} 人，实到 {summary.attended} 人，请假 {summary.on_leave} 人，"
            f"缺席 {summary.absent} 人" + (f"，未标记 {unmarked} 人" if unmarked else f"，出勤率 {summary.rate_text}")
        )
        voting = [m for m in self.attendance.members if m.can_vote]
        present_ids = {e["member_id"] for e in entries if e["status"] is AttendanceStatus.PRESENT}
        voting_present = sum(1 for m in voting if m.id in present_ids)
        warn = bool(self.editors["vote_taken"].value()) and not vote_quorum_met(voting_present, len(voting))
        self.quorum_warning.setText(
            f"注意：到会正式党员 {voting_present} 人，未超过应到正式党员 {len(voting)} 人的半数，表决无效。"
            if warn
            else ""
        )
        self.quorum_warning.setVisible(warn)

    def extra_values(self) -> dict[str, Any]:
        return {"attendance": self.attendance.entries()}
