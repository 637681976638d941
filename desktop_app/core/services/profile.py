"""The community profile: names used in titles and report headers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.errors import ConcurrentWriteError, EditConflictError
from desktop_app.core.domain.fields import Field, FieldType, clean_values
from desktop_app.core.services.base import settings_conflict
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
    version: int = 0  # handed back to `save`: was it saved by someone else meanwhile? (0: never saved)

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
                return Profile("", "", "", "", "")
            return Profile(**{f.name: getattr(row, f.name) for f in self.fields}, version=row.version)

    def save(self, values: Mapping[str, Any], version: int | None = None) -> Profile:
        """`version`: the one the person's form was filled from (`get`); when someone has saved the profile
        since, nothing is written and EditConflictError says who and when."""
        cleaned = clean_values(self.fields, values)
        try:
            with self.db.session() as session:
                row = the_profile(session)
                if row is None:
                    row = CommunityProfile()
                    session.add(row)
                    session.flush()
                elif version is not None and row.version != version:
                    raise self._conflict(row, values)
                who = audit.actor(session)
                before = {name: getattr(row, name) for name in cleaned}
                for name, value in cleaned.items():
                    setattr(row, name, value)
                changes = audit.field_diff(self.fields, before, cleaned)
                if changes:
                    row.updated_by = who
                    audit.record(session, AuditAction.UPDATE, "profile", row.id, "居民区信息", changes)
                session.flush()
                return Profile(**cleaned, version=row.version)
        except ConcurrentWriteError as exc:  # saved by someone else between our read and our write
            with self.db.read_session() as session:
                row = the_profile(session)
                assert row is not None, "a profile is never deleted"
                raise self._conflict(row, values) from exc

    def _conflict(self, row: CommunityProfile, mine: Mapping[str, Any]) -> EditConflictError:
        theirs = {spec.name: getattr(row, spec.name) for spec in self.fields}
        return settings_conflict("居民区信息", row, self.fields, mine, theirs)


def the_profile(session: Session) -> CommunityProfile | None:
    """The community's profile: the one row a login sees (its community's; on a single PC, the only one)."""
    return session.scalars(select(CommunityProfile).order_by(CommunityProfile.id).limit(1)).first()
