"""街道汇总: communities hand up sealed packages; the street office's copy imports them and adds them up to
exactly the numbers each community's own reports show."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.exchange.packages.build import build_package, package_period
from desktop_app.core.exchange.packages.format import FORMAT_VERSION
from desktop_app.core.exchange.packages.street_import import (
    ALREADY,
    HISTORY,
    IMPORTED,
    REPLACED,
    import_packages,
)
from desktop_app.core.exchange.reports.registry import STREET, export_report
from desktop_app.core.services.mode import ModeService
from desktop_app.core.services.street import StreetKeyService, StreetPackageService, StreetUnitService
from desktop_app.core.storage.startup import open_database
from tests.conftest import TEST_DATA_KEY

YEAR = dt.date.today().year
SEEDS = (11, 12, 13)


def rows(path: Path, sheet: str) -> list[tuple]:
    """The table's rows under its headings, up to the blank row before the signature line; notes across
    the table (a first cell of text and nothing else) left out."""
    table = []
    for row in openpyxl.load_workbook(path)[sheet].iter_rows(min_row=4, values_only=True):
        if not any(cell is not None for cell in row):
            break
        if any(cell is not None for cell in row[1:]):
            table.append(row)
    return table


def community(base: Path, seed: int, street_key) -> object:
    db = open_database(base / f"community-{seed}", key=TEST_DATA_KEY)
    fill_demo(db, "small", seed=seed)
    StreetKeyService(db).set_street_key(street_key)
    return db


def test_a_year_added_up_from_quarterly_packages_equals_each_communitys_own_year_reports(street, tmp_path):
    street_db, key = street
    own: dict[str, dict[str, Path]] = {}
    packages = []
    year = Period.year(YEAR)
    for seed in SEEDS:
        db = community(tmp_path, seed, key)
        name = f"示例{seed}号居民区"
        own[name] = {}
        for kind in ("meetings", "care", "studio", "dues", "visits"):
            own[name][kind] = tmp_path / f"{seed}-{kind}.xlsx"
            export_report(db, kind, year, own[name][kind])
        for quarter in range(1, 5):
            target = tmp_path / f"{seed}-Q{quarter}.sjb"
            build_package(db, package_period(f"{YEAR}Q{quarter}"), target)
            packages.append(target)
        db.dispose()
    outcomes = import_packages(street_db, packages, add_units=True)
    assert [o.outcome for o in outcomes] == [IMPORTED] * len(packages)
    consolidated = {kind: tmp_path / f"street-{kind}.xlsx" for kind in ("meetings", "care", "studio", "dues", "visits")}
    for kind, path in consolidated.items():
        assert export_report(street_db, kind, year, path, catalogue=STREET).rows == len(SEEDS)

    # 三会一课: each community's 应开/实开 per kind, as its own 落实情况 sheet has them (groups added up).
    street_meetings = {(r[0], r[1]): (r[2], r[3]) for r in rows(consolidated["meetings"], "明细")}
    for name, reports in own.items():
        per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for _, item, _, required, held, *_ in rows(reports["meetings"], "落实情况"):
            per_kind[item.split("（")[0]][0] += required or 0
            per_kind[item.split("（")[0]][1] += held or 0
        assert sum(held for _, held in per_kind.values()) > 0, "meetings held: the comparison has something to compare"
        for kind, (required, held) in per_kind.items():
            street_required, street_held = street_meetings[(name, kind)]
            assert (street_required or 0, street_held) == (required, held), (name, kind)

    # 六维关怀: count and amount per category, as each community's 分类汇总 sheet.
    street_care = {(r[0], r[1]): (r[2], r[3]) for r in rows(consolidated["care"], "按居民区") if r[1]}
    compared = 0
    for name, reports in own.items():
        for _, category, count, amount in rows(reports["care"], "分类汇总"):
            if category and count:
                assert street_care[(name, category)] == (count, amount), (name, category)
                compared += 1
    assert compared >= len(SEEDS) * 3

    # 工作室: per topic and status, the sum of the communities' 课题统计 sheets.
    expected: dict[str, list[int]] = {}
    for reports in own.values():
        for topic, *counts in rows(reports["studio"], "课题统计"):
            if topic != "合计":
                expected[topic] = [a + b for a, b in zip(expected.get(topic, [0] * len(counts)), counts, strict=True)]
    street_topics = {r[0]: list(r[1:]) for r in rows(consolidated["studio"], "按课题") if r[0] != "合计"}
    assert street_topics == expected
    assert sum(sum(counts) for counts in expected.values()) > 0

    # 党费: the year's 应缴 and 实缴 of each community's 按月汇总 sheet.
    street_dues = {r[1]: (r[3], r[4]) for r in rows(consolidated["dues"], "汇总") if r[0] != "合计"}
    for name, reports in own.items():
        months = rows(reports["dues"], "按月汇总")
        owed = sum(Decimal(str(r[2])) for r in months)
        paid = sum(Decimal(str(r[3])) for r in months)
        assert (Decimal(str(street_dues[name][0])), Decimal(str(street_dues[name][1]))) == (owed, paid), name
        assert paid > 0

    # 学习考察: each community's visits.
    street_visits = {r[1]: r[2] for r in rows(consolidated["visits"], "汇总") if r[0] != "合计"}
    for name, reports in own.items():
        assert street_visits[name] == len([r for r in rows(reports["visits"], "学习考察") if r[0] is not None])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_same_package_twice_a_newer_version_and_a_late_older_one(street, tmp_path):
    street_db, key = street
    db = community(tmp_path, 11, key)
    first, second = tmp_path / "v1.sjb", tmp_path / "v2.sjb"
    build_package(db, package_period(f"{YEAR}Q1"), first)
    build_package(db, package_period(f"{YEAR}Q1"), second)
    db.dispose()
    assert [o.outcome for o in import_packages(street_db, [second], add_units=True)] == [IMPORTED]
    assert [o.outcome for o in import_packages(street_db, [second])] == [ALREADY]
    [late] = import_packages(street_db, [first])
    assert late.outcome == HISTORY, "an older version arriving late does not replace the newer"
    listed = StreetPackageService(street_db).packages()
    assert [(p.sequence, p.current) for p in listed] == [(2, True), (1, False)]

    db = open_database(tmp_path / "community-11", key=TEST_DATA_KEY)
    third = tmp_path / "v3.sjb"
    assert build_package(db, package_period(f"{YEAR}Q1"), third, include_names=True).sequence == 3
    db.dispose()
    [newer] = import_packages(street_db, [third])
    assert newer.outcome == REPLACED
    assert [(p.sequence, p.current, p.includes_names) for p in StreetPackageService(street_db).packages()] == [
        (3, True, True),
        (2, False, False),
        (1, False, False),
    ]


def test_every_refusal_says_why_and_leaves_the_street_data_unchanged(tmp_path, capsys, recovery_key_out):
    street_dir, other_dir = tmp_path / "street", tmp_path / "other-street"
    for folder, out, name in ((street_dir, "k.pub", "甲街道"), (other_dir, "o.pub", "乙街道")):
        keygen = ["street", "keygen", "--out", str(tmp_path / out), "--name", name, *recovery_key_out()]
        assert main(["--data-dir", str(folder), *keygen]) == 0
    community_dir = tmp_path / "community"
    assert main(["--data-dir", str(community_dir), "demo", *recovery_key_out()]) == 0
    assert main(["--data-dir", str(community_dir), "street-key", str(tmp_path / "o.pub")]) == 0
    to_other = tmp_path / "to-other.sjb"
    assert main(["--data-dir", str(community_dir), "package", "--period", f"{YEAR}Q2", "--out", str(to_other)]) == 0
    assert main(["--data-dir", str(community_dir), "street-key", str(tmp_path / "k.pub")]) == 0
    good = tmp_path / "good.sjb"
    assert main(["--data-dir", str(community_dir), "package", "--period", f"{YEAR}Q2", "--out", str(good)]) == 0
    altered = tmp_path / "altered.sjb"
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0x01
    altered.write_bytes(bytes(data))
    truncated = tmp_path / "truncated.sjb"
    truncated.write_bytes(good.read_bytes()[:500])
    newer = tmp_path / "newer.sjb"
    current = f'"format": {FORMAT_VERSION}'.encode()
    newer.write_bytes(good.read_bytes().replace(current, b'"format": 9', 1))
    not_a_package = tmp_path / "报表.sjb"
    not_a_package.write_text("这不是数据包")
    capsys.readouterr()

    database = street_dir / "shuji.sqlite3"
    cases = {
        altered: "已损坏或被改动",
        truncated: "已损坏或被改动",
        to_other: "发给另一个街道",
        newer: "更新版本的程序",
        not_a_package: "不是书记工作台数据包",
        good: "不在本街道的居民区名单中",
    }
    for path, said in cases.items():
        before = sha(database)
        assert main(["--data-dir", str(street_dir), "street", "import", str(path)]) == 1, path.name
        out = capsys.readouterr()
        assert said in out.out, (path.name, out.out)
        assert "Traceback" not in out.err
        assert sha(database) == before, f"{path.name}: nothing written"

    assert main(["--data-dir", str(street_dir), "street", "add-unit", "3101" + "02023", "康宁居民区"]) == 0
    assert main(["--data-dir", str(street_dir), "street", "import", str(good)]) == 0
    assert "已导入" in capsys.readouterr().out


def test_a_package_needs_a_unit_code_and_the_street_key_and_says_so(db, tmp_path):
    from desktop_app.core.domain.errors import AppError
    from desktop_app.core.services.profile import ProfileService

    ProfileService(db).save({"community_name": "康宁居民区"})
    with pytest.raises(AppError, match="单位代码"):
        build_package(db, package_period(f"{YEAR}Q1"), tmp_path / "a.sjb")
    ProfileService(db).save({"community_name": "康宁居民区", "unit_code": "310102023"})
    with pytest.raises(AppError, match="街道公钥"):
        build_package(db, package_period(f"{YEAR}Q1"), tmp_path / "a.sjb")
    with pytest.raises(AppError, match="按月、季度或年度"):
        package_period(f"{YEAR}-01-01..{YEAR}-02-15")
    assert not (tmp_path / "a.sjb").exists()


def test_a_small_communitys_package_is_small_and_carries_no_names_unless_asked(street, tmp_path):
    street_db, key = street
    db = community(tmp_path, 11, key)
    plain, named = tmp_path / "plain.sjb", tmp_path / "named.sjb"
    assert build_package(db, package_period(str(YEAR)), plain).size < 200 * 1024
    build_package(db, package_period(str(YEAR)), named, include_names=True)
    some_member = db_member_name(db)
    db.dispose()
    import_packages(street_db, [plain], add_units=True)
    [(_, pieces)] = StreetPackageService(street_db).current_contents(Period.year(YEAR)).items()
    assert "names" not in pieces[0][1]
    assert some_member not in str(pieces[0][1])
    import_packages(street_db, [named])
    [(_, pieces)] = StreetPackageService(street_db).current_contents(Period.year(YEAR)).items()
    assert some_member in str(pieces[0][1]["names"])


def db_member_name(db) -> str:
    from desktop_app.core.services.dues import DuesService

    return next(row.name for row in DuesService(db).ledger(YEAR) if row.paid)


def test_the_street_list_and_a_copy_with_records_cannot_become_a_street(db, street):
    from desktop_app.core.domain.errors import AppError

    fill_demo(db, "small")
    with pytest.raises(AppError, match="已有居民区的记录"):
        ModeService(db).become_street("甲街道")
    street_db, _ = street
    units = StreetUnitService(street_db)
    units.add("310102023", "康宁居民区")
    with pytest.raises(Exception, match="已有单位代码"):
        units.add("310102023", "别的名字")
    assert [u.name for u in units.list()] == ["康宁居民区"]


def test_a_count_not_required_in_the_period_reads_as_every_other_count(street, tmp_path):
    """实开/应开 in one style everywhere: a yearly norm judged on one quarter is 应开 0 ("0/0", "1/0"), in the
    communities' rows and in 合计 alike, never "0/—"."""
    street_db, key = street
    db = community(tmp_path, SEEDS[0], key)
    target = tmp_path / "Q1.sjb"
    build_package(db, package_period(f"{YEAR}Q1"), target)
    db.dispose()
    import_packages(street_db, [target], add_units=True)
    report = tmp_path / "street-meetings.xlsx"
    export_report(street_db, "meetings", Period.parse(f"{YEAR}Q1"), report, catalogue=STREET)
    summary = rows(report, "汇总")
    counts = [cell for row in summary for cell in row[2:-1] if cell != "未设要求"]
    assert counts, "the community and 合计 rows have counts"
    assert all(isinstance(cell, str) and re.fullmatch(r"\d+/\d+", cell) for cell in counts), counts
    assert any(cell.endswith("/0") for cell in counts), "a yearly norm is not required in one quarter"
    not_required = [row for row in rows(report, "明细") if row[4] == "不作要求"]
    assert not_required
    assert all(row[2] == 0 for row in not_required)
