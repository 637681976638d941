"""数据包导入, the street office's side: any number of files, each imported whole or not at all.

The same file twice changes nothing (已导入过); a higher sequence for the same community and period
replaces the current one, which stays as history; a lower one arriving late is kept as history only.
Refused, with nothing written: a damaged or altered file, a package sealed to another street's key,
a newer format, a community not in the street's list (unless the person chooses to add it)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.errors import AppError
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.packages.format import SUFFIX, Manifest, PackageRefusedError, read_package
from desktop_app.core.services.street import StreetKeyService
from desktop_app.core.storage import audit
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import StreetPackage, StreetUnit

IMPORTED, REPLACED, ALREADY, HISTORY, REFUSED, UNKNOWN_UNIT = (
    "imported",
    "replaced",
    "already",
    "history",
    "refused",
    "unknown_unit",
)
OUTCOME_LABELS = {
    IMPORTED: "已导入",
    REPLACED: "已导入（替换旧版）",
    ALREADY: "已导入过",
    HISTORY: "已存为历史版本（已有更新的版本）",
    REFUSED: "未导入",
    UNKNOWN_UNIT: "未导入（单位不在名单中）",
}


@dataclass(frozen=True)
class ImportOutcome:
    path: Path
    outcome: str
    message: str
    unit_code: str = ""
    unit_name: str = ""

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


def package_files(paths: Iterable[Path]) -> list[Path]:
    """The files given, with a folder standing for the .sjb files in it."""
    found: list[Path] = []
    for path in map(Path, paths):
        found.extend(sorted(path.glob(f"*{SUFFIX}")) if path.is_dir() else [path])
    return found


def import_packages(
    db: Database,
    paths: Iterable[Path],
    add_units: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[ImportOutcome]:
    keys = StreetKeyService(db)
    private = keys.private_key()
    own = keys.own_public_key()
    assert own is not None  # there is a private key
    files = package_files(paths)
    outcomes = []
    for done, path in enumerate(files, start=1):
        outcomes.append(_import_one(db, path, private, own.fingerprint, add_units))
        if progress is not None:
            progress(done, len(files))
    return outcomes


def _import_one(db: Database, path: Path, private: bytes, fingerprint: str, add_units: bool) -> ImportOutcome:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ImportOutcome(path, REFUSED, f"“{path.name}”无法读取：{exc.strerror or exc}")
    digest = hashlib.sha256(data).hexdigest()
    with db.read_session() as session:
        if session.scalar(select(StreetPackage.id).where(StreetPackage.file_sha256 == digest)) is not None:
            return ImportOutcome(path, ALREADY, f"“{path.name}”已导入过，未作改动。")
    try:
        manifest, parts = read_package(data, private, fingerprint, path.name)
        period = Period.parse(manifest.period)
    except (PackageRefusedError, AppError) as exc:
        return ImportOutcome(path, REFUSED, str(exc))
    who = f"{manifest.unit_name}（{manifest.unit_code}）"
    with db.session() as session:
        if session.scalar(select(StreetUnit.id).where(StreetUnit.code == manifest.unit_code)) is None:
            if not add_units:
                return ImportOutcome(
                    path,
                    UNKNOWN_UNIT,
                    f"“{path.name}”来自{who}，不在本街道的居民区名单中，未导入。",
                    manifest.unit_code,
                    manifest.unit_name,
                )
            session.add(StreetUnit(code=manifest.unit_code, name=manifest.unit_name))
            audit.record(session, AuditAction.CREATE, "street_unit", None, f"添加居民区：{who}")
        current = session.scalar(
            select(StreetPackage).where(
                StreetPackage.unit_code == manifest.unit_code,
                StreetPackage.period == manifest.period,
                StreetPackage.replaced_by_id.is_(None),
            )
        )
        if current is not None and current.sequence == manifest.sequence:
            return ImportOutcome(
                path,
                REFUSED,
                f"“{path.name}”与已导入的{who}{period.label}第{manifest.sequence}版版本号相同但内容不同，未导入。"
                "请让居民区重新生成一个新版本。",
            )
        package = _package_row(manifest, period, digest, parts)
        session.add(package)
        session.flush()
        if current is not None and current.sequence > manifest.sequence:
            package.replaced_by_id = current.id  # arrived late: history only
            outcome, said = HISTORY, f"已有第{current.sequence}版，这个较早的第{manifest.sequence}版存为历史版本"
        elif current is not None:
            current.replaced_by_id = package.id
            outcome, said = REPLACED, f"第{manifest.sequence}版替换第{current.sequence}版（旧版留作历史）"
        else:
            outcome, said = IMPORTED, f"第{manifest.sequence}版"
        names = "，含名单" if manifest.includes_names else ""
        audit.record(
            session,
            AuditAction.IMPORT,
            "package",
            package.id,
            f"导入数据包：{who}{period.label}",
            details=f"{said}{names}；文件：{path}",
        )
    return ImportOutcome(path, outcome, f"{who}{period.label}：{said}。", manifest.unit_code, manifest.unit_name)


def _package_row(manifest: Manifest, period: Period, digest: str, parts: dict[str, object]) -> StreetPackage:
    return StreetPackage(
        unit_code=manifest.unit_code,
        unit_name=manifest.unit_name,
        period=manifest.period,
        period_start=period.start,
        period_end=period.end,
        sequence=manifest.sequence,
        created_at=manifest.created,
        program_version=manifest.program_version,
        format_version=manifest.format_version,
        includes_names=manifest.includes_names,
        file_sha256=digest,
        content=parts,
    )
