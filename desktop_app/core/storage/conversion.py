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
from desktop_app.core.storage.backup import integrity_problems

CONVERTING_SUFFIX = ".encrypting"


@dataclass
class ConversionReport:
    database: bool = False
    backups: int = 0
    left_plain: list[Path] = field(default_factory=list)  # damaged copies kept as evidence, as they are

    def describe(self) -> str:
        text = f"已加密数据文件和 {self.backups} 份备份。" if self.database else f"已加密 {self.backups} 份备份。"
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


def encrypt_data(db_file: Path, backup_dir: Path, key: bytes) -> ConversionReport:
    """The database (if still plain) and the plain backups beside it."""
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
    return report


def needs_encrypting(db_file: Path, backup_dir: Path) -> bool:
    """Anything still plain that the key should cover."""
    plain_backups = backup_dir.is_dir() and any(cipher.is_plain(path) for path in backup_dir.glob("*.sqlite3"))
    return (db_file.exists() and db_file.stat().st_size > 0 and cipher.is_plain(db_file)) or bool(plain_backups)
