"""书记工作室: activities (带教/研讨/答疑/走访) and the problem ledger (问题台账) on two tabs."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QInputDialog, QTabWidget, QVBoxLayout, QWidget

from desktop_app.core.domain.enums import ProblemStatus, StudioActivityKind
from desktop_app.core.services.reminder_settings import ThresholdService
from desktop_app.core.services.studio import StudioActivityService, StudioProblemService, StudioTopicService
from desktop_app.ui.forms.studio import StudioActivityForm, StudioProblemForm
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.kit.operations import attempt
from desktop_app.ui.kit.page import Page
from desktop_app.ui.views.filters import ChoiceFilter, DateRangeFilter, QueryFilter, by_key, enum_values
from desktop_app.ui.views.record_view import RecordView

OPEN_TOO_LONG = QBrush(QColor("#fde2e1"))


class StudioActivityView(RecordView[StudioActivityService]):
    title = "工作室活动"
    form_class = StudioActivityForm
    search_hint = "搜索主题、带教人、参加人员、内容、问答（Ctrl+F）"

    def make_service(self) -> StudioActivityService:
        return StudioActivityService(self.context.db)

    def make_filters(self) -> list[QueryFilter]:
        return [DateRangeFilter(), ChoiceFilter("全部类型", by_key("kind", enum_values(StudioActivityKind)))]


class StudioProblemView(RecordView[StudioProblemService]):
    title = "问题台账"
    form_class = StudioProblemForm
    search_hint = "搜索问题描述、来源居民区、提出人、负责人（Ctrl+F）"

    def make_service(self) -> StudioProblemService:
        return StudioProblemService(self.context.db)

    def make_filters(self) -> list[QueryFilter]:
        topics = [(t.id, t.name) for t in StudioTopicService(self.context.db).list()]
        statuses = [({"unsolved": True}, "未解决（待研究、研讨中）"), *by_key("status", enum_values(ProblemStatus))]
        return [
            DateRangeFilter(),
            ChoiceFilter("全部课题", by_key("topic_id", topics)),
            ChoiceFilter("全部状态", statuses),
        ]

    def add_toolbar_actions(self) -> None:
        self.toolbar.addSeparator()
        self._action("课题…", None, self.edit_topics)

    def highlight_open_problems(self) -> None:
        """Shade the problems the core finds open too long (the threshold lives in 设置)."""
        days = ThresholdService(self.context.db).get().problem_open_days
        stale = {problem_id for problem_id, _, _ in self.service.open_since(dt.date.today(), days)}
        self.model.row_colour = lambda record_id: OPEN_TOO_LONG if record_id in stale else None
        self.table.setToolTip(f"底色标红：超过 {days} 天仍未解决的问题（天数可在“设置”中修改）")

    def reload(self) -> None:
        self.highlight_open_problems()  # edits and the threshold may have changed which are stale
        super().reload()

    def edit_topics(self) -> None:
        """Add a 课题, or rename or retire one (the ledger keeps them all)."""
        topics = StudioTopicService(self.context.db)
        names = [t.name + ("（已停用）" if t.retired else "") for t in topics.list()]
        prompt = "选择要修改的课题，或选“新增课题”："
        choice, ok = QInputDialog.getItem(self, "课题", prompt, ["新增课题", *names], 0, False)
        if not ok:
            return
        if choice == "新增课题":
            name, ok = QInputDialog.getText(self, "新增课题", "课题名称：")
            if ok:
                attempt(self, lambda: topics.create({"name": name}))
            return
        topic = topics.list()[names.index(choice)]
        actions = ["改名", "启用" if topic.retired else "停用"]
        action, ok = QInputDialog.getItem(self, topic.name, "操作：", actions, 0, False)
        if ok and action == "改名":
            name, ok = QInputDialog.getText(self, "课题改名", "新名称：", text=topic.name)
            if ok:
                attempt(self, lambda: topics.rename(topic.id, {"name": name}))
        elif ok:
            attempt(self, lambda: topics.set_retired(topic.id, not topic.retired))


class StudioView(Page):
    title = "书记工作室"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.activities = StudioActivityView(context)
        self.activities.count_changed.connect(lambda count: self._tab_counted(self.activities, count))
        # The ledger's list is built when its tab is first shown: the page opens with the activities alone.
        self._problems: StudioProblemView | None = None
        self._problem_tab = QWidget()
        problem_layout = QVBoxLayout(self._problem_tab)
        problem_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.activities, "活动（带教、研讨、答疑、走访）")
        self.tabs.addTab(self._problem_tab, "问题台账")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setFocusProxy(self.activities)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _tab_counted(self, tab: RecordView, count: int) -> None:
        if tab is self.current():  # the other tab's long list may finish reading behind this one
            self.count_changed.emit(count)

    def _tab_changed(self) -> None:
        self.setFocusProxy(self.current())
        self.count_changed.emit(self.record_count())

    @property
    def problems(self) -> StudioProblemView:
        if self._problems is None:
            problems = StudioProblemView(self.context)
            problems.count_changed.connect(lambda count: self._tab_counted(problems, count))
            layout = self._problem_tab.layout()
            assert layout is not None  # set when the tab was made
            layout.addWidget(problems)
            problems.show()  # at once, not when Qt gets round to it: the tab is being shown now
            self._problems = problems
        return self._problems

    def current(self) -> RecordView:
        return self.activities if self.tabs.currentIndex() == 0 else self.problems

    def reload(self) -> None:
        self.current().reload()

    def record_count(self) -> int:
        return self.current().record_count()

    def save_state(self) -> None:
        self.activities.save_state()
        if self._problems is not None:
            self._problems.save_state()

    def record_list(self, tab: int | None) -> RecordView:
        if tab is not None:
            self.tabs.setCurrentIndex(tab)
        return self.current()
