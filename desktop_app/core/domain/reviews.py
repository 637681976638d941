"""民主评议党员 (pure): the grades counted, and the 优秀 share checked against the branch's own upper limit.

《中国共产党支部工作条例（试行）》第十八条: "党支部一般每年开展1次民主评议党员", by 个人自评, 党员互评 and 民主测评,
then the 支部委员会会议 or 党员大会 "提出评定意见". The 评定 are 优秀 / 合格 / 基本合格 /
不合格; a member judged 不合格 is dealt with by the branch (限期改正, 劝其退党 or 除名; 《中国共产党章程》第九条).
A limit on the share of 优秀 is local practice: off unless the branch sets one, and then a warning, never a refusal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from desktop_app.core.domain.enums import ReviewGrade


def grade_counts(grades: Iterable[ReviewGrade | None]) -> dict[ReviewGrade, int]:
    """How many members have each grade (every grade present, 0 where none)."""
    found = Counter(grade for grade in grades if grade is not None)
    return {grade: found[grade] for grade in ReviewGrade}


def excellent_warning(counts: dict[ReviewGrade, int], listed: int, limit_percent: int | None) -> str:
    """The words of the warning when 优秀 exceeds the branch's limit (empty: within it, or no limit set)."""
    if not limit_percent or not listed:
        return ""
    excellent = counts[ReviewGrade.EXCELLENT]
    if excellent * 100 <= limit_percent * listed:
        return ""
    return f"评为优秀的有 {excellent} 人，占参评党员 {excellent / listed:.0%}，超过本支部设定的 {limit_percent}%"
