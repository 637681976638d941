"""流动党员情况表: every 流动党员 away on some day of the period, where, how they take part in 组织生活, the
流入地党组织 and 活动证, how to reach them (the phone masked unless chosen otherwise), the last contact, and
whether the rules ask for a transfer of the 组织关系 (six months or more at a fixed place, see domain.mobile)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, or_, select

from desktop_app.core.domain.enums import MobileParticipation
from desktop_app.core.domain.masking import mask_phone
from desktop_app.core.domain.mobile import TRANSFER_ADVICE_MONTHS
from desktop_app.core.domain.periods import Period
from desktop_app.core.domain.transfers import months_later
from desktop_app.core.exchange.reports.base import C, ExportOptions, Progress, Report, all_rows, live
from desktop_app.core.exchange.reports.workbook import ReportBook, ReportColumn
from desktop_app.core.storage.models import Member, MobileMember

ADVICE = f"外出满 {TRANSFER_ADVICE_MONTHS} 个月且地点固定，应转移组织关系"


class MobileMembersReport(Report):
    kind = "mobile"
    title = "流动党员情况表"
    model = MobileMember
    COLUMNS = (
        ReportColumn("序号", C.INDEX),
        ReportColumn("姓名", width=10),
        ReportColumn("外出日期", C.DATE),
        ReportColumn("外出地点", C.LONG_TEXT, width=24),
        ReportColumn("地点固定", width=6),
        ReportColumn("参加组织生活", width=12),
        ReportColumn("流入地党组织", C.LONG_TEXT, width=22),
        ReportColumn("活动证编号", C.CODE, width=14),
        ReportColumn("联系电话", C.CODE, width=13),
        ReportColumn("最近联系", C.DATE),
        ReportColumn("返回日期", C.DATE),
        ReportColumn("备注", C.LONG_TEXT, width=20),
    )

    def _where(self, period: Period) -> list[Any]:
        """Away on some day of the period, not in the 回收站."""
        m = MobileMember
        return [live(m), m.left_on <= period.end, or_(m.returned_on.is_(None), m.returned_on > period.start)]

    def count(self, period: Period) -> int:
        with self.db.read_session() as session:
            return session.scalar(select(func.count(MobileMember.id)).where(*self._where(period))) or 0

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        m = MobileMember
        stmt = (
            select(Member.name, m)
            .join(Member, Member.id == m.member_id)
            .where(*self._where(period), live(Member))
            .order_by(m.left_on, Member.name_pinyin)
        )
        with self.db.read_session() as session:
            rows = all_rows(session, stmt)
        as_of = min(period.end, dt.date.today())
        sheet = book.sheet("流动党员", heading, self.COLUMNS)
        for number, (name, away) in enumerate(rows, start=1):
            still_away = away.returned_on is None or away.returned_on > as_of
            advised = away.fixed_place and still_away and as_of >= months_later(away.left_on, TRANSFER_ADVICE_MONTHS)
            sheet.write_row(
                (
                    number,
                    name,
                    away.left_on,
                    away.place,
                    "是" if away.fixed_place else "否",
                    MobileParticipation(away.participation).label,
                    away.host_organisation,
                    away.card_no,
                    away.contact if options.unmasked else mask_phone(away.contact),
                    away.last_contact,
                    away.returned_on,
                    "，".join(filter(None, (ADVICE if advised else "", away.notes))),
                )
            )
        if rows:
            ways = {way: sum(1 for _, a in rows if a.participation is way) for way in MobileParticipation}
            words = "，".join(f"{way.label} {n} 人" for way, n in ways.items() if n)
            sheet.write_row(
                ("合计", f"{len(rows)} 人", None, words, None, None, None, None, None, None, None, None), True
            )
        sheet.finish()
        progress(len(rows), len(rows))
        return len(rows)
