"""学习考察 — study visits, their participants and the practices adopted from them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, object_session

from desktop_app.core.domain.columns import Column, ColumnKind
from desktop_app.core.domain.enums import PracticeStatus
from desktop_app.core.domain.errors import ValidationError
from desktop_app.core.domain.fields import Field, FieldType, clean_values
from desktop_app.core.services.base import RecordService, Validated
from desktop_app.core.storage.models import AdoptedPractice, Member, StudyVisit, VisitParticipant

F = FieldType

PRACTICE_FIELDS = (
    Field("description", "借鉴举措", F.LONG_TEXT, required=True, max_length=1000),
    Field("owner", "负责人", F.TEXT, max_length=50),
    Field("due_date", "完成期限", F.DATE),
    Field("status", "进展", F.ENUM, enum=PracticeStatus),
)


class VisitService(RecordService):
    model = StudyVisit
    filters: ClassVar[dict[str, Callable[[Any], ColumnElement[bool]]]] = {
        # Visits with at least one adopted practice in this state.
        "practice_status": lambda value: (
            select(AdoptedPractice.id)
            .where(AdoptedPractice.visit_id == StudyVisit.id, AdoptedPractice.status == PracticeStatus(value))
            .exists()
        ),
    }
    kind_key = "visit"
    kind_label = "学习考察记录"
    part_labels: ClassVar[dict[str, str]] = {"participant_ids": "参加人员", "practices": "借鉴举措"}
    default_sort = "date"
    fields = (
        Field("date", "日期", F.DATE, required=True),
        Field("destination", "考察地点", F.TEXT, required=True, max_length=100),
        Field("district", "所在区", F.TEXT, max_length=50),
        Field("organiser", "组织者", F.TEXT, max_length=100),
        Field("highlights", "亮点", F.LONG_TEXT, max_length=5000),
        Field("takeaways", "启发", F.LONG_TEXT, max_length=5000),
        Field("notes", "备注", F.LONG_TEXT, max_length=2000),
    )

    def columns(self) -> list[Column]:
        v = StudyVisit
        participants = select(func.count()).where(VisitParticipant.visit_id == v.id).scalar_subquery()
        practices = select(func.count()).where(AdoptedPractice.visit_id == v.id).scalar_subquery()
        practices_done = (
            select(func.count())
            .where(AdoptedPractice.visit_id == v.id, AdoptedPractice.status == PracticeStatus.DONE)
            .scalar_subquery()
        )
        return [
            Column("date", "日期", v.date, ColumnKind.DATE),
            Column("destination", "考察地点", v.destination),
            Column("district", "所在区", v.district),
            Column("organiser", "组织者", v.organiser),
            Column("participants", "参加人数", participants, ColumnKind.COUNT),
            Column("practices", "借鉴举措", practices, ColumnKind.COUNT),
            Column("practices_done", "已完成举措", practices_done, ColumnKind.COUNT),
            Column("highlights", "亮点", v.highlights),
        ]

    def search_columns(self) -> list[Any]:
        v = StudyVisit
        return [v.destination, v.district, v.organiser, v.highlights, v.takeaways, v.notes]

    def date_column(self) -> Any:
        return StudyVisit.date

    def title_expr(self) -> Any:
        return StudyVisit.destination

    def _clean_practices(self, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        cleaned, errors = [], {}
        for number, row in enumerate(rows, start=1):
            try:
                values = clean_values(PRACTICE_FIELDS, row)
            except ValidationError as exc:
                errors["practices"] = f"第 {number} 条借鉴举措 {exc.describe()}"
                break
            values["status"] = values["status"] or PracticeStatus.TODO
            cleaned.append(values)
        if errors:
            raise self.invalid(errors)
        return cleaned

    def validate(
        self, session: Session, cleaned: Mapping[str, Any], values: Mapping[str, Any], record_id: int | None
    ) -> dict[str, Any]:
        practices = self._clean_practices(values.get("practices") or [])
        member_ids = list(dict.fromkeys(values.get("participant_ids") or []))
        if member_ids:
            found = set(session.scalars(select(Member.id).where(Member.id.in_(member_ids))))
            if len(found) != len(member_ids):
                raise self.field_error("participant_ids", "参加人员中有不存在的党员")
        return {**cleaned, "practices": practices, "participant_ids": member_ids}

    def apply(self, session: Session, obj: Any, validated: Validated) -> None:
        practices, participant_ids = validated["practices"], validated["participant_ids"]
        super().apply(session, obj, validated)
        obj.participants = [VisitParticipant(member_id=member_id) for member_id in participant_ids]
        obj.practices = [AdoptedPractice(**practice) for practice in practices]

    def audit_values(self, obj: Any) -> dict[str, Any]:
        values = super().audit_values(obj)
        # By column, not through `p.member`: a 社工 may not load a member whole (storage.roles.hide_unseen).
        ids = [p.member_id for p in obj.participants]
        session = object_session(obj)
        names = dict(session.execute(select(Member.id, Member.name).where(Member.id.in_(ids))).all()) if session else {}
        values["参加人员"] = [names.get(member_id, f"编号 {member_id}") for member_id in ids]
        values["借鉴举措"] = [f"{p.description}（{p.status.label}）" for p in obj.practices]
        return values

    def to_form(self, obj: Any) -> dict[str, Any]:
        values = super().to_form(obj)
        values["participant_ids"] = [p.member_id for p in obj.participants]
        values["practices"] = [
            {"description": p.description, "owner": p.owner, "due_date": p.due_date, "status": p.status}
            for p in obj.practices
        ]
        return values
