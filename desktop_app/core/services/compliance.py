"""三会一课 compliance for a period, read from the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, select

from desktop_app.core.domain.enums import AttendanceStatus, MeetingKind
from desktop_app.core.domain.periods import Period
from desktop_app.core.domain.rules import (
    Group,
    HeldMeeting,
    KindCompliance,
    Norm,
    evaluate_compliance,
    vote_quorum_met,
)
from desktop_app.core.reads.meetings import read_groups, read_held, read_norms
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import Attendance, Meeting


@dataclass(frozen=True)
class VoteFlag:
    """A 支部党员大会 vote taken without more than half of the voting members present."""

    meeting_id: int
    date: dt.date
    topic: str
    voting_present: int
    voting_total: int

    def describe(self) -> str:
        return (
            f"{self.date:%Y-%m-%d}“{self.topic}”表决时到会正式党员 {self.voting_present} 人，"
            f"未超过应到正式党员 {self.voting_total} 人的半数，表决无效"
        )


@dataclass(frozen=True)
class ComplianceInputs:
    norms: list[Norm]
    held: list[HeldMeeting]
    groups: list[Group]
    vote_flags: list[VoteFlag]


@dataclass
class ComplianceReport:
    period: Period
    items: list[KindCompliance]
    vote_flags: list[VoteFlag]


class ComplianceService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def evaluate(self, period: Period, today: dt.date | None = None) -> ComplianceReport:
        inputs = self.inputs(period)
        items = evaluate_compliance(period, inputs.norms, inputs.held, inputs.groups, today or dt.date.today())
        return ComplianceReport(period, items, inputs.vote_flags)

    def inputs(self, period: Period) -> ComplianceInputs:
        """What the judgement is made from: the norms, the meetings held in the period and the groups (a
        street office's copy judges the same inputs from a data package with the same rules)."""
        with self.db.plain() as reader:
            norms, held, groups = read_norms(reader), read_held(reader, period), read_groups(reader)
        with self.db.read_session() as session:
            flags = self._vote_flags(session, period)
        return ComplianceInputs(norms, held, groups, flags)

    @staticmethod
    def _vote_flags(session, period: Period) -> list[VoteFlag]:
        # Judged by what was recorded on the day: who could vote, and how many in the branch could.
        present = and_(Attendance.can_vote.is_(True), Attendance.status == AttendanceStatus.PRESENT)
        stmt = (
            select(
                Meeting.id,
                Meeting.date,
                Meeting.topic,
                func.count(Attendance.member_id).filter(present),
                Meeting.voting_members,
            )
            .outerjoin(Attendance, Attendance.meeting_id == Meeting.id)
            .where(
                Meeting.deleted_at.is_(None),
                Meeting.kind == MeetingKind.GENERAL_ASSEMBLY,
                Meeting.vote_taken.is_(True),
                Meeting.date.between(period.start, period.end),
            )
            .group_by(Meeting.id, Meeting.date, Meeting.topic, Meeting.voting_members)
            .order_by(Meeting.date)
        )
        return [
            VoteFlag(meeting_id, date, topic, voting_present, voting_total)
            for meeting_id, date, topic, voting_present, voting_total in session.execute(stmt)
            if not vote_quorum_met(voting_present, voting_total)
        ]
