"""Photos and scans attached to any record, stored under their content hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.errors import AppError, NotFoundError
from desktop_app.core.storage import audit
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import Attachment

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"}


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    original_name: str
    size: int
    path: Path

    @property
    def is_image(self) -> bool:
        return self.path.suffix.lower() in IMAGE_SUFFIXES

    @property
    def exists(self) -> bool:
        return self.path.exists()


class AttachmentService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def stored_path(self, sha256: str, original_name: str) -> Path:
        suffix = Path(original_name).suffix.lower()[:10]
        return self.db.attachment_dir / sha256[:2] / f"{sha256}{suffix}"

    def _owner(self, session: Session, owner_kind: str, owner_id: int) -> str:
        from desktop_app.core.services.registry import record_services  # the registry imports every service

        return record_services(self.db)[owner_kind].describe(session, owner_id)

    def add(self, owner_kind: str, owner_id: int, source: Path) -> int:
        source = Path(source)
        if not source.is_file():
            raise AppError(f"找不到文件：{source}")
        size = source.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            raise AppError(f"文件“{source.name}”超过 50 MB，请压缩后再添加")
        digest = hashlib.sha256()
        with source.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        sha256 = digest.hexdigest()
        target = self.stored_path(sha256, source.name)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            shutil.copyfile(source, partial)
            partial.replace(target)
        with self.db.session() as session:
            row = Attachment(
                owner_kind=owner_kind, owner_id=owner_id, sha256=sha256, original_name=source.name, size=size
            )
            session.add(row)
            session.flush()
            audit.record(
                session,
                AuditAction.CREATE,
                "attachment",
                row.id,
                source.name,
                details=f"附加到{self._owner(session, owner_kind, owner_id)}",
            )
            return row.id

    def list(self, owner_kind: str, owner_id: int) -> list[AttachmentInfo]:
        stmt = (
            select(Attachment)
            .where(
                Attachment.owner_kind == owner_kind, Attachment.owner_id == owner_id, Attachment.deleted_at.is_(None)
            )
            .order_by(Attachment.id)
        )
        with self.db.read_session() as session:
            return [
                AttachmentInfo(a.id, a.original_name, a.size, self.stored_path(a.sha256, a.original_name))
                for a in session.scalars(stmt)
            ]

    def remove(self, attachment_id: int) -> None:
        """Soft removal: the file stays, so a restore brings the attachment back."""
        with self.db.session() as session:
            row = session.get(Attachment, attachment_id)
            if row is None:
                raise NotFoundError("找不到该附件")
            row.deleted_at = dt.datetime.now()
            audit.record(
                session,
                AuditAction.DELETE,
                "attachment",
                attachment_id,
                row.original_name,
                details=f"从{self._owner(session, row.owner_kind, row.owner_id)}移除",
            )
