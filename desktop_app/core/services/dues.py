"""党费: the year's 核定, the month grid of what each member owes and paid, payments, 补缴, 预交, 减免, and
the members at the 6-month risk. The amounts come from the rule table (`core.domain.dues`) and are fixed
for the year when it is assessed; only a change the secretary records moves them, from its month on."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from desktop_app.core.domain.dues import (
    CATCH_UP_MONTHS,
    DEFAULT_ROUNDING,
    RISK_MONTHS,
    ROUNDINGS,
    VOLUNTARY_FORWARDED,
    monthly_dues,
)
from desktop_app.core.domain.enums import AuditAction, DuesCategory, DuesPaymentKind, DuesPaymentWay
from desktop_app.core.domain.errors import AppError, ValidationError
from desktop_app.core.services.people import belonged_on
from desktop_app.core.storage import app_settings, audit
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import DuesAssessment, DuesPayment, DuesRelief, Member, PartyGroup

MONTHS = range(1, 13)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Basis:
    """What a member's dues are computed from: the category, and the monthly base or a farmer's amount."""

    category: DuesCategory
    base: Decimal | None = None
    farmer_amount: Decimal | None = None


@dataclass
class LedgerRow:
    member_id: int
    name: str
    group: str
    owed: dict[int, Decimal] = field(default_factory=dict)  # month -> 应缴 (after 减免); absent: not owed
    paid: dict[int, Decimal] = field(default_factory=dict)  # month -> 实缴
    relieved: set[int] = field(default_factory=set)
    voluntary: list[tuple[dt.date, Decimal]] = field(default_factory=list)  # 自愿多交: (day, amount), no month

    def unpaid(self, month: int) -> bool:
        return month in self.owed and self.paid.get(month, ZERO) < self.owed[month]

    @property
    def owed_total(self) -> Decimal:
        return sum(self.owed.values(), ZERO)

    @property
    def paid_total(self) -> Decimal:
        return sum(self.paid.values(), ZERO)

    def voluntary_within(self, start: dt.date, end: dt.date) -> Decimal:
        return sum((amount for day, amount in self.voluntary if start <= day <= end), ZERO)

    def arrears(self, through_month: int) -> Decimal:
        """欠缴: what the months due so far still lack (a month not yet come is not owed yet)."""
        return sum(
            (self.owed[m] - self.paid.get(m, ZERO) for m in self.owed if m <= through_month and self.unpaid(m)),
            ZERO,
        )


@dataclass(frozen=True)
class LedgerTotals:
    owed: Decimal  # 全年应缴
    paid: Decimal  # 全年实缴
    arrears: Decimal  # 欠缴 of the months due so far
    month: int  # the month the next two are for: the last one due (January before any)
    month_owed: Decimal
    month_paid: Decimal
    voluntary: Decimal  # 自愿多交 in the year, apart from the months


def totals(rows: Iterable[LedgerRow], through_month: int) -> LedgerTotals:
    """The year's and the latest due month's sums over the rows shown."""
    rows = list(rows)
    month = max(through_month, 1)
    return LedgerTotals(
        owed=sum((row.owed_total for row in rows), ZERO),
        paid=sum((row.paid_total for row in rows), ZERO),
        arrears=sum((row.arrears(through_month) for row in rows), ZERO),
        month=month,
        month_owed=sum((row.owed.get(month, ZERO) for row in rows), ZERO),
        month_paid=sum((row.paid.get(month, ZERO) for row in rows), ZERO),
        voluntary=sum((amount for row in rows for _, amount in row.voluntary), ZERO),
    )


def due_through(year: int, today: dt.date) -> int:
    """The last month of `year` whose dues are due by `today` (0: none yet)."""
    if year < today.year:
        return 12
    return today.month if year == today.year else 0


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def months_between(earlier: tuple[int, int], later: tuple[int, int]) -> int:
    return (later[0] - earlier[0]) * 12 + later[1] - earlier[1]


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
            for member_id, basis in bases.items():
                if member_id in assessed:
                    continue
                self._assess(session, member_id, year, 1, basis, decided_on, "年度核定")
                added += 1
            return added

    def record_change(
        self, member_id: int, year: int, from_month: int, basis: Basis, decided_on: dt.date, notes: str = ""
    ) -> None:
        """A change the secretary records (a new job, retirement): the new amount from `from_month` on; the
        months before keep the amount they had."""
        if from_month not in MONTHS:
            raise ValidationError({"from_month": "月份应在 1 到 12 之间"}, {"from_month": "起始月份"})
        with self.db.session() as session:
            existing = session.scalar(
                select(DuesAssessment).where(
                    DuesAssessment.member_id == member_id,
                    DuesAssessment.year == year,
                    DuesAssessment.from_month == from_month,
                )
            )
            if existing is not None:
                session.delete(existing)
                session.flush()
            self._assess(session, member_id, year, from_month, basis, decided_on, notes or "变更核定")

    def _assess(
        self, session: Session, member_id: int, year: int, from_month: int, basis: Basis, day: dt.date, notes: str
    ) -> None:
        amount = self.amount(basis)
        session.add(
            DuesAssessment(
                member_id=member_id,
                year=year,
                from_month=from_month,
                category=basis.category,
                base=basis.base,
                monthly_amount=amount,
                decided_on=day,
                notes=notes,
            )
        )
        name = session.get(Member, member_id)
        # The base is personal data: the log says it was set, never what it is.
        audit.record(
            session,
            AuditAction.CREATE,
            "dues_assessment",
            member_id,
            f"{notes}：{name.name if name else member_id} {year}年{from_month}月起",
            details=f"缴费类别：{basis.category.label}；每月 {amount} 元",
        )

    # -- the month grid ---------------------------------------------------------------------
    def ledger(self, year: int, group_id: int | None = None) -> list[LedgerRow]:
        """Every member of the branch in the year, what each month owes (after 减免) and what was paid."""
        with self.db.read_session() as session:
            # One statement: each member with, per month, whether they belonged at its end.
            months_in = [case((belonged_on(month_end(year, month)), 1), else_=0) for month in MONTHS]
            stmt = (
                select(Member.id, Member.name, PartyGroup.name, *months_in)
                .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
                .where(Member.deleted_at.is_(None))
                .order_by(Member.group_id, Member.name_pinyin, Member.id)
            )
            if group_id is not None:
                stmt = stmt.where(Member.group_id == group_id)
            members = [
                (member_id, name, group, {m for m, flag in zip(MONTHS, flags, strict=True) if flag})
                for member_id, name, group, *flags in session.execute(stmt)
                if any(flags)
            ]
            # Columns, not objects: thousands of members' rows are read at every opening of the page.
            assessments: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
            for member_id, from_month, amount in session.execute(
                select(DuesAssessment.member_id, DuesAssessment.from_month, DuesAssessment.monthly_amount)
                .where(DuesAssessment.year == year)
                .order_by(DuesAssessment.from_month)
            ):
                assessments[member_id].append((from_month, amount))
            reliefs: dict[int, list[tuple[int, int, Decimal]]] = defaultdict(list)
            for member_id, first, last, amount in session.execute(
                select(
                    DuesRelief.member_id, DuesRelief.from_month, DuesRelief.to_month, DuesRelief.monthly_amount
                ).where(DuesRelief.year == year, DuesRelief.deleted_at.is_(None))
            ):
                reliefs[member_id].append((first, last, amount))
            paid: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
            live = (DuesPayment.year == year, DuesPayment.deleted_at.is_(None))
            for member_id, month, amount in session.execute(
                select(DuesPayment.member_id, DuesPayment.month, DuesPayment.amount).where(
                    *live, DuesPayment.month.in_(MONTHS)
                )
            ):
                paid[member_id][month] += amount
            voluntary = defaultdict(list)
            for member_id, paid_on, amount in session.execute(
                select(DuesPayment.member_id, DuesPayment.paid_on, DuesPayment.amount)
                .where(*live, DuesPayment.month == 0)
                .order_by(DuesPayment.paid_on, DuesPayment.id)
            ):
                voluntary[member_id].append((paid_on, amount))
        rows = []
        for member_id, name, group, belonging in members:
            row = LedgerRow(
                member_id, name, group or "", paid=dict(paid.get(member_id, {})), voluntary=voluntary[member_id]
            )
            # The amount in force each month: the latest 核定 from that month or before (none yet: not owed).
            in_force: list[Decimal | None] = [None] * 13
            for start, amount in assessments.get(member_id, ()):
                in_force[start:] = [amount] * (13 - start)
            for first, last, amount in reliefs.get(member_id, ()):
                for month in range(first, last + 1):
                    if in_force[month] is not None:
                        in_force[month] = amount
                        row.relieved.add(month)
            for month in sorted(belonging):
                owed = in_force[month]
                if owed is not None:
                    row.owed[month] = owed
            row.relieved &= set(row.owed)
            rows.append(row)
        return rows

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
        rows = {row.member_id: row for row in self.ledger(year)}
        with self.db.session() as session:
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
    def at_risk(self, today: dt.date, read: Mapping[int, list[LedgerRow]] | None = None) -> list[tuple[int, str]]:
        """Members who owed and paid nothing for the last six full months, with no 减免 for any of them
        (党章: six months without paying and without a reason is treated as leaving the Party). `read`: ledgers
        of whole years the caller has already read."""
        months = []
        year, month = today.year, today.month
        for _ in range(RISK_MONTHS):
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
            months.append((year, month))
        read = read or {}
        ledgers = {
            y: {row.member_id: row for row in (read[y] if y in read else self.ledger(y))}
            for y in {y for y, _ in months}
        }
        flagged = []
        candidates = set.intersection(*(set(ledger) for ledger in ledgers.values()))
        for member_id in sorted(candidates):
            rows = [ledgers[y][member_id] for y, _ in months]
            if all(
                m in row.owed and row.owed[m] > 0 and row.paid.get(m, ZERO) == 0 and m not in row.relieved
                for row, (_, m) in zip(rows, months, strict=True)
            ):
                flagged.append((member_id, rows[0].name))
        return flagged
