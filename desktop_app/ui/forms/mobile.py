"""流动党员 form: who, since when and where, how they take part in 组织生活, how to reach them, and their return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop_app.core.domain.enums import MobileParticipation
from desktop_app.core.domain.fields import Field
from desktop_app.core.services.mobile import MobileMemberService
from desktop_app.core.services.people import MemberService
from desktop_app.ui.forms.base import RecordForm
from desktop_app.ui.kit.editors import ChoiceEditor, Editor, editor_for


class MobileMemberForm(RecordForm[MobileMemberService]):
    noun = "流动党员"
    initial_size = (980, 500)
    sections = (
        ("member_id", "left_on", "place", "fixed_place", "participation", "host_organisation"),
        ("card_no", "contact", "last_contact", "returned_on", "notes"),
    )

    def make_editor(self, spec: Field) -> Editor:
        editor = editor_for(spec)
        if spec.name == "member_id":
            assert isinstance(editor, ChoiceEditor)
            editor.set_choices([(m.id, m.name) for m in MemberService(self.service.db).active_members()])
        return editor

    def defaults(self) -> dict[str, Any]:
        return {"left_on": dt.date.today(), "fixed_place": True, "participation": MobileParticipation.RETURNS}
