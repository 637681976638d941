"""Photos and scans attached to any record, stored under their content hash."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.errors import AppError, NotFoundError
from desktop_app.core.storage import audit, cipher
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import Attachment, AttachmentContent

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


def stored_path(attachment_dir: Path, sha256: str, original_name: str, sealed: bool) -> Path:
    suffix = cipher.SEALED_SUFFIX if sealed else Path(original_name).suffix.lower()[:10]
    return attachment_dir / sha256[:2] / f"{sha256}{suffix}"


IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"}


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    original_name: str
    size: int
    sha256: str
    path: Path | None  # the (sealed) file on a PC; None on a server, which keeps the file in the database

    @property
    def is_image(self) -> bool:
        return Path(self.original_name).suffix.lower() in IMAGE_SUFFIXES

    @property
    def exists(self) -> bool:
        return self.path is None or self.path.exists()


class AttachmentService:
    """On a PC the files are kept in the data directory, sealed under the data key; on a server in the database
    (`attachment_contents`, bytea): no client keeps a copy, and the server's policies and backups cover them."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def stored_path(self, sha256: str, original_name: str) -> Path | None:
        """Where the file is kept: sealed under the data key when the data is encrypted (no file type shown);
        None on a server."""
        if not self.db.is_sqlite:
            return None
        return stored_path(self.db.attachment_dir, sha256, original_name, sealed=self.db.key is not None)

    def read(self, info: AttachmentInfo) -> bytes:
        """The file's contents, unsealed if the data is encrypted."""
        if info.path is None:
            with self.db.read_session() as session:
                kept = session.scalar(select(AttachmentContent.data).where(AttachmentContent.sha256 == info.sha256))
            if kept is None:
                raise AppError(f"附件“{info.original_name}”的文件不在服务器上（可能已被删除），请联系信息技术人员。")
            return kept
        data = info.path.read_bytes()
        if self.db.key is None:
            return data
        try:
            return cipher.unseal(data, self.db.key)
        except ValueError as exc:
            raise AppError(f"附件“{info.original_name}”无法解密（文件已改动，或不属于这份数据）。") from exc

    def copy_out(self, info: AttachmentInfo, folder: Path) -> Path:
        """A plain copy to open in another program (a viewer): the caller removes it when done."""
        target = Path(folder) / f"{info.id}-{Path(info.original_name).name}"
        target.write_bytes(self.read(info))
        return target

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
        data = source.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.stored_path(sha256, source.name)
        if target is not None and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            partial.write_bytes(data if self.db.key is None else cipher.seal(data, self.db.key))
            partial.replace(target)
        with self.db.session() as session:
            kept = select(AttachmentContent.id).where(AttachmentContent.sha256 == sha256)
            if target is None and session.scalar(kept) is None:
                session.add(AttachmentContent(sha256=sha256, data=data))
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
                AttachmentInfo(a.id, a.original_name, a.size, a.sha256, self.stored_path(a.sha256, a.original_name))
                for a in session.scalars(stmt)
            ]

    def missing(self) -> tuple[str, ...]:
        """The names of attachments whose file is gone (检查数据库)."""
        with self.db.read_session() as session:
            if not self.db.is_sqlite:
                kept = select(AttachmentContent.id).where(AttachmentContent.sha256 == Attachment.sha256)
                return tuple(session.scalars(select(Attachment.original_name).where(~kept.exists())))
            stored = session.execute(select(Attachment.sha256, Attachment.original_name)).all()
        sealed = self.db.key is not None
        return tuple(
            name for sha256, name in stored if not stored_path(self.db.attachment_dir, sha256, name, sealed).exists()
        )

    def count(self) -> int:
        with self.db.read_session() as session:
            return session.scalar(select(func.count(Attachment.id))) or 0

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
