"""Forms for the rosters: residents, party members and party groups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop_app.core.domain.fields import Field
from desktop_app.core.services.people import MemberService, PartyGroupService, ResidentService
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
            "transfer_in_date",
            "left_date",
            "notes",
        ),
    )

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
