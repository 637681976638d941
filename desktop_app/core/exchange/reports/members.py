"""党员花名册: the roster as of the period's end."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from desktop_app.core.domain.day_text import chinese_date
from desktop_app.core.domain.enums import Gender, MemberStatus, MemberType
from desktop_app.core.domain.masking import mask_id_number, mask_phone
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.reports.base import C, ExportOptions, Progress, Report, all_rows, live
from desktop_app.core.exchange.reports.workbook import ReportBook, ReportColumn
from desktop_app.core.storage.models import Member, PartyGroup


class MembersReport(Report):
    kind = "members"
    title = "党员名册"
    model = Member
    COLUMNS = (
        ReportColumn("序号", C.INDEX),
        ReportColumn("姓名", width=10),
        ReportColumn("性别", width=6),
        ReportColumn("出生日期", C.DATE),
        ReportColumn("入党日期", C.DATE),
        ReportColumn("党员类别", width=10),
        ReportColumn("党小组"),
        ReportColumn("支委职务"),
        ReportColumn("联系电话", C.CODE),
        ReportColumn("身份证号", C.CODE),
    )

    def heading(self, community: str, period: Period) -> str:
        return f"{community}{self.title}（截至{chinese_date(period.end)}）"  # a roster is as of a day

    def _where(self, period: Period) -> list[Any]:
        # The roster as of the period's end: members who had joined by then and are still registered.
        joined = (Member.join_date.is_(None)) | (Member.join_date <= period.end)
        return [live(Member), Member.status == MemberStatus.ACTIVE, joined]

    def write(self, book: ReportBook, heading: str, period: Period, options: ExportOptions, progress: Progress) -> int:
        sheet = book.sheet("党员名册", heading, self.COLUMNS)
        stmt = (
            select(
                Member.name,
                Member.gender,
                Member.birth_date,
                Member.join_date,
                Member.member_type,
                PartyGroup.name.label("group"),
                Member.committee_role,
                Member.phone,
                Member.id_number,
            )
            .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
            .where(*self._where(period))
            .order_by(PartyGroup.name, Member.name_pinyin)
        )
        written = 0
        with self.db.read_session() as session:
            for row in all_rows(session, stmt):
                written += 1
                phone = row.phone if options.unmasked else mask_phone(row.phone)
                id_number = row.id_number if options.unmasked else mask_id_number(row.id_number)
                sheet.write_row(
                    (
                        written,
                        row.name,
                        Gender(row.gender).label if row.gender else "",
                        row.birth_date,
                        row.join_date,
                        MemberType(row.member_type).label,
                        row.group,
                        row.committee_role,
                        phone,
                        id_number,
                    )
                )
        sheet.finish()
        return written
