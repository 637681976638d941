"""书记工作室 forms: an activity, and a problem with its topic and the activities that discussed it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QGroupBox, QVBoxLayout

from desktop_app.core.domain.enums import ProblemStatus, StudioActivityKind
from desktop_app.core.domain.fields import Field
from desktop_app.core.services.studio import StudioActivityService, StudioProblemService, StudioTopicService
from desktop_app.ui.forms.base import RecordForm
from desktop_app.ui.kit.check_list import CheckList
from desktop_app.ui.kit.editors import ChoiceEditor, Editor, LongTextEditor, editor_for


class StudioActivityForm(RecordForm[StudioActivityService]):
    noun = "工作室活动"
    sections = (("kind", "date", "topic", "lead_mentor", "participants"), ("content", "questions", "answers"))
    initial_size = (900, 560)

    def make_editor(self, spec: Field) -> Editor:
        if spec.type.name == "LONG_TEXT":
            return LongTextEditor(lines=5)
        return editor_for(spec)

    def defaults(self) -> dict[str, Any]:
        return {"date": dt.date.today(), "kind": StudioActivityKind.MENTORING}


class StudioProblemForm(RecordForm[StudioProblemService]):
    noun = "问题"
    sections = (
        ("raised_date", "source_community", "raised_by", "source_activity_id", "topic_id", "status", "owner"),
        ("description", "resolution", "resolved_date"),
    )
    initial_size = (900, 600)

    def make_editor(self, spec: Field) -> Editor:
        editor = editor_for(spec)
        db = self.service.db
        if spec.name == "topic_id":
            assert isinstance(editor, ChoiceEditor)
            self.topics = StudioTopicService(db).list()
            editor.set_choices([(t.id, t.name) for t in self.topics if not t.retired])
        elif spec.name == "source_activity_id":
            assert isinstance(editor, ChoiceEditor)
            self.activities = StudioActivityService(db).choices()
            editor.set_choices(self.activities)
        elif spec.type.name == "LONG_TEXT":
            return LongTextEditor(lines=5)
        return editor

    def defaults(self) -> dict[str, Any]:
        return {"raised_date": dt.date.today(), "status": ProblemStatus.PENDING}

    def build_extra(self) -> None:
        box = QGroupBox("研讨过这个问题的活动")
        layout = QVBoxLayout(box)
        self.discussed = CheckList(
            self.activities, "按日期或内容筛选活动", lambda needle, label: needle in label.lower()
        )
        self.discussed.list.setMaximumHeight(130)
        layout.addWidget(self.discussed)
        self.content.addWidget(box)

    def load_extra(self, values: Mapping[str, Any]) -> None:
        topic = self.editors["topic_id"]
        assert isinstance(topic, ChoiceEditor)
        current = values.get("topic_id")
        retired = {t.id: t.name for t in self.topics if t.retired}
        if current in retired:
            topic.ensure_choice(current, retired[current] + "（已停用）")
            topic.set_value(current)
        self.discussed.set_chosen(values.get("discussed_in") or [])

    def extra_values(self) -> dict[str, Any]:
        return {"discussed_in": self.discussed.chosen()}
