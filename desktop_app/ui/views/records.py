"""The record views: what each kind filters on and which form edits it."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QSize
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout

from desktop_app.core.domain.enums import (
    CareStatus,
    MeetingKind,
    MemberStatus,
    MemberType,
    MobileParticipation,
    PracticeStatus,
    ResidentStatus,
    TalkWay,
)
from desktop_app.core.services.care import CareCategoryService, CareService
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.mobile import MobileMemberService
from desktop_app.core.services.people import MemberService, PartyGroupService, ResidentService
from desktop_app.core.services.talks import TalkService
from desktop_app.core.services.visits import VisitService
from desktop_app.ui.forms.base import S
from desktop_app.ui.forms.care import CareForm
from desktop_app.ui.forms.meetings import MeetingForm
from desktop_app.ui.forms.mobile import MobileMemberForm
from desktop_app.ui.forms.people import MemberForm, PartyGroupForm, ResidentForm
from desktop_app.ui.forms.talks import TalkForm
from desktop_app.ui.forms.visits import VisitForm
from desktop_app.ui.kit import file_dialogs, prompts
from desktop_app.ui.kit.dialog_buttons import standard_buttons
from desktop_app.ui.kit.file_dialogs import FileKind
from desktop_app.ui.kit.formatting import iso_date
from desktop_app.ui.kit.operations import attempt
from desktop_app.ui.kit.screen import fit_to_screen
from desktop_app.ui.views.filters import ChoiceFilter, DateRangeFilter, QueryFilter, by_key, enum_values
from desktop_app.ui.views.record_view import RecordView


class CareView(RecordView[CareService]):
    title = "关怀记录"
    form_class = CareForm
    search_hint = "搜索对象姓名、拼音首字母、住址、内容、备注（Ctrl+F）"

    def make_service(self) -> CareService:
        return CareService(self.context.db)

    def make_filters(self) -> list[QueryFilter]:
        categories = CareCategoryService(self.context.db).choices()
        return [
            DateRangeFilter(),
            ChoiceFilter("全部类别", by_key("category_id", categories)),
            ChoiceFilter("全部状态", by_key("status", enum_values(CareStatus))),
        ]


class VisitView(RecordView[VisitService]):
    title = "学习考察"
    form_class = VisitForm
    search_hint = "搜索考察地点、组织者、亮点、启发（Ctrl+F）"

    def make_service(self) -> VisitService:
        return VisitService(self.context.db)

    def make_filters(self) -> list[QueryFilter]:
        return [DateRangeFilter(), ChoiceFilter("全部举措进展", by_key("practice_status", enum_values(PracticeStatus)))]


class TalkView(RecordView[TalkService]):
    title = "谈心谈话"
    form_class = TalkForm
    search_hint = "搜索主题（Ctrl+F）"

    def make_service(self) -> TalkService:
        return TalkService(self.context.db)

    def make_filters(self) -> list[QueryFilter]:
        members = MemberService(self.context.db).choices()
        return [
            DateRangeFilter(),
            ChoiceFilter("全部方式", by_key("way", enum_values(TalkWay))),
            ChoiceFilter("全部党员", by_key("member_id", members)),
        ]


class MobileMemberView(RecordView[MobileMemberService]):
    title = "流动党员"
    form_class = MobileMemberForm
    wide_columns = ("place", "host_organisation")
    search_hint = "搜索外出地点、流入地党组织、活动证编号、备注（Ctrl+F）"

    def make_service(self) -> MobileMemberService:
        return MobileMemberService(self.context.db)

    def make_filters(self) -> list[QueryFilter]:
        members = MemberService(self.context.db).choices()
        return [
            ChoiceFilter("全部（含已返回）", by_key("away", [("away", "外出中"), ("back", "已返回")])),
            ChoiceFilter("全部参加方式", by_key("participation", enum_values(MobileParticipation))),
            ChoiceFilter("全部党员", by_key("member_id", members)),
        ]


class MeetingView(RecordView[MeetingService]):
    title = "三会一课"
    form_class = MeetingForm
    wide_columns = ("topic", "place")
    search_hint = "搜索主题、主持人、记录人、地点、内容（Ctrl+F）"

    def make_service(self) -> MeetingService:
        return MeetingService(self.context.db)

    def make_filters(self) -> list[QueryFilter]:
        groups = PartyGroupService(self.context.db).choices()
        return [
            DateRangeFilter(),
            ChoiceFilter("全部会议类别", by_key("kind", enum_values(MeetingKind))),
            ChoiceFilter("全部党小组", by_key("group_id", groups)),
        ]

    def add_toolbar_actions(self) -> None:
        self.toolbar.addSeparator()
        self._action("打印…", QKeySequence(QKeySequence.StandardKey.Print), self.print_records)
        self._action("导出PDF…", None, self.export_pdf)

    def records_to_print(self) -> list[int]:
        """The selected meetings; with none selected, every meeting the list shows (e.g. a year, for binding)."""
        ids = self.selected_ids()
        if ids:
            return ids
        listed = [self.model.record_id(row) for row in range(self.model.rowCount())]
        if listed and self.ask(f"没有选中会议。要把列表中的全部 {len(listed)} 次会议各印一页吗？"):
            return list(reversed(listed)) if self.model.query.descending else listed
        return []

    def print_records(self) -> None:
        from desktop_app.ui.dialogs.meeting_print import print_meetings

        ids = self.records_to_print()
        if ids:
            attempt(self, lambda: print_meetings(self, self.service, ids))

    def export_pdf(self) -> None:
        from desktop_app.ui.dialogs.meeting_print import export_meeting_pdf

        ids = self.records_to_print()
        if not ids:
            return
        suggested = meeting_pdf_name(self.service.meeting_dates_and_topics(ids))
        path = file_dialogs.save_file(
            self, self.context.settings, FileKind.MEETING_PDF, "导出会议记录PDF", suggested, "PDF 文件 (*.pdf)", ".pdf"
        )
        if path:
            self.pdf_task = export_meeting_pdf(
                self,
                self.service,
                ids,
                path,
                lambda written: self.show_status(f"已导出 {len(ids)} 页会议记录：{written}"),
            )


def meeting_pdf_name(meetings: list[tuple[dt.date, str]]) -> str:
    """2024-03-05学习党章会议记录.pdf; several meetings: 2024-01-05至2024-12-20会议记录（12次）.pdf."""
    if len(meetings) == 1:
        day, topic = meetings[0]
        name = f"{iso_date(day)}{topic[:30]}会议记录"
    else:
        days = sorted(day for day, _ in meetings)
        name = f"{iso_date(days[0])}至{iso_date(days[-1])}会议记录（{len(meetings)}次）"
    return re.sub(r'[\\/:*?"<>|\s]+', "", name) + ".pdf"


class RosterImportView(RecordView[S]):
    """导入… and 导出模板… on the roster views."""

    import_kind = ""

    def add_import_actions(self) -> None:
        self.toolbar.addSeparator()
        self.import_action = self._action("导入…", None, self.import_roster)
        self._action("导出模板…", None, self.save_template)

    def show_part(self, part: str) -> None:
        """开始使用 led here to import the roster: the cursor on 导入…, so Enter or Space opens it."""
        button = self.toolbar.widgetForAction(self.import_action)
        if button is not None:
            button.setFocus()

    def import_roster(self) -> None:
        from desktop_app.ui.dialogs.import_dialog import ImportDialog

        dialog = ImportDialog(self.context.db, self.import_kind, self)
        if dialog.exec():
            self.reload()
            prompts.inform(self, dialog.summary.text())

    def save_template(self) -> None:
        from desktop_app.core.exchange.roster.kinds import kind_for
        from desktop_app.core.exchange.roster.template import write_template

        label = kind_for(self.import_kind).label
        path = file_dialogs.save_file(
            self,
            self.context.settings,
            FileKind.ROSTER,
            "保存导入模板",
            f"{label}名册导入模板.xlsx",
            "Excel 工作簿 (*.xlsx)",
            ".xlsx",
        )
        if path:
            attempt(self, lambda: write_template(self.import_kind, path))


class ResidentView(RosterImportView[ResidentService]):
    title = "居民"
    form_class = ResidentForm
    search_hint = "搜索姓名、拼音首字母、住址、电话、备注（Ctrl+F）"
    personal_data = True
    import_kind = "residents"

    def add_toolbar_actions(self) -> None:
        self.add_import_actions()

    def make_service(self) -> ResidentService:
        return ResidentService(self.context.db)

    def make_filters(self) -> list[QueryFilter]:
        return [ChoiceFilter("全部状态", by_key("status", enum_values(ResidentStatus)))]


class PartyGroupView(RecordView[PartyGroupService]):
    title = "党小组"
    form_class = PartyGroupForm
    search_hint = "搜索党小组名称"
    has_attachments = False

    def make_service(self) -> PartyGroupService:
        return PartyGroupService(self.context.db)


class MemberView(RosterImportView[MemberService]):
    title = "党员"
    form_class = MemberForm
    search_hint = "搜索姓名、拼音首字母、职务、电话（Ctrl+F）"
    personal_data = True
    import_kind = "members"

    def make_service(self) -> MemberService:
        return MemberService(self.context.db)

    def make_filters(self) -> list[QueryFilter]:
        groups = PartyGroupService(self.context.db).choices()
        return [
            ChoiceFilter("全部党小组", by_key("group_id", groups)),
            ChoiceFilter("全部党员类别", by_key("member_type", enum_values(MemberType))),
            ChoiceFilter("全部状态", by_key("status", enum_values(MemberStatus))),
        ]

    def add_toolbar_actions(self) -> None:
        self.toolbar.addSeparator()
        self._action("党小组…", None, self.edit_groups)
        self.add_import_actions()

    def edit_groups(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("党小组")
        fit_to_screen(dialog, QSize(560, 420))
        layout = QVBoxLayout(dialog)
        layout.addWidget(PartyGroupView(self.context, dialog))
        close = standard_buttons(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(dialog.reject)
        layout.addWidget(close)
        dialog.exec()
        self.reload()
