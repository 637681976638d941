"""谈心谈话: who took part must have belonged on the day, and the year's coverage on its boundaries (domain.talks)."""

import datetime as dt

import pytest

from desktop_app.core.domain.enums import AuditAction, TalkWay
from desktop_app.core.domain.errors import ValidationError
from desktop_app.core.domain.talks import WITH_COMMITTEE
from desktop_app.core.services.people import MemberService
from desktop_app.core.services.talks import TalkService
from desktop_app.core.storage.audit import AuditService

YEAR = 2026


@pytest.fixture
def db(engine_db):
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_db


@pytest.fixture
def branch(db):
    members = MemberService(db)

    def add(name, **values):
        return members.create({"name": name, "join_date": dt.date(2000, 7, 1), **values})

    people = {
        "书记": add("朱国萍", is_committee=True, committee_role="书记"),
        "委员": add("李建华", is_committee=True, committee_role="组织委员"),
        "党员": add("王秀英"),
        "新党员": add("陈芳", join_date=dt.date(YEAR, 11, 10)),
    }
    return db, people


def talk(db, day, *people, **values):
    return TalkService(db).create({"date": day, "topic": "谈心", "participant_ids": list(people), **values})


def test_a_talk_needs_two_members_who_belonged_on_its_day(branch):
    db, p = branch
    talks = TalkService(db)
    with pytest.raises(ValidationError, match="至少要有两名党员"):
        talk(db, dt.date(YEAR, 3, 1), p["书记"])
    with pytest.raises(ValidationError, match=f"陈芳 在 {YEAR}-10-31 不是本支部党员"):
        talk(db, dt.date(YEAR, 10, 31), p["书记"], p["新党员"])
    assert talks.count() == 0, "nothing half-written"
    saved = talk(db, dt.date(YEAR, 11, 10), p["书记"], p["新党员"], record="家中老人生病，需要帮助")
    assert talks.get(saved)["way"] is TalkWay.FACE
    assert talks.get(saved)["participant_ids"] == [p["书记"], p["新党员"]]
    [entry] = [e for e in AuditService(db).entries() if e.action is AuditAction.CREATE and e.record_kind == "talk"]
    assert "老人" not in str(entry.changes), "the 记录 is sensitive: the log says only that it was filled"


def test_a_talk_on_the_last_day_counts_for_its_year_and_not_the_next(branch):
    db, p = branch
    talk(db, dt.date(YEAR, 12, 31), p["书记"], p["委员"])
    talk(db, dt.date(YEAR, 12, 31), p["书记"], p["党员"])
    this_year = TalkService(db).coverage(YEAR, today=dt.date(YEAR + 1, 1, 5))
    assert this_year.committee_pairs == [("李建华", "朱国萍", True)], "in roster order (by pinyin)"
    assert [m.name for m in this_year.members_without] == ["陈芳"]
    next_year = TalkService(db).coverage(YEAR + 1, today=dt.date(YEAR + 1, 1, 5))
    assert next_year.committee_pairs == [("李建华", "朱国萍", False)]
    assert next_year.talks == 0


def test_a_member_who_joined_in_november_owes_talks_only_from_then(branch):
    db, p = branch
    before = TalkService(db).coverage(YEAR, today=dt.date(YEAR, 10, 20))
    assert "陈芳" not in [m.name for m in before.members_without], "not yet a member in October"
    after = TalkService(db).coverage(YEAR, today=dt.date(YEAR, 11, 20))
    assert "陈芳" in [m.name for m in after.members_without]
    talk(db, dt.date(YEAR, 11, 12), p["书记"], p["新党员"])
    assert "陈芳" not in [m.name for m in TalkService(db).coverage(YEAR, dt.date(YEAR, 11, 20)).members_without]


def test_a_committee_changed_mid_year_keeps_who_served_when(branch):
    db, _ = branch
    members = MemberService(db)
    former = members.create(
        {
            "name": "赵刚",
            "join_date": dt.date(2000, 7, 1),
            "committee_role": "宣传委员",
            "committee_until": dt.date(YEAR, 6, 30),
        }
    )
    successor = members.create(
        {
            "name": "孙丽",
            "join_date": dt.date(2000, 7, 1),
            "is_committee": True,
            "committee_role": "宣传委员",
            "committee_from": dt.date(YEAR, 7, 1),
        }
    )
    pairs = {frozenset(pair[:2]) for pair in TalkService(db).coverage(YEAR, dt.date(YEAR, 12, 1)).committee_pairs}
    assert frozenset(("赵刚", "朱国萍")) in pairs, "served in the first half"
    assert frozenset(("孙丽", "朱国萍")) in pairs
    assert frozenset(("赵刚", "孙丽")) not in pairs, "never on the committee together"
    assert members.get(former)["committee_role"] == "宣传委员", "a former 支委 keeps the role of the term"
    with pytest.raises(ValidationError, match="任支委止不能早于任支委起"):
        members.update(successor, {**members.get(successor), "committee_until": dt.date(YEAR, 6, 1)})


def test_members_must_talk_with_the_secretary_unless_set_to_any_committee_member(branch):
    db, p = branch
    talks = TalkService(db)
    talk(db, dt.date(YEAR, 5, 1), p["委员"], p["党员"])
    assert "王秀英" in [m.name for m in talks.coverage(YEAR, dt.date(YEAR, 12, 1)).members_without]
    talks.set_partner(WITH_COMMITTEE)
    shown = talks.coverage(YEAR, dt.date(YEAR, 12, 1))
    assert "王秀英" not in [m.name for m in shown.members_without]
    assert [m.name for m in shown.members_without] == ["陈芳", "李建华", "朱国萍"], "the two 支委 have not talked"
    assert shown.member_share == pytest.approx(1 / 4)
    assert any("任一支部委员" in e.summary for e in AuditService(db).entries())


def test_the_workbench_reminds_from_the_fourth_quarter(branch):
    from desktop_app.core.services.workbench import workbench_of

    db, p = branch
    talk(db, dt.date(YEAR, 3, 1), p["书记"], p["党员"])

    def lines(day):
        return [r.text for r in workbench_of(db, day).reminders if r.text.startswith("谈心谈话")]

    assert lines(dt.date(YEAR, 9, 30)) == [], "the first three quarters are left to the secretary"
    assert lines(dt.date(YEAR, 10, 1)) == [
        "谈心谈话：今年还有 1 名党员未与书记谈话",
        "谈心谈话：支部委员之间还有 1 对未谈话",
    ]
    [first, _] = [r for r in workbench_of(db, dt.date(YEAR, 10, 1)).reminders if r.text.startswith("谈心谈话")]
    assert first.target.kind == "talk_coverage"


def test_the_report_lists_the_talks_without_their_record_and_the_coverage(branch, tmp_path):
    import openpyxl

    from desktop_app.core.domain.periods import Period
    from desktop_app.core.exchange.reports.registry import export_report

    db, p = branch
    talk(db, dt.date(YEAR, 4, 2), p["书记"], p["委员"], record="家中老人生病", way=TalkWay.HOME)
    talk(db, dt.date(YEAR, 4, 9), p["书记"], p["党员"])
    target = tmp_path / "谈心谈话.xlsx"
    assert export_report(db, "talks", Period.parse(f"{YEAR}Q2"), target).rows == 2
    book = openpyxl.load_workbook(target)
    records = [r for r in book["谈话记录"].iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [(r[2], set(r[3].split("、")), r[4]) for r in records] == [
        ("上门", {"李建华", "朱国萍"}, "谈心"),
        ("面谈", {"王秀英", "朱国萍"}, "谈心"),
    ]
    assert all("老人" not in str(cell) for row in book["谈话记录"].iter_rows(values_only=True) for cell in row)
    coverage = {r[0]: r[1:] for r in book["覆盖情况"].iter_rows(values_only=True) if r[0]}
    assert coverage["支部委员两两之间（对）"] == (1, 1, 1)
    assert coverage["党员与书记（人）"] == (2, 2, 1), "陈芳 joins in November, after the quarter; not the 书记"
    lacking = [r[1] for r in book["尚未谈话"].iter_rows(values_only=True) if isinstance(r[0], int)]
    assert lacking == []
