"""三会一课 form: the kind decides the fields; an attendance editor with live 应到/实到/出勤率."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from desktop_app.core.domain.enums import AttendanceStatus, MeetingKind
from desktop_app.core.domain.fields import Field
from desktop_app.core.domain.rules import summarize_attendance, vote_quorum_met
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import MemberBrief, PartyGroupService
from desktop_app.ui.dialogs.guide import MARK_REST_PRESENT
from desktop_app.ui.forms.base import RecordForm
from desktop_app.ui.kit.editor_table import EditorTable, TableColumn
from desktop_app.ui.kit.editors import ChoiceEditor, Editor, LongTextEditor, TextEditor, editor_for, enum_choices
from desktop_app.ui.kit.signals import on_click
from desktop_app.ui.kit.styles import ERROR_STYLE

UNMARKED = "（未标记）"


def status_editor() -> ChoiceEditor:
    # Nobody is marked 出席 until the person says so: a default would hide who was really there.
    return ChoiceEditor(enum_choices(AttendanceStatus), optional=True, empty_label=UNMARKED)


class AttendanceTable(EditorTable):
    STATUS, REASON = 2, 3

    def __init__(self) -> None:
        super().__init__(
            (
                TableColumn("姓名", sample="欧阳国萍"),
                TableColumn("党员类别", sample="预备党员"),
                TableColumn("出席情况", status_editor),
                TableColumn("请假或缺席原因", TextEditor, stretch=True),
            )
        )
        self.members: list[MemberBrief] = []
        self.on_change: Any = None

    @property
    def status_editors(self) -> list[ChoiceEditor]:
        return [e for e in self.editors_of_column(self.STATUS) if isinstance(e, ChoiceEditor)]

    def set_rows(self, members: list[MemberBrief], entries: dict[int, dict[str, Any]]) -> None:
        self.members = members
        self.clear_rows()
        for member in members:
            entry = entries.get(member.id, {})
            status = AttendanceStatus(entry["status"]) if entry.get("status") else None
            editors = self.add_row((member.name, member.member_type.label, status, entry.get("reason", "")))
            status_cell = editors[self.STATUS]
            assert isinstance(status_cell, ChoiceEditor)
            status_cell.widget.currentIndexChanged.connect(self._changed)
        self._changed()

    def mark_unmarked_present(self) -> None:
        for editor in self.status_editors:
            if editor.value() is None:
                editor.set_value(AttendanceStatus.PRESENT)

    def entries(self) -> list[dict[str, Any]]:
        result = []
        for row, member in enumerate(self.members):
            _, _, status, reason = self.row_values(row)
            result.append({"member_id": member.id, "status": status, "reason": reason})
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
        all_present.setToolTip(MARK_REST_PRESENT)
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
        """Only the people not yet marked: a 请假 or 缺席 someone set, often with its reason, stays."""
        self.attendance.mark_unmarked_present()

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
