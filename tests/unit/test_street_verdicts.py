"""The 街道's 三会一课 verdict on the server (`street_meeting_verdicts(first_day, last_day)`, storage.server) says what
the desktop's compliance check says (ComplianceService, summed per kind as the 汇总工作台 does), for two communities
filled with the demo data by their own 书记, over years, quarters, months and periods that cut units in half. The
街道 may call it; a 书记 or a 社工 may not. A real PostgreSQL with the server's roles."""

from __future__ import annotations

import datetime as dt
import uuid

import psycopg
import pytest

from desktop_app.core.domain.periods import Period
from desktop_app.core.domain.street_sums import kind_sums, verdict_of
from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.services.compliance import ComplianceService
from desktop_app.core.storage import server
from desktop_app.core.storage.database import build_engine
from desktop_app.core.storage.startup import open_database

PASSWORD = "Qiushui-gongchang#tian-1yise"
SEEDS = {"康宁居民区": 2023, "梅陇六村": 2024}


@pytest.fixture(scope="module")
def street(postgres, tmp_path_factory):
    root = tmp_path_factory.mktemp("street")
    name = f"street_{uuid.uuid4().hex[:10]}"
    suffix = uuid.uuid4().hex[:6]
    postgres.execute(f"CREATE DATABASE {name}")
    owner = build_engine(postgres.url(name))
    logins = {"street": f"jd_{suffix}", "worker": f"sg_{suffix}"}
    try:
        server.init(owner)
        server.add_user(owner, logins["street"], "街道", None, PASSWORD)
        for community in SEEDS:
            server.add_community(owner, community)
            logins[community] = f"sj{SEEDS[community]}_{suffix}"
            server.add_user(owner, logins[community], "书记", community, PASSWORD)
        server.add_user(owner, logins["worker"], "社工", "康宁居民区", PASSWORD)
    finally:
        owner.dispose()
    for community, seed in SEEDS.items():
        url = f"postgresql+psycopg://{logins[community]}@127.0.0.1:{postgres.port}/{name}"
        db = open_database(root / community, url, password=PASSWORD)
        try:
            fill_demo(db, "small", seed=seed)
        finally:
            db.dispose()
    return postgres, name, logins, root


def connect(street, role: str) -> psycopg.Connection:
    postgres, name, logins, _ = street
    return psycopg.connect(
        host="127.0.0.1", port=postgres.port, user=logins[role], password=PASSWORD, dbname=name, autocommit=True
    )


def periods() -> list[Period]:
    today = dt.date.today()
    chosen = []
    for year in (today.year - 1, today.year):
        chosen.append(Period.year(year))
        chosen.extend(Period.quarter(year, quarter) for quarter in (1, 2, 3, 4))
        chosen.extend(Period.month(year, month) for month in (1, 6, 12))
        chosen.append(Period.custom(dt.date(year, 2, 10), dt.date(year, 11, 20)))  # cuts months and quarters
    chosen.append(Period.custom(dt.date(today.year - 1, 7, 1), dt.date(today.year, 6, 30)))
    return chosen


def test_the_street_verdict_is_the_compliance_checks_on_the_demo_data(street):
    postgres, name, logins, root = street
    desktop = {}
    for community in SEEDS:
        url = f"postgresql+psycopg://{logins[community]}@127.0.0.1:{postgres.port}/{name}"
        db = open_database(root / f"{community}-check", url, password=PASSWORD)
        try:
            checks = ComplianceService(db)
            desktop[community] = [verdict_of(kind_sums(checks.evaluate(period).items)) for period in periods()]
        finally:
            db.dispose()
    judged = {verdict.text for verdicts in desktop.values() for verdict in verdicts}
    assert "达标" in judged, "a met verdict is compared"
    assert any(text.startswith("未达标：") for text in judged), "and one short of the norms"
    with connect(street, "street") as conn:
        for index, period in enumerate(periods()):
            rows = conn.execute(
                "SELECT community, met, verdict FROM street_meeting_verdicts(%s, %s)", (period.start, period.end)
            ).fetchall()
            by_community = {community: (met, verdict) for community, met, verdict in rows if community in SEEDS}
            for community in SEEDS:
                expected = desktop[community][index]
                assert by_community[community] == (expected.met, expected.text), (community, period.label)


def test_only_the_street_may_ask_for_the_verdicts(street):
    for role in ("worker", "康宁居民区"):
        with connect(street, role) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM street_meeting_verdicts('2026-01-01', '2026-03-31')")
