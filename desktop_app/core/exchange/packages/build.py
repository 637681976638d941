"""上报数据包, the community's side: one file per period, sealed to the street office's key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from desktop_app import __version__
from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.errors import AppError
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.packages.contents import build_parts
from desktop_app.core.exchange.packages.format import SUFFIX, write_package
from desktop_app.core.exchange.reports.workbook import atomic_target
from desktop_app.core.services.profile import ProfileService
from desktop_app.core.services.street import StreetKeyService
from desktop_app.core.storage import app_settings, audit
from desktop_app.core.storage.database import Database

SEQUENCES_KEY = "package_sequences"  # period -> the last sequence number handed out


@dataclass(frozen=True)
class BuiltPackage:
    path: Path
    sequence: int
    size: int
    includes_names: bool


def package_period(text: str) -> Period:
    """A package covers a month, a quarter or a year: what the street office's grid is made of."""
    period = Period.parse(text)
    if ".." in period.key:
        raise AppError("上报数据包按月、季度或年度生成，请写成 2026-07、2026Q3 或 2026。")
    return period


def default_name(db: Database, period: Period) -> str:
    community = ProfileService(db).get().community_name or "居民区"
    return f"{community}-{period.key}{SUFFIX}"


def build_package(
    db: Database, period: Period, target: Path, include_names: bool = False, now: dt.datetime | None = None
) -> BuiltPackage:
    """Write the period's package to `target` (atomically). The sequence number grows with each package of
    the same period, so the street keeps the newest and the earlier ones as history."""
    profile = ProfileService(db).get()
    if not profile.unit_code:
        raise AppError("还没有填写本居民区的单位代码（由街道编定）。请在“设置”的居民区信息中填写后再生成数据包。")
    key = StreetKeyService(db).street_key()
    if key is None:
        raise AppError("还没有导入街道公钥，数据包无法加密发给街道。请向街道索取公钥文件，在“设置”中导入后再生成。")
    parts = build_parts(db, period, include_names)
    with db.session() as session:
        kept = app_settings.stored(session, SEQUENCES_KEY)
        sequences = dict(kept) if isinstance(kept, dict) else {}
        sequence = int(sequences.get(period.key, 0)) + 1
        manifest = {
            "unit_code": profile.unit_code,
            "unit_name": profile.community_name,
            "street": key.street,
            "period": period.key,
            "sequence": sequence,
            "created_at": (now or dt.datetime.now()).isoformat(timespec="seconds"),
            "program_version": __version__,
            "includes_names": include_names,
        }
        data = write_package(manifest, parts, key)
        with atomic_target(target, (SUFFIX,), "上报数据包") as partial:
            partial.write_bytes(data)
        # The number is spent only once the file is there; the log says what left and for whom.
        sequences[period.key] = sequence
        app_settings.store(session, SEQUENCES_KEY, sequences)
        audit.record(
            session,
            AuditAction.EXPORT,
            "package",
            None,
            f"生成上报数据包：{period.label}第{sequence}版",
            details=f"{'含名单' if include_names else '仅汇总数字，不含名单'}；"
            f"发给{key.street}（指纹 {key.fingerprint}）；文件：{target}",
        )
    return BuiltPackage(Path(target), sequence, len(data), include_names)
