"""What can be imported: residents and members, each with its header names, defaults and own hooks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.core.domain.errors import AppError
from desktop_app.core.domain.fields import Field
from desktop_app.core.domain.normalize import clean_text
from desktop_app.core.services.base import RecordService
from desktop_app.core.services.people import MemberService, ResidentService
from desktop_app.core.storage.models import Member, Resident


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: str
    record_kind: str  # as the services and the 操作记录 name it
    service: type[RecordService]
    model: type[Resident] | type[Member]
    headers: dict[str, tuple[str, ...]]  # field -> header names people use, the first is the template's
    defaults: dict[str, str]  # stored values a new record gets when its column is missing or empty
    # The kind's own reading of a row, before the form's rules check it.
    prepare: Callable[[dict[str, Any]], dict[str, Any]] = dict
    in_party_groups: bool = False  # a 党小组 column names the group; groups new to the data are created

    @property
    def fields(self) -> tuple[Field, ...]:
        """The form's fields: the import accepts and refuses the same values the forms do."""
        return self.service.fields


def _member_values(raw: dict[str, Any]) -> dict[str, Any]:
    """正式/预备 as the roster writes them, and a 支委职务 makes a committee member."""
    values = dict(raw)
    member_type = clean_text(values.get("member_type"))
    if member_type in ("正式", "预备"):
        values["member_type"] = member_type + "党员"
    role = clean_text(values.get("committee_role"))
    values["is_committee"] = bool(role)
    return values


RESIDENTS = ImportKind(
    "residents",
    "居民",
    "resident",
    ResidentService,
    Resident,
    {
        "name": ("姓名", "名字", "居民姓名"),
        "gender": ("性别",),
        "birth_date": ("出生日期", "出生年月", "生日"),
        "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"),
        "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"),
        "address": ("住址", "地址", "门牌", "门牌号", "家庭住址", "居住地址"),
        "tags": ("标签", "人员类别", "特殊人群"),
        "notes": ("备注",),
    },
    {"status": "active"},
)
MEMBERS = ImportKind(
    "members",
    "党员",
    "member",
    MemberService,
    Member,
    {
        "name": ("姓名", "名字", "党员姓名"),
        "gender": ("性别",),
        "birth_date": ("出生日期", "出生年月", "生日"),
        "join_date": ("入党日期", "入党时间", "入党年月"),
        "member_type": ("党员类别", "党员身份", "类别"),
        "group": ("党小组", "所在党小组", "所属党小组"),
        "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"),
        "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"),
        "committee_role": ("支委职务", "职务"),
        "notes": ("备注",),
    },
    {"member_type": "full", "status": "active"},
    prepare=_member_values,
    in_party_groups=True,
)
KINDS = {k.key: k for k in (RESIDENTS, MEMBERS)}


def kind_for(key: str) -> ImportKind:
    if key not in KINDS:
        raise AppError(f"只能导入 residents（居民）或 members（党员），不能导入“{key}”")
    return KINDS[key]
