"""街道汇总: which copy this is (居民区 or 街道), the street's key pair and the community's copy of its public
key, the street's list of communities, and the packages it holds (the current one of each community and
period, and the history of those replaced)."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.domain.duty_figures import DutyFigures
from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.errors import AppError, ValidationError
from desktop_app.core.domain.periods import Period
from desktop_app.core.domain.street_sums import Verdict, duties, meetings_verdict
from desktop_app.core.storage import app_settings, audit
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import StreetPackage, StreetUnit
from desktop_app.core.storage.recipient_key import PublicKey, new_private_key, public_of


class StreetKeyService:
    """The street's key pair (the private key lives inside its encrypted database, and goes into its
    backups with it) and, in a community's copy, the street's public key packages are sealed to."""

    PRIVATE = "street_private_key"
    STREET_PUBLIC = "street_public_key"

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- the street's copy -------------------------------------------------------------------
    def create_key_pair(self, street: str) -> PublicKey:
        """Make the street's key pair once; a second call refuses, since packages already sealed to the old
        key could no longer be opened."""
        with self.db.session() as session:
            if app_settings.stored(session, self.PRIVATE):
                raise AppError("本街道已有密钥，不能重新生成（已发给居民区的公钥会失效）。需要公钥文件时请直接导出。")
            private = new_private_key()
            app_settings.store_secret(session, self.PRIVATE, private, self.db.key, street=street)
            public = PublicKey(public_of(private), street)
            audit.record(
                session, AuditAction.CREATE, "settings", None, "生成街道密钥", details=f"指纹 {public.fingerprint}"
            )
        return public

    def private_key(self) -> bytes:
        with self.db.read_session() as session:
            held = app_settings.stored_secret(session, self.PRIVATE, self.db.key)
        if held is None:
            raise AppError("本街道还没有生成密钥。请先在“设置”中生成密钥，把公钥文件发给各居民区。")
        return held[0]

    def own_public_key(self) -> PublicKey | None:
        with self.db.read_session() as session:
            held = app_settings.stored_secret(session, self.PRIVATE, self.db.key)
        if held is None:
            return None
        private, public = held
        return PublicKey(public_of(private), public.get("street", ""))

    # -- a community's copy ------------------------------------------------------------------
    def street_key(self) -> PublicKey | None:
        with self.db.read_session() as session:
            stored = app_settings.stored(session, self.STREET_PUBLIC)
        return PublicKey(base64.b64decode(stored["key"]), stored.get("street", "")) if stored else None

    def set_street_key(self, key: PublicKey) -> None:
        with self.db.session() as session:
            kept = {"key": base64.b64encode(key.raw).decode(), "street": key.street}
            before = app_settings.store(session, self.STREET_PUBLIC, kept)
            old = PublicKey(base64.b64decode(before["key"]), before.get("street", "")).fingerprint if before else None
            audit.record(
                session,
                AuditAction.UPDATE,
                "settings",
                None,
                f"导入街道公钥：{key.street}",
                {"公钥指纹": [old, key.fingerprint]},
            )


@dataclass(frozen=True)
class UnitInfo:
    code: str
    name: str
    retired: bool = False
    packages: int = 0  # packages imported from it (history included)

    @property
    def deletable(self) -> bool:
        """Only a community nothing was received from can go; one that reported is retired (停用) instead,
        so its packages keep their name and the periods it reported stay added up."""
        return self.packages == 0


class StreetUnitService:
    """The communities a street office expects packages from."""

    LABELS: ClassVar[dict[str, str]] = {"code": "单位代码", "name": "居民区名称"}

    def __init__(self, db: Database) -> None:
        self.db = db

    def list(self, include_retired: bool = True) -> list[UnitInfo]:
        packages = (
            select(func.count(StreetPackage.id)).where(StreetPackage.unit_code == StreetUnit.code).scalar_subquery()
        )
        stmt = select(StreetUnit.code, StreetUnit.name, StreetUnit.retired, packages).order_by(StreetUnit.code)
        if not include_retired:
            stmt = stmt.where(StreetUnit.retired.is_(False))
        with self.db.read_session() as session:
            return [UnitInfo(c, n, bool(r), p) for c, n, r, p in session.execute(stmt)]

    def get(self, code: str) -> UnitInfo:
        found = next((unit for unit in self.list() if unit.code == code), None)
        if found is None:
            raise AppError(f"名单中没有单位代码为“{code}”的居民区（可能已被删除）")
        return found

    def _cleaned(self, code: str, name: str) -> tuple[str, str]:
        code, name = code.strip(), name.strip()
        errors = {key: "必须填写" for key, value in (("code", code), ("name", name)) if not value}
        if errors:
            raise ValidationError(errors, self.LABELS)
        return code, name

    @staticmethod
    def _refuse_taken(session: Session, code: str) -> None:
        if session.scalar(select(StreetUnit.id).where(StreetUnit.code == code)) is not None:
            raise ValidationError({"code": f"已有单位代码为“{code}”的居民区"}, StreetUnitService.LABELS)

    def add(self, code: str, name: str) -> UnitInfo:
        code, name = self._cleaned(code, name)
        with self.db.session() as session:
            self._refuse_taken(session, code)
            session.add(StreetUnit(code=code, name=name))
            audit.record(session, AuditAction.CREATE, "street_unit", None, f"添加居民区：{name}（{code}）")
        return UnitInfo(code, name)

    def update(self, code: str, new_code: str, new_name: str) -> UnitInfo:
        """Correct a community's name or code. The code of one that has reported stays: its packages carry it."""
        new_code, new_name = self._cleaned(new_code, new_name)
        before = self.get(code)
        if new_code != code and before.packages:
            raise ValidationError(
                {"code": f"已导入过{before.name}的 {before.packages} 个数据包，包中的单位代码是“{code}”，不能修改"},
                self.LABELS,
            )
        with self.db.session() as session:
            if new_code != code:
                self._refuse_taken(session, new_code)
            unit = self._unit(session, code)
            unit.code, unit.name = new_code, new_name
            changes: dict[str, list[str | None]] = {
                label: [old, new]
                for label, old, new in (("单位代码", code, new_code), ("居民区名称", before.name, new_name))
                if old != new
            }
            summary = f"修改居民区：{new_name}（{new_code}）"
            audit.record(session, AuditAction.UPDATE, "street_unit", None, summary, changes)
        return UnitInfo(new_code, new_name, before.retired, before.packages)

    def delete(self, code: str) -> None:
        """Take a community off the list: only one nothing was received from (see UnitInfo.deletable)."""
        unit = self.get(code)
        if not unit.deletable:
            raise AppError(f"已导入过{unit.name}的 {unit.packages} 个数据包，不能删除；不再需要它报送时请“停用”。")
        with self.db.session() as session:
            session.delete(self._unit(session, code))
            audit.record(session, AuditAction.DELETE, "street_unit", None, f"删除居民区：{unit.name}（{code}）")

    def set_retired(self, code: str, retired: bool) -> None:
        """停用: no longer expected (not counted as 未报); its packages and past periods stay. 启用 undoes it."""
        unit = self.get(code)
        with self.db.session() as session:
            self._unit(session, code).retired = retired
            what = "停用" if retired else "启用"
            audit.record(session, AuditAction.UPDATE, "street_unit", None, f"{what}居民区：{unit.name}（{code}）")

    @staticmethod
    def _unit(session: Session, code: str) -> StreetUnit:
        unit = session.scalar(select(StreetUnit).where(StreetUnit.code == code))
        if unit is None:
            raise AppError(f"名单中没有单位代码为“{code}”的居民区（可能已被删除）")
        return unit


@dataclass(frozen=True)
class PackageInfo:
    id: int
    unit_code: str
    unit_name: str
    period: str
    sequence: int
    created_at: dt.datetime
    imported_at: dt.datetime
    includes_names: bool
    current: bool


class StreetPackageService:
    """The packages held: what has arrived for which community and period, and what they carry."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def packages(self, include_history: bool = True) -> list[PackageInfo]:
        stmt = select(
            StreetPackage.id,
            StreetPackage.unit_code,
            StreetPackage.unit_name,
            StreetPackage.period,
            StreetPackage.sequence,
            StreetPackage.created_at,
            StreetPackage.imported_at,
            StreetPackage.includes_names,
            StreetPackage.replaced_by_id,
        ).order_by(StreetPackage.period_start.desc(), StreetPackage.unit_code, StreetPackage.sequence.desc())
        if not include_history:
            stmt = stmt.where(StreetPackage.replaced_by_id.is_(None))
        with self.db.read_session() as session:
            return [PackageInfo(*row[:8], current=row[8] is None) for row in session.execute(stmt)]

    def current_contents(self, period: Period) -> dict[str, list[tuple[Period, dict[str, Any]]]]:
        """Per unit code, the current packages whose periods lie inside `period`, with their parts: a year
        is added up from the year's package if there is one, else from its quarters, else its months."""
        with self.db.read_session() as session:
            rows = session.execute(
                select(StreetPackage.unit_code, StreetPackage.period, StreetPackage.content).where(
                    *current_inside(period)
                )
            ).all()
        found: dict[str, list[tuple[Period, dict[str, Any]]]] = {}
        for code, text, content in rows:
            found.setdefault(code, []).append((Period.parse(text), content))
        return {code: covering(pieces) for code, pieces in found.items()}

    def duties(self, period: Period) -> dict[str, DutyFigures]:
        """Per unit code that reported inside `period`: its yearly duties as of the latest package's end."""
        return {
            code: figures
            for code, pieces in self.current_contents(period).items()
            if (figures := duties(pieces)) is not None
        }

    def reported(self, period: Period) -> set[str]:
        """The unit codes with a current package inside `period` (their contents left unread)."""
        with self.db.read_session() as session:
            return set(session.scalars(select(StreetPackage.unit_code).where(*current_inside(period)).distinct()))

    def names(self) -> dict[str, str]:
        """Unit code -> the community's name (the list's, else the latest package's)."""
        with self.db.read_session() as session:
            names = dict(
                session.execute(
                    select(StreetPackage.unit_code, StreetPackage.unit_name).order_by(StreetPackage.imported_at)
                ).all()
            )
            names.update(session.execute(select(StreetUnit.code, StreetUnit.name)).all())
        return names

    def arrivals(self, periods: list[Period]) -> dict[tuple[str, str], str]:
        """(unit code, period text) -> 已报 or 已更新 (a later version replaced an earlier one)."""
        state: dict[tuple[str, str], str] = {}
        with self.db.read_session() as session:
            for code, period, replaced in session.execute(
                select(StreetPackage.unit_code, StreetPackage.period, StreetPackage.replaced_by_id).where(
                    StreetPackage.period.in_([p.key for p in periods])
                )
            ):
                if replaced is not None:
                    state[(code, period)] = "已更新"
                else:
                    state.setdefault((code, period), "已报")
        return state


def current_inside(period: Period) -> tuple[Any, ...]:
    """The current (not replaced) packages whose periods lie inside `period`."""
    return (
        StreetPackage.replaced_by_id.is_(None),
        StreetPackage.period_start >= period.start,
        StreetPackage.period_end <= period.end,
    )


@dataclass(frozen=True)
class GridCell:
    state: str  # 已报, 已更新 (a later version replaced one), 部分已报 (some months only), 未报
    verdict: Verdict | None  # 三会一课 达标 or not, as the 汇总报表 says it; None when nothing was reported


@dataclass(frozen=True)
class GridRow:
    code: str
    name: str
    cells: list[GridCell]


def grid(db: Database, periods: list[Period], today: dt.date) -> list[GridRow]:
    """汇总工作台: for each community (the list's, and any that sent packages) and period, what has
    arrived, and whether what arrived meets the 三会一课 norms (the same verdict as the 汇总报表's)."""

    service = StreetPackageService(db)
    names = service.names()
    arrivals = service.arrivals(periods)
    contents = [service.current_contents(period) for period in periods]
    retired = {unit.code for unit in StreetUnitService(db).list() if unit.retired}
    rows = []
    for code in sorted(names):
        if code in retired and not any(code in held for held in contents):
            continue  # 停用, and nothing from it in these periods: not expected, so not 未报
        cells = []
        for period, held in zip(periods, contents, strict=True):
            pieces = held.get(code, [])
            covered = sum((piece.end - piece.start).days + 1 for piece, _ in pieces)
            if not pieces:
                state = "未报"
            elif covered < (period.end - period.start).days + 1:
                state = "部分已报"
            else:
                state = arrivals.get((code, period.key), "已报")
            cells.append(GridCell(state, meetings_verdict(pieces, period, today) if pieces else None))
        rows.append(GridRow(code, names[code], cells))
    return rows


def covering(pieces: list[tuple[Period, dict[str, Any]]]) -> list[tuple[Period, dict[str, Any]]]:
    """The pieces to add up without counting a month twice: the longest periods first, then shorter ones
    for what those leave uncovered."""
    chosen: list[tuple[Period, dict[str, Any]]] = []
    for period, content in sorted(pieces, key=lambda p: (p[0].start, -(p[0].end - p[0].start).days)):
        if all(period.end < other.start or period.start > other.end for other, _ in chosen):
            chosen.append((period, content))
    return chosen
