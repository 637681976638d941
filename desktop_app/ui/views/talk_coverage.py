"""谈话覆盖: the year's 谈心谈话 as the 条例 asks them (domain.talks): the 支委 pair by pair, the members who have not
yet talked with the 书记 (or any 支委, a choice kept with the data), and the member talks counted. Enter on a member
without a talk opens a new talk with them and the 书记 filled in."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QSpinBox, QTableView, QVBoxLayout, QWidget

from desktop_app.core.domain.talks import PARTNER_LABELS, Coverage, TalkMember
from desktop_app.core.services.reminders import Target
from desktop_app.core.services.talks import TalkService
from desktop_app.ui.kit.column_widths import ColumnWidths, Room
from desktop_app.ui.kit.list_model import ListTableModel
from desktop_app.ui.kit.operations import attempt
from desktop_app.ui.kit.page import Page

if TYPE_CHECKING:
    from desktop_app.ui.kit.context import AppContext
    from desktop_app.ui.shell.main_window import MainWindow


def share_text(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


class PairModel(ListTableModel):
    HEADERS = ("支部委员", "支部委员", "今年是否谈过")

    def cells(self, row: tuple[str, str, bool]) -> tuple[str, ...]:
        return row[0], row[1], "已谈" if row[2] else "未谈"


class WithoutModel(ListTableModel):
    HEADERS = ("姓名", "党小组")

    def cells(self, row: TalkMember) -> tuple[str, ...]:
        return row.name, row.group


class TalkCoverageView(Page):
    title = "谈话覆盖"
    reads = frozenset({"talks", "talk_participants", "members", "app_settings"})
    reads_the_clock = True  # this year's coverage is as of today

    new_talk = Signal(object)  # a Target: a new talk's form, filled in

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = TalkService(context.db)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        self.year.setSuffix(" 年")
        self.year.valueChanged.connect(lambda _year: self.reload())
        self.partner = QComboBox()
        for key, label in PARTNER_LABELS.items():
            self.partner.addItem(label, key)
        self.partner.activated.connect(lambda _index: self.choose_partner())
        choices = QFormLayout()
        choices.addRow("年度", self.year)
        choices.addRow("每名党员须与", self.partner)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        top.addLayout(choices)
        top.addWidget(self.summary, 1)
        self.pairs = PairModel(self)
        self.pair_table = self._table(self.pairs)
        self.without = WithoutModel(self)
        self.without_table = self._table(self.without)
        self.without_table.activated.connect(self.talk_with)
        self.without_title = QLabel()
        tables = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(QLabel("支部委员之间（两两之间每年至少一次）"))
        left.addWidget(self.pair_table, 1)
        right.addWidget(self.without_title)
        right.addWidget(self.without_table, 1)
        right.addWidget(QLabel("选中一人按回车或双击，新增与其的谈心谈话。"))
        tables.addLayout(left, 1)
        tables.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(tables, 1)
        self.setFocusProxy(self.without_table)
        self.shown: Coverage | None = None
        self.reload()
        ColumnWidths(self.pair_table, (Room(chars=5), Room(chars=5), Room(chars=6))).fit()
        ColumnWidths(self.without_table, (Room(chars=5), Room(chars=6))).fit()

    def _table(self, model: ListTableModel) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def connect_window(self, window: MainWindow) -> None:
        self.new_talk.connect(window.follow_reminder)

    def reload(self) -> None:
        shown = self.shown = self.service.coverage(self.year.value())
        self.partner.setCurrentIndex(self.partner.findData(shown.partner))
        self.pairs.set_rows(shown.committee_pairs)
        self.without.set_rows(shown.members_without)
        partner = PARTNER_LABELS[shown.partner]
        self.without_title.setText(f"尚未与{partner}谈话的党员（{len(shown.members_without)} 人）")
        lines = [
            f"支部委员之间：{shown.pairs_done}/{len(shown.committee_pairs)} 对已谈"
            f"（{share_text(shown.committee_share)}）",
            f"党员与{partner}：{shown.members_expected - len(shown.members_without)}/{shown.members_expected} 人已谈"
            f"（{share_text(shown.member_share)}）",
            f"党员之间的谈话：{shown.member_member_talks} 次；全年谈心谈话共 {shown.talks} 次",
        ]
        if not shown.partner_ids:
            lines.append("尚未登记书记：请在“党员”中把书记标为支委成员、职务填“书记”。")
        self.summary.setText("\n".join(lines))
        self.count_changed.emit(len(shown.members_without))

    def choose_partner(self) -> None:
        if attempt(self, lambda: self.service.set_partner(self.partner.currentData())).ok:
            self.reload()

    def show_part(self, part: str) -> None:
        self.year.setValue(dt.date.today().year)

    def talk_with(self, index: QModelIndex) -> None:
        if not index.isValid() or self.shown is None:
            return
        member: TalkMember = self.without.rows[index.row()]
        # With the 书记 as the one partner, the talk is theirs to have: both are ticked.
        partner = list(self.shown.partner_ids) if len(self.shown.partner_ids) == 1 else []
        initial: dict[str, Any] = {"participant_ids": [member.id, *partner]}
        self.new_talk.emit(Target("talk", None, initial))
