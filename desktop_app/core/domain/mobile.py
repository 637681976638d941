"""流动党员 (pure): who is away, who should transfer their 组织关系, and which months a member took part elsewhere.

- A member away six months or more at a fixed place should move their 组织关系 to the 流入地 (中组部's 流动党员
  rules: 长期外出、地点相对固定的 transfer their 正式组织关系; a 流动党员活动证 serves the others). The program
  reminds from the same day six calendar months after the 外出日期 while the member is away, the place is fixed,
  and they have not come back; it never moves anything itself.
- A month in which a 流动党员 was away (any day of it between 外出 and 返回) and takes part in 组织生活 at the 流入地
  or online is shown as such by the six-month warning (domain.lapses.Mark.ELSEWHERE), not as absent.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from desktop_app.core.domain.enums import MobileParticipation
from desktop_app.core.domain.transfers import months_later

TRANSFER_ADVICE_MONTHS = 6
QUIET_DAYS = 90  # the 工作台 marks a 流动党员 not reached for this long

Month = tuple[int, int]


class Away(NamedTuple):
    """One time away of a member."""

    record_id: int
    member_id: int
    name: str
    left_on: dt.date
    returned_on: dt.date | None
    place: str
    fixed_place: bool
    participation: MobileParticipation
    last_contact: dt.date | None

    def away_on(self, day: dt.date) -> bool:
        return self.left_on <= day and (self.returned_on is None or day < self.returned_on)

    def away_in(self, first: dt.date, last: dt.date) -> bool:
        """Away on some day between `first` and `last`."""
        return self.left_on <= last and (self.returned_on is None or self.returned_on > first)

    @property
    def elsewhere(self) -> bool:
        """Takes part in 组织生活 away from the branch's own meetings."""
        return self.participation is not MobileParticipation.RETURNS


def transfer_advised(away: Away, today: dt.date) -> bool:
    return away.fixed_place and away.away_on(today) and today >= months_later(away.left_on, TRANSFER_ADVICE_MONTHS)


def contact_text(away: Away, today: dt.date) -> str:
    if away.last_contact is None:
        return "尚无联系记录"
    days = (today - away.last_contact).days
    return f"最近联系 {away.last_contact:%Y-%m-%d}（{days} 天前）" if days > 0 else "今天联系过"


def quiet(away: Away, today: dt.date) -> bool:
    """Not reached for QUIET_DAYS (or never since leaving that long ago)."""
    since = away.last_contact or away.left_on
    return (today - since).days >= QUIET_DAYS
