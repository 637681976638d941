"""Forms for the rosters: residents, party members and party groups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel

from desktop_app.core.domain.fields import Field
from desktop_app.core.services.people import TRANSFER_FIELDS, MemberService, PartyGroupService, ResidentService
from desktop_app.ui.forms.base import RecordForm
from desktop_app.ui.kit.editors import ChoiceEditor, Editor, editor_for


class ResidentForm(RecordForm[ResidentService]):
    noun = "居民"
    sections = (("name", "gender", "birth_date", "id_number", "phone", "address"), ("tags", "status", "notes"))


class MemberForm(RecordForm[MemberService]):
    noun = "党员"
    sections = (
        ("name", "gender", "birth_date", "id_number", "phone", "committee_from", "committee_until"),
        (
            "join_date",
            "member_type",
            "full_date",
            "group_id",
            "is_committee",
            "committee_role",
            "status",
            "notes",
        ),
    )
    # 组织关系转接: the 转入 and the 转出, side by side under the member's own fields.
    transfer_boxes = tuple(
        (title, (date_name, *details.values()))
        for title, (date_name, details) in zip(("转入本支部", "转出"), TRANSFER_FIELDS.values(), strict=True)
    )

    def build_extra(self) -> None:
        transfers = QGroupBox("组织关系转接（介绍信与回执）")
        row = QHBoxLayout(transfers)
        for title, names in self.transfer_boxes:
            box = QGroupBox(title)
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for name in names:
                self._add_row(form, self.specs[name])
                label = form.labelForField(self._rows[name][1])
                if isinstance(label, QLabel):  # the box says which way: 来自党组织, not 转入：来自党组织
                    label.setText(self.specs[name].label.split("：")[-1])
            row.addWidget(box, 1)
        self.content.addWidget(transfers)

    def make_editor(self, spec: Field) -> Editor:
        editor = editor_for(spec)
        if spec.name == "group_id":
            assert isinstance(editor, ChoiceEditor)
            editor.set_choices(PartyGroupService(self.service.db).choices())
        return editor


class PartyGroupForm(RecordForm[PartyGroupService]):
    noun = "党小组"

    def make_editor(self, spec: Field) -> Editor:
        editor = editor_for(spec)
        if spec.name == "leader_id":
            assert isinstance(editor, ChoiceEditor)
            members = MemberService(self.service.db).active_members()
            editor.set_choices([(m.id, m.name) for m in members])
        return editor

    def load_extra(self, values: Mapping[str, Any]) -> None:
        if self.record_id:
            # Offer the group's own members first as leader.
            members = MemberService(self.service.db).active_members()
            ordered = sorted(members, key=lambda m: m.group_id != self.record_id)
            leader = self.editors["leader_id"]
            assert isinstance(leader, ChoiceEditor)
            leader.set_choices([(m.id, m.name) for m in ordered])
            leader.set_value(values.get("leader_id"))
