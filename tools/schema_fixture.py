"""Make `tests/fixtures/schema-NNNN.sqlite3`: a plain database at revision NNNN holding real records, as a
secretary's data of that release looked. Every migration gets one (tests/unit/test_data_safety.py refuses a
migration without its fixture), so the upgrade from every release is tested with data in every table.

    .venv/bin/python -m tools.schema_fixture 0012

The community's demo data (small) at head, with a street office's units and imported packages added from a
street copy, is taken back to NNNN by the migrations' own downgrades: what NNNN had keeps its rows.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from benchmarks.earlier_data import open_earlier_version
from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.exchange.packages.build import build_package, package_period
from desktop_app.core.exchange.packages.street_import import import_packages
from desktop_app.core.services.dues import DuesService
from desktop_app.core.services.mode import ModeService
from desktop_app.core.services.people import MemberService
from desktop_app.core.services.street import StreetKeyService
from desktop_app.core.storage import migrate
from desktop_app.core.storage.paths import DATABASE_FILENAME

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
STREET_TABLES = ("street_units", "street_packages")


def make(revision: str, work: Path) -> Path:
    community, street = open_earlier_version(work / "community"), open_earlier_version(work / "street")
    fill_demo(community, "small", today=dt.date(2026, 6, 30))
    member = MemberService(community).list_ids()[0]  # the demo has no 减免: one, as a branch decides it
    DuesService(community).grant_relief(
        member,
        2026,
        (3, 8),
        Decimal("0.00"),
        "长期患病住院",
        dt.date(2026, 2, 20),
        "街道党工委",
        dt.date(2026, 2, 28),
        "街党〔2026〕3号",
    )
    ModeService(street).become_street("示例街道")
    StreetKeyService(community).set_street_key(StreetKeyService(street).create_key_pair("示例街道"))
    package = work / "2026Q2.sjb"
    build_package(community, package_period("2026Q2"), package)
    import_packages(street, [package], add_units=True)
    community.dispose()
    street.dispose()
    target = work / "community" / DATABASE_FILENAME
    with sqlite3.connect(target) as conn:
        conn.execute("ATTACH DATABASE ? AS street", (str(work / "street" / DATABASE_FILENAME),))
        for table in STREET_TABLES:
            conn.execute(f"INSERT INTO {table} SELECT * FROM street.{table}")
    if revision != migrate.head_revision():
        from alembic import command
        from sqlalchemy import create_engine

        engine = create_engine(f"sqlite:///{target}")
        config = migrate.alembic_config()
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
            with conn.begin():
                config.attributes["connection"] = conn
                command.downgrade(config, revision)
        engine.dispose()
    with sqlite3.connect(target) as conn:
        conn.execute("VACUUM")
    return target


def main(revision: str) -> None:
    if revision not in migrate.known_revisions():
        sys.exit(f"no migration {revision}")
    with tempfile.TemporaryDirectory() as tmp:
        made = make(revision, Path(tmp))
        (FIXTURES / f"schema-{revision}.sqlite3").write_bytes(made.read_bytes())
    print(f"tests/fixtures/schema-{revision}.sqlite3")


if __name__ == "__main__":
    main(sys.argv[1])
