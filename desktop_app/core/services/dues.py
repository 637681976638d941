"""党费: the year's 核定, the month grid of what each member owes and paid, payments, 补缴, 预交, 减免, and
the members at the 6-month risk. The amounts come from the rule table (`core.domain.dues`) and are fixed
for the year when it is assessed; only a change the secretary records moves them, from its month on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from desktop_app.core.domain.dues import (
    CATCH_UP_MONTHS,
    DEFAULT_ROUNDING,
    ROUNDINGS,
    VOLUNTARY_FORWARDED,
    monthly_dues,
)
from desktop_app.core.domain.enums import AuditAction, DuesCategory, DuesPaymentKind, DuesPaymentWay
from desktop_app.core.domain.errors import AppError, ConcurrentWriteError, EditConflictError, ValidationError
from desktop_app.core.domain.fields import Field, FieldType
from desktop_app.core.services.base import settings_conflict
from desktop_app.core.services.dues_ledger import MONTHS, ZERO, LedgerRow, months_between, read_ledger
from desktop_app.core.services.lapses import read_lapses
from desktop_app.core.storage import app_settings, audit
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import DuesAssessment, DuesPayment, DuesRelief, Member
from desktop_app.core.storage.plain import Reader

# A 核定 as a conflict names it: the base is personal data (hidden in the comparison as in the log).
ASSESSMENT_FIELDS = (
    Field("category", "缴费类别", FieldType.TEXT),
    Field("base", "计缴基数", FieldType.MONEY, sensitive=True),
    Field("monthly_amount", "每月党费", FieldType.MONEY),
)


def _assessed(member_id: int, year: int, from_month: int) -> tuple[ColumnElement[bool], ...]:
    return (
        DuesAssessment.member_id == member_id,
        DuesAssessment.year == year,
        DuesAssessment.from_month == from_month,
    )


@dataclass(frozen=True)
class PaymentEntry:
    """One entry of a member's month as the ledger keeps it: a payment, or a 更正 that reversed payments."""

    id: int
    amount: Decimal
    paid_on: dt.date
    way: DuesPaymentWay
    kind: DuesPaymentKind
    collector: str
    notes: str
    recorded_on: dt.date  # the day it was entered (local time), which 撤销本笔 is allowed on

    def describe(self) -> str:
        if self.kind is DuesPaymentKind.CORRECTION:
            return f"{self.paid_on:%Y-%m-%d} 更正，冲销 {-self.amount} 元（{self.notes}）"
        who = f"，收缴人 {self.collector}" if self.collector else ""
        return f"{self.paid_on:%Y-%m-%d} {self.way.label}{self.kind.label} {self.amount} 元{who}"


def utc_now() -> dt.datetime:
    """The moment as SQLite's CURRENT_TIMESTAMP writes it (UTC, no zone), so every row's created_at agrees."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def local_day(stored_utc: dt.datetime) -> dt.date:
    return stored_utc.replace(tzinfo=dt.UTC).astimezone().date()


@dataclass(frozen=True)
class Basis:
    """What a member's dues are computed from: the category, and the monthly base or a farmer's amount."""

    category: DuesCategory
    base: Decimal | None = None
    farmer_amount: Decimal | None = None


class DuesService:
    ROUNDING_KEY = "dues_rounding"

    def __init__(self, db: Database, rounding: str | None = None) -> None:
        self.db = db
        self._rounding = rounding  # None: as set in 设置, read when first needed

    # -- 核定 -------------------------------------------------------------------------------
    @property
    def rounding(self) -> str:
        if self._rounding is None:
            with self.db.read_session() as session:
                kept = app_settings.stored(session, self.ROUNDING_KEY)
            self._rounding = kept if kept in ROUNDINGS else DEFAULT_ROUNDING
        return self._rounding

    def set_rounding(self, rounding: str) -> None:
        """设置: how amounts are rounded to the fen from the next 核定 on (amounts already fixed stay)."""
        if rounding not in ROUNDINGS:
            raise ValidationError({"rounding": "请选择一种尾数处理方式"}, {"rounding": "党费尾数处理"})
        before = self.rounding
        if rounding == before:
            return
        with self.db.session() as session:
            app_settings.store(session, self.ROUNDING_KEY, rounding)
            audit.record(
                session,
                AuditAction.UPDATE,
                "settings",
                None,
                "党费尾数处理",
                audit.diff({"rounding": ROUNDINGS[before]}, {"rounding": ROUNDINGS[rounding]}, {"rounding": "尾数"}),
            )
        self._rounding = rounding

    def amount(self, basis: Basis) -> Decimal:
        return monthly_dues(basis.category, basis.base, basis.farmer_amount, self.rounding)

    def assess_year(self, year: int, bases: Mapping[int, Basis], decided_on: dt.date) -> int:
        """The year's 核定: each member's monthly dues fixed from January. A member assessed already keeps it."""
        with self.db.session() as session:
            assessed = set(
                session.scalars(
                    select(DuesAssessment.member_id).where(DuesAssessment.year == year, DuesAssessment.from_month == 1)
                )
            )
            added = 0
            who = audit.actor(session)
            for member_id, basis in bases.items():
                if member_id in assessed:
                    continue
                self._assess(session, member_id, year, 1, basis, decided_on, "年度核定", who)
                added += 1
            return added

    def assessment_versions(self, member_id: int, year: int) -> dict[int, int]:
        """The versions of the member's 核定 in the year, by the month each is from (none: 0), handed back to
        `record_change`."""
        stmt = select(DuesAssessment.from_month, DuesAssessment.version).where(
            DuesAssessment.member_id == member_id, DuesAssessment.year == year
        )
        with self.db.read_session() as session:
            return {int(month): int(version) for month, version in session.execute(stmt)}

    def assessment_version(self, member_id: int, year: int, from_month: int) -> int:
        return self.assessment_versions(member_id, year).get(from_month, 0)

    def record_change(
        self,
        member_id: int,
        year: int,
        from_month: int,
        basis: Basis,
        decided_on: dt.date,
        notes: str = "",
        version: int | None = None,
    ) -> None:
        """A change the secretary records (a new job, retirement): the new amount from `from_month` on; the
        months before keep the amount they had. A 核定 from that month already there is changed in place.
        `version`: the one the person saw (`assessment_version`, 0 for none); when someone else recorded one
        since, nothing is written and EditConflictError says who and when."""
        if from_month not in MONTHS:
            raise ValidationError({"from_month": "月份应在 1 到 12 之间"}, {"from_month": "起始月份"})
        try:
            with self.db.session() as session:
                existing = session.scalar(select(DuesAssessment).where(*_assessed(member_id, year, from_month)))
                if version is not None and (existing.version if existing is not None else 0) != version:
                    assert existing is not None, "a 核定 is never deleted by the program"
                    raise self._conflict(session, existing, basis)
                who = audit.actor(session)
                self._assess(
                    session, member_id, year, from_month, basis, decided_on, notes or "变更核定", who, existing
                )
        except ConcurrentWriteError as exc:  # changed by someone else between our read and our write
            with self.db.read_session() as session:
                changed = session.scalar(select(DuesAssessment).where(*_assessed(member_id, year, from_month)))
                assert changed is not None
                raise self._conflict(session, changed, basis) from exc

    def _conflict(self, session: Session, row: DuesAssessment, mine: Basis) -> EditConflictError:
        member = session.get(Member, row.member_id)
        described = f"{member.name if member else row.member_id} {row.year}年{row.from_month}月起的党费核定"
        theirs = {"category": row.category.label, "base": row.base, "monthly_amount": row.monthly_amount}
        typed = {"category": mine.category.label, "base": mine.base, "monthly_amount": self.amount(mine)}
        return settings_conflict(described, row, ASSESSMENT_FIELDS, typed, theirs)

    def _assess(
        self,
        session: Session,
        member_id: int,
        year: int,
        from_month: int,
        basis: Basis,
        day: dt.date,
        notes: str,
        who: str,
        row: DuesAssessment | None = None,
    ) -> None:
        amount = self.amount(basis)
        action = AuditAction.CREATE if row is None else AuditAction.UPDATE
        if row is None:
            row = DuesAssessment(member_id=member_id, year=year, from_month=from_month)
            session.add(row)
        row.updated_by = who
        row.category, row.base, row.monthly_amount = basis.category, basis.base, amount
        row.decided_on, row.notes = day, notes
        name = session.get(Member, member_id)
        # The base is personal data: the log says it was set, never what it is.
        audit.record(
            session,
            action,
            "dues_assessment",
            member_id,
            f"{notes}：{name.name if name else member_id} {year}年{from_month}月起",
            details=f"缴费类别：{basis.category.label}；每月 {amount} 元",
        )

    # -- the month grid ---------------------------------------------------------------------
    def ledger(self, year: int, group_id: int | None = None) -> list[LedgerRow]:
        """Every member of the branch in the year, what each month owes (after 减免) and what was paid."""
        with self.db.plain() as reader:
            return read_ledger(reader, year, group_id)

    # -- payments ---------------------------------------------------------------------------
    def pay(
        self,
        cells: Iterable[tuple[int, int]],
        year: int,
        paid_on: dt.date,
        way: DuesPaymentWay,
        collector: str = "",
    ) -> int:
        """Mark (member, month) cells paid at what each owes, in one transaction. A month before the payment's
        is 补缴 (at most six months back), a later one 预交; a cell already paid in full is left alone."""
        cells = list(cells)
        for _, month in cells:
            behind = months_between((year, month), (paid_on.year, paid_on.month))
            if behind > CATCH_UP_MONTHS:
                raise AppError(
                    f"{year}年{month}月的党费已超过 {CATCH_UP_MONTHS} 个月，不能补缴（按规定补缴不超过 6 个月），"
                    "没有记录任何缴费。"
                )
        with self.db.session() as session:
            # Two people marking one member's months at once: the second waits for the first's commit (a row
            # lock on a server), then reads its payments and leaves those months alone, never paid twice.
            # SQLite has one writer and one program per data directory.
            member_ids = sorted({member_id for member_id, _ in cells})
            session.execute(select(Member.id).where(Member.id.in_(member_ids)).with_for_update())
            reader = Reader(session.connection().connection.driver_connection, self.db.engine.dialect.paramstyle)
            rows = {row.member_id: row for row in read_ledger(reader, year)}
            written = 0
            for member_id, month in cells:
                row = rows.get(member_id)
                if row is None or month not in row.owed or not row.unpaid(month):
                    continue
                behind = months_between((year, month), (paid_on.year, paid_on.month))
                kind = (
                    DuesPaymentKind.REGULAR
                    if behind == 0
                    else (DuesPaymentKind.CATCH_UP if behind > 0 else DuesPaymentKind.ADVANCE)
                )
                amount = row.owed[month] - row.paid.get(month, ZERO)
                session.add(
                    DuesPayment(
                        member_id=member_id,
                        year=year,
                        month=month,
                        amount=amount,
                        paid_on=paid_on,
                        way=way,
                        kind=kind,
                        collector=collector,
                        created_at=utc_now(),
                    )
                )
                audit.record(
                    session,
                    AuditAction.CREATE,
                    "dues_payment",
                    member_id,
                    f"{row.name} {year}年{month}月党费 {amount} 元（{kind.label}）",
                    details=f"{paid_on:%Y-%m-%d} {way.label}，收缴人：{collector or '未填'}",
                )
                written += 1
            return written

    def voluntary(
        self, member_id: int, amount: Decimal, paid_on: dt.date, way: DuesPaymentWay, collector: str = ""
    ) -> None:
        """A one-off 自愿多交, recorded apart from the months (1000 元 or more is forwarded in full)."""
        if amount <= 0:
            raise ValidationError({"amount": "金额应大于 0"}, {"amount": "金额"})
        with self.db.session() as session:
            session.add(
                DuesPayment(
                    member_id=member_id,
                    year=paid_on.year,
                    month=0,
                    amount=amount,
                    paid_on=paid_on,
                    way=way,
                    kind=DuesPaymentKind.VOLUNTARY,
                    collector=collector,
                )
            )
            member = session.get(Member, member_id)
            forwarded = "（1000 元以上，全额上缴）" if amount >= VOLUNTARY_FORWARDED else ""
            audit.record(
                session,
                AuditAction.CREATE,
                "dues_payment",
                member_id,
                f"{member.name if member else member_id} 自愿多交 {amount} 元{forwarded}",
            )

    # -- 撤销 and 更正 -----------------------------------------------------------------------
    def entries(self, member_id: int, year: int, month: int) -> list[PaymentEntry]:
        """A month's payments and 更正 as recorded, oldest first (undone entries are not among them)."""
        with self.db.read_session() as session:
            return [self._entry(p) for p in self._live_entries(session, member_id, year, month)]

    @staticmethod
    def _live_entries(session: Session, member_id: int, year: int, month: int) -> list[DuesPayment]:
        return list(
            session.scalars(
                select(DuesPayment)
                .where(
                    DuesPayment.member_id == member_id,
                    DuesPayment.year == year,
                    DuesPayment.month == month,
                    DuesPayment.deleted_at.is_(None),
                )
                .order_by(DuesPayment.id)
            )
        )

    @staticmethod
    def _entry(payment: DuesPayment) -> PaymentEntry:
        return PaymentEntry(
            payment.id,
            payment.amount,
            payment.paid_on,
            payment.way,
            payment.kind,
            payment.collector,
            payment.notes,
            local_day(payment.created_at),
        )

    def undo_last(self, cells: Iterable[tuple[int, int]], year: int, today: dt.date) -> list[PaymentEntry]:
        """撤销本笔: the last entry of each (member, month) cell, made by mistake today, is taken back (kept out of
        the ledger, with a line in 操作记录), all in one step or none. An entry of an earlier day stays: it is
        corrected, with a reason (`correct`)."""
        cells = sorted(set(cells))
        if not cells or any(month not in MONTHS for _, month in cells):
            raise AppError("请选中月份的格子再撤销。")
        with self.db.session() as session:
            undone = []
            for member_id, month in cells:
                live = self._live_entries(session, member_id, year, month)
                name = self._name(session, member_id)
                if not live:
                    raise AppError(f"{name} {year}年{month}月没有可以撤销的缴费记录，没有撤销任何一笔。")
                last = live[-1]
                entry = self._entry(last)
                if entry.recorded_on != today:
                    raise AppError(
                        f"{name} {month}月的这一笔是 {entry.recorded_on:%Y-%m-%d} 记录的，只有当天记录的才能撤销，"
                        "没有撤销任何一笔；如确实记错了，请用“更正…”并写明原因。"
                    )
                last.deleted_at = dt.datetime.now()
                audit.record(
                    session,
                    AuditAction.UNDO,
                    "dues_payment",
                    member_id,
                    f"撤销当天误记：{name} {year}年{month}月党费（{entry.describe()}）",
                )
                undone.append(entry)
            return undone

    def correct(self, member_id: int, year: int, month: int, reason: str, today: dt.date) -> Decimal:
        """更正: what the month's payments came to is reversed by a new entry dated today, with the reason; the
        payments themselves stay in the ledger and the reason goes to 操作记录. The month is then unpaid and can
        be marked again as it really was. Returns the amount reversed."""
        reason = reason.strip()
        if not reason:
            raise ValidationError({"reason": "请写明更正的原因"}, {"reason": "更正原因"})
        if month not in MONTHS:
            raise AppError("请选中某个月份的格子再更正。")
        with self.db.session() as session:
            live = self._live_entries(session, member_id, year, month)
            net = sum((p.amount for p in live), ZERO)
            if net <= 0:
                raise AppError(f"{year}年{month}月没有已缴的党费，无需更正。")
            session.add(
                DuesPayment(
                    member_id=member_id,
                    year=year,
                    month=month,
                    amount=-net,
                    paid_on=today,
                    way=live[-1].way,
                    kind=DuesPaymentKind.CORRECTION,
                    collector="",
                    notes=reason,
                    created_at=utc_now(),
                )
            )
            audit.record(
                session,
                AuditAction.UPDATE,
                "dues_payment",
                member_id,
                f"更正：{self._name(session, member_id)} {year}年{month}月党费，冲销已记的 {net} 元",
                details=f"原因：{reason}；原记录：" + "；".join(self._entry(p).describe() for p in live),
            )
            return net

    @staticmethod
    def _name(session: Session, member_id: int) -> str:
        member = session.get(Member, member_id)
        return member.name if member else str(member_id)

    # -- 减免 -------------------------------------------------------------------------------
    RELIEF_LABELS: ClassVar[dict[str, str]] = {
        "reason": "减免原因",
        "branch_decision_date": "支部决定日期",
        "approved_by": "批准的上级党委",
        "approval_date": "批准日期",
        "document_no": "批准文号",
        "months": "月份",
    }

    def grant_relief(
        self,
        member_id: int,
        year: int,
        months: tuple[int, int],
        monthly_amount: Decimal,
        reason: str,
        branch_decision_date: dt.date | None,
        approved_by: str,
        approval_date: dt.date | None,
        document_no: str,
    ) -> None:
        """A reduced or waived amount: only with the branch's decision and the approval above it, recorded."""
        errors = {}
        first, last = months
        if not (1 <= first <= last <= 12):
            errors["months"] = "月份应在 1 到 12 之间，起始不晚于结束"
        for name, value in (
            ("reason", reason.strip()),
            ("branch_decision_date", branch_decision_date),
            ("approved_by", approved_by.strip()),
            ("approval_date", approval_date),
            ("document_no", document_no.strip()),
        ):
            if not value:
                errors[name] = "减免须经支部决定并报上级党委批准，请填写"
        if errors:
            raise ValidationError(errors, self.RELIEF_LABELS)
        assert branch_decision_date is not None
        assert approval_date is not None
        with self.db.session() as session:
            session.add(
                DuesRelief(
                    member_id=member_id,
                    year=year,
                    from_month=first,
                    to_month=last,
                    monthly_amount=monthly_amount,
                    reason=reason.strip(),
                    branch_decision_date=branch_decision_date,
                    approved_by=approved_by.strip(),
                    approval_date=approval_date,
                    document_no=document_no.strip(),
                )
            )
            member = session.get(Member, member_id)
            waived = "免交" if monthly_amount == 0 else f"减为每月 {monthly_amount} 元"
            audit.record(
                session,
                AuditAction.CREATE,
                "dues_relief",
                member_id,
                f"{member.name if member else member_id} {year}年{first}–{last}月党费{waived}",
                details=f"{approved_by}批准（{document_no}，{approval_date:%Y-%m-%d}）",
            )

    # -- the 6-month risk -------------------------------------------------------------------
    def at_risk(self, today: dt.date) -> list[tuple[int, str]]:
        """Members with six unpaid months in a row (党章 第九条; see domain.lapses for what counts)."""
        with self.db.plain() as reader:
            return [(lapse.member_id, lapse.name) for lapse in read_lapses(reader, today) if lapse.dues.reached]
