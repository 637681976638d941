"""What is due: the 工作台's reminders, computed from the data and the thresholds in 设置."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from desktop_app.core.domain import normalize
from desktop_app.core.domain.enums import AuditAction, CareStatus, NormPeriod, PracticeStatus
from desktop_app.core.domain.errors import ValidationError
from desktop_app.core.domain.normalize import parse_count
from desktop_app.core.domain.periods import Period
from desktop_app.core.domain.rules import SCOPE_WORDS, UnitState
from desktop_app.core.services.compliance import ComplianceService
from desktop_app.core.services.dues import DuesService
from desktop_app.core.services.studio import StudioProblemService
from desktop_app.core.storage import app_settings, audit
from desktop_app.core.storage.backup import list_backups
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import AdoptedPractice, AuditEntry, CareAction, StudyVisit

PREVIOUS_WORDS = {NormPeriod.MONTH: "上月", NormPeriod.QUARTER: "上季度", NormPeriod.YEAR: "去年"}


@dataclass(frozen=True)
class Thresholds:
    """Editable in 设置; stored in app_settings."""

    problem_open_days: int = 60  # a studio problem open this long is flagged
    backup_age_days: int = 7  # warn when the newest backup is older
    follow_up_days_ahead: int = 0  # 需回访 care actions due within this many days
    dues_collection_days: int = 15  # this far into a month with no 党费 recorded, remind


THRESHOLD_LABELS = {
    "problem_open_days": "问题台账超过多少天未解决时提醒",
    "backup_age_days": "最近备份超过多少天时提醒",
    "follow_up_days_ahead": "提前几天提醒关怀回访",
    "dues_collection_days": "每月过了多少天仍未收缴党费时提醒",
}


class ThresholdService:
    KEY = "reminder_thresholds"

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self) -> Thresholds:
        with self.db.read_session() as session:
            kept = app_settings.stored(session, self.KEY)
        stored = kept if isinstance(kept, dict) else {}
        defaults = Thresholds()
        return Thresholds(**{name: int(stored.get(name, getattr(defaults, name))) for name in THRESHOLD_LABELS})

    def save(self, values: dict[str, Any]) -> Thresholds:
        errors, cleaned = {}, {}
        for name in THRESHOLD_LABELS:
            try:
                cleaned[name] = parse_count(values.get(name, getattr(Thresholds(), name)))
            except ValueError as exc:
                errors[name] = str(exc)
        if errors:
            raise ValidationError(errors, THRESHOLD_LABELS)
        with self.db.session() as session:
            before = app_settings.store(session, self.KEY, cleaned)
            audit.record(
                session,
                AuditAction.UPDATE,
                "settings",
                None,
                "提醒设置",
                audit.diff(before if isinstance(before, dict) else {}, cleaned, THRESHOLD_LABELS),
            )
        return Thresholds(**cleaned)


class StartDateService:
    """The 启用日期: the day the program took over from paper. Periods that began before it are not
    judged (their meetings were kept in the paper books), so a new install starts without red marks."""

    KEY = "start_date"

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self) -> dt.date:
        """The recorded date; for data from before it was recorded, the day of the first entry in 操作记录."""
        with self.db.read_session() as session:
            kept = app_settings.stored(session, self.KEY)
            if isinstance(kept, str):
                return dt.date.fromisoformat(kept)
            first = session.scalar(select(func.min(AuditEntry.at)))
        return first.date() if first is not None else dt.date.today()

    def save(self, value: Any) -> dt.date:
        try:
            day = normalize.parse_date(value)
        except ValueError as exc:
            raise ValidationError({"start_date": str(exc)}, {"start_date": "启用日期"}) from None
        with self.db.session() as session:
            before = app_settings.store(session, self.KEY, day.isoformat())
            changes = audit.diff({"start_date": before}, {"start_date": day.isoformat()}, {"start_date": "启用日期"})
            if changes:
                audit.record(session, AuditAction.UPDATE, "settings", None, "启用日期", changes)
        return day

    def record_first_run(self, today: dt.date | None = None) -> None:
        """Called once the person has set the program up: today is when the program took over."""
        with self.db.read_session() as session:
            known = app_settings.stored(session, self.KEY) is not None
        if not known:
            self.save(today or dt.date.today())


@dataclass(frozen=True)
class Target:
    """Where a reminder's click leads: a record to open, or a new record's form with values filled in."""

    kind: str  # a record service's kind_key, or a page: "backup" (设置), "dues" (党费)
    record_id: int | None = None
    initial: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reminder:
    text: str
    target: Target
    overdue: bool = False


def meeting_reminders(db: Database, today: dt.date) -> list[Reminder]:
    """Each norm's running month/quarter/year not yet met (due), and the one before it if missed (overdue).

    Last year and this one hold every such month, quarter and year: one evaluation answers them all.
    """
    span = Period.custom(dt.date(today.year - 1, 1, 1), dt.date(today.year, 12, 31))
    items = ComplianceService(db).evaluate(span, today).items
    start = StartDateService(db).get()
    unit_order = list(NormPeriod)
    reminders = []
    for item in sorted(items, key=lambda i: unit_order.index(i.norm.period)):
        unit = item.norm.period
        current = Period.containing(today, unit.value)
        previous = Period.containing(current.start - dt.timedelta(days=1), unit.value)
        states = {u.period: u.state for u in item.units}
        initial: dict[str, Any] = {"kind": item.kind}
        if item.group_id:
            initial["group_id"] = item.group_id
        target = Target("meeting", None, initial)
        if states.get(previous) is UnitState.MISSED and previous.start >= start:
            reminders.append(Reminder(f"{PREVIOUS_WORDS[unit]}未召开{item.name}", target, True))
        if states.get(current) is UnitState.DUE:
            reminders.append(Reminder(f"{SCOPE_WORDS[unit]}尚未召开{item.name}", target))
    return reminders


def dues_reminders(db: Database, today: dt.date, collection_days: int) -> list[Reminder]:
    """This month's 党费 not yet recorded after the day set in 设置; members at the 6-month risk, by name."""
    dues = DuesService(db)
    reminders = []
    read = {}
    if today.day > collection_days:
        read[today.year] = dues.ledger(today.year)
        this_month = [row for row in read[today.year] if row.owed.get(today.month, 0) > 0]
        if this_month and not any(today.month in row.paid for row in this_month):
            reminders.append(Reminder(f"本月（{today.month}月）党费尚未收缴", Target("dues")))
    for member_id, name in dues.at_risk(today, read):
        text = f"党费：{name} 已连续 6 个月未缴且无减免（党章：有自行脱党的风险）"
        reminders.append(Reminder(text, Target("member", member_id), True))
    return reminders


def compute_reminders(db: Database, today: dt.date | None = None) -> list[Reminder]:
    today = today or dt.date.today()
    thresholds = ThresholdService(db).get()
    reminders = meeting_reminders(db, today)
    horizon = today + dt.timedelta(days=thresholds.follow_up_days_ahead)
    with db.read_session() as session:
        for record_id, name, when in session.execute(
            select(CareAction.id, CareAction.recipient_name, CareAction.follow_up_date)
            .where(
                CareAction.deleted_at.is_(None),
                CareAction.status == CareStatus.FOLLOW_UP,
                CareAction.follow_up_date <= horizon,
            )
            .order_by(CareAction.follow_up_date)
        ):
            assert when is not None  # the query asks for a date up to the horizon
            late = when < today
            text = f"关怀回访：{name}（{when:%Y-%m-%d}{'，已过期' if late else ''}）"
            reminders.append(Reminder(text, Target("care", record_id), late))
        for visit_id, description, due in session.execute(
            select(AdoptedPractice.visit_id, AdoptedPractice.description, AdoptedPractice.due_date)
            .join(StudyVisit, StudyVisit.id == AdoptedPractice.visit_id)
            .where(
                StudyVisit.deleted_at.is_(None),
                AdoptedPractice.status != PracticeStatus.DONE,
                AdoptedPractice.due_date < today,
            )
            .order_by(AdoptedPractice.due_date)
        ):
            reminders.append(
                Reminder(f"借鉴举措已过期限：{description}（{due:%Y-%m-%d}）", Target("visit", visit_id), True)
            )
    reminders += dues_reminders(db, today, thresholds.dues_collection_days)
    for problem_id, description, raised in StudioProblemService(db).open_since(today, thresholds.problem_open_days):
        days = (today - raised).days
        short = description if len(description) <= 24 else description[:24] + "…"
        reminders.append(Reminder(f"工作室问题已 {days} 天未解决：{short}", Target("studio_problem", problem_id), True))
    if db.file_path is not None:
        backups = list_backups(db.backup_dir)
        if not backups:
            reminders.append(Reminder("还没有任何备份，建议立即备份", Target("backup"), True))
        else:
            age = (dt.datetime.now() - backups[0].created).days
            if age >= thresholds.backup_age_days:
                reminders.append(Reminder(f"最近一次备份是 {age} 天前，建议立即备份", Target("backup"), True))
    return reminders
