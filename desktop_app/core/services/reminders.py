"""What is due: the 工作台's reminders, computed from the data and the thresholds in 设置, read through the
driver alone (core.reads) so the 工作台 shows them before the ORM has loaded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core.domain.enums import NormPeriod
from desktop_app.core.domain.lapses import RULE_MONTHS, months_text
from desktop_app.core.domain.mobile import TRANSFER_ADVICE_MONTHS, transfer_advised
from desktop_app.core.domain.periods import Period
from desktop_app.core.domain.rules import SCOPE_WORDS, UnitState, evaluate_compliance
from desktop_app.core.domain.talks import PARTNER_LABELS, REMIND_FROM_MONTH
from desktop_app.core.reads.care import follow_ups_due
from desktop_app.core.reads.duties import read_away_now, read_coverage
from desktop_app.core.reads.meetings import read_groups, read_held, read_norms
from desktop_app.core.reads.settings import first_audit_day, setting
from desktop_app.core.reads.studio import open_problems
from desktop_app.core.reads.visits import overdue_practices
from desktop_app.core.services.dues_ledger import LedgerRow, read_ledger
from desktop_app.core.services.lapses import read_lapses
from desktop_app.core.services.transfers import overdue_receipts
from desktop_app.core.storage.backup_files import list_backups
from desktop_app.core.storage.plain import Reader

PREVIOUS_WORDS = {NormPeriod.MONTH: "上月", NormPeriod.QUARTER: "上季度", NormPeriod.YEAR: "去年"}
THRESHOLDS_KEY = "reminder_thresholds"
START_DATE_KEY = "start_date"
TALK_COVERAGE = "talk_coverage"  # a reminder's target: the 谈心谈话 page's 覆盖情况


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


def read_thresholds(reader: Reader) -> Thresholds:
    kept = setting(reader, THRESHOLDS_KEY)
    stored = kept if isinstance(kept, dict) else {}
    defaults = Thresholds()
    return Thresholds(**{name: int(stored.get(name, getattr(defaults, name))) for name in THRESHOLD_LABELS})


def read_start_date(reader: Reader) -> dt.date:
    """The 启用日期: the day the program took over from paper (see reminder_settings.StartDateService); for
    data from before it was recorded, the day of the first entry in 操作记录."""
    kept = setting(reader, START_DATE_KEY)
    if isinstance(kept, str):
        return dt.date.fromisoformat(kept)
    return first_audit_day(reader) or dt.date.today()


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


def meeting_reminders(reader: Reader, today: dt.date) -> list[Reminder]:
    """Each norm's running month/quarter/year not yet met (due), and the one before it if missed (overdue).

    Last year and this one hold every such month, quarter and year: one evaluation answers them all.
    """
    span = Period.custom(dt.date(today.year - 1, 1, 1), dt.date(today.year, 12, 31))
    items = evaluate_compliance(span, read_norms(reader), read_held(reader, span), read_groups(reader), today)
    start = read_start_date(reader)
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


def dues_reminders(
    reader: Reader, today: dt.date, collection_days: int, ledgers_read: dict[int, list[LedgerRow]]
) -> list[Reminder]:
    """This month's 党费 not yet recorded after the day set in 设置. `ledgers_read`: years read, shared with
    `lapse_reminders`."""
    if today.day > collection_days:
        if today.year not in ledgers_read:
            ledgers_read[today.year] = read_ledger(reader, today.year)
        this_month = [row for row in ledgers_read[today.year] if row.owed.get(today.month, 0) > 0]
        if this_month and not any(today.month in row.paid for row in this_month):
            return [Reminder(f"本月（{today.month}月）党费尚未收缴", Target("dues"))]
    return []


def lapse_reminders(
    reader: Reader, today: dt.date, ledgers_read: dict[int, list[LedgerRow]] | None = None
) -> list[Reminder]:
    """Each member four months or more into 党章 第九条's six, by name and with the months missed."""
    reminders = []
    for lapse in read_lapses(reader, today, ledgers_read=ledgers_read):
        for what, run in (("未参加组织生活", lapse.meetings), ("未缴党费", lapse.dues)):
            if run.warned:
                act = f"已满 {RULE_MONTHS} 个月，请支部按党章第九条研究处置" if run.reached else "请尽早联系"
                text = f"{lapse.name} 连续 {run.length} 个月{what}（{months_text(run.months)}），{act}"
                reminders.append(Reminder(text, Target("member", lapse.member_id), run.reached))
    return reminders


def talk_reminders(reader: Reader, today: dt.date) -> list[Reminder]:
    """From the fourth quarter: the 谈心谈话 the year still lacks (domain.talks)."""
    if today.month < REMIND_FROM_MONTH:
        return []
    shown = read_coverage(reader, today.year, today)
    reminders = []
    if shown.members_without:
        partner = PARTNER_LABELS[shown.partner]
        text = f"谈心谈话：今年还有 {len(shown.members_without)} 名党员未与{partner}谈话"
        reminders.append(Reminder(text, Target(TALK_COVERAGE)))
    lacking = len(shown.committee_pairs) - shown.pairs_done
    if lacking:
        reminders.append(Reminder(f"谈心谈话：支部委员之间还有 {lacking} 对未谈话", Target(TALK_COVERAGE)))
    return reminders


def transfer_reminders(reader: Reader, today: dt.date) -> list[Reminder]:
    """Each 转出 whose 回执 has not come back three months after it (domain.transfers); opens the member."""
    reminders = []
    for transfer in overdue_receipts(reader, today):
        where = f"转往{transfer.organisation}" if transfer.organisation else f"介绍信{transfer.letter_no}"
        text = f"组织关系转接：{transfer.name} {transfer.date:%Y-%m-%d} {where}，3 个月未收到回执"
        reminders.append(Reminder(text, Target("member", transfer.member_id), True))
    return reminders


def mobile_reminders(reader: Reader, today: dt.date) -> list[Reminder]:
    """Each 流动党员 away six months or more at a fixed place: the rules ask for a transfer of the 组织关系
    (domain.mobile); opens the 流动党员 record."""
    reminders = []
    for away in read_away_now(reader, today):
        if transfer_advised(away, today):
            text = (
                f"流动党员：{away.name} 自 {away.left_on:%Y-%m-%d} 在{away.place}，外出满 {TRANSFER_ADVICE_MONTHS} 个月"
                "且地点固定，应将组织关系转到流入地党组织"
            )
            reminders.append(Reminder(text, Target("mobile_member", away.record_id)))
    return reminders


def compute_reminders(reader: Reader, today: dt.date, backup_dir: Path | None) -> list[Reminder]:
    """Everything due today. `backup_dir`: where the automatic backups go (None for a server database,
    which is backed up by its own means)."""
    thresholds = read_thresholds(reader)
    reminders = meeting_reminders(reader, today)
    horizon = today + dt.timedelta(days=thresholds.follow_up_days_ahead)
    for follow_up in follow_ups_due(reader, horizon):
        late = follow_up.due < today
        text = f"关怀回访：{follow_up.recipient}（{follow_up.due:%Y-%m-%d}{'，已过期' if late else ''}）"
        reminders.append(Reminder(text, Target("care", follow_up.care_id), late))
    for practice in overdue_practices(reader, today):
        text = f"借鉴举措已过期限：{practice.description}（{practice.due:%Y-%m-%d}）"
        reminders.append(Reminder(text, Target("visit", practice.visit_id), True))
    ledgers_read: dict[int, list[LedgerRow]] = {}  # each year's 党费 ledger read once for both
    reminders += dues_reminders(reader, today, thresholds.dues_collection_days, ledgers_read)
    reminders += lapse_reminders(reader, today, ledgers_read)
    reminders += talk_reminders(reader, today)
    reminders += transfer_reminders(reader, today)
    reminders += mobile_reminders(reader, today)
    for problem in open_problems(reader, today - dt.timedelta(days=thresholds.problem_open_days)):
        days = (today - problem.raised).days
        description = problem.description
        short = description if len(description) <= 24 else description[:24] + "…"
        reminders.append(
            Reminder(f"工作室问题已 {days} 天未解决：{short}", Target("studio_problem", problem.problem_id), True)
        )
    if backup_dir is not None:
        backups = list_backups(backup_dir)
        if not backups:
            reminders.append(Reminder("还没有任何备份，建议立即备份", Target("backup"), True))
        else:
            age = (dt.datetime.now() - backups[0].created).days
            if age >= thresholds.backup_age_days:
                reminders.append(Reminder(f"最近一次备份是 {age} 天前，建议立即备份", Target("backup"), True))
    return reminders
