"""谈心谈话 form: the day, how, what about, who took part (two or more members), and the 记录."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QGroupBox, QVBoxLayout

from desktop_app.core.domain.fields import Field
from desktop_app.core.services.people import MemberService
from desktop_app.core.services.talks import TalkService
from desktop_app.ui.forms.base import RecordForm
from desktop_app.ui.forms.visits import members_to_tick
from desktop_app.ui.kit.editors import Editor, LongTextEditor, editor_for


class TalkForm(RecordForm[TalkService]):
    noun = "谈心谈话"
    initial_size = (900, 620)
    sections = (("date", "way", "topic"), ("record",))

    def make_editor(self, spec: Field) -> Editor:
        if spec.name == "record":
            return LongTextEditor(lines=5)
        return editor_for(spec)

    def defaults(self) -> dict[str, Any]:
        return {"date": dt.date.today()}

    def build_extra(self) -> None:
        people = QGroupBox("谈话人员（至少两人）")
        layout = QVBoxLayout(people)
        self.participants = members_to_tick(MemberService(self.service.db))
        self.participants.list.setMinimumHeight(160)
        layout.addWidget(self.participants)
        # The spare height goes to the list of people, not to an empty band between the fields and the list.
        self.content.setStretchFactor(self.body, 0)
        self.content.addWidget(people, 1)

    def load_extra(self, values: Mapping[str, Any]) -> None:
        self.participants.set_chosen(values.get("participant_ids") or [])

    def extra_values(self) -> dict[str, Any]:
        return {"participant_ids": self.participants.chosen()}
