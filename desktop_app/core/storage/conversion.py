"""Encrypting the data of an earlier version in place: the database, then every plain backup.

Each file is written encrypted beside itself, checked with the key, and only then takes the old file's
name (one rename): a kill at any moment leaves the old plain file or the new encrypted one, whole. The
keys are written before the first file is converted, so a start after a kill finds the key it needs and
finishes the work (a plain file beside existing keys is a conversion not yet done).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core.domain.errors import AppError
from desktop_app.core.storage import cipher
from desktop_app.core.storage.backup import ATTACHMENT_STORE, integrity_problems
from desktop_app.core.storage.paths import ATTACHMENT_DIRNAME

CONVERTING_SUFFIX = ".encrypting"


@dataclass
class ConversionReport:
    database: bool = False
    backups: int = 0
    attachments: int = 0
    left_plain: list[Path] = field(default_factory=list)  # damaged copies kept as evidence, as they are

    def describe(self) -> str:
        text = f"已加密数据文件、{self.backups} 份备份和 {self.attachments} 个附件文件。"
        if self.left_plain:
            names = "、".join(path.name for path in self.left_plain)
            text += f"以下损坏数据的留存副本无法加密，仍是明文，确认不再需要后请删除：{names}"
        return text


def encrypt_file(path: Path, key: bytes) -> None:
    """One plain SQLite file, encrypted under its own name; unchanged if anything fails."""
    partial = path.with_name(path.name + CONVERTING_SUFFIX)
    partial.unlink(missing_ok=True)
    try:
        integrity_problems(path, quick=True)  # read-write: a hot journal from a crash is rolled back first
        cipher.export_copy(path, partial, key)
        problems = integrity_problems(partial, key=key)
        if problems:
            raise AppError(f"加密后的文件校验未通过（{problems[0]}），原文件没有改动。")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def seal_file(path: Path, key: bytes) -> None:
    """One plain attachment file, sealed under its hash's name with the sealed suffix; the plain file goes
    only once the sealed one is whole (a kill between leaves both, and the next run removes the plain one)."""
    sealed = path.with_name(path.stem + cipher.SEALED_SUFFIX)
    if sealed != path and sealed.exists() and cipher.is_sealed(sealed):
        path.unlink()  # sealed before a kill: only the plain copy is left to remove
        return
    partial = sealed.with_name(sealed.name + ".partial")
    partial.write_bytes(cipher.seal(path.read_bytes(), key))
    partial.replace(sealed)
    if sealed != path:  # a file attached with our suffix was plain under the sealed name: now sealed in place
        path.unlink()


def plain_attachments(data_dir: Path, backup_dir: Path) -> list[Path]:
    """Attachment files an earlier version stored as they were: in the data directory and the backups' store."""
    folders = [data_dir / ATTACHMENT_DIRNAME, backup_dir / ATTACHMENT_STORE]
    return [
        path
        for folder in folders
        if folder.is_dir()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.endswith(".partial") and not cipher.is_sealed(path)
    ]


def encrypt_data(db_file: Path, backup_dir: Path, key: bytes) -> ConversionReport:
    """The database (if still plain), the plain backups beside it, and the attachment files."""
    report = ConversionReport()
    if db_file.exists() and cipher.is_plain(db_file):
        encrypt_file(db_file, key)
        report.database = True
    if backup_dir.is_dir():
        for backup in sorted(backup_dir.glob("*.sqlite3")):
            if cipher.is_plain(backup):
                encrypt_file(backup, key)
                report.backups += 1
        report.left_plain = sorted(path for path in backup_dir.glob("*.keep") if cipher.is_plain(path))
    for path in plain_attachments(db_file.parent, backup_dir):
        seal_file(path, key)
        report.attachments += 1
    return report


def needs_encrypting(db_file: Path, backup_dir: Path) -> bool:
    """Anything still plain that the key should cover."""
    plain_backups = backup_dir.is_dir() and any(cipher.is_plain(path) for path in backup_dir.glob("*.sqlite3"))
    plain_database = db_file.exists() and db_file.stat().st_size > 0 and cipher.is_plain(db_file)
    return plain_database or bool(plain_backups) or bool(plain_attachments(db_file.parent, backup_dir))
