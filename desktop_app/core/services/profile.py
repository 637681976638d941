"""The community profile: names used in titles and report headers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.fields import Field, FieldType, clean_values
from desktop_app.core.storage import audit
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import CommunityProfile


@dataclass(frozen=True)
class Profile:
    community_name: str
    street_office: str
    org_name: str
    secretary_name: str
    reporter_name: str
    unit_code: str = ""  # 单位代码: how the street office knows this community's data packages

    @property
    def is_set(self) -> bool:
        return bool(self.community_name)


class ProfileService:
    fields = (
        Field("community_name", "居民区名称", FieldType.TEXT, required=True, max_length=100),
        Field("street_office", "所属街道", FieldType.TEXT, max_length=100),
        Field("org_name", "党组织名称", FieldType.TEXT, max_length=100),
        Field("secretary_name", "书记姓名", FieldType.TEXT, max_length=50),
        Field("reporter_name", "默认填报人", FieldType.TEXT, max_length=50),
        Field("unit_code", "单位代码（街道编定）", FieldType.TEXT, max_length=30),
    )

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self) -> Profile:
        with self.db.read_session() as session:
            row = the_profile(session)
            if row is None:
                return Profile(*("",) * len(self.fields))
            return Profile(**{f.name: getattr(row, f.name) for f in self.fields})

    def save(self, values: Mapping[str, Any]) -> Profile:
        cleaned = clean_values(self.fields, values)
        with self.db.session() as session:
            row = the_profile(session)
            if row is None:
                row = CommunityProfile()
                session.add(row)
                session.flush()
            before = {name: getattr(row, name) for name in cleaned}
            for name, value in cleaned.items():
                setattr(row, name, value)
            changes = audit.field_diff(self.fields, before, cleaned)
            if changes:
                audit.record(session, AuditAction.UPDATE, "profile", row.id, "居民区信息", changes)
        return Profile(**cleaned)


def the_profile(session: Session) -> CommunityProfile | None:
    """The community's profile: the one row a login sees (its community's; on a single PC, the only one)."""
    return session.scalars(select(CommunityProfile).order_by(CommunityProfile.id).limit(1)).first()
