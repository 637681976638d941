"""谈心谈话: the talks (two or more members, a day, how, about what, a sensitive 记录) and the year's coverage
(see domain.talks), read through the driver so the 工作台's reminder, the coverage page and the report read it
one way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from desktop_app.core.domain.columns import Column, ColumnKind
from desktop_app.core.domain.enums import AuditAction, TalkWay
from desktop_app.core.domain.fields import Field, FieldType
from desktop_app.core.domain.talks import PARTNER_LABELS, Coverage
from desktop_app.core.reads.clauses import belonged_on
from desktop_app.core.reads.duties import PARTNER_KEY, read_coverage, read_partner
from desktop_app.core.services.base import RecordService, Validated
from desktop_app.core.storage import app_settings, audit
from desktop_app.core.storage.models import Member, Talk, TalkParticipant

F = FieldType


class TalkService(RecordService):
    model = Talk
    filters: ClassVar[dict[str, Callable[[Any], ColumnElement[bool]]]] = {
        "way": lambda value: Talk.way == TalkWay(value),
        # Talks the member took part in.
        "member_id": lambda value: (
            select(TalkParticipant.talk_id)
            .where(TalkParticipant.talk_id == Talk.id, TalkParticipant.member_id == value)
            .exists()
        ),
    }
    kind_key = "talk"
    kind_label = "谈心谈话"
    default_sort = "date"
    fields = (
        Field("date", "日期", F.DATE, required=True),
        Field("way", "方式", F.ENUM, enum=TalkWay),
        Field("topic", "主题", F.TEXT, required=True, max_length=200),
        Field("record", "谈话记录", F.LONG_TEXT, max_length=2000, sensitive=True),
    )

    def columns(self) -> list[Column]:
        people = (
            select(func.aggregate_strings(Member.name, "、"))
            .select_from(TalkParticipant)
            .join(Member, Member.id == TalkParticipant.member_id)
            .where(TalkParticipant.talk_id == Talk.id)
            .scalar_subquery()
        )
        return [
            Column("date", "日期", Talk.date, ColumnKind.DATE),
            Column("way", "方式", Talk.way, ColumnKind.ENUM, TalkWay),
            Column("people", "谈话人员", people),
            Column("topic", "主题", Talk.topic),
        ]

    def search_columns(self) -> list[Any]:
        return [Talk.topic]  # the 记录 is sensitive: never searched, never in search_text

    def date_column(self) -> Any:
        return Talk.date

    def title_expr(self) -> Any:
        return Talk.topic

    def validate(
        self, session: Session, cleaned: Mapping[str, Any], values: Mapping[str, Any], record_id: int | None
    ) -> dict[str, Any]:
        member_ids = list(dict.fromkeys(values.get("participant_ids") or []))
        if len(member_ids) < 2:
            raise self.field_error("participant_ids", "谈心谈话至少要有两名党员")
        day = cleaned["date"]
        belonging = set(session.scalars(select(Member.id).where(Member.id.in_(member_ids), belonged_on(day))))
        if len(belonging) != len(member_ids):
            names = session.scalars(select(Member.name).where(Member.id.in_(set(member_ids) - belonging)))
            absent = "、".join(names) or "不存在的党员"
            raise self.field_error("participant_ids", f"{absent} 在 {day:%Y-%m-%d} 不是本支部党员，不能计入这次谈话")
        return {**cleaned, "way": cleaned["way"] or TalkWay.FACE, "participant_ids": member_ids}

    def apply(self, session: Session, obj: Any, validated: Validated) -> None:
        participant_ids = validated["participant_ids"]
        super().apply(session, obj, validated)
        obj.participants = [TalkParticipant(member_id=member_id) for member_id in participant_ids]

    def audit_values(self, obj: Any) -> dict[str, Any]:
        values = super().audit_values(obj)
        values["谈话人员"] = [p.member.name for p in obj.participants]
        return values

    def to_form(self, obj: Any) -> dict[str, Any]:
        values = super().to_form(obj)
        values["participant_ids"] = [p.member_id for p in obj.participants]
        return values

    # -- the year's coverage ---------------------------------------------------------------
    def coverage(self, year: int, today: dt.date | None = None) -> Coverage:
        with self.db.plain() as reader:
            return read_coverage(reader, year, today or dt.date.today())

    def partner(self) -> str:
        with self.db.plain() as reader:
            return read_partner(reader)

    def set_partner(self, partner: str) -> None:
        if partner not in PARTNER_LABELS:
            raise self.field_error("partner", "谈话对象只能是“书记”或“任一支部委员”")
        with self.db.session() as session:
            before = app_settings.store(session, PARTNER_KEY, partner)
            label = PARTNER_LABELS[partner]
            audit.record(
                session,
                AuditAction.UPDATE,
                "settings",
                None,
                f"谈心谈话：每名党员须与{label}谈话",
                {"谈话对象": [PARTNER_LABELS.get(before, "书记"), label]} if before != partner else {},
            )
