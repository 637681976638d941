"""书记工作室 — mentoring activities, and the problem ledger worked through by topic (课题)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session, object_session

from desktop_app.core.domain.columns import Column, ColumnKind
from desktop_app.core.domain.enums import AuditAction, ProblemStatus, StudioActivityKind
from desktop_app.core.domain.errors import NotFoundError, ValidationError
from desktop_app.core.domain.fields import Field, FieldType, clean_values
from desktop_app.core.reads.studio import OpenProblem, open_problems
from desktop_app.core.services.base import RecordService, Validated, name_taken
from desktop_app.core.storage import audit
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import ProblemDiscussion, StudioActivity, StudioProblem, StudioTopic

F = FieldType


class StudioActivityService(RecordService):
    model = StudioActivity
    filters: ClassVar[dict[str, Callable[[Any], ColumnElement[bool]]]] = {
        "kind": lambda value: StudioActivity.kind == StudioActivityKind(value),
    }
    kind_key = "studio_activity"
    kind_label = "工作室活动"
    default_sort = "date"
    fields = (
        Field("kind", "活动类型", F.ENUM, required=True, enum=StudioActivityKind),
        Field("date", "日期", F.DATE, required=True),
        Field("topic", "主题", F.TEXT, required=True, max_length=200),
        Field("lead_mentor", "带教/主讲", F.TEXT, max_length=50),
        Field("participants", "参加人员（每行一人：姓名（居民区））", F.LONG_TEXT, max_length=5000),
        Field("content", "活动内容", F.LONG_TEXT, max_length=20000),
        Field("questions", "提出的问题", F.LONG_TEXT, max_length=5000),
        Field("answers", "解答", F.LONG_TEXT, max_length=5000),
    )

    def columns(self) -> list[Column]:
        a = StudioActivity
        people = (
            func.length(a.participants)
            - func.length(func.replace(a.participants, "\n", ""))
            + case((a.participants == "", 0), else_=1)
        )
        return [
            Column("date", "日期", a.date, ColumnKind.DATE),
            Column("kind", "类型", a.kind, ColumnKind.ENUM, StudioActivityKind),
            Column("topic", "主题", a.topic),
            Column("lead_mentor", "带教/主讲", a.lead_mentor),
            Column("people", "参加人数", people, ColumnKind.COUNT),
            Column("content", "活动内容", a.content),
        ]

    def search_columns(self) -> list[Any]:
        a = StudioActivity
        return [a.topic, a.lead_mentor, a.participants, a.content, a.questions, a.answers]

    def date_column(self) -> Any:
        return StudioActivity.date

    def title_expr(self) -> Any:
        return StudioActivity.topic

    def choices(self) -> list[tuple[int, str]]:
        """Activities for pickers, newest first: (id, "日期 主题")."""
        stmt = (
            select(StudioActivity.id, StudioActivity.date, StudioActivity.topic)
            .where(StudioActivity.deleted_at.is_(None))
            .order_by(StudioActivity.date.desc(), StudioActivity.id.desc())
        )
        with self.db.read_session() as session:
            return [(i, f"{d:%Y-%m-%d} {t}") for i, d, t in session.execute(stmt)]


class StudioProblemService(RecordService):
    model = StudioProblem
    filters: ClassVar[dict[str, Callable[[Any], ColumnElement[bool]]]] = {
        "topic_id": lambda value: StudioProblem.topic_id == value,
        "status": lambda value: StudioProblem.status == ProblemStatus(value),
        # Still being worked on (待研究 or 研讨中), whatever the exact status.
        "unsolved": lambda value: StudioProblem.status.in_([s for s in ProblemStatus if s.is_open]),
    }
    kind_key = "studio_problem"
    kind_label = "问题台账"
    part_labels: ClassVar[dict[str, str]] = {"discussed_in": "研讨过的活动"}
    default_sort = "raised_date"
    fields = (
        Field("raised_date", "提出日期", F.DATE, required=True),
        Field("source_community", "来源居民区", F.TEXT, max_length=100),
        Field("raised_by", "提出人", F.TEXT, max_length=50),
        Field("source_activity_id", "提出时的活动", F.REF),
        Field("topic_id", "课题", F.REF, required=True),
        Field("description", "问题描述", F.LONG_TEXT, required=True, max_length=5000),
        Field("status", "状态", F.ENUM, enum=ProblemStatus),
        Field("owner", "负责人", F.TEXT, max_length=50),
        Field("resolution", "解决情况", F.LONG_TEXT, max_length=5000),
        Field("resolved_date", "解决日期", F.DATE),
    )

    def columns(self) -> list[Column]:
        p = StudioProblem
        return [
            Column("raised_date", "提出日期", p.raised_date, ColumnKind.DATE),
            Column("topic", "课题", StudioTopic.name),
            Column("source_community", "来源居民区", p.source_community),
            Column("raised_by", "提出人", p.raised_by),
            Column("description", "问题描述", p.description),
            Column("status", "状态", p.status, ColumnKind.ENUM, ProblemStatus),
            Column("owner", "负责人", p.owner),
            Column("resolved_date", "解决日期", p.resolved_date, ColumnKind.DATE),
        ]

    def joined(self, stmt: Select) -> Select:
        return stmt.join(StudioTopic, StudioTopic.id == StudioProblem.topic_id)

    def search_columns(self) -> list[Any]:
        p = StudioProblem
        return [p.description, p.source_community, p.raised_by, p.owner, p.resolution]

    def date_column(self) -> Any:
        return StudioProblem.raised_date

    def title_expr(self) -> Any:
        return func.substr(StudioProblem.description, 1, 40)

    def validate(
        self, session: Session, cleaned: Mapping[str, Any], values: Mapping[str, Any], record_id: int | None
    ) -> dict[str, Any]:
        errors: dict[str, str] = {}
        settled = dict(cleaned)
        topic = session.get(StudioTopic, cleaned["topic_id"])
        if topic is None:
            errors["topic_id"] = "所选课题不存在"
        elif topic.retired and record_id is None:
            errors["topic_id"] = f"课题“{topic.name}”已停用，请选择其他课题"
        status = settled["status"] = cleaned["status"] or ProblemStatus.PENDING
        if status is ProblemStatus.RESOLVED:
            if not cleaned["resolution"]:
                errors["resolution"] = "已解决的问题请填写解决情况"
            settled["resolved_date"] = cleaned["resolved_date"] or dt.date.today()
        if settled["resolved_date"] and settled["resolved_date"] < cleaned["raised_date"]:
            errors["resolved_date"] = "解决日期不能早于提出日期"
        activity_ids = list(dict.fromkeys(values.get("discussed_in") or []))
        if cleaned["source_activity_id"] is not None:
            activity_ids = list(dict.fromkeys([cleaned["source_activity_id"], *activity_ids]))
        if activity_ids:
            found = set(session.scalars(select(StudioActivity.id).where(StudioActivity.id.in_(activity_ids))))
            if found != set(activity_ids):
                errors["discussed_in"] = "关联的活动中有不存在的记录"
        settled["discussed_in"] = activity_ids
        if errors:
            raise self.invalid(errors)
        return settled

    def apply(self, session: Session, obj: Any, validated: Validated) -> None:
        discussed = validated["discussed_in"]
        super().apply(session, obj, validated)
        obj.discussions = [ProblemDiscussion(activity_id=activity_id) for activity_id in discussed]

    def audit_values(self, obj: Any) -> dict[str, Any]:
        values = super().audit_values(obj)
        ids = [d.activity_id for d in obj.discussions]
        session = object_session(obj)
        assert session is not None
        values["研讨过的活动"] = (
            list(
                session.scalars(
                    select(StudioActivity.topic).where(StudioActivity.id.in_(ids)).order_by(StudioActivity.id)
                )
            )
            if ids
            else []
        )
        return values

    def to_form(self, obj: Any) -> dict[str, Any]:
        values = super().to_form(obj)
        values["discussed_in"] = [d.activity_id for d in obj.discussions]
        return values

    def open_since(self, today: dt.date, days: int) -> list[OpenProblem]:
        """Problems still open that were raised at least `days` days ago."""
        with self.db.plain() as reader:
            return open_problems(reader, today - dt.timedelta(days=days))

    def status_counts(self, start: dt.date, end: dt.date) -> list[tuple[str, dict[ProblemStatus, int]]]:
        """Per topic, how many problems raised in the range are in each state."""
        stmt = (
            select(StudioTopic.name, StudioProblem.status, func.count(StudioProblem.id))
            .join(StudioProblem, StudioProblem.topic_id == StudioTopic.id)
            .where(StudioProblem.deleted_at.is_(None), StudioProblem.raised_date.between(start, end))
            .group_by(StudioTopic.id, StudioTopic.name, StudioProblem.status)
        )
        counts: dict[str, dict[ProblemStatus, int]] = {}
        with self.db.read_session() as session:
            order = [name for (name,) in session.execute(select(StudioTopic.name).order_by(StudioTopic.sort_order))]
            for name, status, count in session.execute(stmt):
                counts.setdefault(name, {})[ProblemStatus(status)] = count
        return [(name, counts.get(name, {})) for name in order if name in counts]


@dataclass(frozen=True)
class TopicInfo:
    id: int
    name: str
    retired: bool


class StudioTopicService:
    """课题: added, renamed, retired; never deleted (the ledger keeps them)."""

    fields = (Field("name", "课题名称", F.TEXT, required=True, max_length=50),)

    def __init__(self, db: Database) -> None:
        self.db = db

    def list(self, include_retired: bool = True) -> list[TopicInfo]:
        stmt = select(StudioTopic.id, StudioTopic.name, StudioTopic.retired).order_by(
            StudioTopic.sort_order, StudioTopic.id
        )
        if not include_retired:
            stmt = stmt.where(StudioTopic.retired.is_(False))
        with self.db.read_session() as session:
            return [TopicInfo(*row) for row in session.execute(stmt)]

    def create(self, values: Mapping[str, Any]) -> int:
        cleaned = clean_values(self.fields, values)
        with self.db.session() as session:
            self._check_name(session, cleaned["name"], None)
            last = session.scalar(select(func.max(StudioTopic.sort_order))) or 0
            topic = StudioTopic(name=cleaned["name"], sort_order=last + 1, retired=False)
            session.add(topic)
            session.flush()
            audit.record(session, AuditAction.CREATE, "studio_topic", topic.id, topic.name)
            return topic.id

    def rename(self, topic_id: int, values: Mapping[str, Any]) -> None:
        cleaned = clean_values(self.fields, values)
        with self.db.session() as session:
            topic = self._get(session, topic_id)
            self._check_name(session, cleaned["name"], topic_id)
            audit.record(
                session,
                AuditAction.UPDATE,
                "studio_topic",
                topic_id,
                cleaned["name"],
                audit.diff({"name": topic.name}, cleaned, {"name": "课题名称"}),
            )
            topic.name = cleaned["name"]

    def set_retired(self, topic_id: int, retired: bool) -> None:
        with self.db.session() as session:
            topic = self._get(session, topic_id)
            audit.record(
                session,
                AuditAction.UPDATE,
                "studio_topic",
                topic_id,
                topic.name,
                audit.diff({"retired": topic.retired}, {"retired": retired}, audit.RETIRED_LABEL),
            )
            topic.retired = retired

    @staticmethod
    def _check_name(session: Session, name: str, topic_id: int | None) -> None:
        if name_taken(session, StudioTopic, name, topic_id):
            raise ValidationError({"name": "已有同名课题"}, {"name": "课题名称"})

    @staticmethod
    def _get(session: Session, topic_id: int) -> StudioTopic:
        topic = session.get(StudioTopic, topic_id)
        if topic is None:
            raise NotFoundError("找不到该课题")
        return topic
