"""民主评议党员: a year's review set up from its 民主评议党员 meeting (every member who belonged on that day
is listed), each member's 自评, votes and 评定, the 处置 of a 不合格, and the branch's limit on 优秀
(see domain.reviews)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.domain.enums import AuditAction, MeetingKind, ReviewBody, ReviewDisposal, ReviewGrade
from desktop_app.core.domain.errors import AppError, ValidationError
from desktop_app.core.domain.fields import Field, FieldType, clean_values
from desktop_app.core.domain.reviews import excellent_warning, grade_counts
from desktop_app.core.reads.clauses import belonged_on
from desktop_app.core.services.people import ROSTER_ORDER
from desktop_app.core.storage import app_settings, audit
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import Meeting, Member, MemberReview, MemberReviewEntry, PartyGroup

F = FieldType
LIMIT_KEY = "review_excellent_limit"  # app_settings: the branch's upper share of 优秀, in percent (None: none)
VOTES = ("votes_excellent", "votes_qualified", "votes_basic", "votes_unqualified")
ENTRY_FIELDS = (
    Field("self_assessed", "自评", F.BOOL),
    Field("votes_excellent", "优秀票", F.COUNT),
    Field("votes_qualified", "合格票", F.COUNT),
    Field("votes_basic", "基本合格票", F.COUNT),
    Field("votes_unqualified", "不合格票", F.COUNT),
    Field("grade", "评定", F.ENUM, enum=ReviewGrade),
    Field("disposal", "处置", F.ENUM, enum=ReviewDisposal),
    Field("disposal_date", "处置日期", F.DATE),
    Field("disposal_ref", "处置决定文号或说明", F.TEXT, max_length=200),
)
ENTRY_KEYS = tuple(field.name for field in ENTRY_FIELDS)
HEAD_FIELDS = (
    Field("decided_on", "评定日期", F.DATE),
    Field("decided_by", "作出评定的会议", F.ENUM, enum=ReviewBody),
)


@dataclass(frozen=True)
class ReviewRow:
    member_id: int
    name: str
    group: str
    values: dict[str, Any]  # by ENTRY_KEYS


@dataclass(frozen=True)
class ReviewSheet:
    year: int
    meeting_date: dt.date
    decided_on: dt.date | None
    decided_by: ReviewBody | None
    rows: list[ReviewRow]

    @property
    def counts(self) -> dict[ReviewGrade, int]:
        return grade_counts(row.values["grade"] for row in self.rows)


class ReviewService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _meeting(self, session: Session, year: int) -> Meeting | None:
        """The year's 民主评议党员 meeting (the latest, if more than one was recorded)."""
        return session.scalars(
            select(Meeting)
            .where(
                Meeting.deleted_at.is_(None),
                Meeting.kind == MeetingKind.MEMBER_REVIEW,
                Meeting.date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)),
            )
            .order_by(Meeting.date.desc(), Meeting.id.desc())
        ).first()

    def meeting_day(self, year: int) -> dt.date | None:
        with self.db.read_session() as session:
            meeting = self._meeting(session, year)
            return meeting.date if meeting else None

    def set_up(self, year: int) -> int:
        """The year's review from its 民主评议党员 meeting: every member who belonged on that day is listed;
        entries already made are kept. Returns how many members are listed."""
        with self.db.session() as session:
            meeting = self._meeting(session, year)
            if meeting is None:
                raise AppError(f"{year}年还没有登记“民主评议党员”会议：请先在“三会一课”中登记，再建立评议名单。")
            review = session.scalar(select(MemberReview).where(MemberReview.year == year))
            if review is None:
                review = MemberReview(year=year, meeting_date=meeting.date)
                session.add(review)
            review.meeting_id, review.meeting_date = meeting.id, meeting.date
            members = session.scalars(select(Member.id).where(Member.deleted_at.is_(None), belonged_on(meeting.date)))
            listed = {entry.member_id for entry in review.entries}
            review.entries += [MemberReviewEntry(member_id=m, disposal_ref="") for m in members if m not in listed]
            session.flush()
            audit.record(
                session,
                AuditAction.UPDATE,
                "member_review",
                review.id,
                f"{year}年民主评议：按 {meeting.date:%Y-%m-%d} 的会议建立名单（{len(review.entries)} 人）",
            )
            return len(review.entries)

    def sheet(self, year: int) -> ReviewSheet | None:
        with self.db.read_session() as session:
            review = session.scalar(select(MemberReview).where(MemberReview.year == year))
            if review is None:
                return None
            rows = session.execute(
                select(MemberReviewEntry, Member.name, PartyGroup.name)
                .join(Member, Member.id == MemberReviewEntry.member_id)
                .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
                .where(MemberReviewEntry.review_id == review.id)
                .order_by(*ROSTER_ORDER)
            ).all()
            return ReviewSheet(
                year,
                review.meeting_date,
                review.decided_on,
                review.decided_by,
                [
                    ReviewRow(entry.member_id, name, group or "", {key: getattr(entry, key) for key in ENTRY_KEYS})
                    for entry, name, group in rows
                ],
            )

    def check(
        self, sheet: ReviewSheet, head: Mapping[str, Any], entries: Sequence[Mapping[str, Any]]
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The deciding meeting and every row cleaned by the same field specs, and the rules across them;
        ValidationError names the row."""
        decided = clean_values(HEAD_FIELDS, head)
        cleaned = []
        for number, (row, values) in enumerate(zip(sheet.rows, entries, strict=True), start=1):
            where = f"第 {number} 行（{row.name}）"
            try:
                entry = clean_values(ENTRY_FIELDS, values)
            except ValidationError as exc:
                raise ValidationError({"entries": f"{where}：{exc.describe()}"}) from exc
            entry = {**entry, **{key: entry[key] or 0 for key in VOTES}, "disposal_ref": entry["disposal_ref"] or ""}
            if entry["grade"] is ReviewGrade.UNQUALIFIED:
                if entry["disposal"] is None or entry["disposal_date"] is None:
                    raise ValidationError({"entries": f"{where}：评定为不合格的，须选择处置方式并填写处置日期"})
            elif entry["disposal"] is not None or entry["disposal_date"] is not None:
                raise ValidationError({"entries": f"{where}：只有评定为不合格的才填写处置"})
            cleaned.append(entry)
        graded = any(entry["grade"] is not None for entry in cleaned)
        if graded and (decided["decided_on"] is None or decided["decided_by"] is None):
            raise ValidationError({"decided_on": "已有评定结果：请填写作出评定的会议（支部大会或支委会）及其日期"})
        return decided, cleaned

    def save(self, year: int, head: Mapping[str, Any], entries: Sequence[Mapping[str, Any]]) -> None:
        """The deciding meeting (`decided_on`, `decided_by`) and all rows in one transaction, or nothing."""
        sheet = self.sheet(year)
        if sheet is None:
            raise AppError(f"{year}年的民主评议还没有建立名单。")
        decided, cleaned = self.check(sheet, head, entries)
        with self.db.session() as session:
            review = session.scalar(select(MemberReview).where(MemberReview.year == year))
            assert review is not None  # read above, never deleted
            review.decided_on, review.decided_by = decided["decided_on"], decided["decided_by"]
            by_member = {entry.member_id: entry for entry in review.entries}
            for row, values in zip(sheet.rows, cleaned, strict=True):
                for key, value in values.items():
                    setattr(by_member[row.member_id], key, value)
            counts = grade_counts(values["grade"] for values in cleaned)
            shown = "，".join(f"{grade.label} {count} 人" for grade, count in counts.items())
            audit.record(session, AuditAction.UPDATE, "member_review", review.id, f"{year}年民主评议：{shown}")

    def warning(self, sheet: ReviewSheet) -> str:
        return excellent_warning(sheet.counts, len(sheet.rows), self.excellent_limit())

    def excellent_limit(self) -> int | None:
        with self.db.read_session() as session:
            kept = app_settings.stored(session, LIMIT_KEY)
        return kept if isinstance(kept, int) and kept > 0 else None

    def set_excellent_limit(self, percent: int | None) -> None:
        if percent is not None and not 0 < percent <= 100:
            raise ValidationError({"limit": "优秀比例上限应为 1 到 100 之间的整数（不设上限请留空）"})
        with self.db.session() as session:
            app_settings.store(session, LIMIT_KEY, percent)
            words = f"{percent}%" if percent else "不设"
            audit.record(session, AuditAction.UPDATE, "settings", None, f"民主评议优秀比例上限：{words}")
