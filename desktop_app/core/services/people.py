"""Residents, party members and party groups: the community's rosters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from desktop_app.core.domain.columns import Column, ColumnKind
from desktop_app.core.domain.enums import Gender, MemberStatus, MemberType, ResidentStatus, TransferDirection
from desktop_app.core.domain.fields import Field, FieldType
from desktop_app.core.domain.normalize import id_birth_date, id_is_male
from desktop_app.core.domain.pinyin import initials, sort_key
from desktop_app.core.reads.clauses import belonged_on
from desktop_app.core.services.base import ListQuery, RecordService, Validated, name_taken
from desktop_app.core.storage.models import Member, MemberTransfer, PartyGroup, Resident

F = FieldType
# Every list of members reads in the roster's order: by 党小组, then by name as pinyin.
ROSTER_ORDER = (Member.group_id, Member.name_pinyin, Member.id)
ACTIVE_MEMBER = (Member.deleted_at.is_(None), Member.status == MemberStatus.ACTIVE)  # 在册, not in the 回收站
# The member form's 组织关系转接 fields: per direction, the member's date field and the record's columns by field.
TRANSFER_FIELDS = {
    TransferDirection.IN: (
        "transfer_in_date",
        {
            "organisation": "transfer_in_from",
            "letter_no": "transfer_in_letter",
            "handled_by": "transfer_in_handler",
            "receipt_date": "transfer_in_receipt",
        },
    ),
    TransferDirection.OUT: (
        "left_date",
        {
            "organisation": "transfer_out_to",
            "letter_no": "transfer_out_letter",
            "handled_by": "transfer_out_handler",
            "receipt_date": "transfer_out_receipt",
        },
    ),
}
TRANSFER_DETAILS = {
    name: (direction, column) for direction, (_, details) in TRANSFER_FIELDS.items() for column, name in details.items()
}
GroupLeader = aliased(Member, name="leader")


class ResidentService(RecordService):
    model = Resident
    filters: ClassVar[dict[str, Callable[[Any], ColumnElement[bool]]]] = {
        "status": lambda value: Resident.status == ResidentStatus(value),
    }
    kind_key = "resident"
    kind_label = "居民"
    default_sort = "name"
    default_descending = False
    fields = (
        Field("name", "姓名", F.TEXT, required=True, max_length=50),
        Field("gender", "性别", F.ENUM, enum=Gender),
        Field("birth_date", "出生日期", F.DATE),
        Field("id_number", "身份证号", F.ID_NUMBER),
        Field("phone", "联系电话", F.PHONE),
        Field("address", "住址", F.TEXT, max_length=200),
        Field("tags", "标签", F.TAGS),
        Field("status", "状态", F.ENUM, enum=ResidentStatus),
        Field("notes", "备注", F.LONG_TEXT, max_length=2000),
    )

    def columns(self) -> list[Column]:
        r = Resident
        return self.seen(
            [
                Column("name", "姓名", r.name, sort_expr=r.name_pinyin),
                Column("gender", "性别", r.gender, ColumnKind.ENUM, Gender),
                Column("birth_date", "出生日期", r.birth_date, ColumnKind.DATE),
                Column("id_number", "身份证号", r.id_number, ColumnKind.ID_NUMBER),
                Column("phone", "联系电话", r.phone, ColumnKind.PHONE),
                Column("address", "住址", r.address),
                Column("tags", "标签", r.tags, ColumnKind.TAGS),
                Column("status", "状态", r.status, ColumnKind.ENUM, ResidentStatus),
                Column("notes", "备注", r.notes),
            ]
        )

    def search_columns(self) -> list[Any]:
        return [getattr(Resident, name) for name in Resident.SEARCHED]

    def title_expr(self) -> Any:
        return Resident.name + " " + Resident.address

    def implausible(self, cleaned: Mapping[str, Any], today: dt.date) -> list[str]:
        return id_number_disagreements(cleaned)

    def validate(
        self, session: Session, cleaned: Mapping[str, Any], values: Mapping[str, Any], record_id: int | None
    ) -> dict[str, Any]:
        return {**filled_from_id_number(cleaned), "status": cleaned["status"] or ResidentStatus.ACTIVE}

    def apply(self, session: Session, obj: Any, validated: Validated) -> None:
        super().apply(session, obj, validated)
        obj.name_initials = initials(obj.name)
        obj.name_pinyin = sort_key(obj.name)

    def pick(self, text: str, limit: int = 20) -> list[tuple[int, str, str]]:
        """Residents for a picker: (id, name, address) matching name, initials or address."""
        query = ListQuery(text=text, filters={"status": ResidentStatus.ACTIVE.value}, sort_key="name")
        stmt = self._filtered(select(Resident.id, Resident.name, Resident.address), query)
        with self.db.read_session() as session:
            return [tuple(row) for row in session.execute(self.readable(stmt.order_by(Resident.name).limit(limit)))]


class MemberService(RecordService):
    model = Member
    filters: ClassVar[dict[str, Callable[[Any], ColumnElement[bool]]]] = {
        "status": lambda value: Member.status == MemberStatus(value),
        "group_id": lambda value: Member.group_id == value,
        "member_type": lambda value: Member.member_type == MemberType(value),
    }
    kind_key = "member"
    kind_label = "党员"
    default_sort = "name"
    default_descending = False
    fields = (
        Field("name", "姓名", F.TEXT, required=True, max_length=50),
        Field("gender", "性别", F.ENUM, enum=Gender),
        Field("birth_date", "出生日期", F.DATE),
        Field("join_date", "入党日期", F.DATE),
        Field("member_type", "党员类别", F.ENUM, enum=MemberType),
        Field("full_date", "转正日期", F.DATE),
        Field("transfer_in_date", "转入本支部日期", F.DATE),
        Field("left_date", "转出或离开日期", F.DATE),
        # 组织关系转接 (a MemberTransfer of each direction, saved with the member): the 介绍信 and its 回执.
        Field("transfer_in_from", "转入：来自党组织", F.TEXT, max_length=100),
        Field("transfer_in_letter", "转入：介绍信编号", F.TEXT, max_length=50),
        Field("transfer_in_handler", "转入：经手人", F.TEXT, max_length=50),
        Field("transfer_in_receipt", "转入：回执寄回日期", F.DATE),
        Field("transfer_out_to", "转出：转往党组织", F.TEXT, max_length=100),
        Field("transfer_out_letter", "转出：介绍信编号", F.TEXT, max_length=50),
        Field("transfer_out_handler", "转出：经手人", F.TEXT, max_length=50),
        Field("transfer_out_receipt", "转出：回执收到日期", F.DATE),
        Field("group_id", "党小组", F.REF),
        Field("phone", "联系电话", F.PHONE),
        Field("id_number", "身份证号", F.ID_NUMBER),
        Field("is_committee", "支委成员", F.BOOL),
        Field("committee_role", "支委职务", F.TEXT, max_length=30),
        Field("committee_from", "任支委起", F.DATE),
        Field("committee_until", "任支委止", F.DATE),
        Field("status", "状态", F.ENUM, enum=MemberStatus),
        Field("notes", "备注", F.LONG_TEXT, max_length=2000),
    )

    def columns(self) -> list[Column]:
        m = Member
        return [
            Column("name", "姓名", m.name, sort_expr=m.name_pinyin),
            Column("gender", "性别", m.gender, ColumnKind.ENUM, Gender),
            Column("member_type", "党员类别", m.member_type, ColumnKind.ENUM, MemberType),
            Column("group", "党小组", PartyGroup.name),
            Column("join_date", "入党日期", m.join_date, ColumnKind.DATE),
            Column("birth_date", "出生日期", m.birth_date, ColumnKind.DATE),
            Column("phone", "联系电话", m.phone, ColumnKind.PHONE),
            Column("committee_role", "支委职务", m.committee_role),
            Column("status", "状态", m.status, ColumnKind.ENUM, MemberStatus),
        ]

    def joined(self, stmt: Select) -> Select:
        return stmt.outerjoin(PartyGroup, Member.group_id == PartyGroup.id)

    def search_columns(self) -> list[Any]:
        return [Member.name, Member.name_initials, Member.notes, Member.committee_role, Member.phone]

    def title_expr(self) -> Any:
        return Member.name

    def implausible(self, cleaned: Mapping[str, Any], today: dt.date) -> list[str]:
        warnings = id_number_disagreements(cleaned)
        if cleaned.get("join_date") is not None and cleaned["join_date"] > today:
            warnings.append(f"入党日期 {cleaned['join_date']:%Y-%m-%d} 在今天之后")
        return warnings

    def validate(
        self, session: Session, cleaned: Mapping[str, Any], values: Mapping[str, Any], record_id: int | None
    ) -> dict[str, Any]:
        group_id = cleaned["group_id"]
        if group_id is not None:
            group = session.get(PartyGroup, group_id)
            if group is None or group.deleted_at is not None:
                raise self.field_error("group_id", "所选党小组不存在")
        joined = cleaned["join_date"]
        for name, label in (("full_date", "转正日期"), ("transfer_in_date", "转入日期"), ("left_date", "离开日期")):
            if joined is not None and cleaned[name] is not None and cleaned[name] < joined:
                raise self.field_error(name, f"{label}不能早于入党日期 {joined:%Y-%m-%d}")
        if cleaned["left_date"] is not None and cleaned["status"] is not MemberStatus.TRANSFERRED:
            raise self.field_error("status", "填写了转出或离开日期时，状态应为“已转出”")
        for direction, (date_name, details) in TRANSFER_FIELDS.items():
            day, word = cleaned[date_name], direction.label
            if day is None:
                filled = next((name for name in details.values() if cleaned[name]), None)
                if filled is not None:
                    what = next(spec.label for spec in self.fields if spec.name == filled).split("：")[1]
                    message = f"填写了{what}，请同时填写{word}日期"
                    raise self.field_error(date_name, message)
                continue
            receipt_name = details["receipt_date"]
            receipt = cleaned[receipt_name]
            if receipt is not None and receipt < day:
                raise self.field_error(receipt_name, f"回执日期不能早于{word}日期 {day:%Y-%m-%d}")
        since, until = cleaned["committee_from"], cleaned["committee_until"]
        if since is not None and until is not None and until < since:
            raise self.field_error("committee_until", f"任支委止不能早于任支委起 {since:%Y-%m-%d}")
        # A former 支委 keeps the role of their term (a 书记 replaced mid-year still counts for that year's talks).
        served = cleaned["is_committee"] or until is not None
        return {
            **filled_from_id_number(cleaned),
            "member_type": cleaned["member_type"] or MemberType.FULL,
            "status": cleaned["status"] or MemberStatus.ACTIVE,
            "committee_role": cleaned["committee_role"] if served else "",
        }

    def apply(self, session: Session, obj: Any, validated: Validated) -> None:
        for spec in self.fields:
            if spec.name not in TRANSFER_DETAILS:
                setattr(obj, spec.name, validated[spec.name])
        obj.name_initials = initials(obj.name)
        obj.name_pinyin = sort_key(obj.name)
        # The member's 转入 and 转出 dates are the records' dates: a record for each date given.
        kept = {transfer.direction: transfer for transfer in obj.transfers}
        transfers = []
        for direction, (date_name, details) in TRANSFER_FIELDS.items():
            if validated[date_name] is None:
                continue
            transfer = kept.get(direction) or MemberTransfer(direction=direction)
            transfer.date = validated[date_name]
            for column, name in details.items():
                setattr(transfer, column, validated[name])
            transfers.append(transfer)
        obj.transfers = transfers

    def field_value(self, obj: Any, name: str) -> Any:
        if name not in TRANSFER_DETAILS:
            return super().field_value(obj, name)
        direction, column = TRANSFER_DETAILS[name]
        transfer = next((t for t in obj.transfers if t.direction is direction), None)
        if transfer is None:
            return None if column == "receipt_date" else ""
        return getattr(transfer, column)

    def active_members(self) -> list[MemberBrief]:
        return self.briefs(brief_select().where(*ACTIVE_MEMBER))

    def choices(self) -> list[tuple[int, str]]:
        """(id, name) of the active members in roster order, as `active_members` lists them, for a filter: thousands
        on a large branch, read as stored (no brief, no vote rule)."""
        stmt = select(Member.id, Member.name).where(*ACTIVE_MEMBER).order_by(*ROSTER_ORDER)
        return [(member_id, name) for member_id, name in self.db.fetch_stored(stmt)]

    def members_on(self, day: dt.date) -> list[MemberBrief]:
        """The branch's members on `day`, each with whether they could vote that day."""
        return self.briefs(brief_select(day).where(Member.deleted_at.is_(None), belonged_on(day)))

    def briefs(self, stmt: Select) -> list[MemberBrief]:
        with self.db.read_session() as session:
            return [MemberBrief(*row) for row in session.execute(stmt)]


def filled_from_id_number(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """The values with an empty 出生日期 or 性别 taken from the ID number, which carries both."""
    filled = dict(cleaned)
    id_number = cleaned.get("id_number")
    if id_number:
        if cleaned.get("birth_date") is None:
            filled["birth_date"] = id_birth_date(id_number)
        if cleaned.get("gender") is None:
            filled["gender"] = Gender.MALE if id_is_male(id_number) else Gender.FEMALE
    return filled


def id_number_disagreements(cleaned: Mapping[str, Any]) -> list[str]:
    """Where the form and the ID number disagree: one of them is mistyped."""
    id_number = cleaned.get("id_number")
    if not id_number:
        return []
    warnings = []
    born = id_birth_date(id_number)
    if cleaned.get("birth_date") is not None and cleaned["birth_date"] != born:
        warnings.append(f"出生日期 {cleaned['birth_date']:%Y-%m-%d} 与身份证号中的 {born:%Y-%m-%d} 不一致")
    gender = cleaned.get("gender")
    if gender is not None and (gender is Gender.MALE) != id_is_male(id_number):
        warnings.append(
            f"性别“{gender.label}”与身份证号不一致（身份证号为{'男' if id_is_male(id_number) else '女'}性）"
        )
    return warnings


def could_vote_on(day: dt.date | None) -> Any:
    """SQL: a 正式党员 on `day` (转正 by then); without a day, as the member stands today."""
    full = Member.member_type == MemberType.FULL
    return full if day is None else and_(full, or_(Member.full_date.is_(None), Member.full_date <= day))


def brief_select(day: dt.date | None = None) -> Select:
    """Members as the attendance editor and the rules need them, in roster order."""
    m = Member
    voter = case((could_vote_on(day), True), else_=False)
    return select(m.id, m.name, m.member_type, m.group_id, m.is_committee, voter).order_by(*ROSTER_ORDER)


@dataclass(frozen=True)
class MemberBrief:
    id: int
    name: str
    member_type: MemberType
    group_id: int | None
    is_committee: bool
    can_vote: bool  # on the day asked about (a 正式党员 then), or today


class PartyGroupService(RecordService):
    model = PartyGroup
    kind_key = "party_group"
    kind_label = "党小组"
    default_sort = "name"
    default_descending = False
    fields = (
        Field("name", "名称", F.TEXT, required=True, max_length=50),
        Field("leader_id", "组长", F.REF),
        Field("founded_date", "成立日期", F.DATE),
        Field("dissolved_date", "撤销日期", F.DATE),
        Field("notes", "备注", F.LONG_TEXT, max_length=2000),
    )

    def columns(self) -> list[Column]:
        size = select(func.count(Member.id)).where(Member.group_id == PartyGroup.id, *ACTIVE_MEMBER).scalar_subquery()
        return [
            Column("name", "名称", PartyGroup.name),
            Column("leader", "组长", GroupLeader.name),
            Column("size", "党员人数", size, ColumnKind.COUNT),
        ]

    def joined(self, stmt: Select) -> Select:
        return stmt.outerjoin(GroupLeader, PartyGroup.leader_id == GroupLeader.id)

    def search_columns(self) -> list[Any]:
        return [PartyGroup.name, PartyGroup.notes]

    def title_expr(self) -> Any:
        return PartyGroup.name

    def validate(
        self, session: Session, cleaned: Mapping[str, Any], values: Mapping[str, Any], record_id: int | None
    ) -> dict[str, Any]:
        if name_taken(session, PartyGroup, cleaned["name"], record_id):
            raise self.field_error("name", "已有同名党小组（也可能在回收站中）")
        founded, dissolved = cleaned["founded_date"], cleaned["dissolved_date"]
        if founded and dissolved and dissolved < founded:
            raise self.field_error("dissolved_date", f"撤销日期不能早于成立日期 {founded:%Y-%m-%d}")
        leader_id = cleaned["leader_id"]
        if leader_id is not None and session.get(Member, leader_id) is None:
            raise self.field_error("leader_id", "所选组长不存在")
        return dict(cleaned)

    def choices(self) -> list[tuple[int, str]]:
        stmt = select(PartyGroup.id, PartyGroup.name).where(PartyGroup.deleted_at.is_(None)).order_by(PartyGroup.name)
        with self.db.read_session() as session:
            return [(group_id, name) for group_id, name in session.execute(stmt)]
