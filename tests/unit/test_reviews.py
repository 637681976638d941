"""民主评议党员: the list from the meeting's day, the 评定 and the 处置 of a 不合格, the 优秀 limit as a warning."""

import datetime as dt

import pytest

from desktop_app.core.domain.enums import MemberType, ReviewBody, ReviewDisposal, ReviewGrade
from desktop_app.core.domain.errors import AppError, ValidationError
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import MemberService
from desktop_app.core.services.reviews import ENTRY_KEYS, ReviewService

YEAR = 2026
MEETING_DAY = dt.date(YEAR, 12, 18)
DECIDED = {"decided_on": MEETING_DAY, "decided_by": ReviewBody.GENERAL_ASSEMBLY}


@pytest.fixture
def db(engine_db):
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_db


@pytest.fixture
def branch(db):
    members = MemberService(db)
    people = {
        "zhu": members.create({"name": "朱国萍", "join_date": dt.date(2000, 7, 1)}),
        "li": members.create({"name": "李建华", "join_date": dt.date(2000, 7, 1)}),
        # Admitted as 预备 by the 支部大会 before the review: listed.
        "chen": members.create(
            {"name": "陈芳", "join_date": dt.date(YEAR, 12, 1), "member_type": MemberType.PROBATIONARY}
        ),
        # Transferred out before the meeting: not listed.
        "gone": members.create(
            {
                "name": "赵刚",
                "join_date": dt.date(2000, 7, 1),
                "left_date": dt.date(YEAR, 12, 17),
                "status": "transferred",
            }
        ),
    }
    MeetingService(db).create({"kind": "member_review", "date": MEETING_DAY, "topic": "民主评议党员"})
    return db, people


def entries(sheet, **changes):
    """The sheet's rows as the page hands them back, with changes by member name."""
    return [{**{k: row.values[k] for k in ENTRY_KEYS}, **changes.get(row.name, {})} for row in sheet.rows]


def test_the_list_is_who_belonged_on_the_meetings_day(branch):
    db, _ = branch
    reviews = ReviewService(db)
    with pytest.raises(AppError, match="2025年还没有登记“民主评议党员”会议"):
        reviews.set_up(2025)
    assert reviews.set_up(YEAR) == 3
    sheet = reviews.sheet(YEAR)
    assert {row.name for row in sheet.rows} == {"陈芳", "李建华", "朱国萍"}, "赵刚 left the day before"
    assert sheet.meeting_date == MEETING_DAY
    assert reviews.set_up(YEAR) == 3, "setting up again keeps the list and adds no one twice"


def test_an_unqualified_member_needs_the_disposal_and_nothing_is_half_written(branch):
    db, _ = branch
    reviews = ReviewService(db)
    reviews.set_up(YEAR)
    sheet = reviews.sheet(YEAR)
    rows = entries(
        sheet,
        朱国萍={"grade": ReviewGrade.EXCELLENT, "votes_excellent": "25", "self_assessed": True},
        李建华={"grade": ReviewGrade.UNQUALIFIED, "votes_unqualified": "20"},
    )
    with pytest.raises(ValidationError, match="李建华）：评定为不合格的，须选择处置方式并填写处置日期"):
        reviews.save(YEAR, DECIDED, rows)
    assert reviews.sheet(YEAR).counts[ReviewGrade.EXCELLENT] == 0, "nothing saved"
    with pytest.raises(ValidationError, match="请填写作出评定的会议"):
        reviews.save(YEAR, {}, entries(sheet, 朱国萍={"grade": ReviewGrade.QUALIFIED}))
    with pytest.raises(ValidationError, match="朱国萍）：优秀票"):
        reviews.save(YEAR, DECIDED, entries(sheet, 朱国萍={"votes_excellent": "很多"}))
    rows[[r.name for r in sheet.rows].index("李建华")].update(
        disposal=ReviewDisposal.CORRECT, disposal_date=dt.date(YEAR, 12, 25), disposal_ref="支委会决定"
    )
    reviews.save(YEAR, DECIDED, rows)
    saved = reviews.sheet(YEAR)
    assert saved.counts == {
        ReviewGrade.EXCELLENT: 1,
        ReviewGrade.QUALIFIED: 0,
        ReviewGrade.BASIC: 0,
        ReviewGrade.UNQUALIFIED: 1,
    }
    zhu = next(row for row in saved.rows if row.name == "朱国萍")
    assert zhu.values["votes_excellent"] == 25
    assert zhu.values["self_assessed"] is True
    assert saved.decided_by is ReviewBody.GENERAL_ASSEMBLY


def test_the_excellent_limit_warns_and_never_blocks(branch):
    db, _ = branch
    reviews = ReviewService(db)
    reviews.set_up(YEAR)
    sheet = reviews.sheet(YEAR)
    excellent = {"grade": ReviewGrade.EXCELLENT}
    reviews.save(
        YEAR,
        {"decided_on": "2026-12-20", "decided_by": ReviewBody.COMMITTEE},
        entries(sheet, 朱国萍=excellent, 李建华=excellent),
    )
    assert reviews.warning(reviews.sheet(YEAR)) == "", "no limit by default"
    reviews.set_excellent_limit(66)
    assert reviews.warning(reviews.sheet(YEAR)) == "评为优秀的有 2 人，占参评党员 67%，超过本支部设定的 66%"
    reviews.set_excellent_limit(67)
    assert reviews.warning(reviews.sheet(YEAR)) == "", "two of three is within 67%"
    with pytest.raises(ValidationError, match="1 到 100"):
        reviews.set_excellent_limit(0)


def test_the_report_has_each_member_and_the_counts_per_grade(branch, tmp_path):
    import openpyxl

    from desktop_app.core.domain.periods import Period
    from desktop_app.core.exchange.reports.registry import export_report

    db, _ = branch
    reviews = ReviewService(db)
    reviews.set_up(YEAR)
    sheet = reviews.sheet(YEAR)
    unqualified = {
        "grade": ReviewGrade.UNQUALIFIED,
        "disposal": ReviewDisposal.PERSUADE,
        "disposal_date": dt.date(YEAR, 12, 28),
        "disposal_ref": "支部大会决定",
    }
    rows = entries(sheet, 朱国萍={"grade": ReviewGrade.EXCELLENT, "votes_excellent": "3"}, 李建华=unqualified)
    reviews.save(YEAR, DECIDED, rows)
    target = tmp_path / "民主评议.xlsx"
    assert export_report(db, "reviews", Period.parse(f"{YEAR}"), target).rows == 3
    book = openpyxl.load_workbook(target)
    detail = {r[1]: r for r in book["评议结果"].iter_rows(values_only=True) if isinstance(r[0], int)}
    assert detail["朱国萍"][3:9] == ("未完成", 3, 0, 0, 0, "优秀")
    assert detail["李建华"][8:12] == ("不合格", "劝其退党", dt.datetime(YEAR, 12, 28), "支部大会决定")
    assert detail["陈芳"][8] == "未评定"
    totals = {r[0]: r[1] for r in book["按等次汇总"].iter_rows(values_only=True) if r[0] and isinstance(r[1], int)}
    assert totals == {"优秀": 1, "合格": 0, "基本合格": 0, "不合格": 1, "未评定": 1, "参评党员": 3}
