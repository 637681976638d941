"""Moving in (`desktop-app server upload`) on a real PostgreSQL server: a single PC's encrypted demo data becomes
one community, read back through a 书记's own account and the program's services; a second run, a community
already in use and a server that changes what is written (the check after the move finds it) write nothing."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import uuid
from pathlib import Path

import psycopg
import pytest

from desktop_app.cli import main
from desktop_app.core.storage import keys
from desktop_app.core.storage.startup import open_database
from tests.conftest import TEST_PASSWORD

PASSWORD = "Qiushui-gongchang#tian-1yise"
TODAY = dt.date(2026, 6, 30)
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40  # an attachment's file, sealed on the PC


class Server:
    """A database after `server init`, with communities made as a test needs them and one 书记 account."""

    def __init__(self, postgres: object, root: Path) -> None:
        self.postgres = postgres
        self.root = root
        self.name = f"upload_{uuid.uuid4().hex[:10]}"
        self.secretary = f"sec_{uuid.uuid4().hex[:6]}"

    @property
    def owner_url(self) -> str:
        return self.postgres.url(self.name)  # type: ignore[attr-defined]

    def owner(self) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.postgres.port,  # type: ignore[attr-defined]
            user="postgres",
            dbname=self.name,
            autocommit=True,
        )

    def community(self, prefix: str) -> str:
        name = f"{prefix}{uuid.uuid4().hex[:6]}"
        assert main(["server", "add-community", name, "--db-url", self.owner_url]) == 0
        return name

    def count(self, table: str, community: str) -> int:
        with self.owner() as conn:
            row = conn.execute(
                f"SELECT count(*) FROM {table} t JOIN communities c ON c.id = t.community_id WHERE c.name = %s",
                (community,),
            ).fetchone()
        assert row is not None
        return int(row[0])


@pytest.fixture(scope="module")
def server(postgres: object, tmp_path_factory: pytest.TempPathFactory) -> Server:
    root = tmp_path_factory.mktemp("upload-server")
    made = Server(postgres, root)
    postgres.execute(f"CREATE DATABASE {made.name}")  # type: ignore[attr-defined]
    assert main(["server", "init", "--db-url", made.owner_url]) == 0
    return made


@pytest.fixture(scope="module")
def pc_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A secretary's PC: the small demo data, encrypted, with an attachment and a record purged from the 回收站."""
    from desktop_app.core.exchange.demo import fill_demo
    from desktop_app.core.services.attachments import AttachmentService
    from desktop_app.core.services.people import ResidentService

    directory = tmp_path_factory.mktemp("pc") / "data"
    key, _ = keys.create_keys(directory, TEST_PASSWORD)
    db = open_database(directory, key=key)
    try:
        fill_demo(db, "small", today=TODAY)
        residents = ResidentService(db)
        first, gone = residents.list_ids()[:2]
        photo = directory.parent / "门牌照片.png"
        photo.write_bytes(PHOTO)
        AttachmentService(db).add("resident", first, photo)
        scan = directory.parent / "已删除居民的材料.pdf"
        scan.write_bytes(b"%PDF-1.4 " + bytes(range(200)))
        AttachmentService(db).add("resident", gone, scan)  # left behind by the purge, as the program leaves it
        residents.soft_delete([gone])
        residents.purge([gone])
    finally:
        db.dispose()
    return directory


@pytest.fixture
def pc(pc_data: Path, tmp_path: Path, cli_password: str) -> Path:
    """A copy of the PC's data for one test; its password where a script gives it."""
    return Path(shutil.copytree(pc_data, tmp_path / "pc", ignore=shutil.ignore_patterns("app.lock")))


def upload(server: Server, pc: Path, community: str) -> int:
    return main(["server", "upload", "--from", str(pc), "--community", community, "--db-url", server.owner_url])


def secretary_of(server: Server, community: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The program as the community's 书记 runs it, signed in with their own password."""
    password_file = tmp_path / "new-password.txt"
    password_file.write_text(PASSWORD, encoding="utf-8")
    login = f"sec_{uuid.uuid4().hex[:6]}"
    command = ["add-user", login, "--role", "书记", "--community", community]
    assert main(["server", *command, "--new-password-file", str(password_file), "--db-url", server.owner_url]) == 0
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:*:{server.name}:{login}:{PASSWORD}\n", encoding="utf-8")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    port = server.postgres.port  # type: ignore[attr-defined]
    return open_database(tmp_path / "client", url=f"postgresql+psycopg://{login}@127.0.0.1:{port}/{server.name}")


def test_upload_moves_every_record_file_and_audit_line_and_refuses_a_second_time(
    server, pc, tmp_path, monkeypatch, capsys
):
    from desktop_app.core.services.attachments import AttachmentService
    from desktop_app.core.services.dues import DuesService
    from desktop_app.core.services.people import ResidentService
    from desktop_app.core.services.server_upload import upload_tables
    from desktop_app.core.services.workbench import workbench_of
    from desktop_app.core.storage.audit import AuditService

    community, neighbour = server.community("康宁居民区"), server.community("梅陇六村")
    assert upload(server, pc, community) == 0
    said = capsys.readouterr().out
    assert f"迁入服务器上的居民区“{community}”" in said
    assert "与本机完全一致" in said
    assert "党费核定" in said
    assert "基数合计（个人收入，不显示）" in said
    assert not re.search(r"基数合计 \d", said), "党费 bases are incomes: compared, never shown"

    source = open_database(pc, key=keys.open_keys(pc, TEST_PASSWORD))
    db = secretary_of(server, community, tmp_path, monkeypatch)
    try:
        with source.engine.connect() as conn:
            for table in upload_tables():
                rows = conn.exec_driver_sql(f"SELECT count(*) FROM {table.name}").scalar()
                moved = 1 if table.name == "audit_log" else 0  # the line that records the move
                assert server.count(table.name, community) == rows + moved, table.name
        # The program, signed in as the community's 书记, shows what the PC showed.
        here, there = workbench_of(source, TODAY), workbench_of(db, TODAY)
        assert (there.community, there.care_totals, there.meetings, there.care, there.latest) == (
            here.community,
            here.care_totals,
            here.meetings,
            here.care,
            here.latest,
        )
        residents_here, residents_there = ResidentService(source), ResidentService(db)
        names = [residents_here.get(i)["name"] for i in residents_here.list_ids()]
        assert [residents_there.get(i)["name"] for i in residents_there.list_ids()] == names
        first_here, first_there = residents_here.list_ids()[0], residents_there.list_ids()[0]
        assert residents_there.get(first_there)["id_number"] == residents_here.get(first_here)["id_number"]

        def ledger(database):
            rows = DuesService(database).ledger(2026)
            return [(r.name, r.group, r.owed, r.paid, r.relieved, r.voluntary) for r in rows]

        assert ledger(db) == ledger(source)
        assert any(row[3] for row in ledger(db))
        # Every audit line with its own time and user; the move itself stamped by the server.
        lines_here = [(e.at, e.os_user, e.summary) for e in AuditService(source).entries(limit=100000)]
        lines_there = AuditService(db).entries(limit=100000)
        assert [(e.at, e.os_user, e.summary) for e in lines_there if e.summary != "从单机数据迁入服务器"] == lines_here
        [moved] = [e for e in lines_there if e.summary == "从单机数据迁入服务器"]
        assert moved.os_user == "postgres"
        assert "党费核定" in moved.details
        assert not re.search(r"基数合计 \d", moved.details)
        # The attachment's file is in the database, whole, the same resident's, read by the 书记 through the program.
        [owner] = [i for i in residents_there.list_ids() if AttachmentService(db).list("resident", i)]
        assert residents_there.get(owner)["name"] == residents_here.get(first_here)["name"]
        [there] = AttachmentService(db).list("resident", owner)
        assert there.path is None
        assert AttachmentService(db).read(there) == PHOTO
        # The purged resident's attachment came along, its file too, still belonging to no record.
        with server.owner() as conn:
            orphans = conn.execute(
                "SELECT a.original_name, length(f.data) FROM attachments a"
                " JOIN attachment_contents f ON f.sha256 = a.sha256 AND f.community_id = a.community_id"
                " WHERE a.owner_id = 0"
            ).fetchall()
        assert orphans == [("已删除居民的材料.pdf", 209)]
    finally:
        db.dispose()
        source.dispose()
    assert server.count("residents", neighbour) == 0

    before = server.count("audit_log", community)
    assert upload(server, pc, community) == 1
    refused = capsys.readouterr().err
    assert f"居民区“{community}”已在" in refused
    assert "迁入过数据" in refused
    assert "什么也没有做" in refused
    assert server.count("audit_log", community) == before
    assert server.count("residents", community) == len(names)


def test_a_difference_found_after_the_move_writes_nothing(server, pc, capsys):
    community = server.community("虹旭小区")
    with server.owner() as conn:
        # A server rule of someone else's that changes what is written: the check after the move must find it.
        conn.execute(
            """CREATE FUNCTION test_round_dues() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN NEW.amount := NEW.amount + 1; RETURN NEW; END $$"""
        )
        found = conn.execute("SELECT id FROM communities WHERE name = %s", (community,)).fetchone()
        assert found is not None
        conn.execute(
            "CREATE TRIGGER test_round_dues BEFORE INSERT ON dues_payments FOR EACH ROW"
            f" WHEN (NEW.community_id = {int(found[0])}) EXECUTE FUNCTION test_round_dues()"
        )
    try:
        assert upload(server, pc, community) == 1
    finally:
        with server.owner() as conn:
            conn.execute("DROP TRIGGER test_round_dues ON dues_payments")
            conn.execute("DROP FUNCTION test_round_dues()")
    refused = capsys.readouterr().err
    assert "核对时发现服务器上的数据与本机不一致，已全部撤回" in refused
    assert "党费缴纳：本机 党费缴纳" in refused
    for table in ("residents", "dues_payments", "audit_log", "attachment_contents"):
        assert server.count(table, community) == 0, table
    assert server.count("care_categories", community) == 6  # the new community's own defaults, as they were
    with server.owner() as conn:  # the audit stamp is on again
        row = conn.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_log_stamp' AND NOT tgisinternal"
        ).fetchone()
        assert row == ("O",)
    assert upload(server, pc, community) == 0  # nothing was half-written: the move can simply be made again
    assert "与本机完全一致" in capsys.readouterr().out


def test_a_community_in_use_an_unknown_one_or_no_data_are_refused(server, pc, tmp_path, monkeypatch, capsys):
    from desktop_app.core.services.people import ResidentService

    community = server.community("长桥居民区")
    db = secretary_of(server, community, tmp_path, monkeypatch)
    try:
        ResidentService(db).create({"name": "已在服务器上的居民", "address": "3号楼"})
    finally:
        db.dispose()
    assert upload(server, pc, community) == 1
    refused = capsys.readouterr().err
    assert f"居民区“{community}”在服务器上已有数据（操作记录 1 条，居民 1 条）" in refused
    assert server.count("residents", community) == 1
    assert upload(server, pc, "没有这个居民区") == 1
    assert "服务器上没有名为“没有这个居民区”的居民区" in capsys.readouterr().err
    fresh = server.community("新村居民区")
    wrong = tmp_path / "wrong-password.txt"
    wrong.write_text("不是这个密码\n", encoding="utf-8")
    command = ["server", "upload", "--from", str(pc), "--community", fresh, "--db-url", server.owner_url]
    assert main([*command, "--password-file", str(wrong)]) == 1
    assert "密码或恢复密钥不正确" in capsys.readouterr().err
    assert server.count("audit_log", fresh) == 0
    right = tmp_path / "password.txt"
    right.write_text(TEST_PASSWORD + "\n", encoding="utf-8")
    monkeypatch.delenv("DESKTOP_APP_PASSWORD")
    assert main([*command, "--password-file", str(right)]) == 0
    assert server.count("residents", fresh) > 0
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    assert upload(server, empty, community) == 1
    assert "中没有书记工作台（本版本）的加密数据" in capsys.readouterr().err
    assert not any(empty.iterdir())


def test_an_owner_who_is_no_superuser_moves_data_in(postgres, pc, tmp_path, monkeypatch, capsys):
    """As the README has the IT person do it: the database's owner (CREATEROLE only), signing in by password."""
    from desktop_app.core.storage.audit import AuditService

    owner, name = f"owner_{uuid.uuid4().hex[:6]}", f"owned_{uuid.uuid4().hex[:10]}"
    postgres.execute(f"CREATE ROLE {owner} LOGIN CREATEROLE PASSWORD '{PASSWORD}'")
    postgres.execute(f"CREATE DATABASE {name} OWNER {owner}")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:*:{name}:{owner}:{PASSWORD}\n", encoding="utf-8")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    url = ["--db-url", f"postgresql+psycopg://{owner}@127.0.0.1:{postgres.port}/{name}"]
    assert main(["server", "init", *url]) == 0
    assert main(["server", "add-community", "康宁居民区", *url]) == 0
    assert main(["server", "add-community", "梅陇六村", *url]) == 0
    assert main(["server", "upload", "--from", str(pc), "--community", "梅陇六村", *url]) == 0
    assert "与本机完全一致" in capsys.readouterr().out
    source = open_database(pc, key=keys.open_keys(pc, TEST_PASSWORD))
    try:
        users = {line.os_user for line in AuditService(source).entries()}
        with source.engine.connect() as conn:
            residents = conn.exec_driver_sql("SELECT count(*) FROM residents").scalar()
    finally:
        source.dispose()
    with psycopg.connect(host="127.0.0.1", port=postgres.port, user="postgres", dbname=name) as conn:
        moved = conn.execute(
            "SELECT a.os_user FROM audit_log a JOIN communities c ON c.id = a.community_id"
            " WHERE c.name = '梅陇六村' AND a.record_kind = 'server_upload'"
        ).fetchall()
        kept = {u for (u,) in conn.execute("SELECT os_user FROM audit_log WHERE record_kind <> 'server_upload'")}
        placed = conn.execute(
            "SELECT c.name, count(*) FROM residents r JOIN communities c ON c.id = r.community_id GROUP BY 1"
        ).fetchall()
    assert moved == [(owner,)]
    assert kept == users
    assert placed == [("梅陇六村", residents)]
