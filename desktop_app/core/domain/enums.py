"""Enumerations stored in the database, each value with its Chinese label beside it."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Self


class LabeledEnum(enum.StrEnum):
    """A string enum whose members are declared as `NAME = "value", "中文标签"`."""

    label: str

    if TYPE_CHECKING:  # members are declared as (value, label) pairs; a checker would take the pair for the value

        @property
        def value(self) -> str: ...

    else:  # and would read `MemberType("full")`, a lookup by value, as a call of this

        def __new__(cls, value: str, label: str) -> Self:
            member = str.__new__(cls, value)
            member._value_ = value
            member.label = label
            return member


class Gender(LabeledEnum):
    MALE = "male", "男"
    FEMALE = "female", "女"


class ResidentStatus(LabeledEnum):
    ACTIVE = "active", "在册"
    MOVED_AWAY = "moved_away", "已迁出"
    DECEASED = "deceased", "已故"


class MemberType(LabeledEnum):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class MemberStatus(LabeledEnum):
    ACTIVE = "active", "在册"
    TRANSFERRED = "transferred", "已转出"


class CareStatus(LabeledEnum):
    PLANNED = "planned", "计划"
    DONE = "done", "已完成"
    FOLLOW_UP = "follow_up", "需回访"


class PracticeStatus(LabeledEnum):
    TODO = "todo", "未开始"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"


class TalkWay(LabeledEnum):
    """How a 谈心谈话 was held."""

    FACE = "face", "面谈"
    PHONE = "phone", "电话"
    HOME = "home", "上门"


class TransferDirection(LabeledEnum):
    """组织关系转接: into this branch or out of it."""

    IN = "in", "转入"
    OUT = "out", "转出"


class MobileParticipation(LabeledEnum):
    """How a 流动党员 takes part in 组织生活 while away."""

    RETURNS = "returns", "回原支部参加"
    HOST = "host", "在流入地参加"
    ONLINE = "online", "线上参加"


class ReviewGrade(LabeledEnum):
    """民主评议党员: the branch's 评定."""

    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASIC = "basic", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class ReviewDisposal(LabeledEnum):
    """What the branch decided for a member judged 不合格."""

    CORRECT = "correct", "限期改正"
    PERSUADE = "persuade", "劝其退党"
    REMOVE = "remove", "除名"


class ReviewBody(LabeledEnum):
    """The meeting that decided the 评定."""

    GENERAL_ASSEMBLY = "general_assembly", "支部大会"
    COMMITTEE = "committee", "支委会"


class MeetingKind(LabeledEnum):
    GENERAL_ASSEMBLY = "general_assembly", "支部党员大会"
    COMMITTEE = "committee", "支部委员会会议"
    GROUP_MEETING = "group_meeting", "党小组会"
    PARTY_LESSON = "party_lesson", "党课"
    THEME_DAY = "theme_day", "主题党日"
    ORG_LIFE = "org_life", "组织生活会"
    MEMBER_REVIEW = "member_review", "民主评议党员"


class AttendanceStatus(LabeledEnum):
    PRESENT = "present", "出席"
    ON_LEAVE = "on_leave", "请假"
    ABSENT = "absent", "缺席"


class NormPeriod(LabeledEnum):
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"
    YEAR = "year", "每年"


class AuditAction(LabeledEnum):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除到回收站"
    UNDO = "undo", "撤销误记"  # a 党费 entry taken back the day it was made: kept out of the ledger, not in the 回收站
    RESTORE = "restore", "从回收站恢复"
    PURGE = "purge", "永久删除"
    IMPORT = "import", "导入"
    EXPORT = "export", "导出"
    RESTORE_BACKUP = "restore_backup", "从备份恢复"
    BACKUP = "backup", "备份"
    SECURITY = "security", "安全"


class StudioActivityKind(LabeledEnum):
    MENTORING = "mentoring", "带教"
    SEMINAR = "seminar", "研讨"
    QA = "qa", "答疑"
    VISIT = "visit", "走访"
    OTHER = "other", "其他"


class ProblemStatus(LabeledEnum):
    PENDING = "pending", "待研究"
    DISCUSSING = "discussing", "研讨中"
    RESOLVED = "resolved", "已解决"
    TRANSFERRED = "transferred", "转交"

    @property
    def is_open(self) -> bool:
        return self in (ProblemStatus.PENDING, ProblemStatus.DISCUSSING)


class DuesCategory(LabeledEnum):
    """缴费类别: which rule of the 党费 standard sets a member's monthly dues."""

    EMPLOYED = "employed", "在职"
    RETIRED = "retired", "离退休"
    STUDENT = "student", "学生"
    UNEMPLOYED = "unemployed", "下岗失业"
    RELIEF = "relief", "依靠抚恤或救济生活"
    MINIMUM_LIVING = "minimum_living", "低保"
    FARMER = "farmer", "农民"
    PAYS_AT_WORK = "pays_at_work", "在单位缴纳（在职党员双报到）"


class DuesPaymentWay(LabeledEnum):
    CASH = "cash", "现金"
    TRANSFER = "transfer", "转账"
    DEDUCTED = "deducted", "代缴（工资扣缴）"


class DuesPaymentKind(LabeledEnum):
    REGULAR = "regular", "按月缴纳"
    CATCH_UP = "catch_up", "补缴"
    ADVANCE = "advance", "预交"
    VOLUNTARY = "voluntary", "自愿多交"
    CORRECTION = "correction", "更正冲销"  # a month's payments reversed later, with the reason; never a rewrite
