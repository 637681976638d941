"""One client's operations on the shared server, one at a time: what each costs by itself.

`python -m benchmarks.shared_ops [--repeat 30] [--community 1] [--statements] [--explain] [--profile OP]` starts the
load benchmark's server (its kept cluster, benchmarks/shared_load.py), signs in as the 书记 of a community (the
first, `large`, unless told) and times, each `--repeat` times, the operations the load mixes: a resident search
(ids and the first page), opening a care action, editing one, adding one, and saving the attendance of a 党员大会
that lists every member of the branch (590 rows in a `large` community). For each: the median and p95 in
milliseconds and the statements sent per operation (SQLAlchemy's `before_cursor_execute`, an executemany once).
Nothing else runs on the server meanwhile, so the figures are the operations' own cost; the load benchmark adds
the waiting. `--statements` also prints, from pg_stat_statements, the statements that took the server the most
time; `--explain` the search's plan through the policies; `--profile OP` a cProfile of one operation.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import shared_load as load
from benchmarks.run import CACHE, percentile


class Counter:
    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._one)

    def _one(self, *_args: Any) -> None:
        self.count += 1


def owner_sql(postgres: Any, sql: str) -> None:
    import psycopg

    address = f"host=127.0.0.1 port={postgres.port} user=postgres dbname={load.DATABASE}"
    with psycopg.connect(address, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def profile(operation: Callable[[], Any], repeat: int) -> None:
    import cProfile
    import pstats

    operation()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        operation()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def explain_search(work: Any) -> None:
    """The search's plan as the 书记 runs it (through the policies), with its timings and buffers."""
    from sqlalchemy import select

    from desktop_app.core.services.base import ListQuery
    from desktop_app.core.storage.models import Resident

    statement = work.residents._listing(select(Resident.id), ListQuery(text="王"), None)
    compiled = statement.compile(work.db.engine)
    with work.db.engine.connect() as conn:
        plan = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}", compiled.params).scalars().all()
    print("\n".join(["搜索居民的执行计划：", *plan]))


class ServerCpu:
    """CPU time of the server processes serving this client's connections (loopback: their /proc entries), read
    by the engine's own pids. What an operation costs in CPU does not swing with the machine's other work as its
    wall time does, and on a loaded machine CPU is what the load benchmark's clients wait for."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.pids: set[int] = set()
        event.listen(engine, "connect", self._opened)

    def _opened(self, dbapi_connection: Any, _record: Any) -> None:
        self.pids.add(dbapi_connection.info.backend_pid)

    def seconds(self) -> float:
        ticks = 0
        for pid in self.pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # not on this machine, or gone
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")


Measured = tuple[str, float, float, float, float, float]


def measure(name: str, operation: Callable[[], Any], counter: Counter, server: ServerCpu, repeat: int) -> Measured:
    """Median and p95 wall ms, median statements, and CPU ms per operation: the client's process and the server's
    (both summed over the repeats: the clock ticks are 10 ms)."""
    operation()  # a first call settles caches (statements, mappers)
    times, statements = [], []
    client_before, server_before = time.process_time(), server.seconds()
    for _ in range(repeat):
        before = counter.count
        started = time.perf_counter()
        operation()
        times.append((time.perf_counter() - started) * 1000)
        statements.append(counter.count - before)
    client_cpu = (time.process_time() - client_before) * 1000 / repeat
    server_cpu = (server.seconds() - server_before) * 1000 / repeat
    median, p95 = statistics.median(times), percentile(times, 0.95)
    return name, median, p95, statistics.median(statements), client_cpu, server_cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.shared_ops", description="单个客户端各操作的耗时")
    parser.add_argument("--repeat", type=int, default=30, help="每个操作测几次")
    parser.add_argument("--statements", action="store_true", help="列出服务器上耗时最多的语句（pg_stat_statements）")
    parser.add_argument(
        "--profile",
        choices=("search", "open", "save", "add", "attendance"),
        help="先在客户端用 cProfile 剖析这个操作（--repeat 次），列出耗时最多的函数",
    )
    parser.add_argument(
        "--community",
        type=int,
        default=1,
        help=f"哪个居民区的书记（1 到 {len(load.COMMUNITIES)}；1、2 为 large，其余 small）",
    )
    parser.add_argument("--explain", action="store_true", help="列出搜索居民的执行计划（以书记身份，经过行级安全策略）")
    args = parser.parse_args(argv)
    import tempfile

    from desktop_app.core.services.base import ListQuery

    if not 1 <= args.community <= len(load.COMMUNITIES):
        parser.error(f"--community 须在 1 到 {len(load.COMMUNITIES)} 之间")
    community = load.COMMUNITIES[args.community - 1]
    postgres = load.start_server(load.COMMUNITIES, CACHE, " -c shared_preload_libraries=pg_stat_statements")
    try:
        owner_sql(postgres, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        facts = load.community_facts(postgres)
        with tempfile.TemporaryDirectory() as folder:
            login, role = load.logins(community)["书记"]
            plan = load.ClientPlan(login, role, postgres.port, folder, facts[community.name][1], 0)
            work = load.Workday(plan, load.ClientLog(login, role))
            counter = Counter(work.db.engine)
            server_cpu = ServerCpu(work.db.engine)
            work.db.engine.dispose()  # connections opened again from here, so their server processes are known
            rng = random.Random(1)
            large_meeting = work.meeting_ids[-1]
            rows = len(work.meetings.get(large_meeting)["attendance"])

            def search() -> None:
                ids = work.residents.list_ids(ListQuery(text=rng.choice(load.SURNAMES)))
                work.residents.fetch_rows(ids[:50])

            def open_care() -> None:
                work.care.get(rng.choice(work.care_ids))

            def save_care() -> None:
                record_id = rng.choice(work.care_ids)
                values = work.care.get(record_id)
                work.care.update(record_id, {**values, "notes": work.token()}, version=values["version"])

            def add_care() -> None:
                values = work.care.get(rng.choice(work.care_ids))
                new = {key: value for key, value in values.items() if key not in ("id", "version")}
                work.care.create({**new, "notes": work.token()})

            def save_attendance() -> None:
                from desktop_app.core.domain.enums import AttendanceStatus

                values = work.meetings.get(large_meeting)
                attendance = [dict(row) for row in values["attendance"]]
                row = rng.choice(attendance)
                row["status"] = rng.choice([AttendanceStatus.PRESENT, AttendanceStatus.ABSENT])
                work.meetings.update(
                    large_meeting, {**values, "attendance": attendance, "content": work.token()}, values["version"]
                )

            operations = {
                "search": search,
                "open": open_care,
                "save": save_care,
                "add": add_care,
                "attendance": save_attendance,
            }
            if args.profile:
                profile(operations[args.profile], args.repeat)
            owner_sql(postgres, "SELECT pg_stat_statements_reset()")
            measuring = (counter, server_cpu, args.repeat)
            results = [
                measure("搜索居民（编号 + 第一页）", search, *measuring),
                measure("打开关怀记录", open_care, *measuring),
                measure("保存关怀记录（打开 + 修改）", save_care, *measuring),
                measure("新增关怀记录（打开 + 新增）", add_care, *measuring),
                measure(f"保存出席登记（{rows} 人的党员大会，打开 + 保存）", save_attendance, *measuring),
            ]
            if args.explain:
                explain_search(work)
            work.db.dispose()
        print(f"{'操作':<40}{'中位数 ms':>12}{'p95 ms':>10}{'语句数':>8}{'客户端 CPU ms':>14}{'服务器 CPU ms':>14}")
        for name, median, p95, statements, client_cpu, server_cpu_ms in results:
            print(f"{name:<40}{median:>12.1f}{p95:>10.1f}{statements:>8.0f}{client_cpu:>14.1f}{server_cpu_ms:>14.1f}")
        if args.statements:
            import psycopg

            with psycopg.connect(f"host=127.0.0.1 port={postgres.port} user=postgres dbname={load.DATABASE}") as conn:
                top = conn.execute(
                    "SELECT calls, round(total_exec_time::numeric, 1), round(mean_exec_time::numeric, 3), rows,"
                    " left(regexp_replace(query, '\\s+', ' ', 'g'), 160)"
                    " FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25"
                ).fetchall()
            print("\n服务器上耗时最多的语句（调用次数、总 ms、平均 ms、行数、语句）：")
            for calls, total, mean, rows_read, query in top:
                print(f"{calls:>6} {total:>9} {mean:>8} {rows_read:>7}  {query}")
    finally:
        postgres.stop()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
