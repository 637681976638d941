"""谈心谈话 coverage for a year (pure).

《中国共产党支部工作条例（试行）》第十九条: "党支部应当经常开展谈心谈话。党支部委员之间、党支部委员和党员之间、
党员和党员之间，每年谈心谈话一般不少于1次。"
A branch of 600 members cannot track 3,000 pairs, so the program checks what a secretary can act on:
- the 支部委员 with each other, pair by pair (those who served together in the year);
- every member with at least one 支部委员: the 书记 by default, any 支部委员 when the 谈话覆盖 page says so;
- member-with-member talks are counted, not required pair by pair.
Who belonged is the membership-on-a-day rule (a talk's participants are refused when they did not belong on its
day, so every recorded talk counts); who is expected is who belongs on the day the coverage is read for (a
member who joined in November owes talks from then, one who left is not listed). A talk on 31 December counts for
its year. Who sat on the 支部委员会 when is each member's term (任支委起止), not today's committee alone.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

SECRETARY_ROLE = "书记"
# Whom each member must have talked with: the 书记 (the default), or any 支部委员.
WITH_SECRETARY, WITH_COMMITTEE = "secretary", "committee"
PARTNER_LABELS = {WITH_SECRETARY: "书记", WITH_COMMITTEE: "任一支部委员"}
REMIND_FROM_MONTH = 10  # the 工作台 reminds from the fourth quarter


@dataclass(frozen=True)
class TalkMember:
    id: int
    name: str
    group: str
    is_committee: bool
    role: str
    committee_from: dt.date | None
    committee_until: dt.date | None

    def on_committee_within(self, start: dt.date, end: dt.date) -> bool:
        """Served on the committee on some day between start and end. A term's end with no start: served until then;
        a member marked 支委 now with no dates: serving throughout."""
        if not self.is_committee and self.committee_until is None:
            return False
        began = self.committee_from or dt.date.min
        ended = self.committee_until or dt.date.max
        return began <= end and ended >= start


@dataclass(frozen=True)
class Coverage:
    year: int
    partner: str  # WITH_SECRETARY or WITH_COMMITTEE
    committee_pairs: list[tuple[str, str, bool]]  # (name, name, talked), in roster order
    members_without: list[TalkMember]  # expected members with no talk with the required partner yet
    members_expected: int  # the members who owe a talk with a partner
    member_member_talks: int  # talks among members none of whom sat on the committee then
    talks: int
    partner_ids: frozenset[int]  # the members one must have talked with (none: no 书记 is recorded)

    @property
    def pairs_done(self) -> int:
        return sum(1 for *_, talked in self.committee_pairs if talked)

    @property
    def committee_share(self) -> float | None:
        return self.pairs_done / len(self.committee_pairs) if self.committee_pairs else None

    @property
    def member_share(self) -> float | None:
        covered = self.members_expected - len(self.members_without)
        return covered / self.members_expected if self.members_expected else None


def coverage(
    year: int,
    members: Sequence[TalkMember],
    expected_ids: set[int],
    talks: Sequence[tuple[dt.date, frozenset[int]]],
    partner: str = WITH_SECRETARY,
    as_of: dt.date | None = None,
) -> Coverage:
    """`members`: everyone who belonged in the year, in roster order; `expected_ids`: those who belong on the day
    read for; `talks`: the year's talks up to that day as (day, participant ids); `as_of`: the day read for (the
    year's end when not given), so a 支委 whose term begins after it is not yet owed a talk."""
    start, end = dt.date(year, 1, 1), min(dt.date(year, 12, 31), as_of or dt.date.max)
    committee = [m for m in members if m.on_committee_within(start, end)]
    talked_pairs = {frozenset(pair) for _, people in talks for pair in itertools.combinations(sorted(people), 2)}
    pairs = []
    for first, second in itertools.combinations(committee, 2):
        served_together = max(first.committee_from or start, second.committee_from or start) <= min(
            first.committee_until or end, second.committee_until or end
        )
        if served_together:
            pairs.append((first.name, second.name, frozenset((first.id, second.id)) in talked_pairs))
    partners = {m.id for m in committee if partner == WITH_COMMITTEE or m.role.strip() == SECRETARY_ROLE}
    # Who owes a talk with a partner: every member of the day, but the one partner cannot talk with themself.
    owing = [m for m in members if m.id in expected_ids and not (m.id in partners and len(partners) == 1)]
    # Whom each partner talked with (thousands of members: a set each, not a pair per member and partner).
    talked_with: dict[int, set[int]] = {partner_id: set() for partner_id in partners}
    for _, people in talks:
        for partner_id in people & partners:
            talked_with[partner_id].update(people)
    without = [m for m in owing if not any(m.id in talked_with[other] for other in partners if other != m.id)]
    committee_ids = {m.id for m in committee}
    member_member = sum(1 for _, people in talks if not people & committee_ids)
    return Coverage(year, partner, pairs, without, len(owing), member_member, len(talks), frozenset(partners))
