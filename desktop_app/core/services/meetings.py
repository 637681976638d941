"""三会一课 — meetings, their attendance, and the norms they are checked against."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Select, case, select
from sqlalchemy.orm import Session, object_session

from desktop_app.core.domain.columns import Column, ColumnKind
from desktop_app.core.domain.enums import AttendanceStatus, AuditAction, MeetingKind, NormPeriod
from desktop_app.core.domain.errors import ConcurrentWriteError, EditConflictError, NotFoundError, ValidationError
from desktop_app.core.domain.fields import Field, FieldType, clean_values
from desktop_app.core.domain.rules import AttendanceSummary, Norm, summarize_attendance
from desktop_app.core.reads.clauses import belonged_on
from desktop_app.core.reads.meetings import read_norm_versions, read_norms
from desktop_app.core.reads.settings import NORMS_CONFIRMED_KEY
from desktop_app.core.services.base import RecordService, Validated, settings_conflict
from desktop_app.core.services.people import MemberBrief, MemberService, brief_select, could_vote_on
from desktop_app.core.storage import app_settings, audit
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import Attendance, Meeting, MeetingNorm, Member, PartyGroup

F = FieldType

ATTENDANCE_FIELDS = (
    Field("member_id", "党员", F.REF, required=True),
    Field("status", "出席情况", F.ENUM, required=True, enum=AttendanceStatus),
    Field("reason", "原因", F.TEXT, max_length=200),
)


def expected_members(kind: MeetingKind, group_id: int | None, members: list[MemberBrief]) -> list[MemberBrief]:
    """Who should attend: the group for a 党小组会, the committee for a 支委会, else everyone."""
    if kind is MeetingKind.GROUP_MEETING:
        return [m for m in members if m.group_id == group_id] if group_id else []
    if kind is MeetingKind.COMMITTEE:
        return [m for m in members if m.is_committee]
    return list(members)


class MeetingService(RecordService):
    model = Meeting
    filters: ClassVar[dict[str, Callable[[Any], ColumnElement[bool]]]] = {
        "kind": lambda value: Meeting.kind == MeetingKind(value),
        "group_id": lambda value: Meeting.group_id == value,
    }
    kind_key = "meeting"
    kind_label = "三会一课记录"
    part_labels: ClassVar[dict[str, str]] = {"attendance": "出席情况"}
    default_sort = "date"
    fields = (
        Field("kind", "会议类别", F.ENUM, required=True, enum=MeetingKind),
        Field("date", "日期", F.DATE, required=True),
        Field("start_time", "开始时间", F.TIME),
        Field("end_time", "结束时间", F.TIME),
        Field("place", "地点", F.TEXT, max_length=100),
        Field("topic", "主题", F.TEXT, required=True, max_length=200),
        Field("host", "主持人", F.TEXT, max_length=50),
        Field("recorder", "记录人", F.TEXT, max_length=50),
        Field("lecturer", "授课人", F.TEXT, max_length=50),
        Field("group_id", "党小组", F.REF),
        Field("agenda", "议程", F.LONG_TEXT, max_length=5000),
        Field("content", "会议内容", F.LONG_TEXT, max_length=20000),
        Field("resolutions", "决议", F.LONG_TEXT, max_length=5000),
        Field("vote_taken", "进行表决", F.BOOL),
        Field("votes_for", "赞成票", F.COUNT),
        Field("votes_against", "反对票", F.COUNT),
        Field("votes_abstain", "弃权票", F.COUNT),
    )

    def columns(self) -> list[Column]:
        m = Meeting
        rate = case((m.expected_count > 0, m.attended_count * 1.0 / m.expected_count), else_=None)
        return [
            Column("date", "日期", m.date, ColumnKind.DATE),
            Column("kind", "类别", m.kind, ColumnKind.ENUM, MeetingKind),
            Column("topic", "主题", m.topic),
            Column("group", "党小组", PartyGroup.name),
            Column("host", "主持人", m.host),
            Column("recorder", "记录人", m.recorder),
            Column("lecturer", "授课人", m.lecturer),
            Column("place", "地点", m.place),
            Column("expected", "应到", m.expected_count, ColumnKind.COUNT),
            Column("attended", "实到", m.attended_count, ColumnKind.COUNT),
            Column("rate", "出勤率", rate, ColumnKind.PERCENT),
        ]

    def joined(self, stmt: Select) -> Select:
        return stmt.outerjoin(PartyGroup, Meeting.group_id == PartyGroup.id)

    def search_columns(self) -> list[Any]:
        m = Meeting
        return [m.topic, m.host, m.recorder, m.lecturer, m.place, m.content, m.agenda]

    def date_column(self) -> Any:
        return Meeting.date

    def title_expr(self) -> Any:
        return Meeting.topic

    def implausible(self, cleaned: Mapping[str, Any], today: dt.date) -> list[str]:
        if cleaned["date"] > today:
            return [f"会议日期 {cleaned['date']:%Y-%m-%d} 在今天之后（会议记录应在开会后填写）"]
        return []

    def expected_for(self, kind: MeetingKind, group_id: int | None, day: dt.date | None = None) -> list[MemberBrief]:
        """Who should attend: the members of the branch on the meeting's day (today's, without a day)."""
        members = MemberService(self.db)
        return expected_members(kind, group_id, members.members_on(day) if day else members.active_members())

    def validate(
        self, session: Session, cleaned: Mapping[str, Any], values: Mapping[str, Any], record_id: int | None
    ) -> dict[str, Any]:
        errors: dict[str, str] = {}
        settled = dict(cleaned)
        kind: MeetingKind = cleaned["kind"]
        if kind is MeetingKind.GROUP_MEETING:
            group = session.get(PartyGroup, cleaned["group_id"]) if cleaned["group_id"] else None
            if group is None:
                errors["group_id"] = "党小组会须选择党小组"
        else:
            settled["group_id"] = None
        if kind is MeetingKind.PARTY_LESSON and not cleaned["lecturer"]:
            errors["lecturer"] = "党课须填写授课人"
        start, end = cleaned["start_time"], cleaned["end_time"]
        if start and end and end <= start:
            errors["end_time"] = "结束时间应晚于开始时间"

        attendance, attendance_error = self._clean_attendance(session, values.get("attendance") or [])
        if attendance_error:
            errors["attendance"] = attendance_error
        settled["attendance"] = attendance

        if cleaned["vote_taken"]:
            votes = [cleaned[name] for name in ("votes_for", "votes_against", "votes_abstain")]
            if not attendance and not attendance_error:
                errors["attendance"] = "进行表决时须登记出席情况：表决是否有效，取决于到会的正式党员是否超过半数"
            if any(v is None for v in votes):
                errors["votes_for"] = "进行表决时须填写赞成、反对、弃权票数"
            elif not attendance_error:
                voting_present = self._voting_present(session, attendance, cleaned["date"])
                if sum(votes) > voting_present:
                    errors["votes_for"] = f"票数合计 {sum(votes)} 超过出席的正式党员人数 {voting_present}"
        else:
            settled.update(votes_for=None, votes_against=None, votes_abstain=None)
        if errors:
            raise self.invalid(errors)
        return settled

    @staticmethod
    def _clean_attendance(session: Session, rows: list[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], str]:
        cleaned: list[dict[str, Any]] = []
        seen: set[int] = set()
        unmarked = sum(1 for row in rows if not row.get("status"))
        if unmarked:
            return [], f"出席情况：还有 {unmarked} 人未标记（出席、请假或缺席）"
        for number, row in enumerate(rows, start=1):
            try:
                entry = clean_values(ATTENDANCE_FIELDS, row)
            except ValidationError as exc:
                return [], f"第 {number} 行：{exc}"
            if entry["member_id"] in seen:
                return [], f"第 {number} 行：同一党员重复登记"
            seen.add(entry["member_id"])
            if entry["status"] is AttendanceStatus.ON_LEAVE and not entry["reason"]:
                return [], f"第 {number} 行：请假须填写原因"
            cleaned.append(entry)
        if seen:
            found = set(session.scalars(select(Member.id).where(Member.id.in_(seen))))
            if found != seen:
                return [], "出席名单中有不存在的党员"
        return cleaned, ""

    @staticmethod
    def _voting_present(session: Session, attendance: list[dict[str, Any]], day: dt.date) -> int:
        """Present members who could vote on the meeting's day."""
        present = {a["member_id"] for a in attendance if a["status"] is AttendanceStatus.PRESENT}
        return len(present & MeetingService._voters_on(session, day))

    def apply(self, session: Session, obj: Any, validated: Validated) -> None:
        attendance = validated["attendance"]
        # Who could vote is fixed when a member is first recorded at this meeting, as things stood then;
        # editing the meeting later keeps it, so a 转正 or transfer since never changes a past verdict.
        recorded = {row.member_id: row for row in obj.attendance} if obj.id else {}
        voters_now = self._voters_on(session, validated["date"])
        new_meeting = obj.id is None
        super().apply(session, obj, validated)
        # A member already listed keeps their row (and its can_vote), changed only where the form changed it: a
        # save that marks one member of 600 writes one row, not 600 (each through the server's policies).
        rows = []
        for entry in attendance:
            row = recorded.get(entry["member_id"])
            if row is None:
                row = Attendance(**entry, can_vote=entry["member_id"] in voters_now)
            elif (row.status, row.reason) != (entry["status"], entry["reason"]):
                # Only a changed row is touched: an assignment, even of the same value, puts the row among the
                # session's dirty ones, and each flush (and the change feed's note of it) examines every one.
                row.status, row.reason = entry["status"], entry["reason"]
            rows.append(row)
        obj.attendance = rows
        summary = summarize_attendance([entry["status"] for entry in attendance])
        obj.expected_count = summary.expected
        obj.attended_count = summary.attended
        if new_meeting or not obj.voting_members:
            # The quorum's denominator: the branch's members with voting rights, not just those listed.
            obj.voting_members = len(voters_now)

    @staticmethod
    def _voters_on(session: Session, day: dt.date) -> set[int]:
        """Members with voting rights on the meeting's day: 正式党员 (转正 by then) in the branch then."""
        return set(
            session.scalars(select(Member.id).where(Member.deleted_at.is_(None), belonged_on(day), could_vote_on(day)))
        )

    def to_form(self, obj: Any) -> dict[str, Any]:
        values = super().to_form(obj)
        values["attendance"] = [
            {"member_id": a.member_id, "status": a.status, "reason": a.reason} for a in obj.attendance
        ]
        return values

    def audit_values(self, obj: Any) -> dict[str, Any]:
        values = super().audit_values(obj)
        attendance = obj.attendance
        names = self._member_names(object_session(obj), obj.id)
        for entry in attendance:
            name = names.get(entry.member_id) or entry.member.name
            values[f"{name}的出席情况"] = entry.status
            values[f"{name}的请假或缺席原因"] = audit.Sensitive(entry.reason)
        return values

    @staticmethod
    def _member_names(session: Session | None, meeting_id: int | None) -> dict[int, str]:
        """The names of the members the meeting lists, in one statement: a meeting of the whole branch lists
        hundreds, and a lazy load per row was a round trip each to a server. (A row not yet written is named by
        its own load.)"""
        if session is None or meeting_id is None:
            return {}
        stmt = (
            select(Member.id, Member.name)
            .join(Attendance, Attendance.member_id == Member.id)
            .where(Attendance.meeting_id == meeting_id)
        )
        return dict(session.execute(stmt).all())  # rows: a Result itself would be taken for a mapping

    def meeting_dates_and_topics(self, ids: list[int]) -> list[tuple[dt.date, str]]:
        with self.db.read_session() as session:
            rows = session.execute(select(Meeting.date, Meeting.topic).where(Meeting.id.in_(ids)))
            return [(day, topic) for day, topic in rows]

    def record_sheet(self, record_id: int) -> MeetingRecord:
        """Everything the paper 会议记录 page shows, as display text."""
        with self.db.read_session() as session:
            meeting = self._load(session, record_id)
            rows = session.execute(
                select(Member.name, Attendance.status, Attendance.reason)
                .join(Attendance, Attendance.member_id == Member.id)
                .where(Attendance.meeting_id == record_id)
                .order_by(Member.group_id, Member.name_pinyin)
            ).all()
            group = meeting.group.name if meeting.group else ""
            present = [name for name, status, _ in rows if status == AttendanceStatus.PRESENT]
            away = [
                f"{name}（{AttendanceStatus(status).label}{'：' + reason if reason else ''}）"
                for name, status, reason in rows
                if status != AttendanceStatus.PRESENT
            ]
            times = "—".join(f"{t:%H:%M}" for t in (meeting.start_time, meeting.end_time) if t)
            title = meeting.kind.label + (f"（{group}）" if group else "")
            votes = ""
            if meeting.vote_taken:
                votes = f"赞成 {meeting.votes_for} 票，反对 {meeting.votes_against} 票，弃权 {meeting.votes_abstain} 票"
            return MeetingRecord(
                title=f"{title}记录",
                kind=meeting.kind.label,
                date=meeting.date,
                times=times,
                place=meeting.place,
                host=meeting.host,
                recorder=meeting.recorder,
                lecturer=meeting.lecturer,
                topic=meeting.topic,
                agenda=meeting.agenda,
                content=meeting.content,
                resolutions=meeting.resolutions,
                votes=votes,
                expected=meeting.expected_count,
                attended=meeting.attended_count,
                present=present,
                away=away,
            )

    def listed_members(self, record_id: int) -> list[MemberBrief]:
        """The members a saved meeting lists in its attendance, in roster order."""
        stmt = brief_select().join(Attendance, Attendance.member_id == Member.id)
        return MemberService(self.db).briefs(stmt.where(Attendance.meeting_id == record_id))

    def attendance_summary(self, record_id: int) -> AttendanceSummary:
        with self.db.read_session() as session:
            statuses = list(session.scalars(select(Attendance.status).where(Attendance.meeting_id == record_id)))
        return summarize_attendance(statuses)


@dataclass(frozen=True)
class MeetingRecord:
    """One meeting as the paper 会议记录 page shows it."""

    title: str
    kind: str
    date: dt.date
    times: str
    place: str
    host: str
    recorder: str
    lecturer: str
    topic: str
    agenda: str
    content: str
    resolutions: str
    votes: str
    expected: int
    attended: int
    present: list[str]
    away: list[str]


class NormService:
    """The 三会一课 norms, stored in the database and editable in 设置."""

    fields = (
        Field("period", "周期", F.ENUM, required=True, enum=NormPeriod),
        Field("count", "次数", F.COUNT, required=True),
        Field("per_group", "按党小组", F.BOOL),
    )

    def __init__(self, db: Database) -> None:
        self.db = db

    def list(self) -> list[Norm]:
        with self.db.plain() as reader:
            return read_norms(reader)

    def versions(self) -> dict[MeetingKind, int]:
        """Each norm's version, handed back to `save_all` with what the person typed over it."""
        with self.db.plain() as reader:
            return read_norm_versions(reader)

    def save_all(
        self,
        values: Mapping[MeetingKind, Mapping[str, Any]],
        reviewed: bool = False,
        versions: Mapping[MeetingKind, int] | None = None,
    ) -> None:
        """设置's 保存: every norm in one transaction. `reviewed`: the person went through them (changed one, or
        came to them from 开始使用), so they count as set even where kept as they were. `versions`: those the
        page was filled from (`versions`); a norm someone else saved since stops the save, nothing written, with
        EditConflictError saying who and when."""
        cleaned = {kind: clean_values(self.fields, each) for kind, each in values.items()}
        versions = versions or {}
        try:
            with self.db.session() as session:
                for kind, each in cleaned.items():
                    self._update(session, kind, each, values[kind], versions.get(kind))
                if reviewed and app_settings.stored(session, NORMS_CONFIRMED_KEY) is None:
                    app_settings.store(session, NORMS_CONFIRMED_KEY, dt.date.today().isoformat())
        except ConcurrentWriteError as exc:  # saved by someone else between our read and our write
            with self.db.read_session() as session:
                for kind in cleaned:
                    norm = session.get(MeetingNorm, kind)
                    if norm is not None and norm.version != versions.get(kind, norm.version):
                        raise self._conflict(norm, values[kind]) from exc
            raise

    def update(self, kind: MeetingKind, values: Mapping[str, Any], version: int | None = None) -> None:
        self.save_all({kind: values}, versions={kind: version} if version is not None else None)

    def _conflict(self, norm: MeetingNorm, mine: Mapping[str, Any]) -> EditConflictError:
        theirs = {spec.name: getattr(norm, spec.name) for spec in self.fields}
        conflict = settings_conflict(f"“{norm.kind.label}”的频次要求", norm, self.fields, mine, theirs)
        conflict.theirs["kind"] = norm.kind  # which norm: 以我的为准 saves over its version
        return conflict

    def _update(
        self,
        session: Session,
        kind: MeetingKind,
        cleaned: Mapping[str, Any],
        typed: Mapping[str, Any],
        version: int | None,
    ) -> None:
        norm = session.get(MeetingNorm, kind)
        if norm is None:
            raise NotFoundError(f"没有“{kind.label}”的频次设置")
        if version is not None and norm.version != version:
            raise self._conflict(norm, typed)
        before = {"period": norm.period, "count": norm.count, "per_group": norm.per_group}
        changes = audit.field_diff(self.fields, before, cleaned)
        if changes:
            norm.updated_by = audit.actor(session)
        norm.period, norm.count, norm.per_group = cleaned["period"], cleaned["count"], cleaned["per_group"]
        if changes:
            audit.record(session, AuditAction.UPDATE, "meeting_norm", None, f"{kind.label}频次要求", changes)
