"""The yearly duties in the street package (format 2): 民主评议 counts per grade, 谈心谈话 coverage and the six-month
warning's counts, as each community's own reports count them; the street's 汇总 per community; and the formats on
both sides of the change (a program of format 1 refuses a new package, the new street reads an old one honestly)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest.mock import patch

import openpyxl
import pytest
from sqlalchemy import select

from desktop_app.core.domain.duty_figures import (
    NOT_CARRIED,
    NOT_REPORTED,
    PART,
    SECTIONS,
    DutyFigures,
    DutyRow,
    LapseCounts,
    MobileCounts,
    ReviewCounts,
    TalkCounts,
    TransferCounts,
    duty_row,
    to_part,
    total,
)
from desktop_app.core.domain.enums import ReviewGrade, TransferDirection
from desktop_app.core.domain.periods import Period
from desktop_app.core.domain.transfers import receipt_due
from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.exchange.packages import format as package_format
from desktop_app.core.exchange.packages.build import build_package, package_period
from desktop_app.core.exchange.packages.contents import duties_part
from desktop_app.core.exchange.packages.format import PackageRefusedError, read_package
from desktop_app.core.exchange.packages.street_import import IMPORTED, REFUSED, import_packages
from desktop_app.core.exchange.reports.registry import STREET, export_report
from desktop_app.core.exchange.reports.workbook import READABLE_POINTS, printed_points
from desktop_app.core.services.street import StreetKeyService, StreetPackageService, StreetUnitService
from desktop_app.core.services.transfers import overdue_receipts, transfers_between
from desktop_app.core.storage.models import StreetPackage
from tests.packages import format_1, quarters
from tests.unit.test_reports import column_widths
from tests.unit.test_street_packages import community, rows

TODAY = dt.date.today()
LAST_YEAR = TODAY.year - 1  # the demo's review of last year is held (18 December), this year's may still be to come


def by_community(path: Path, sheet: str) -> dict[str, tuple]:
    """A street duty sheet's rows by community name (its 合计 row as 合计): 数据截至, the numbers, 说明."""
    return {row[0].split("（")[0]: row[1:] for row in rows(path, sheet)}


def own_report(db, kind: str, period: Period, target: Path) -> Path:
    export_report(db, kind, period, target)
    return target


def own_review_counts(path: Path) -> dict[str, int]:
    """The community's 民主评议党员情况表, 按等次汇总: grade (and 未评定, 参评党员) -> members."""
    return {label: count for label, count, *_ in rows(path, "按等次汇总")}


def own_coverage(path: Path) -> list[tuple]:
    """The community's 谈心谈话情况表, 覆盖情况: (应谈, 已谈) of the 支委 pairs, of the members, then the talks."""
    table = rows(path, "覆盖情况")
    return [(row[1], row[2]) for row in table]


# -- the community's side, on both engines ------------------------------------------------------------------------


@pytest.fixture
def db(engine_db):
    """The community's reads run on SQLite and on PostgreSQL."""
    return engine_db


def test_a_package_carries_the_years_duties_as_the_communitys_own_reports_count_them(db, tmp_path):
    fill_demo(db, "small", seed=11)
    year = Period.year(LAST_YEAR)
    part = duties_part(db, year)
    assert (part["year"], part["as_of"]) == (LAST_YEAR, f"{LAST_YEAR}-12-31")
    figures = DutyFigures.from_part(part)

    reviews = figures.row(ReviewCounts).counts
    own = own_review_counts(own_report(db, "reviews", year, tmp_path / "reviews.xlsx"))
    assert isinstance(reviews, ReviewCounts)
    assert reviews.listed == own["参评党员"] > 0
    assert reviews.rated == own["参评党员"] - own["未评定"]
    assert [reviews.excellent, reviews.qualified, reviews.basic, reviews.unqualified] == [
        own[grade.label] for grade in ReviewGrade
    ]
    assert reviews.excellent, "the demo has several grades: the comparison compares something"
    assert reviews.qualified

    talks = figures.row(TalkCounts).counts
    pairs, members, between, every = own_coverage(own_report(db, "talks", year, tmp_path / "talks.xlsx"))
    assert isinstance(talks, TalkCounts)
    assert (talks.pairs_due, talks.pairs_done) == pairs
    assert (talks.members_due, talks.members_done) == members
    assert (talks.member_talks, talks.talks) == (between[1], every[1])
    assert 0 < talks.pairs_done < talks.pairs_due, "the demo leaves one 支委 pair short"

    lapses = figures.row(LapseCounts).counts
    warned = rows(own_report(db, "lapses", year, tmp_path / "lapses.xlsx"), "连续未参加未缴提醒")
    listed = [row for row in warned if row[0] != "合计"]
    assert isinstance(lapses, LapseCounts)
    assert lapses.members > 0
    assert lapses.meetings_warned == sum(1 for row in listed if (row[3] or 0) >= 4)
    assert lapses.dues_warned == sum(1 for row in listed if (row[6] or 0) >= 4)
    assert lapses.meetings_reached == sum(1 for row in listed if (row[3] or 0) >= 6)


def test_the_duties_are_read_as_of_the_packages_period(db, tmp_path):
    """A first quarter's package: the review held in December was still to come (none, not zeros); the coverage is
    that of 31 March, with the talks held by then (as the community's 谈心谈话情况表 of the quarter has them). A
    running period reads as of today."""
    fill_demo(db, "small", seed=11)
    march = Period.quarter(LAST_YEAR, 1)
    first = DutyFigures.from_part(duties_part(db, march))
    assert first.as_of == dt.date(LAST_YEAR, 3, 31)
    assert first.row(ReviewCounts).counts is None
    assert first.row(ReviewCounts).note == ReviewCounts.NONE_TEXT
    whole = DutyFigures.from_part(duties_part(db, Period.year(LAST_YEAR)))
    talks_march, talks_year = first.row(TalkCounts).counts, whole.row(TalkCounts).counts
    assert isinstance(talks_march, TalkCounts)
    assert isinstance(talks_year, TalkCounts)
    own = own_report(db, "talks", march, tmp_path / "talks-q1.xlsx")
    held_by_march = rows(own, "谈话记录")
    assert talks_march.talks == len(held_by_march) < talks_year.talks, "a talk after 31 March is not in it"
    pairs, members, _between, every = own_coverage(own)
    assert (talks_march.pairs_done, talks_march.members_done, talks_march.talks) == (pairs[1], members[1], every[1])
    assert talks_march.members_done < talks_year.members_done
    running = DutyFigures.from_part(duties_part(db, Period.year(TODAY.year), today=TODAY))
    assert running.as_of == TODAY


def test_a_package_counts_the_transfers_and_the_members_away_as_of_its_day(db):
    """The demo's year so far: its 转入/转出 as the 组织关系转接 page lists them, the one 转出 whose 回执 is three
    months late (not yet the day before it fell due), and its 流动党员 away today: one at a 流入地 for eight months
    (advised to transfer), one online not reached for a hundred days, one who comes back for meetings."""
    fill_demo(db, "small", seed=11)
    figures = DutyFigures.from_part(duties_part(db, Period.year(TODAY.year), today=TODAY))
    transfers = figures.row(TransferCounts).counts
    listed = transfers_between(db, dt.date(TODAY.year, 1, 1), TODAY)
    with db.plain() as reader:
        (overdue,) = overdue_receipts(reader, TODAY)
    assert transfers == TransferCounts(
        transfers_in=sum(1 for transfer in listed if transfer.direction is TransferDirection.IN),
        transfers_out=sum(1 for transfer in listed if transfer.direction is TransferDirection.OUT),
        receipts_overdue=1,
    )
    before_due = receipt_due(overdue) - dt.timedelta(days=1)
    earlier = DutyFigures.from_part(duties_part(db, Period.year(before_due.year), today=before_due))
    assert earlier.row(TransferCounts).counts.receipts_overdue == 0
    assert figures.row(MobileCounts).counts == MobileCounts(away=3, elsewhere=2, transfer_advised=1, quiet=1)


# -- the street's side -------------------------------------------------------------------------------------------


def test_the_street_adds_up_each_communitys_duties_and_says_why_one_has_none(street, tmp_path):
    """Two communities send the quarters of last year by today's program, one by a program of format 1, one sends
    nothing: the street's 党员教育管理工作汇总表 has each one's numbers as its own reports count them, and for the
    others 旧版数据包无此项 or 未报 with no number at all (a zero would pretend to be data)."""
    street_db, key = street
    own: dict[str, dict[str, Path]] = {}
    files = []
    for seed in (11, 12, 13):
        db = community(tmp_path, seed, key)
        name = f"示例{seed}号居民区"
        own[name] = {
            kind: own_report(db, kind, Period.year(LAST_YEAR), tmp_path / f"{seed}-{kind}.xlsx")
            for kind in ("reviews", "talks")
        }
        files += quarters(db, LAST_YEAR, tmp_path, seed, old=seed == 13)
        db.dispose()
    assert [o.outcome for o in import_packages(street_db, files, add_units=True)] == [IMPORTED] * len(files)
    StreetUnitService(street_db).add("310199999", "未报居民区")

    report = tmp_path / "street-duties.xlsx"
    assert export_report(street_db, "duties", Period.year(LAST_YEAR), report, catalogue=STREET).rows == 3
    workbook = openpyxl.load_workbook(report)
    assert workbook.sheetnames == [section.TITLE for section in SECTIONS]
    for sheet in workbook.worksheets:  # each sheet prints on A4 landscape, one page wide, the title repeated
        assert sheet.page_setup.paperSize == 9
        assert sheet.page_setup.orientation == "landscape"
        fitted = sheet.sheet_properties.pageSetUpPr.fitToPage
        assert fitted
        assert sheet.page_setup.fitToWidth in (None, 1), "one page wide (1 is the file's default)"
        assert sheet.page_setup.fitToHeight == 0
        assert sheet.print_title_rows == "$1:$3"
        assert printed_points(column_widths(sheet)) >= READABLE_POINTS, sheet.title

    # Each row: 数据截至, the numbers, 说明.
    reviews = by_community(report, "民主评议")
    grades = [grade.label for grade in ReviewGrade]
    for name in ("示例11号居民区", "示例12号居民区"):
        counts = own_review_counts(own[name]["reviews"])
        as_of, listed, rated, *by_grade, note = reviews[name]
        assert as_of == dt.datetime(LAST_YEAR, 12, 31), "数据截至: the fourth quarter's end"
        assert (listed, rated) == (counts["参评党员"], counts["参评党员"] - counts["未评定"])
        assert by_grade == [counts[label] for label in grades]
        assert note is None
    for name, why in (("示例13号居民区", NOT_CARRIED), ("未报居民区", NOT_REPORTED)):
        as_of, *numbers, note = reviews[name]
        assert numbers == [None] * 6, "no number at all"
        assert note == why
    summed = reviews["合计"]
    assert summed[1:7] == tuple(reviews["示例11号居民区"][i] + reviews["示例12号居民区"][i] for i in range(1, 7))
    assert rows(report, "民主评议")[-1][0] == "合计（2 个居民区）"

    talks = by_community(report, "谈心谈话")
    for name in ("示例11号居民区", "示例12号居民区"):
        pairs, members, between, every = own_coverage(own[name]["talks"])
        _, pairs_due, pairs_done, pair_share, due, done, member_share, among, overall, _ = talks[name]
        assert (pairs_due, pairs_done) == pairs
        assert (due, done) == members
        assert (among, overall) == (between[1], every[1])
        assert pair_share == pytest.approx(pairs[1] / pairs[0])
        assert member_share == pytest.approx(members[1] / members[0])
    assert talks["示例13号居民区"][-1] == NOT_CARRIED
    _, pairs_due, pairs_done, pair_share, *_ = talks["合计"]
    assert pair_share == pytest.approx(pairs_done / pairs_due), "the street's own share, not a mean of shares"

    lapses = by_community(report, "六个月提醒")
    assert lapses["示例11号居民区"][1] > 0
    assert lapses["示例13号居民区"][-1] == NOT_CARRIED

    # The same street, one quarter: the review of December was still to come on 31 March.
    quarter = tmp_path / "street-duties-q1.xlsx"
    export_report(street_db, "duties", Period.quarter(LAST_YEAR, 1), quarter, catalogue=STREET)
    _, *numbers, note = by_community(quarter, "民主评议")["示例11号居民区"]
    assert numbers == [None] * 6
    assert note == ReviewCounts.NONE_TEXT


def test_a_program_of_format_1_refuses_a_new_package_with_its_message(street, tmp_path):
    street_db, key = street
    db = community(tmp_path, 11, key)
    target = tmp_path / "new.sjb"
    build_package(db, package_period(f"{LAST_YEAR}Q4"), target)
    db.dispose()
    data = target.read_bytes()
    assert b'"format": 2' in data[:200], "the header says format 2"
    keys = StreetKeyService(street_db)
    private, own = keys.private_key(), keys.own_public_key()
    assert own is not None
    with patch.object(package_format, "FORMAT_VERSION", 1):  # the reader as the program of format 1 has it
        with pytest.raises(PackageRefusedError) as refused:
            read_package(data, private, own.fingerprint, target.name)
        [outcome] = import_packages(street_db, [target], add_units=True)
    said = str(refused.value)
    assert "由更新版本的程序生成" in said
    assert "本程序只认识到 1" in said
    assert said.endswith("请先升级本程序。")
    assert outcome.outcome == REFUSED
    assert outcome.message == said
    assert StreetPackageService(street_db).packages() == [], "nothing written"
    # Today's street program reads it.
    manifest, parts = read_package(data, private, own.fingerprint, target.name)
    assert manifest.format_version == 2
    assert set(parts[PART]) == {"year", "as_of", *(s.KEY for s in SECTIONS)}


def test_an_old_package_and_one_stored_before_format_2_read_as_not_carried(street, tmp_path):
    street_db, key = street
    db = community(tmp_path, 11, key)
    old = tmp_path / "old.sjb"
    with format_1():
        build_package(db, package_period(f"{LAST_YEAR}Q4"), old)
    db.dispose()
    assert b'"format": 1' in old.read_bytes()[:200]
    [outcome] = import_packages(street_db, [old], add_units=True)
    assert outcome.outcome == IMPORTED
    with street_db.read_session() as session:
        stored = session.scalar(select(StreetPackage))
        assert stored is not None
        assert stored.format_version == 1
        assert stored.content[PART] == {}, "upgraded to format 2's shape: an empty duties part"
    [(code, figures)] = StreetPackageService(street_db).duties(Period.year(LAST_YEAR)).items()
    assert [figures.row(section).note for section in SECTIONS] == [NOT_CARRIED] * len(SECTIONS)
    assert all(figures.row(section).counts is None for section in SECTIONS)

    # A street that imported it with its earlier program kept the parts without the duties part at all.
    with street_db.session() as session:
        row = session.scalar(select(StreetPackage))
        assert row is not None
        row.content = {name: part for name, part in row.content.items() if name != PART}
    figures = StreetPackageService(street_db).duties(Period.year(LAST_YEAR))[code]
    assert [figures.row(section).note for section in SECTIONS] == [NOT_CARRIED] * len(SECTIONS)


# -- the figures themselves (pure) -------------------------------------------------------------------------------


def test_a_section_is_counts_none_to_count_or_not_carried_and_adds_up_by_its_counts():
    reviews = ReviewCounts.of(
        10, {ReviewGrade.EXCELLENT: 2, ReviewGrade.QUALIFIED: 7, ReviewGrade.BASIC: 0, ReviewGrade.UNQUALIFIED: 0}
    )
    assert (reviews.listed, reviews.rated) == (10, 9)
    talks = TalkCounts(pairs_due=0, pairs_done=0, members_due=4, members_done=3, member_talks=1, talks=5)
    assert talks.cells()[2] is None, "no 支委 pairs: no share, not 0%"
    part = to_part(2025, dt.date(2025, 12, 31), {ReviewCounts.KEY: reviews, TalkCounts.KEY: talks})
    figures = DutyFigures.from_part(part)
    assert figures.row(ReviewCounts).counts == reviews
    assert figures.row(LapseCounts).note == NOT_CARRIED, "a section the package does not have"
    nothing_yet = DutyFigures.from_part(to_part(2025, dt.date(2025, 3, 31), {ReviewCounts.KEY: None}))
    assert nothing_yet.row(ReviewCounts).note == ReviewCounts.NONE_TEXT
    assert duty_row(None, TalkCounts).note == NOT_REPORTED
    more = TalkCounts(pairs_due=6, pairs_done=3, members_due=6, members_done=6, member_talks=0, talks=9)
    summed = total(
        [
            figures.row(TalkCounts),
            duty_row(None, TalkCounts),
            DutyFigures.from_part({}).row(TalkCounts),
            DutyRow(None, more, ""),
        ]
    )
    assert summed == TalkCounts(pairs_due=6, pairs_done=3, members_due=10, members_done=9, member_talks=1, talks=14)
    assert summed.cells()[2] == 0.5
    assert summed.cells()[5] == 0.9
    assert total([duty_row(None, TalkCounts)]) is None
