import datetime as dt

import openpyxl
import pytest

from desktop_app.core.domain.enums import MeetingKind, ProblemStatus
from desktop_app.core.domain.errors import ValidationError
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.reports.registry import export_report
from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.care import CareCategoryService, CareService
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import MemberService, PartyGroupService
from desktop_app.core.services.reminder_settings import StartDateService, ThresholdService
from desktop_app.core.services.studio import StudioActivityService, StudioProblemService, StudioTopicService
from desktop_app.core.services.visits import VisitService
from desktop_app.core.services.workbench import workbench_of
from desktop_app.core.storage.backup import make_backup


@pytest.fixture
def db(engine_db):
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_db


TODAY = dt.date(2024, 5, 20)


def topic(db, name="加装电梯"):
    return next(t.id for t in StudioTopicService(db).list() if t.name == name)


def test_studio_activities_and_problems_with_links(db):
    activities = StudioActivityService(db)
    aid = activities.create(
        {
            "kind": "研讨",
            "date": "2024-03-01",
            "topic": "加装电梯怎么征询",
            "lead_mentor": "朱国萍",
            "participants": "张三（梅陇六村）\n李四（虹旭小区）",
        }
    )
    second = activities.create({"kind": "qa", "date": "2024-04-01", "topic": "答疑"})
    problems = StudioProblemService(db)
    pid = problems.create(
        {
            "raised_date": "2024-03-01",
            "source_community": "梅陇六村",
            "raised_by": "张三",
            "source_activity_id": aid,
            "topic_id": topic(db),
            "description": "低层住户反对加装电梯",
            "discussed_in": [second],
        }
    )
    values = problems.get(pid)
    assert values["status"] is ProblemStatus.PENDING
    assert values["discussed_in"] == [aid, second], "the source activity counts as a discussion"
    row = activities.fetch_rows([aid])[0]
    assert row[1 + [c.key for c in activities.columns()].index("people")] == "2"
    assert problems.list_ids(ListQuery(text="低层")) == [pid]
    assert problems.list_ids(ListQuery(filters={"topic_id": topic(db, "其他")})) == []
    assert problems.list_ids(ListQuery(filters={"unsolved": True})) == [pid]
    with pytest.raises(ValidationError) as info:
        problems.update(pid, {**values, "status": "resolved"})
    assert "解决情况" in info.value.errors["resolution"]
    problems.update(pid, {**values, "status": "resolved", "resolution": "协调一楼补偿"})
    assert problems.get(pid)["resolved_date"] == dt.date.today()
    assert problems.list_ids(ListQuery(filters={"unsolved": True})) == []


def test_topics_are_renamed_and_retired_never_deleted(db):
    topics = StudioTopicService(db)
    assert [t.name for t in topics.list()] == ["业委会建设", "小区治理", "加装电梯", "美丽楼道", "物业管理", "其他"]
    new = topics.create({"name": "垃圾分类"})
    topics.rename(new, {"name": "垃圾分类与回收"})
    topics.set_retired(new, True)
    assert [t.name for t in topics.list(include_retired=False)][-1] == "其他"
    with pytest.raises(ValidationError, match="已停用"):
        StudioProblemService(db).create({"raised_date": "2024-01-01", "topic_id": new, "description": "x"})
    with pytest.raises(ValidationError, match="同名"):
        topics.create({"name": "其他"})


def test_meeting_reminders_due_overdue_and_per_group(db):
    StartDateService(db).save("2024-01-01")
    g1 = PartyGroupService(db).create({"name": "第一党小组"})
    g2 = PartyGroupService(db).create({"name": "第二党小组"})
    MemberService(db).create({"name": "甲", "group_id": g1})
    meetings = MeetingService(db)
    meetings.create({"kind": "committee", "date": "2024-04-05", "topic": "四月"})
    meetings.create({"kind": "group_meeting", "group_id": g1, "date": "2024-04-10", "topic": "四月"})
    meetings.create({"kind": "group_meeting", "group_id": g1, "date": "2024-05-10", "topic": "五月"})
    texts = {r.text: r for r in workbench_of(db, TODAY).reminders}
    assert "本月尚未召开支部委员会会议" in texts
    assert "上月未召开党小组会（第二党小组）" in texts
    assert texts["上月未召开党小组会（第二党小组）"].overdue
    assert "本月尚未召开党小组会（第二党小组）" in texts
    assert not any("第一党小组" in t for t in texts), "the first group met both months"
    assert "上月未召开支部委员会会议" not in texts, "April's committee meeting was held"
    assert "本季度尚未召开支部党员大会" in texts
    target = texts["本月尚未召开党小组会（第二党小组）"].target
    assert target.kind == "meeting"
    assert target.initial == {"kind": MeetingKind.GROUP_MEETING, "group_id": g2}
    meetings.create({"kind": "committee", "date": "2024-05-06", "topic": "五月"})
    assert "本月尚未召开支部委员会会议" not in {r.text for r in workbench_of(db, TODAY).reminders}, "resolved"


def test_a_new_install_is_not_scolded_for_periods_before_its_start(db):
    start = StartDateService(db)
    start.record_first_run(dt.date(2024, 5, 10))
    assert start.get() == dt.date(2024, 5, 10)
    texts = [r.text for r in workbench_of(db, TODAY).reminders]
    assert not [t for t in texts if t.startswith(("上月", "上季度", "去年"))], texts
    assert "本月尚未召开支部委员会会议" in texts, "what is due now is still said, gently"
    assert not any(r.overdue for r in workbench_of(db, TODAY).reminders if "召开" in r.text)
    start.record_first_run(dt.date(2024, 5, 20))
    assert start.get() == dt.date(2024, 5, 10), "the first run is recorded once"
    start.save("2024-03-01")  # the secretary moves it back in 设置: April is judged again
    assert "上月未召开支部委员会会议" in [r.text for r in workbench_of(db, TODAY).reminders]
    with pytest.raises(ValidationError):
        start.save("2024-02-30")


def test_data_from_before_the_start_date_setting_starts_at_its_first_entry(db):
    MemberService(db).create({"name": "甲"})
    assert StartDateService(db).get() == dt.date.today()


def test_follow_ups_practices_problems_and_backups(db):
    other = next(c.id for c in CareCategoryService(db).list() if c.name == "其他")
    care = CareService(db)
    due = care.create(
        {
            "date": "2024-05-01",
            "category_id": other,
            "recipient_name": "王奶奶",
            "status": "需回访",
            "follow_up_date": "2024-05-18",
        }
    )
    care.create(
        {
            "date": "2024-05-01",
            "category_id": other,
            "recipient_name": "李爷爷",
            "status": "需回访",
            "follow_up_date": "2024-05-25",
        }
    )
    VisitService(db).create(
        {
            "date": "2024-01-01",
            "destination": "梅陇六村",
            "practices": [
                {"description": "试点楼道议事会", "due_date": "2024-04-30"},
                {"description": "已完成的", "due_date": "2024-04-30", "status": "done"},
            ],
        }
    )
    StudioProblemService(db).create({"raised_date": "2024-02-01", "topic_id": topic(db), "description": "电梯难题"})
    StudioProblemService(db).create({"raised_date": "2024-05-01", "topic_id": topic(db), "description": "新问题"})
    texts = [r.text for r in workbench_of(db, TODAY).reminders]
    assert "关怀回访：王奶奶（2024-05-18，已过期）" in texts
    assert not any("李爷爷" in t for t in texts), "not due yet"
    assert "借鉴举措已过期限：试点楼道议事会（2024-04-30）" in texts
    assert not any("已完成的" in t for t in texts)
    assert any(t.startswith("工作室问题已 109 天未解决：电梯难题") for t in texts)
    assert not any("新问题" in t for t in texts)
    # A file's backups are the program's; a server is backed up by the server's own tools.
    assert ("还没有任何备份，建议立即备份" in texts) is db.is_sqlite
    target = next(r.target for r in workbench_of(db, TODAY).reminders if "王奶奶" in r.text)
    assert (target.kind, target.record_id) == ("care", due)

    ThresholdService(db).save({"problem_open_days": 10, "backup_age_days": 7, "follow_up_days_ahead": 7})
    if db.is_sqlite:
        make_backup(db.file_path, db.backup_dir, "manual")
    texts = [r.text for r in workbench_of(db, TODAY).reminders]
    assert any("李爷爷" in t for t in texts), "within the days ahead"
    assert any("新问题" in t for t in texts), "19 days open is over the new threshold"
    assert not any("备份" in t for t in texts)
    with pytest.raises(ValidationError, match="问题台账超过多少天"):
        ThresholdService(db).save({"problem_open_days": "-3"})


def test_monthly_series_for_the_chart(db):
    meetings = MeetingService(db)
    meetings.create({"kind": "committee", "date": "2024-05-05", "topic": "t"})
    meetings.create({"kind": "committee", "date": "2023-06-05", "topic": "t"})
    meetings.create({"kind": "committee", "date": "2023-05-31", "topic": "too old"})
    series = workbench_of(db, TODAY).meetings
    assert series.months[0].label == "2023年6月"
    assert series.series == {"支部委员会会议": [1] + [0] * 10 + [1]}
    assert workbench_of(db, TODAY).care.series == {}


def test_studio_report_read_back(db, tmp_path):
    aid = StudioActivityService(db).create(
        {
            "kind": "mentoring",
            "date": "2024-03-01",
            "topic": "新书记带教",
            "questions": "怎么开好支委会",
            "answers": "先定议题",
        }
    )
    problems = StudioProblemService(db)
    problems.create(
        {"raised_date": "2024-03-02", "topic_id": topic(db), "description": "=电梯费用分摊", "source_activity_id": aid}
    )
    problems.create(
        {
            "raised_date": "2024-03-03",
            "topic_id": topic(db, "物业管理"),
            "description": "物业费",
            "status": "resolved",
            "resolution": "业委会协调",
        }
    )
    target = tmp_path / "studio.xlsx"
    result = export_report(db, "studio", Period.parse("2024Q1"), target)
    assert result.rows == 3
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["活动情况", "问题台账", "课题统计"]
    activity = book["活动情况"]
    assert activity["A1"].value.endswith("书记工作室活动情况表（活动）")
    assert activity["H4"].value == "问：怎么开好支委会\n答：先定议题"
    ledger = book["问题台账"]
    assert ledger["F4"].value == "=电梯费用分摊"
    assert ledger["F4"].data_type == "s"
    counts = [[c.value for c in row] for row in book["课题统计"].iter_rows(min_row=4, max_row=6)]
    assert counts[0] == ["加装电梯", 1, 0, 0, 0, 1]
    assert counts[1] == ["物业管理", 0, 0, 1, 0, 1]
    assert counts[2] == ["合计", 1, 0, 1, 0, 2]


def test_meeting_record_sheet(db):
    members = MemberService(db)
    a, b = members.create({"name": "出席者"}), members.create({"name": "请假者"})
    mid = MeetingService(db).create(
        {
            "kind": "general_assembly",
            "date": "2024-03-20",
            "start_time": "14:00",
            "end_time": "15:30",
            "topic": "发展党员",
            "vote_taken": True,
            "votes_for": 1,
            "votes_against": 0,
            "votes_abstain": 0,
            "attendance": [
                {"member_id": a, "status": "present"},
                {"member_id": b, "status": "on_leave", "reason": "住院"},
            ],
        }
    )
    sheet = MeetingService(db).record_sheet(mid)
    assert sheet.title == "支部党员大会记录"
    assert sheet.times == "14:00—15:30"
    assert (sheet.expected, sheet.attended) == (2, 1)
    assert sheet.present == ["出席者"]
    assert sheet.away == ["请假者（请假：住院）"]
    assert sheet.votes == "赞成 1 票，反对 0 票，弃权 0 票"
