"""What a community's data package carries for a period: the numbers its own reports show, and what the
street office needs to add several packages up (each meeting, each month's care and 党费 sums). Aggregates
by default; names only when the person ticks 含名单. ID numbers, phones and illness never go in.

The numbers come from the same services the community's reports use, so the street's sums are the
community's own figures, cell for cell."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from desktop_app.core.domain.duty_figures import (
    Counts,
    LapseCounts,
    MobileCounts,
    ReviewCounts,
    TalkCounts,
    TransferCounts,
    to_part,
)
from desktop_app.core.domain.enums import TransferDirection
from desktop_app.core.domain.mobile import quiet, transfer_advised
from desktop_app.core.domain.periods import Period
from desktop_app.core.domain.rules import evaluate_compliance
from desktop_app.core.domain.transfers import receipt_overdue
from desktop_app.core.exchange.packages.format import DUTIES
from desktop_app.core.reads.duties import read_away_now, read_transfers
from desktop_app.core.services.care import CareService
from desktop_app.core.services.compliance import ComplianceService
from desktop_app.core.services.dues import DuesService
from desktop_app.core.services.dues_ledger import MONTHS, LedgerRow
from desktop_app.core.services.lapses import lapses_at_end
from desktop_app.core.services.reviews import ReviewService
from desktop_app.core.services.talks import TalkService
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import (
    AdoptedPractice,
    CareAction,
    CareCategory,
    Meeting,
    Member,
    StudioActivity,
    StudioProblem,
    StudioTopic,
    StudyVisit,
    VisitParticipant,
)

ZERO = Decimal("0.00")


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def build_parts(db: Database, period: Period, include_names: bool = False) -> dict[str, Any]:
    ledgers = dues_ledgers(db, period)  # read once: the 党费 totals and, with names, each member's
    parts = {
        "meetings": meetings_part(db, period),
        "care": care_part(db, period),
        "visits": visits_part(db, period),
        "studio": studio_part(db, period),
        "dues": dues_part(ledgers, period),
        DUTIES: duties_part(db, period),
    }
    if include_names:
        parts["names"] = names_part(db, ledgers, period)
    return parts


def dues_ledgers(db: Database, period: Period) -> dict[int, list[LedgerRow]]:
    """The 党费 ledger of each year the period touches, with the months of that year inside the period."""
    dues = DuesService(db)
    return {year: dues.ledger(year) for year in range(period.start.year, period.end.year + 1)}


def months_inside(year: int, period: Period) -> list[int]:
    return [m for m in MONTHS if period.start <= dt.date(year, m, 1) <= period.end]


def meetings_part(db: Database, period: Period) -> dict[str, Any]:
    """The norms, the groups and each meeting (no names): the street judges any period these cover with
    the same rules; `compliance` is the community's own judgement of the package's period."""
    compliance = ComplianceService(db)
    inputs = compliance.inputs(period)
    invalid_votes = {flag.meeting_id for flag in inputs.vote_flags}
    with db.read_session() as session:
        meetings = [
            {
                "date": date.isoformat(),
                "kind": kind.value,
                "group_id": group_id,
                "topic": topic,
                "expected": expected,
                "attended": attended,
                "vote": ("无效" if meeting_id in invalid_votes else "有效") if vote_taken else None,
            }
            for meeting_id, date, kind, group_id, topic, expected, attended, vote_taken in session.execute(
                select(
                    Meeting.id,
                    Meeting.date,
                    Meeting.kind,
                    Meeting.group_id,
                    Meeting.topic,
                    Meeting.expected_count,
                    Meeting.attended_count,
                    Meeting.vote_taken,
                )
                .where(Meeting.deleted_at.is_(None), Meeting.date.between(period.start, period.end))
                .order_by(Meeting.date, Meeting.id)
            )
        ]
    # The community's own judgement of the period, from the same inputs (read once).
    judged = evaluate_compliance(period, inputs.norms, inputs.held, inputs.groups, dt.date.today())
    return {
        "norms": [
            {"kind": n.kind.value, "period": n.period.value, "count": n.count, "per_group": n.per_group}
            for n in inputs.norms
        ],
        "groups": [
            {
                "id": g.id,
                "name": g.name,
                "founded": g.founded.isoformat() if g.founded else None,
                "dissolved": g.dissolved.isoformat() if g.dissolved else None,
            }
            for g in inputs.groups
        ],
        "meetings": meetings,
        "compliance": [
            {
                "kind": item.kind.value,
                "group": item.group_name,
                "required": item.required,
                "held": item.held,
                "complete": item.complete,
                "judged": bool(item.units),
            }
            for item in judged
        ],
    }


def care_part(db: Database, period: Period) -> dict[str, Any]:
    """Per month and category: how many care actions and their amount (a month at a time, so packages of
    months or quarters add up to a year)."""
    care = CareService(db)
    rows = []
    for month in period.units("month"):
        for category, count, amount in care.totals_by_category(month.start, month.end):
            if count:
                rows.append(
                    {
                        "month": month_key(month.start.year, month.start.month),
                        "category": category,
                        "count": count,
                        "amount": money(amount),
                    }
                )
    with db.read_session() as session:
        order = list(session.scalars(select(CareCategory.name).order_by(CareCategory.sort_order, CareCategory.id)))
    return {"categories": order, "by_month": rows}


def visits_part(db: Database, period: Period) -> dict[str, Any]:
    with db.read_session() as session:
        visits = session.execute(
            select(StudyVisit.id, StudyVisit.date, StudyVisit.destination, StudyVisit.district, StudyVisit.highlights)
            .where(StudyVisit.deleted_at.is_(None), StudyVisit.date.between(period.start, period.end))
            .order_by(StudyVisit.date, StudyVisit.id)
        ).all()
        ids = [visit_id for visit_id, *_ in visits]
        people: dict[int, int] = defaultdict(int)
        for (visit_id,) in session.execute(select(VisitParticipant.visit_id).where(VisitParticipant.visit_id.in_(ids))):
            people[visit_id] += 1
        practices: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for visit_id, description, due, status in session.execute(
            select(
                AdoptedPractice.visit_id, AdoptedPractice.description, AdoptedPractice.due_date, AdoptedPractice.status
            )
            .where(AdoptedPractice.visit_id.in_(ids))
            .order_by(AdoptedPractice.id)
        ):
            practices[visit_id].append(
                {"description": description, "due": due.isoformat() if due else None, "status": status.value}
            )
    return {
        "visits": [
            {
                "date": date.isoformat(),
                "destination": destination,
                "district": district,
                "highlights": highlights,
                "participants": people[visit_id],
                "practices": practices[visit_id],
            }
            for visit_id, date, destination, district, highlights in visits
        ]
    }


def studio_part(db: Database, period: Period) -> dict[str, Any]:
    """The activities (date, kind, topic) and each problem raised in the period by topic and status."""
    with db.read_session() as session:
        activities = [
            {"date": date.isoformat(), "kind": kind.value, "topic": topic}
            for date, kind, topic in session.execute(
                select(StudioActivity.date, StudioActivity.kind, StudioActivity.topic)
                .where(StudioActivity.deleted_at.is_(None), StudioActivity.date.between(period.start, period.end))
                .order_by(StudioActivity.date, StudioActivity.id)
            )
        ]
        problems = [
            {"raised": raised.isoformat(), "topic": topic, "status": status.value}
            for raised, topic, status in session.execute(
                select(StudioProblem.raised_date, StudioTopic.name, StudioProblem.status)
                .join(StudioTopic, StudioTopic.id == StudioProblem.topic_id)
                .where(
                    StudioProblem.deleted_at.is_(None),
                    StudioProblem.raised_date.between(period.start, period.end),
                )
                .order_by(StudioProblem.raised_date, StudioProblem.id)
            )
        ]
        topics = list(session.scalars(select(StudioTopic.name).order_by(StudioTopic.sort_order)))
    return {"activities": activities, "problems": problems, "topics": topics}


def dues_part(ledgers: dict[int, list[LedgerRow]], period: Period) -> dict[str, Any]:
    """Per month of the period: members owing, 应缴 and 实缴; and the 自愿多交 handed over in it."""
    months: list[dict[str, Any]] = []
    voluntary = ZERO
    for year, rows in ledgers.items():
        for month in months_inside(year, period):
            owing = [row for row in rows if month in row.owed]
            months.append(
                {
                    "month": month_key(year, month),
                    "members": len(owing),
                    "owed": money(sum((row.owed[month] for row in owing), ZERO)),
                    "paid": money(sum((row.paid.get(month, ZERO) for row in owing), ZERO)),
                }
            )
        voluntary += sum((row.voluntary_within(period.start, period.end) for row in rows), ZERO)
    return {"months": months, "voluntary": money(voluntary)}


def as_of(period: Period, today: dt.date) -> dt.date:
    """The day a package's duties are read for: the period's last, or today while it runs."""
    return min(period.end, today)


def review_counts(db: Database, period: Period, today: dt.date) -> ReviewCounts | None:
    """The year's 民主评议 as the community's 民主评议党员情况表 counts it; None while its meeting is still to come."""
    sheet = ReviewService(db).sheet(period.end.year)
    if sheet is None or sheet.meeting_date > as_of(period, today):
        return None
    return ReviewCounts.of(len(sheet.rows), sheet.counts)


def talk_counts(db: Database, period: Period, today: dt.date) -> TalkCounts:
    """The year's 谈心谈话 coverage as the 谈话覆盖 page and the 谈心谈话情况表 compute it, as of the day."""
    shown = TalkService(db).coverage(period.end.year, today=as_of(period, today))
    return TalkCounts(
        pairs_due=len(shown.committee_pairs),
        pairs_done=shown.pairs_done,
        members_due=shown.members_expected,
        members_done=shown.members_expected - len(shown.members_without),
        member_talks=shown.member_member_talks,
        talks=shown.talks,
    )


def lapse_counts(db: Database, period: Period, today: dt.date) -> LapseCounts:
    """党章第九条's runs as the 六个月提醒 page and report count them at the period's end: how many members."""
    lapses = lapses_at_end(db, period.end, today)
    return LapseCounts(
        members=len(lapses),
        meetings_warned=sum(1 for lapse in lapses if lapse.meetings.warned),
        meetings_reached=sum(1 for lapse in lapses if lapse.meetings.reached),
        dues_warned=sum(1 for lapse in lapses if lapse.dues.warned),
        dues_reached=sum(1 for lapse in lapses if lapse.dues.reached),
    )


def transfer_counts(db: Database, period: Period, today: dt.date) -> TransferCounts:
    """The year's 转入 and 转出 up to the day, and the 转出 whose 回执 was overdue on it (one that came back later
    was still awaited then)."""
    day = as_of(period, today)
    with db.plain() as reader:
        transfers = read_transfers(reader, dt.date.min, day)  # every one up to the day: a 回执 may be years late
    this_year = [transfer for transfer in transfers if transfer.date.year == day.year]
    return TransferCounts(
        transfers_in=sum(1 for transfer in this_year if transfer.direction is TransferDirection.IN),
        transfers_out=sum(1 for transfer in this_year if transfer.direction is TransferDirection.OUT),
        receipts_overdue=sum(1 for transfer in transfers if receipt_overdue(transfer, day)),
    )


def mobile_counts(db: Database, period: Period, today: dt.date) -> MobileCounts:
    """The 流动党员 away on the day, as the 流动党员 page and the 工作台 judge them."""
    day = as_of(period, today)
    with db.plain() as reader:
        away = read_away_now(reader, day)
    return MobileCounts(
        away=len(away),
        elsewhere=sum(1 for record in away if record.elsewhere),
        transfer_advised=sum(1 for record in away if transfer_advised(record, day)),
        quiet=sum(1 for record in away if quiet(record, day)),
    )


# The duties a package carries (domain.duty_figures.SECTIONS): each one read of the period, as of its end.
DUTY_READS: dict[str, Callable[[Database, Period, dt.date], Counts | None]] = {
    ReviewCounts.KEY: review_counts,
    TalkCounts.KEY: talk_counts,
    LapseCounts.KEY: lapse_counts,
    TransferCounts.KEY: transfer_counts,
    MobileCounts.KEY: mobile_counts,
}


def duties_part(db: Database, period: Period, today: dt.date | None = None) -> dict[str, Any]:
    """The yearly duties of the year the period ends in, as of its last day (a period still running: today)."""
    today = today or dt.date.today()
    sections = {key: read(db, period, today) for key, read in DUTY_READS.items()}
    return to_part(period.end.year, as_of(period, today), sections)


def names_part(db: Database, ledgers: dict[int, list[LedgerRow]], period: Period) -> dict[str, Any]:
    """含名单: who received care, who went on each visit, and each member's 党费 in the period."""
    with db.read_session() as session:
        care = [
            {
                "date": date.isoformat(),
                "category": category,
                "recipient": recipient,
                "amount": money(amount) if amount is not None else None,
            }
            for date, category, recipient, amount in session.execute(
                select(CareAction.date, CareCategory.name, CareAction.recipient_name, CareAction.amount)
                .join(CareCategory, CareCategory.id == CareAction.category_id)
                .where(CareAction.deleted_at.is_(None), CareAction.date.between(period.start, period.end))
                .order_by(CareAction.date, CareAction.id)
            )
        ]
        visitors: dict[tuple[str, str], list[str]] = defaultdict(list)
        for date, destination, name in session.execute(
            select(StudyVisit.date, StudyVisit.destination, Member.name)
            .join(VisitParticipant, VisitParticipant.visit_id == StudyVisit.id)
            .join(Member, Member.id == VisitParticipant.member_id)
            .where(StudyVisit.deleted_at.is_(None), StudyVisit.date.between(period.start, period.end))
            .order_by(StudyVisit.date, Member.name_pinyin)
        ):
            visitors[(date.isoformat(), destination)].append(name)
    dues = []
    for year, rows in ledgers.items():
        months = months_inside(year, period)
        for row in rows:
            dues.append(
                {
                    "year": year,
                    "name": row.name,
                    "group": row.group,
                    "owed": money(sum((row.owed.get(m, ZERO) for m in months), ZERO)),
                    "paid": money(sum((row.paid.get(m, ZERO) for m in months), ZERO)),
                }
            )
    return {
        "care": care,
        "visits": [{"date": d, "destination": place, "participants": names} for (d, place), names in visitors.items()],
        "dues": dues,
    }
