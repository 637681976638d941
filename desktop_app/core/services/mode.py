"""Which copy this is: a community's (居民区: the records, and packages sent up) or a street office's (街道:
packages received and added up). Read at every start, so it imports nothing heavy."""

from __future__ import annotations

from sqlalchemy import select

from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.errors import AppError
from desktop_app.core.reads.settings import COMMUNITY, MODE_KEY, MODE_LABELS, STREET, read_mode
from desktop_app.core.storage import app_settings, audit
from desktop_app.core.storage.database import Database


class ModeService:
    """居民区 (the records, and packages sent up) or 街道 (packages received and added up)."""

    KEY = MODE_KEY

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self) -> str:
        with self.db.plain() as reader:
            return read_mode(reader)

    def become_street(self, street: str) -> None:
        """Make this copy the street office's. Only a copy without community records can be: the two
        uses keep different things, and a street office's data holds only what the packages carried."""
        from desktop_app.core.storage.models import CareAction, Meeting, Member, Resident

        with self.db.read_session() as session:
            kept = any(
                session.scalar(select(model.id).limit(1)) is not None
                for model in (Resident, Member, CareAction, Meeting)
            )
        if kept and self.get() != STREET:
            raise AppError("这份数据中已有居民区的记录，不能改为街道使用。请为街道另建一个数据目录（--data-dir）。")
        self.set(STREET)
        from desktop_app.core.services.profile import ProfileService

        profiles = ProfileService(self.db)
        if not profiles.get().community_name:
            profiles.save({"community_name": street})

    def set(self, mode: str) -> None:
        if mode not in MODE_LABELS:
            raise AppError(f"没有“{mode}”这种用法，可选：居民区、街道。")
        with self.db.session() as session:
            before = app_settings.store(session, self.KEY, mode) or COMMUNITY
            if before != mode:
                audit.record(
                    session,
                    AuditAction.UPDATE,
                    "settings",
                    None,
                    f"本程序用于{MODE_LABELS[mode]}",
                    {"用法": [MODE_LABELS.get(before, before), MODE_LABELS[mode]]},
                )
