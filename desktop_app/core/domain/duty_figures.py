"""The yearly duties a community's package carries up to the street office, and how the street shows them (pure).

A package carries the year its period ends in, as of the period's last day (a period still running: the day the
package was made), one section per duty:
- 民主评议: how many members the year's review listed and how many were rated, and the count of each 评定
  (domain.reviews); none while the year's 民主评议党员 meeting has not been held by that day;
- 谈心谈话: the coverage as the 谈话覆盖 page computes it (domain.talks): the 支委 pair by pair, the members with the
  书记 (or any 支委, each community's own setting), the talks among members and all the talks of the year;
- 六个月提醒 (党章 第九条, domain.lapses): how many members are four months or more, and six or more, into a run
  without 组织生活 or without 党费. A street office is the 上级党组织 that approves a 除名 under 第九条: the
  numbers tell it which communities to help before a member reaches six months. Counts only, never names;
- 组织关系转接 (domain.transfers): the year's 转入 and 转出 up to that day, and the 转出 whose 回执 was overdue on it;
- 流动党员 (domain.mobile): the members away on that day, those taking part in 组织生活 elsewhere, those at a fixed
  place six months or more (advised to transfer their 组织关系) and those not reached for QUIET_DAYS.

A section is a dataclass of whole numbers, added up field by field for the street's 合计, with the columns it
shows (a share is worked out from two counts, so a 合计 is the street's own share, not an average of shares).
In the package's `duties` part a section is absent when the program that made the package did not carry it (an
older format: 旧版数据包无此项), and null when there was nothing to count yet (no 民主评议 held). One more duty is
one more section here (a class and its place in SECTIONS) and its read in exchange.packages.contents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, ClassVar, Self

from desktop_app.core.domain.enums import ReviewGrade
from desktop_app.core.domain.lapses import RULE_MONTHS, WARN_FROM
from desktop_app.core.domain.mobile import QUIET_DAYS, TRANSFER_ADVICE_MONTHS
from desktop_app.core.domain.transfers import RECEIPT_MONTHS

PART = "duties"  # the package's part (added by format 2)
NOT_REPORTED = "未报"  # no package of the period from the community
NOT_CARRIED = "旧版数据包无此项"  # its package was made by a program that did not carry the section

Cell = int | float | None


def share(done: int, due: int) -> float | None:
    return done / due if due else None


@dataclass(frozen=True)
class Shown:
    """A column of a section: its heading, in short lines ("支委之间\n应谈对数"), and how its cell is read."""

    heading: str
    value: Callable[[Any], Cell]
    percent: bool = False  # a share of two counts


def counted(heading: str, name: str) -> Shown:
    return Shown(heading, attrgetter(name))


@dataclass(frozen=True)
class Counts:
    """A duty's whole numbers for one community (or the street's 合计 of them)."""

    KEY: ClassVar[str]  # its name in the package's duties part
    TITLE: ClassVar[str]
    EXPLAINED: ClassVar[str]  # what the numbers are, in a line
    NONE_TEXT: ClassVar[str] = ""  # why a community has nothing to count (its section is null)
    COLUMNS: ClassVar[tuple[Shown, ...]]

    def __add__(self, other: Self) -> Self:
        return type(self)(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def cells(self) -> tuple[Cell, ...]:
        return tuple(column.value(self) for column in self.COLUMNS)

    def to_json(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        return cls(**{f.name: int(data[f.name]) for f in fields(cls)})


@dataclass(frozen=True)
class ReviewCounts(Counts):
    KEY = "reviews"
    TITLE = "民主评议"
    EXPLAINED = "人数：各居民区当年民主评议党员会议当天在册的党员（名单人数），其中已作出评定的和评为各等次的。"
    NONE_TEXT = "当年尚未开展民主评议"

    listed: int
    rated: int
    # one field per 评定, named by the grade's value
    excellent: int
    qualified: int
    basic: int
    unqualified: int

    COLUMNS = (
        counted("名单\n人数", "listed"),
        counted("已评定\n人数", "rated"),
        *(counted(grade.label, grade.value) for grade in ReviewGrade),
    )

    @classmethod
    def of(cls, listed: int, grades: Mapping[ReviewGrade, int]) -> Self:
        return cls(listed=listed, rated=sum(grades.values()), **{grade.value: grades[grade] for grade in ReviewGrade})


@dataclass(frozen=True)
class TalkCounts(Counts):
    KEY = "talks"
    TITLE = "谈心谈话"
    EXPLAINED = (
        "支部委员两两之间、每名党员与书记（或居民区设定的任一支部委员）是否已谈过（《中国共产党支部工作条例（试行）》"
        "第十九条，每年一般不少于1次）；党员之间的谈话只计次数。"
    )

    pairs_due: int
    pairs_done: int
    members_due: int
    members_done: int
    member_talks: int  # talks among members none of whom sat on the committee
    talks: int

    COLUMNS = (
        counted("支委之间\n应谈对数", "pairs_due"),
        counted("支委之间\n已谈对数", "pairs_done"),
        Shown("支委之间\n覆盖率", lambda c: share(c.pairs_done, c.pairs_due), percent=True),
        counted("党员\n应谈人数", "members_due"),
        counted("党员\n已谈人数", "members_done"),
        Shown("党员\n覆盖率", lambda c: share(c.members_done, c.members_due), percent=True),
        counted("党员之间\n谈话次数", "member_talks"),
        counted("全年\n谈话次数", "talks"),
    )


@dataclass(frozen=True)
class LapseCounts(Counts):
    KEY = "lapses"
    TITLE = "六个月提醒"
    EXPLAINED = (
        f"《中国共产党章程》第九条：党员无正当理由连续{RULE_MONTHS}个月不参加组织生活或不交纳党费，被认为是自行脱党。"
        f"各居民区从第{WARN_FROM}个月起提醒，尽早联系本人。表中是连续未参加、未缴的党员人数（不含姓名）。"
    )

    members: int
    meetings_warned: int
    meetings_reached: int
    dues_warned: int
    dues_reached: int

    COLUMNS = (
        counted("党员\n人数", "members"),
        counted(f"未参加组织\n生活满{WARN_FROM}个月", "meetings_warned"),
        counted(f"其中\n满{RULE_MONTHS}个月", "meetings_reached"),
        counted(f"未缴党费\n满{WARN_FROM}个月", "dues_warned"),
        counted(f"其中\n满{RULE_MONTHS}个月", "dues_reached"),
    )


@dataclass(frozen=True)
class TransferCounts(Counts):
    KEY = "transfers"
    TITLE = "组织关系转接"
    EXPLAINED = (
        f"当年截至数据日的转入、转出人数；转出满{RECEIPT_MONTHS}个月仍未收到回执的（开具介绍信的转出），按数据日计。"
    )

    transfers_in: int
    transfers_out: int
    receipts_overdue: int

    COLUMNS = (
        counted("转入\n人数", "transfers_in"),
        counted("转出\n人数", "transfers_out"),
        counted(f"转出满{RECEIPT_MONTHS}个月\n未收回执", "receipts_overdue"),
    )


@dataclass(frozen=True)
class MobileCounts(Counts):
    KEY = "mobile"
    TITLE = "流动党员"
    EXPLAINED = (
        f"数据日在外的流动党员：其中在流入地或线上参加组织生活的，在固定地点满{TRANSFER_ADVICE_MONTHS}个月"
        f"（应转接组织关系）的，{QUIET_DAYS}天以上未联系的。"
    )

    away: int
    elsewhere: int
    transfer_advised: int
    quiet: int

    COLUMNS = (
        counted("在外\n人数", "away"),
        counted("在流入地或\n线上参加", "elsewhere"),
        counted(f"固定地点满\n{TRANSFER_ADVICE_MONTHS}个月", "transfer_advised"),
        counted(f"{QUIET_DAYS}天以上\n未联系", "quiet"),
    )


SECTIONS: tuple[type[Counts], ...] = (ReviewCounts, TalkCounts, LapseCounts, TransferCounts, MobileCounts)


def to_part(year: int, as_of: dt.date, sections: Mapping[str, Counts | None]) -> dict[str, Any]:
    """The package's `duties` part."""
    return {
        "year": year,
        "as_of": as_of.isoformat(),
        **{key: None if counts is None else counts.to_json() for key, counts in sections.items()},
    }


@dataclass(frozen=True)
class DutyRow:
    """One community's section as the street shows it: its counts, or the words saying why there are none."""

    as_of: dt.date | None
    counts: Counts | None
    note: str  # 未报, 旧版数据包无此项, or the section's NONE_TEXT; "" with counts


@dataclass(frozen=True)
class DutyFigures:
    """A package's `duties` part as read by the street (an older package's is empty: every section not carried)."""

    year: int | None
    as_of: dt.date | None
    sections: Mapping[str, Any]

    @classmethod
    def from_part(cls, part: Mapping[str, Any]) -> DutyFigures:
        as_of = part.get("as_of")
        return cls(part.get("year"), dt.date.fromisoformat(as_of) if as_of else None, part)

    def row(self, section: type[Counts]) -> DutyRow:
        if section.KEY not in self.sections:
            return DutyRow(self.as_of, None, NOT_CARRIED)
        data = self.sections[section.KEY]
        if data is None:
            return DutyRow(self.as_of, None, section.NONE_TEXT)
        return DutyRow(self.as_of, section.from_json(data), "")


def duty_row(figures: DutyFigures | None, section: type[Counts]) -> DutyRow:
    """A community's row of a section; `figures` None: nothing reported for the period."""
    return DutyRow(None, None, NOT_REPORTED) if figures is None else figures.row(section)


def total(rows: Sequence[DutyRow]) -> Counts | None:
    """The street's 合计 of the communities that have counts (None: none has)."""
    found = [row.counts for row in rows if row.counts is not None]
    if not found:
        return None
    summed = found[0]
    for counts in found[1:]:
        summed = summed + counts
    return summed
