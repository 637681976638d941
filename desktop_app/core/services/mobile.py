"""流动党员: a member's times away for work or living (domain.mobile), a record kind of their own. Who is away now, as
the 工作台 lists them and its reminders read them, is read through the driver (reads.duties.read_away_now)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from desktop_app.core.domain.columns import Column, ColumnKind
from desktop_app.core.domain.enums import MobileParticipation
from desktop_app.core.domain.fields import Field, FieldType
from desktop_app.core.reads.clauses import belonged_on
from desktop_app.core.services.base import RecordService
from desktop_app.core.storage.models import Member, MobileMember

F = FieldType


def away_on(day: dt.date) -> ColumnElement[bool]:
    """SQL: the time away covers the day."""
    return and_(MobileMember.left_on <= day, or_(MobileMember.returned_on.is_(None), MobileMember.returned_on > day))


class MobileMemberService(RecordService):
    model = MobileMember
    filters: ClassVar[dict[str, Callable[[Any], ColumnElement[bool]]]] = {
        # 外出中 (today) or 已返回.
        "away": lambda value: away_on(dt.date.today()) if value == "away" else MobileMember.returned_on.is_not(None),
        "member_id": lambda value: MobileMember.member_id == value,
        "participation": lambda value: MobileMember.participation == MobileParticipation(value),
    }
    kind_key = "mobile_member"
    kind_label = "流动党员"
    default_sort = "left_on"
    fields = (
        Field("member_id", "党员", F.REF, required=True),
        Field("left_on", "外出日期", F.DATE, required=True),
        Field("place", "外出地点", F.TEXT, required=True, max_length=100),
        Field("fixed_place", "外出地点固定", F.BOOL),
        Field("participation", "参加组织生活", F.ENUM, enum=MobileParticipation),
        Field("host_organisation", "流入地党组织", F.TEXT, max_length=100),
        Field("card_no", "流动党员活动证编号", F.TEXT, max_length=50),
        Field("contact", "联系电话", F.PHONE),
        Field("last_contact", "最近联系日期", F.DATE),
        Field("returned_on", "返回日期", F.DATE),
        Field("notes", "备注", F.LONG_TEXT, max_length=2000),
    )

    def columns(self) -> list[Column]:
        m = MobileMember
        return [
            Column("member", "姓名", Member.name, sort_expr=Member.name_pinyin),
            Column("left_on", "外出日期", m.left_on, ColumnKind.DATE),
            Column("place", "外出地点", m.place),
            Column("participation", "参加组织生活", m.participation, ColumnKind.ENUM, MobileParticipation),
            Column("host_organisation", "流入地党组织", m.host_organisation),
            Column("contact", "联系电话", m.contact, ColumnKind.PHONE),
            Column("last_contact", "最近联系", m.last_contact, ColumnKind.DATE),
            Column("returned_on", "返回日期", m.returned_on, ColumnKind.DATE),
        ]

    def joined(self, stmt: Any) -> Any:
        return stmt.join(Member, Member.id == MobileMember.member_id)

    def search_columns(self) -> list[Any]:
        m = MobileMember
        return [m.place, m.host_organisation, m.card_no, m.notes]

    def date_column(self) -> Any:
        return MobileMember.left_on

    def title_expr(self) -> Any:
        return Member.name + " " + MobileMember.place

    def validate(
        self, session: Session, cleaned: Mapping[str, Any], values: Mapping[str, Any], record_id: int | None
    ) -> dict[str, Any]:
        member_id, left_on, returned_on = cleaned["member_id"], cleaned["left_on"], cleaned["returned_on"]
        member = session.get(Member, member_id)
        if member is None or member.deleted_at is not None:
            raise self.field_error("member_id", "所选党员不存在")
        belonged = session.scalar(select(Member.id).where(Member.id == member_id, belonged_on(left_on)))
        if belonged is None:
            raise self.field_error("left_on", f"{member.name} 在 {left_on:%Y-%m-%d} 不是本支部党员")
        if returned_on is not None and returned_on <= left_on:
            raise self.field_error("returned_on", f"返回日期应晚于外出日期 {left_on:%Y-%m-%d}")
        # One time away at a time: another of the member's that overlaps this one.
        overlapping = select(MobileMember.left_on).where(
            MobileMember.member_id == member_id,
            MobileMember.deleted_at.is_(None),
            MobileMember.id != (record_id or 0),
            or_(MobileMember.returned_on.is_(None), MobileMember.returned_on > left_on),
            MobileMember.left_on < (returned_on or dt.date.max),
        )
        other = session.scalar(overlapping.limit(1))
        if other is not None:
            message = f"{member.name} 自 {other:%Y-%m-%d} 起已有一段外出记录，与这段重叠；请先填写那段的返回日期"
            raise self.field_error("left_on", message)
        return {**cleaned, "participation": cleaned["participation"] or MobileParticipation.RETURNS}
