"""The domain model (SQLAlchemy 2). Alembic owns the schema; see migrations/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Enum,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    column,
    func,
)
from sqlalchemy import (
    false as sa_false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from desktop_app.core.domain.enums import (
    AttendanceStatus,
    AuditAction,
    CareStatus,
    DuesCategory,
    DuesPaymentKind,
    DuesPaymentWay,
    Gender,
    LabeledEnum,
    MeetingKind,
    MemberStatus,
    MemberType,
    MobileParticipation,
    NormPeriod,
    PracticeStatus,
    ProblemStatus,
    ResidentStatus,
    ReviewBody,
    ReviewDisposal,
    ReviewGrade,
    StudioActivityKind,
    TalkWay,
    TransferDirection,
)
from desktop_app.core.storage import plain

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Money(TypeDecorator[Decimal]):
    """Yuan as Decimal, stored as whole fen in an integer column.

    Exact on every database: SQLite has no decimal type and would keep Numeric
    values as floating point.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | str | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else plain.money(value)


MONEY = Money()


def enum_column(enum_cls: type[LabeledEnum]) -> Enum:
    """Store the enum's value (not its Python name) as plain text, portable to PostgreSQL."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CommunityOwned:
    """Rows of one 居民区. On a shared server many communities live in one database: each row carries its
    community, filled by the database itself (SQLite: the one community, 1; PostgreSQL: the login's community,
    `shuji_current_community()`, migration 0014), and row-level security shows a login only its own. So the
    program reads and writes as if the database held its community alone."""

    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="RESTRICT"), server_default=FetchedValue()
    )


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )


class SoftDeleteMixin:
    """Rows are never hard-deleted from the UI: they go to the 回收站 first."""

    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)


class SearchableMixin(SoftDeleteMixin):
    """The searchable fields in one lower-case text, kept by the services: one LIKE over one
    column, answered from a covering index of the live rows (see live_index)."""

    search_text: Mapped[str] = mapped_column(Text, default="")


class VersionedMixin:
    """Two people editing one record never overwrite each other silently (migration 0015): every save
    raises `version` (SQLAlchemy's version_id_col: an UPDATE that finds another version changes nothing
    and fails), and names who saved it last, for the one who finds it changed."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    updated_by: Mapped[str] = mapped_column(String(100), default="", server_default="")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 (SQLAlchemy calls it with the mapped class)
        return {"version_id_col": cls.version}


class RecordRow(VersionedMixin, CommunityOwned, TimestampMixin, SearchableMixin, Base):
    """A row of a record kind a person lists, searches, edits and deletes to the 回收站 (residents,
    members, care actions, meetings, …): what the shared service code relies on. A meeting's attendance
    and a study visit's 借鉴举措 are saved with their meeting or visit, whose version covers them."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True)


# The partial indexes' predicates, as expressions: the statements that use them say `reads.rules.live`.
LIVE_ROWS = column("deleted_at").is_(None)


def live_index(table: str, *columns: str) -> Index:
    """A covering index of the live rows in list order, with search_text, and community_id: row-level security on a
    shared server reads it, and without it every listed id would be looked up in the table (migration 0014)."""
    return Index(
        f"ix_{table}_live",
        *columns,
        "id",
        "search_text",
        "community_id",
        sqlite_where=LIVE_ROWS,
        postgresql_where=LIVE_ROWS,
    )


BINNED_ROWS = column("deleted_at").is_not(None)


def binned_index(table: str) -> Index:
    """The rows in the 回收站, newest first: the 回收站 lists them without reading the live ones."""
    return Index(f"ix_{table}_binned", "deleted_at", sqlite_where=BINNED_ROWS, postgresql_where=BINNED_ROWS)


COMMUNITY_NAME_LENGTH = 100


class Community(Base):
    """A 居民区 of the database: one on a single PC, many on a 街道's server (`desktop-app server add-community`)."""

    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(COMMUNITY_NAME_LENGTH), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class ServerLogin(Base):
    """A person's login on a shared server: their role and, but for 街道 and 管理员, their community. Only the
    database owner writes it; the policies read it through `shuji_current_community()` (SECURITY DEFINER),
    keyed on `session_user`, which no login can change (a session variable anyone can set is no boundary)."""

    __tablename__ = "server_logins"

    login: Mapped[str] = mapped_column(String(63), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="RESTRICT"))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class ServerSetting(Base):
    """Settings of the whole server, apart from each community's `app_settings` (e.g. the role model's version
    `server init` installed)."""

    __tablename__ = "server_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)


class SavedAtMixin:
    """When a settings row without TimestampMixin was last saved (migration 0020), for the one who finds it
    changed; empty until its first save."""

    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None, onupdate=func.current_timestamp())


class CommunityProfile(VersionedMixin, SavedAtMixin, CommunityOwned, Base):
    __tablename__ = "community_profile"
    __table_args__ = (UniqueConstraint("community_id"),)  # one profile per community

    id: Mapped[int] = mapped_column(primary_key=True)
    community_name: Mapped[str] = mapped_column(String(100), default="")
    street_office: Mapped[str] = mapped_column(String(100), default="")
    org_name: Mapped[str] = mapped_column(String(100), default="")
    secretary_name: Mapped[str] = mapped_column(String(50), default="")
    reporter_name: Mapped[str] = mapped_column(String(50), default="")
    unit_code: Mapped[str] = mapped_column(String(30), default="", server_default="")  # 单位代码, in packages


class Resident(RecordRow):
    __tablename__ = "residents"
    # What a search looks in (search_text), by the program and by the server for a 社工 (storage.server).
    SEARCHED: ClassVar[tuple[str, ...]] = ("name", "name_initials", "address", "notes", "phone")

    name: Mapped[str] = mapped_column(String(50))
    name_initials: Mapped[str] = mapped_column(String(50), default="")
    # Full pinyin, the order lists sort names in (pinyin.sort_key).
    name_pinyin: Mapped[str] = mapped_column(String(400), default="", server_default="")
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    id_number: Mapped[str | None] = mapped_column(String(18))
    phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200), default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ResidentStatus] = mapped_column(enum_column(ResidentStatus), default=ResidentStatus.ACTIVE)

    __table_args__ = (
        Index("ix_residents_name", "name"),
        Index("ix_residents_id_number", "id_number"),
        live_index("residents", "name_pinyin"),
        binned_index("residents"),
    )


class PartyGroup(RecordRow):
    __tablename__ = "party_groups"

    name: Mapped[str] = mapped_column(String(50))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", use_alter=True, ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")
    # A group is judged only for the months it existed (migration 0008).
    founded_date: Mapped[dt.date | None] = mapped_column(Date)
    dissolved_date: Mapped[dt.date | None] = mapped_column(Date)

    leader: Mapped[Member | None] = relationship(foreign_keys=[leader_id], post_update=True)

    __table_args__ = (UniqueConstraint("community_id", "name"),)  # a name once per community


class Member(RecordRow):
    __tablename__ = "members"

    name: Mapped[str] = mapped_column(String(50))
    name_initials: Mapped[str] = mapped_column(String(50), default="")
    # Full pinyin, the order lists sort names in (pinyin.sort_key).
    name_pinyin: Mapped[str] = mapped_column(String(400), default="", server_default="")
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    join_date: Mapped[dt.date | None] = mapped_column(Date)
    # The dates that decide who belonged, and who could vote, on a given day (migration 0007).
    full_date: Mapped[dt.date | None] = mapped_column(Date)  # 转正
    transfer_in_date: Mapped[dt.date | None] = mapped_column(Date)  # 转入本支部
    left_date: Mapped[dt.date | None] = mapped_column(Date)  # 转出或离开
    member_type: Mapped[MemberType] = mapped_column(enum_column(MemberType), default=MemberType.FULL)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("party_groups.id", ondelete="SET NULL"))
    phone: Mapped[str | None] = mapped_column(String(20))
    id_number: Mapped[str | None] = mapped_column(String(18))
    is_committee: Mapped[bool] = mapped_column(Boolean, default=False)
    committee_role: Mapped[str] = mapped_column(String(30), default="")
    # The days of the member's term on the 支部委员会 (migration 0016): a committee changed mid-year keeps who was
    # on it when (the 谈心谈话 coverage). None: since before the records / still serving.
    committee_from: Mapped[dt.date | None] = mapped_column(Date)
    committee_until: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[MemberStatus] = mapped_column(enum_column(MemberStatus), default=MemberStatus.ACTIVE)
    notes: Mapped[str] = mapped_column(Text, default="")

    group: Mapped[PartyGroup | None] = relationship(foreign_keys=[group_id])
    # The 转入 and 转出 letters (migration 0018), saved with the member; their dates are copied into
    # transfer_in_date and left_date, which the membership-on-a-day rule reads.
    transfers: Mapped[list[MemberTransfer]] = relationship(
        cascade="all, delete-orphan", order_by="MemberTransfer.direction"
    )

    __table_args__ = (
        Index("ix_members_group_id", "group_id"),
        live_index("members", "name_pinyin"),
        binned_index("members"),
    )


class MemberTransfer(CommunityOwned, Base):
    """组织关系转接: a member's 转入 to the branch or 转出 from it, with its 介绍信 and 回执 (at most one of each
    direction per member, as the member has one 转入 date and one 转出 date)."""

    __tablename__ = "member_transfers"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    direction: Mapped[TransferDirection] = mapped_column(enum_column(TransferDirection), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date)
    organisation: Mapped[str] = mapped_column(String(100), default="")  # 转往 (out) / 来自 (in)
    letter_no: Mapped[str] = mapped_column(String(50), default="")  # 介绍信编号
    handled_by: Mapped[str] = mapped_column(String(50), default="")  # 经手人
    receipt_date: Mapped[dt.date | None] = mapped_column(Date)  # 回执: received (out) / sent back (in)

    __table_args__ = (Index("ix_member_transfers_date", "direction", "date"),)


class MobileMember(RecordRow):
    """流动党员: a member away from the branch for work or living (migration 0019), from the day they left to the
    day they came back (none: still away), where, how to reach them and how they take part in 组织生活."""

    __tablename__ = "mobile_members"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    left_on: Mapped[dt.date] = mapped_column(Date)  # 外出日期
    returned_on: Mapped[dt.date | None] = mapped_column(Date)  # 返回日期
    place: Mapped[str] = mapped_column(String(100), default="")  # 外出地点
    fixed_place: Mapped[bool] = mapped_column(Boolean, default=True)  # 外出地点固定
    contact: Mapped[str | None] = mapped_column(String(20))  # 联系电话 (masked like a phone)
    host_organisation: Mapped[str] = mapped_column(String(100), default="")  # 流入地党组织
    card_no: Mapped[str] = mapped_column(String(50), default="")  # 流动党员活动证编号
    participation: Mapped[MobileParticipation] = mapped_column(
        enum_column(MobileParticipation), default=MobileParticipation.RETURNS
    )
    last_contact: Mapped[dt.date | None] = mapped_column(Date)  # 最近联系日期
    notes: Mapped[str] = mapped_column(Text, default="")

    member: Mapped[Member] = relationship()

    __table_args__ = (
        Index("ix_mobile_members_member_id", "member_id"),
        live_index("mobile_members", "left_on"),
        binned_index("mobile_members"),
    )


class CareCategory(VersionedMixin, CommunityOwned, TimestampMixin, Base):
    """User data: seeded with the five 六维关怀 kinds plus 其他; retired, never deleted."""

    __tablename__ = "care_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    default_item: Mapped[str] = mapped_column(String(100), default="")
    default_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    # Records of this category may carry an illness detail, which is never exported by default.
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("community_id", "name"),)  # a name once per community


class CareAction(RecordRow):
    __tablename__ = "care_actions"

    date: Mapped[dt.date] = mapped_column(Date)
    category_id: Mapped[int] = mapped_column(ForeignKey("care_categories.id", ondelete="RESTRICT"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"))
    # Copied from the resident at save time so lists and exports need no join and
    # keep the name as it was when the care was given.
    recipient_name: Mapped[str] = mapped_column(String(50))
    recipient_initials: Mapped[str] = mapped_column(String(50), default="")
    recipient_address: Mapped[str] = mapped_column(String(200), default="")
    item: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    handled_by: Mapped[str] = mapped_column(String(50), default="")
    status: Mapped[CareStatus] = mapped_column(enum_column(CareStatus), default=CareStatus.DONE)
    follow_up_date: Mapped[dt.date | None] = mapped_column(Date)
    illness_detail: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    category: Mapped[CareCategory] = relationship()
    resident: Mapped[Resident | None] = relationship()

    __table_args__ = (
        Index("ix_care_actions_date", "date"),
        Index("ix_care_actions_category_id", "category_id"),
        Index("ix_care_actions_resident_id", "resident_id"),
        live_index("care_actions", "date"),
        binned_index("care_actions"),
        # The live care actions by category and day, with their amounts: 设置's 已用次数 per category, the
        # 工作台's year in numbers and its 12-month chart are counted from this alone, no row read.
        Index(
            "ix_care_actions_live_category_day",
            "category_id",
            "date",
            "amount",
            "community_id",
            sqlite_where=LIVE_ROWS,
            postgresql_where=LIVE_ROWS,
        ),
        # The 工作台's 关怀回访 reminders: the few live care actions awaiting a follow-up, by its date.
        Index(
            "ix_care_actions_follow_up", "status", "follow_up_date", sqlite_where=LIVE_ROWS, postgresql_where=LIVE_ROWS
        ),
    )


class StudyVisit(RecordRow):
    __tablename__ = "study_visits"

    date: Mapped[dt.date] = mapped_column(Date)
    destination: Mapped[str] = mapped_column(String(100))
    district: Mapped[str] = mapped_column(String(50), default="")
    organiser: Mapped[str] = mapped_column(String(100), default="")
    highlights: Mapped[str] = mapped_column(Text, default="")
    takeaways: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    participants: Mapped[list[VisitParticipant]] = relationship(
        cascade="all, delete-orphan", order_by="VisitParticipant.member_id"
    )
    practices: Mapped[list[AdoptedPractice]] = relationship(cascade="all, delete-orphan", order_by="AdoptedPractice.id")

    __table_args__ = (
        Index("ix_study_visits_date", "date"),
        live_index("study_visits", "date"),
        binned_index("study_visits"),
    )


class VisitParticipant(CommunityOwned, Base):
    __tablename__ = "visit_participants"

    visit_id: Mapped[int] = mapped_column(ForeignKey("study_visits.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)

    member: Mapped[Member] = relationship()


class AdoptedPractice(CommunityOwned, Base):
    __tablename__ = "adopted_practices"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("study_visits.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(50), default="")
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[PracticeStatus] = mapped_column(enum_column(PracticeStatus), default=PracticeStatus.TODO)

    __table_args__ = (Index("ix_adopted_practices_visit_id", "visit_id"),)


class Talk(RecordRow):
    """谈心谈话: two or more members, a day, how, about what; the 记录 is sensitive like an illness."""

    __tablename__ = "talks"

    date: Mapped[dt.date] = mapped_column(Date)
    way: Mapped[TalkWay] = mapped_column(enum_column(TalkWay), default=TalkWay.FACE)
    topic: Mapped[str] = mapped_column(String(200), default="")
    record: Mapped[str] = mapped_column(Text, default="")

    participants: Mapped[list[TalkParticipant]] = relationship(
        cascade="all, delete-orphan", order_by="TalkParticipant.member_id"
    )

    __table_args__ = (
        Index("ix_talks_date", "date"),
        live_index("talks", "date"),
        binned_index("talks"),
    )


class TalkParticipant(CommunityOwned, Base):
    __tablename__ = "talk_participants"

    talk_id: Mapped[int] = mapped_column(ForeignKey("talks.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)

    member: Mapped[Member] = relationship()

    __table_args__ = (Index("ix_talk_participants_member_id", "member_id"),)


class MemberReview(CommunityOwned, TimestampMixin, Base):
    """民主评议党员 of a year: set up from that year's 民主评议党员 meeting (who belonged on its day is listed)."""

    __tablename__ = "member_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    meeting_date: Mapped[dt.date] = mapped_column(Date)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)  # the 支部大会 or 支委会 that decided the 评定
    decided_by: Mapped[ReviewBody | None] = mapped_column(enum_column(ReviewBody))

    entries: Mapped[list[MemberReviewEntry]] = relationship(
        cascade="all, delete-orphan", order_by="MemberReviewEntry.member_id"
    )

    __table_args__ = (UniqueConstraint("community_id", "year"),)  # one review a year per community


class MemberReviewEntry(CommunityOwned, Base):
    """One member's 自评, the 互评/测评 votes per grade, the 评定, and for 不合格 the 处置."""

    __tablename__ = "member_review_entries"

    review_id: Mapped[int] = mapped_column(ForeignKey("member_reviews.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    self_assessed: Mapped[bool] = mapped_column(Boolean, default=False)
    votes_excellent: Mapped[int] = mapped_column(Integer, default=0)
    votes_qualified: Mapped[int] = mapped_column(Integer, default=0)
    votes_basic: Mapped[int] = mapped_column(Integer, default=0)
    votes_unqualified: Mapped[int] = mapped_column(Integer, default=0)
    grade: Mapped[ReviewGrade | None] = mapped_column(enum_column(ReviewGrade))
    disposal: Mapped[ReviewDisposal | None] = mapped_column(enum_column(ReviewDisposal))
    disposal_date: Mapped[dt.date | None] = mapped_column(Date)
    disposal_ref: Mapped[str] = mapped_column(String(200), default="")

    member: Mapped[Member] = relationship()


class Meeting(RecordRow):
    __tablename__ = "meetings"

    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind))
    date: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(100), default="")
    topic: Mapped[str] = mapped_column(String(200), default="")
    host: Mapped[str] = mapped_column(String(50), default="")
    recorder: Mapped[str] = mapped_column(String(50), default="")
    lecturer: Mapped[str] = mapped_column(String(50), default="")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("party_groups.id", ondelete="SET NULL"))
    agenda: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    resolutions: Mapped[str] = mapped_column(Text, default="")
    vote_taken: Mapped[bool] = mapped_column(Boolean, default=False)
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)
    # Derived from attendance, kept on the row so lists and reports need no aggregate.
    expected_count: Mapped[int] = mapped_column(Integer, default=0)
    attended_count: Mapped[int] = mapped_column(Integer, default=0)
    # The branch's members with voting rights on the meeting's day: the quorum's denominator, whoever
    # the attendance happens to list.
    voting_members: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    group: Mapped[PartyGroup | None] = relationship()
    attendance: Mapped[list[Attendance]] = relationship(cascade="all, delete-orphan", order_by="Attendance.member_id")

    __table_args__ = (
        Index("ix_meetings_date", "date"),
        Index("ix_meetings_kind_date", "kind", "date"),
        live_index("meetings", "date"),
        binned_index("meetings"),
    )


class Attendance(CommunityOwned, Base):
    __tablename__ = "meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[AttendanceStatus] = mapped_column(enum_column(AttendanceStatus))
    reason: Mapped[str] = mapped_column(String(200), default="")
    # Whether the member could vote (正式党员, in the branch) when the meeting was recorded: a later
    # 转正 or transfer must not change a past vote's verdict.
    can_vote: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    member: Mapped[Member] = relationship()


class MeetingNorm(VersionedMixin, SavedAtMixin, Base):
    """How often each kind of meeting is required; defaults from DESIGN.md, editable."""

    __tablename__ = "meeting_norms"

    # The table's key is (community_id, kind); the program, which sees one community's rows, knows a norm by kind.
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="RESTRICT"), primary_key=True, server_default=FetchedValue()
    )
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind), primary_key=True)
    period: Mapped[NormPeriod] = mapped_column(enum_column(NormPeriod))
    count: Mapped[int] = mapped_column(Integer)
    per_group: Mapped[bool] = mapped_column(Boolean, default=False)

    __mapper_args__ = {"primary_key": [kind], "version_id_col": VersionedMixin.version}  # noqa: RUF012


class Attachment(CommunityOwned, TimestampMixin, SoftDeleteMixin, Base):
    """A photo or scan of any record, stored under its content hash in the data directory."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_attachments_owner", "owner_kind", "owner_id"),)


class AttachmentContent(CommunityOwned, Base):
    """An attachment's file on a server (migration 0016): kept in the database (bytea), so no client PC holds a
    copy, the server's backups carry it and row-level security guards it. A single PC keeps its files sealed in
    the data directory instead, and this table empty."""

    __tablename__ = "attachment_contents"
    __table_args__ = (UniqueConstraint("community_id", "sha256"),)  # a file once per community

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class AuditEntry(CommunityOwned, Base):
    """操作记录: who did what to which record, and which fields changed from what to what."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    os_user: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    record_kind: Mapped[str] = mapped_column(String(32), default="")
    record_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(200), default="")
    # {field name: [old, new]} as display text; empty for deletions and exports.
    changes: Mapped[dict[str, list[str | None]]] = mapped_column(JSON, default=dict)
    details: Mapped[str] = mapped_column(Text, default="")
    unmasked: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_record", "record_kind", "record_id"),
    )


class StudioActivity(RecordRow):
    """书记工作室 activities: 带教, 研讨, 答疑, 走访."""

    __tablename__ = "studio_activities"

    kind: Mapped[StudioActivityKind] = mapped_column(enum_column(StudioActivityKind))
    date: Mapped[dt.date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(200))
    lead_mentor: Mapped[str] = mapped_column(String(50), default="")
    # One participant a line, as "姓名（居民区）": they come from many communities, not our roster.
    participants: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[str] = mapped_column(Text, default="")
    answers: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        live_index("studio_activities", "date"),
        binned_index("studio_activities"),
    )


class StudioTopic(CommunityOwned, TimestampMixin, Base):
    """课题 of the problem ledger: user data, seeded; retired, never deleted."""

    __tablename__ = "studio_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("community_id", "name"),)  # a name once per community


class StudioProblem(RecordRow):
    """问题台账: a problem collected in a community, worked through by topic until resolved."""

    __tablename__ = "studio_problems"

    raised_date: Mapped[dt.date] = mapped_column(Date)
    source_community: Mapped[str] = mapped_column(String(100), default="")
    raised_by: Mapped[str] = mapped_column(String(50), default="")
    source_activity_id: Mapped[int | None] = mapped_column(ForeignKey("studio_activities.id", ondelete="SET NULL"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("studio_topics.id", ondelete="RESTRICT"))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[ProblemStatus] = mapped_column(enum_column(ProblemStatus), default=ProblemStatus.PENDING)
    owner: Mapped[str] = mapped_column(String(50), default="")
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_date: Mapped[dt.date | None] = mapped_column(Date)

    topic: Mapped[StudioTopic] = relationship()
    discussions: Mapped[list[ProblemDiscussion]] = relationship(
        cascade="all, delete-orphan", order_by="ProblemDiscussion.activity_id"
    )

    __table_args__ = (
        Index("ix_studio_problems_topic_id", "topic_id"),
        live_index("studio_problems", "raised_date"),
        binned_index("studio_problems"),
    )


class ProblemDiscussion(CommunityOwned, Base):
    """Which activities discussed a problem."""

    __tablename__ = "studio_problem_activities"

    problem_id: Mapped[int] = mapped_column(ForeignKey("studio_problems.id", ondelete="CASCADE"), primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("studio_activities.id", ondelete="CASCADE"), primary_key=True)


class DuesAssessment(VersionedMixin, CommunityOwned, TimestampMixin, Base):
    """核定: a member's monthly dues for a year, from a month on. Fixed at the year's start; a change the
    secretary records during the year is a new row from its month, and the earlier months keep theirs."""

    __tablename__ = "dues_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    from_month: Mapped[int] = mapped_column(Integer)
    category: Mapped[DuesCategory] = mapped_column(enum_column(DuesCategory))
    base: Mapped[Decimal | None] = mapped_column(Money)  # personal data: masked in lists, never in the 公示
    monthly_amount: Mapped[Decimal] = mapped_column(Money)
    decided_on: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("member_id", "year", "from_month"),
        # A year's 核定 for the 党费 grid, read from the index alone.
        Index("ix_dues_assessments_year", "year", "member_id", "from_month", "monthly_amount", "community_id"),
    )


class DuesPayment(CommunityOwned, TimestampMixin, SoftDeleteMixin, Base):
    """One month's dues paid (or a 自愿多交, month 0), with when, how and who collected it."""

    __tablename__ = "dues_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    way: Mapped[DuesPaymentWay] = mapped_column(enum_column(DuesPaymentWay))
    kind: Mapped[DuesPaymentKind] = mapped_column(enum_column(DuesPaymentKind))
    collector: Mapped[str] = mapped_column(String(50), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        # By year, member and month, with what the 党费 grid sums: its payments are read from the index alone.
        Index("ix_dues_payments_ledger", "year", "member_id", "month", "deleted_at", "amount", "community_id"),
    )


class DuesRelief(CommunityOwned, TimestampMixin, SoftDeleteMixin, Base):
    """减免: a reduced or waived amount for some months, with the branch's decision and the approval above it."""

    __tablename__ = "dues_reliefs"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    from_month: Mapped[int] = mapped_column(Integer)
    to_month: Mapped[int] = mapped_column(Integer)
    monthly_amount: Mapped[Decimal] = mapped_column(Money)  # 0: waived
    reason: Mapped[str] = mapped_column(Text)
    branch_decision_date: Mapped[dt.date] = mapped_column(Date)
    approved_by: Mapped[str] = mapped_column(String(100))  # 上级党委
    approval_date: Mapped[dt.date] = mapped_column(Date)
    document_no: Mapped[str] = mapped_column(String(50))


class StreetUnit(TimestampMixin, Base):
    """街道 mode: a community the street office expects packages from."""

    __tablename__ = "street_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # 停用: no longer expected to report (merged, dissolved); kept because packages from it were imported.
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class StreetPackage(Base):
    """街道 mode: one imported data package. The current one of a unit and period has no `replaced_by_id`;
    the older ones stay as its history."""

    __tablename__ = "street_packages"
    __table_args__ = (UniqueConstraint("unit_code", "period", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(30), index=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(30))  # as parsed by Period.parse: 2026Q3, 2026-07, 2026
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    sequence: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)  # when the community made it
    program_version: Mapped[str] = mapped_column(String(30))
    format_version: Mapped[int] = mapped_column(Integer)
    includes_names: Mapped[bool] = mapped_column(Boolean)
    file_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("street_packages.id", ondelete="SET NULL"), default=None
    )
    content: Mapped[dict[str, Any]] = mapped_column(JSON)  # the parts, in the current format's shape


class AppSetting(Base):
    """Settings kept with the data (the reminders' thresholds), as JSON values by key."""

    __tablename__ = "app_settings"

    # As meeting_norms: keyed (community_id, key) in the table, by key in the program.
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="RESTRICT"), primary_key=True, server_default=FetchedValue()
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)

    __mapper_args__ = {"primary_key": [key]}  # noqa: RUF012 (SQLAlchemy reads it, never changes it)
