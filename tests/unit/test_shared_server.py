"""Shared mode on a real PostgreSQL server (tests/postgres.py): the `server` commands, and the role model enforced
by the server itself. Each role signs in with its own password (from a .pgpass file, as libpq reads it) and tries
what it must not: other communities' rows, ID numbers, illness text, 党费 bases, the audit log. And a 书记 runs the
program's own services on their connection and sees their community only."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import uuid
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from desktop_app.cli import main
from desktop_app.core.domain.enums import DuesCategory
from desktop_app.core.domain.normalize import id_check_digit
from desktop_app.core.storage import server
from desktop_app.core.storage.startup import open_database

PASSWORD = "Qiushui-gongchang#tian-1yise"
PHONES = {"A": "13812345678", "B": "13987654321"}
ILLNESS = {"A": "肺癌晚期化疗中", "B": "尿毒症每周透析"}
BASE = {"A": Decimal("8765.43"), "B": Decimal("6543.21")}


def id_number(serial: str) -> str:
    body = f"31010419600101{serial}"
    return body + id_check_digit(body)


IDS = {"A": id_number("123"), "B": id_number("456")}


class Shared:
    """A database with two communities (A, B) and an account of every role."""

    def __init__(self, postgres: object, root: Path) -> None:
        self.postgres = postgres
        self.root = root
        self.name = f"shared_{uuid.uuid4().hex[:10]}"
        suffix = uuid.uuid4().hex[:6]
        self.logins = {role: f"{role}_{suffix}" for role in ("sec_a", "sec_b", "worker_a", "street", "admin", "leaver")}
        self.communities = {"A": f"康宁居民区{suffix}", "B": f"梅陇六村{suffix}"}

    @property
    def owner_url(self) -> str:
        return self.postgres.url(self.name)  # type: ignore[attr-defined]

    def url_of(self, login: str) -> str:
        return f"postgresql+psycopg://{login}@127.0.0.1:{self.postgres.port}/{self.name}"  # type: ignore[attr-defined]

    def connect(self, role: str) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.postgres.port,  # type: ignore[attr-defined]
            user=self.logins[role],
            password=PASSWORD,
            dbname=self.name,
            autocommit=True,
        )

    def owner(self) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.postgres.port,  # type: ignore[attr-defined]
            user="postgres",
            dbname=self.name,
            autocommit=True,
        )


def run(*argv: str) -> int:
    return main(["server", *argv])


def fill_community(shared: Shared, role: str, which: str) -> dict[str, int]:
    """What a 书记 records through the program's own services on their own connection."""
    from desktop_app.core.services.care import CareCategoryService, CareService
    from desktop_app.core.services.dues import Basis, DuesService
    from desktop_app.core.services.people import MemberService, ResidentService

    db = open_database(shared.root / f"client-{role}", url=shared.url_of(shared.logins[role]))
    try:
        resident = ResidentService(db).create(
            {"name": f"居民{which}", "address": "1号楼101室", "phone": PHONES[which], "id_number": IDS[which]}
        )
        category = next(c.id for c in CareCategoryService(db).list() if c.name == "重病帮困")
        care = CareService(db).create(
            {
                "date": "2026-03-05",
                "category_id": category,
                "resident_id": resident,
                "item": "帮困金",
                "amount": "500",
                "illness_detail": ILLNESS[which],
            }
        )
        member = MemberService(db).create({"name": f"党员{which}", "join_date": "2001-07-01"})
        DuesService(db).assess_year(2026, {member: Basis(DuesCategory.EMPLOYED, BASE[which])}, dt.date(2026, 1, 5))
        return {"resident": resident, "care": care, "member": member}
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def shared(postgres: object, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("shared")
    shared = Shared(postgres, root)
    postgres.execute(f"CREATE DATABASE {shared.name}")  # type: ignore[attr-defined]
    password_file = root / "new-password.txt"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    pgpass = root / "pgpass"
    pgpass.write_text(
        "".join(f"127.0.0.1:*:{shared.name}:{login}:{PASSWORD}\n" for login in shared.logins.values()),
        encoding="utf-8",
    )
    pgpass.chmod(0o600)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PGPASSFILE", str(pgpass))
        url = ["--db-url", shared.owner_url]
        assert run("init", *url) == 0
        for which in ("A", "B"):
            assert run("add-community", shared.communities[which], *url) == 0
        accounts = {
            "sec_a": ("书记", "A"),
            "sec_b": ("书记", "B"),
            "worker_a": ("社工", "A"),
            "leaver": ("社工", "A"),
            "street": ("街道", None),
            "admin": ("管理员", None),
        }
        for role, (label, which) in accounts.items():
            community = ["--community", shared.communities[which]] if which else []
            new_password = ["--new-password-file", str(password_file)]
            assert run("add-user", shared.logins[role], "--role", label, *community, *new_password, *url) == 0
        shared.ids = {which: fill_community(shared, f"sec_{which.lower()}", which) for which in ("A", "B")}
        yield shared


def refused(conn: psycopg.Connection, sql: str, *params: object) -> str:
    """The statement fails on the server; its message."""
    with pytest.raises(psycopg.Error) as failure:
        conn.execute(sql, params or None)  # type: ignore[arg-type]
    return str(failure.value)


def test_server_init_twice_changes_nothing(shared):
    with shared.owner() as conn:
        before = conn.execute("SELECT count(*) FROM pg_policies").fetchone()
        grants = conn.execute("SELECT count(*) FROM information_schema.role_table_grants").fetchone()
        columns = conn.execute("SELECT count(*) FROM information_schema.column_privileges").fetchone()
        assert run("init", "--db-url", shared.owner_url) == 0
        assert conn.execute("SELECT count(*) FROM pg_policies").fetchone() == before
        assert conn.execute("SELECT count(*) FROM information_schema.role_table_grants").fetchone() == grants
        assert conn.execute("SELECT count(*) FROM information_schema.column_privileges").fetchone() == columns
        assert conn.execute("SELECT count(*) FROM residents").fetchone() == (2,)


def test_init_gives_each_list_a_community_first_index_and_remakes_one_that_changed(shared):
    """The policies' community test is answered from the front of an index: each list's covering index again,
    community_id first; a second init keeps it, and one left on other columns is made again."""
    wanted = server.community_index_names()
    assert {"residents", "members", "care_actions", "meetings"} <= set(wanted)

    def definition(conn: psycopg.Connection, name: str) -> str:
        row = conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", (name,)).fetchone()
        return row[0] if row else ""

    with shared.owner() as conn:
        for table, name in wanted.items():
            assert f"ON public.{table} USING btree (community_id, " in definition(conn, f"{name}_by_community")
        conn.execute("DROP INDEX ix_residents_live_by_community")
        conn.execute("CREATE INDEX ix_residents_live_by_community ON residents (community_id, id)")
    assert run("init", "--db-url", shared.owner_url) == 0
    with shared.owner() as conn:
        assert definition(conn, "ix_residents_live_by_community").endswith(
            "(community_id, name_pinyin, id, search_text) WHERE (deleted_at IS NULL)"
        )


def test_init_says_what_it_did_and_then_that_all_was_in_place(postgres, capsys):
    name = f"fresh_{uuid.uuid4().hex[:10]}"
    postgres.execute(f"CREATE DATABASE {name}")
    url = postgres.url(name)
    assert run("init", "--db-url", url) == 0
    first = capsys.readouterr().out
    assert "已在数据库" in first
    assert "建立书记工作台的数据结构" in first
    assert "已建立角色 书记、社工、街道、管理员" in first
    assert run("init", "--db-url", url) == 0
    second = capsys.readouterr().out
    assert "已是最新" in second
    assert "已核对" in second


def test_every_community_table_has_row_level_security(shared):
    tables = server.community_tables()
    assert {"residents", "members", "care_actions", "audit_log", "dues_assessments", "app_settings"} <= set(tables)
    with shared.owner() as conn:
        guarded = {
            name
            for (name,) in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_policies p ON p.tablename = c.relname"
                " WHERE c.relrowsecurity AND p.policyname = 'community_rows'"
            )
        }
    assert set(tables) <= guarded


def test_a_secretary_uses_the_services_and_sees_only_their_community(shared):
    from desktop_app.core.services.care import CareService
    from desktop_app.core.services.people import ResidentService
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.core.services.workbench import workbench_of
    from desktop_app.core.storage.audit import AuditService

    db = open_database(shared.root / "client-read-a", url=shared.url_of(shared.logins["sec_a"]))
    try:
        residents = ResidentService(db)
        assert residents.list_ids() == [shared.ids["A"]["resident"]]
        assert residents.get(shared.ids["A"]["resident"])["id_number"] == IDS["A"]  # the 书记 sees it all
        care = CareService(db).get(shared.ids["A"]["care"])
        assert care["recipient_name"] == "居民A"
        assert care["illness_detail"] == ILLNESS["A"]
        assert CareService(db).list_ids() == [shared.ids["A"]["care"]]  # community B's care action: not there
        workbench = workbench_of(db, dt.date(2026, 3, 20))
        assert workbench.community == shared.communities["A"]
        assert [(name, count) for name, count, _ in workbench.care_totals if count] == [("重病帮困", 1)]
        assert ProfileService(db).get().community_name == shared.communities["A"]
        lines = AuditService(db).entries()
        assert lines
        assert {line.os_user for line in lines} == {shared.logins["sec_a"]}
    finally:
        db.dispose()


def test_a_secretary_never_reaches_another_community(shared):
    other = shared.ids["B"]
    with shared.owner() as conn:
        [community_b] = conn.execute(
            "SELECT id FROM communities WHERE name = %s", (shared.communities["B"],)
        ).fetchone()
    with shared.connect("sec_a") as conn:
        assert [name for (name,) in conn.execute("SELECT name FROM residents")] == ["居民A"]
        for table in ("residents", "members", "care_actions", "dues_assessments", "audit_log", "app_settings"):
            communities = {c for (c,) in conn.execute(f"SELECT DISTINCT community_id FROM {table}")}
            assert len(communities) <= 1, table
        assert conn.execute("UPDATE residents SET name = '改' WHERE id = %s", (other["resident"],)).rowcount == 0
        assert conn.execute("DELETE FROM care_actions WHERE id = %s", (other["care"],)).rowcount == 0
        message = refused(
            conn, "INSERT INTO residents (community_id, name, search_text) VALUES (%s, '混入', '')", community_b
        )
        assert "row-level security" in message
        # Nor may a row of A refer to B's: a foreign key alone is checked past row-level security.
        message = refused(
            conn,
            "INSERT INTO care_actions (date, category_id, resident_id, recipient_name, search_text)"
            " SELECT '2026-03-06', category_id, %s, '借用', '' FROM care_actions LIMIT 1",
            other["resident"],
        )
        assert "row-level security" in message
        # A session variable is no boundary: setting one changes nothing.
        conn.execute("SELECT set_config('app.community_id', '999', false)")
        conn.execute("SET ROLE NONE")
        assert conn.execute("SELECT count(*) FROM residents").fetchone() == (1,)
        refused(conn, "SELECT * FROM communities")
        refused(conn, "UPDATE server_logins SET community_id = community_id")
    with shared.owner() as conn:
        assert conn.execute("SELECT name FROM residents WHERE id = %s", (other["resident"],)).fetchone() == ("居民B",)
        assert conn.execute("SELECT count(*) FROM care_actions WHERE id = %s", (other["care"],)).fetchone() == (1,)


def test_a_worker_never_reads_id_numbers_illness_or_dues_bases_and_sees_phones_masked(shared):
    with shared.connect("worker_a") as conn:
        for sql in (
            "SELECT id_number FROM residents",
            "SELECT phone FROM residents",
            "SELECT search_text FROM residents",
            "SELECT * FROM residents",
            "SELECT id_number FROM members",
            "SELECT illness_detail FROM care_actions",
            "SELECT base FROM dues_assessments",
            "SELECT * FROM dues_payments",
            "SELECT * FROM meetings",
        ):
            assert "permission denied" in refused(conn, sql), sql
        rows = conn.execute("SELECT name, phone, search_text FROM residents_masked").fetchall()
        assert rows == [("居民A", "138****5678", rows[0][2])]
        assert PHONES["A"] not in rows[0][2]
        assert PHONES["B"] not in rows[0][2]
        assert [r for (r,) in conn.execute("SELECT recipient_name FROM care_actions")] == ["居民A"]
        resident = shared.ids["A"]["resident"]
        assert "不能删除或恢复" in refused(conn, "UPDATE residents SET deleted_at = now() WHERE id = %s", resident)
        assert "permission denied" in refused(conn, "DELETE FROM residents WHERE id = %s", resident)
        assert "permission denied" in refused(conn, "DELETE FROM care_actions")
        # What a 社工 may do: write a resident (not their ID number), read it back masked.
        conn.execute("UPDATE residents SET address = '2号楼202室' WHERE id = %s", (resident,))
        assert "permission denied" in refused(conn, "UPDATE residents SET id_number = NULL WHERE id = %s", resident)


def test_transfers_and_mobile_members_are_the_communitys_own_and_no_workers(shared):
    """组织关系转接 (migration 0018) and 流动党员 (0019): saved by a 书记 through the program's services, row-secured
    like the other tables (the other community's 书记 sees none and cannot write one for A's member), and no 社工
    reads them."""
    from desktop_app.core.services.mobile import MobileMemberService
    from desktop_app.core.services.people import MemberService
    from desktop_app.core.services.transfers import transfers_between

    member_a = shared.ids["A"]["member"]
    db = open_database(shared.root / "client-transfer-a", url=shared.url_of(shared.logins["sec_a"]))
    try:
        members = MemberService(db)
        values = {**members.get(member_a), "transfer_in_date": "2024-09-02", "transfer_in_from": "虹旭居民区党支部"}
        members.update(member_a, values)
        [moved] = transfers_between(db, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        assert (moved.member_id, moved.organisation) == (member_a, "虹旭居民区党支部")
        away = {"member_id": member_a, "left_on": "2026-03-01", "place": "江苏省昆山市", "contact": PHONES["A"]}
        mobile = MobileMemberService(db)
        record = mobile.create(away)
        assert mobile.list_ids() == [record]
    finally:
        db.dispose()
    with shared.connect("sec_b") as conn:
        assert conn.execute("SELECT count(*) FROM member_transfers").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM mobile_members").fetchone() == (0,)
        message = refused(
            conn,
            "INSERT INTO mobile_members (member_id, left_on, place, fixed_place, host_organisation, card_no,"
            " participation, notes, search_text) VALUES (%s, '2026-01-05', '混入', true, '', '', 'returns', '', '')",
            member_a,
        )
        assert "row-level security" in message
        message = refused(
            conn,
            "INSERT INTO member_transfers (member_id, direction, date, organisation, letter_no, handled_by)"
            " VALUES (%s, 'out', '2026-01-05', '混入', '', '')",
            member_a,
        )
        assert "row-level security" in message
    with shared.connect("worker_a") as conn:
        assert "permission denied" in refused(conn, "SELECT * FROM member_transfers")
        assert "permission denied" in refused(conn, "SELECT contact FROM mobile_members")
    with shared.owner() as conn:
        [community] = conn.execute("SELECT DISTINCT community_id FROM member_transfers").fetchall()
        assert community == conn.execute("SELECT community_id FROM members WHERE id = %s", (member_a,)).fetchone()


def test_the_street_reads_numbers_per_community_and_no_row_of_personal_data(shared):
    with shared.connect("street") as conn:
        for table in server.community_tables():
            assert "permission denied" in refused(conn, f"SELECT 1 FROM {table} LIMIT 1"), table
        assert "permission denied" in refused(conn, "SELECT 1 FROM residents_masked")
        totals = dict(
            conn.execute(
                "SELECT community, residents FROM street_people_totals WHERE community = ANY(%s)",
                (list(shared.communities.values()),),
            ).fetchall()
        )
        assert totals == dict.fromkeys(shared.communities.values(), 1)
        care = conn.execute(
            "SELECT community, actions, amount_yuan FROM street_care_totals WHERE community = ANY(%s) ORDER BY 1",
            (list(shared.communities.values()),),
        ).fetchall()
        assert [(c, n, Decimal(a)) for c, n, a in care] == [
            (shared.communities["A"], 1, Decimal("500")),
            (shared.communities["B"], 1, Decimal("500")),
        ]
        columns = [d.name for d in conn.execute("SELECT * FROM audit_overview LIMIT 0").description or ()]
        assert "summary" not in columns
        assert "changes" not in columns
        assert "login" in columns


def test_the_administrator_sees_communities_and_accounts_and_no_personal_data(shared):
    with shared.connect("admin") as conn:
        for table in server.community_tables():
            assert "permission denied" in refused(conn, f"SELECT 1 FROM {table} LIMIT 1"), table
        names = {name for (name,) in conn.execute("SELECT name FROM communities")}
        assert set(shared.communities.values()) <= names
        roles = dict(conn.execute("SELECT login, role FROM server_logins").fetchall())
        assert roles[shared.logins["worker_a"]] == "worker"
        assert "permission denied" in refused(conn, "INSERT INTO server_logins (login, role) VALUES ('x', 'admin')")


@pytest.mark.parametrize("role", ["sec_a", "worker_a"])
def test_nobody_rewrites_the_audit_log(shared, role):
    with shared.connect(role) as conn:
        for sql in ("UPDATE audit_log SET summary = '改写'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
            message = refused(conn, sql)
            assert "permission denied" in message or "只能追加" in message, sql
        # A line written by hand is stamped by the server: who and when are the server's.
        conn.execute(
            "INSERT INTO audit_log (at, os_user, action, record_kind, summary, changes, details, unmasked)"
            " VALUES ('2000-01-01', '别人', 'update', 'resident', '手写', '{}', '', false)"
        )
        who, at = conn.execute("SELECT os_user, at FROM audit_log WHERE summary = '手写' ORDER BY id DESC").fetchone()
        assert who == shared.logins[role]
        assert at.year > 2000
    with shared.owner() as conn:  # the owner, superuser, cannot either
        for sql in ("UPDATE audit_log SET summary = '改写'", "DELETE FROM audit_log"):
            assert "只能追加" in refused(conn, sql)


def test_a_disabled_account_cannot_sign_in(shared, capsys):
    assert run("disable-user", shared.logins["leaver"], "--db-url", shared.owner_url) == 0
    assert f"已停用社工账号 {shared.logins['leaver']}" in capsys.readouterr().out
    with pytest.raises(psycopg.OperationalError):
        shared.connect("leaver")
    assert run("disable-user", "nobody_here", "--db-url", shared.owner_url) == 1
    assert "没有书记工作台的账号" in capsys.readouterr().err


def test_add_community_and_add_user_say_what_they_did_and_refuse_what_is_wrong(shared, capsys, tmp_path):
    url = ["--db-url", shared.owner_url]
    name = f"虹旭小区{uuid.uuid4().hex[:4]}"
    assert run("add-community", name, *url) == 0
    assert f"已建立居民区“{name}”" in capsys.readouterr().out
    assert run("add-community", name, *url) == 1
    assert "已经存在" in capsys.readouterr().err
    weak = tmp_path / "weak.txt"
    weak.write_text("123456\n", encoding="utf-8")
    login = f"new_{uuid.uuid4().hex[:6]}"
    command = ["add-user", login, "--role", "社工", "--community", name]
    assert run(*command, "--new-password-file", str(weak), *url) == 1
    assert "密码太容易被猜到" in capsys.readouterr().err
    assert run("add-user", login, "--role", "社工", "--new-password-file", str(weak), *url) == 1
    assert "要属于一个居民区" in capsys.readouterr().err
    strong = tmp_path / "strong.txt"
    strong.write_text(PASSWORD + "\n", encoding="utf-8")
    assert run(*command, "--new-password-file", str(strong), *url) == 0
    assert f"已建立社工账号 {login}（居民区“{name}”）" in capsys.readouterr().out
    assert run(*command, "--new-password-file", str(strong), *url) == 1
    assert "已被这台服务器上的账号使用" in capsys.readouterr().err
    with shared.owner() as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", (login,)).fetchone() == (1,)
        kept = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (login,)).fetchone()
        assert kept[0].startswith("SCRAM-SHA-256$")
        assert PASSWORD not in kept[0]


def test_a_db_url_with_a_password_is_refused_and_nothing_is_done(postgres, capsys):
    name = f"refused_{uuid.uuid4().hex[:10]}"
    postgres.execute(f"CREATE DATABASE {name}")
    with_password = postgres.url(name).replace("postgres@", "postgres:secret@")
    assert run("init", "--db-url", with_password) == 1
    assert "数据库地址中不能含密码" in capsys.readouterr().err
    with psycopg.connect(host="127.0.0.1", port=postgres.port, user="postgres", dbname=name) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)


def test_the_server_commands_are_these_four_and_keep_nothing_on_the_pc(shared, tmp_path, monkeypatch):
    from desktop_app.cli import build_parser

    [commands] = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    [actions] = [a for a in commands.choices["server"]._actions if isinstance(a, argparse._SubParsersAction)]
    # each tested here; upload and backup in tests/unit/test_server_upload.py and test_server_backup.py
    assert set(actions.choices) == {"init", "add-community", "add-user", "disable-user", "upload", "backup"}
    home = tmp_path / "本机"
    home.mkdir()
    monkeypatch.chdir(home)
    assert run("init", "--db-url", shared.owner_url) == 0
    assert run("disable-user", shared.logins["leaver"], "--db-url", shared.owner_url) == 0
    data_dir = Path(os.environ["DESKTOP_APP_DATA_DIR"])
    assert not data_dir.exists() or not any(data_dir.iterdir())
    assert not any(home.iterdir())


def test_commands_before_init_or_without_the_owners_rights_are_refused_plainly(postgres, shared, capsys, tmp_path):
    name = f"uninit_{uuid.uuid4().hex[:10]}"
    postgres.execute(f"CREATE DATABASE {name}")
    assert run("add-community", "新居民区", "--db-url", postgres.url(name)) == 1
    assert "请先运行 server init" in capsys.readouterr().err
    with pytest.MonkeyPatch.context() as patch:
        pgpass = tmp_path / "pgpass"
        pgpass.write_text(f"127.0.0.1:*:{shared.name}:{shared.logins['sec_a']}:{PASSWORD}\n", encoding="utf-8")
        pgpass.chmod(0o600)
        patch.setenv("PGPASSFILE", str(pgpass))
        assert run("add-community", "新居民区", "--db-url", shared.url_of(shared.logins["sec_a"])) == 1
    assert "服务器拒绝了这个操作" in capsys.readouterr().err


def test_passwords_are_asked_at_the_terminal_when_none_is_kept(shared, capsys, tmp_path, monkeypatch):
    import getpass

    typed: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": typed.pop(0))
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))  # no .pgpass: the server's password is asked
    secretary = ["--db-url", shared.url_of(shared.logins["sec_a"])]
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert run("disable-user", shared.logins["worker_a"], *secretary) == 1
    assert "服务器要求密码" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    typed[:] = [PASSWORD]
    assert run("disable-user", shared.logins["worker_a"], *secretary) == 1  # signed in, then refused: not the owner
    assert "服务器拒绝了这个操作" in capsys.readouterr().err
    assert typed == []
    login = f"typed_{uuid.uuid4().hex[:6]}"
    owner = ["--db-url", shared.owner_url]
    typed[:] = [PASSWORD, PASSWORD + "x"]
    assert run("add-user", login, "--role", "街道", *owner) == 1
    assert "两次输入的密码不一致" in capsys.readouterr().err
    typed[:] = [PASSWORD, PASSWORD]
    assert run("add-user", login, "--role", "街道", *owner) == 0
    assert f"已建立街道账号 {login}（全部居民区的汇总）" in capsys.readouterr().out
    with psycopg.connect(
        host="127.0.0.1", port=shared.postgres.port, user=login, password=PASSWORD, dbname=shared.name
    ) as conn:
        assert conn.execute("SELECT count(*) > 0 FROM street_people_totals").fetchone() == (True,)
    with shared.owner() as conn:
        assert conn.execute(
            "SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (shared.logins["worker_a"],)
        ).fetchone() == (True,)


def test_an_owner_who_is_no_superuser_sets_up_the_server(postgres, tmp_path, monkeypatch, capsys):
    """As an IT person would: a database owned by a login with CREATEROLE only, signing in by password."""
    owner, name = f"owner_{uuid.uuid4().hex[:6]}", f"owned_{uuid.uuid4().hex[:10]}"
    postgres.execute(f"CREATE ROLE {owner} LOGIN CREATEROLE PASSWORD '{PASSWORD}'")
    postgres.execute(f"CREATE DATABASE {name} OWNER {owner}")
    secretary = f"sec_{uuid.uuid4().hex[:6]}"
    pgpass = tmp_path / "pgpass"
    pgpass.write_text("".join(f"127.0.0.1:*:{name}:{login}:{PASSWORD}\n" for login in (owner, secretary)))
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    new_password = tmp_path / "new.txt"
    new_password.write_text(PASSWORD, encoding="utf-8")
    url = ["--db-url", f"postgresql+psycopg://{owner}@127.0.0.1:{postgres.port}/{name}"]
    assert run("init", *url) == 0
    assert run("add-community", "康乐居民区", *url) == 0
    assert run("add-community", "长桥居民区", *url) == 0
    command = ["add-user", secretary, "--role", "书记", "--community", "长桥居民区"]
    assert run(*command, "--new-password-file", str(new_password), *url) == 0, capsys.readouterr().err
    from desktop_app.core.services.people import ResidentService

    db = open_database(tmp_path / "client", url=f"postgresql+psycopg://{secretary}@127.0.0.1:{postgres.port}/{name}")
    try:
        ResidentService(db).create({"name": "新居民", "address": "5号楼"})
    finally:
        db.dispose()
    with psycopg.connect(host="127.0.0.1", port=postgres.port, user="postgres", dbname=name) as conn:
        placed = conn.execute("SELECT c.name FROM residents r JOIN communities c ON c.id = r.community_id").fetchall()
    assert placed == [("长桥居民区",)]
    capsys.readouterr()
    with psycopg.connect(
        host="127.0.0.1", port=postgres.port, user=secretary, password=PASSWORD, dbname=name, autocommit=True
    ) as still_open:
        assert still_open.execute("SELECT count(*) FROM residents").fetchone() == (1,)
        assert run("disable-user", secretary, *url) == 0
        said = capsys.readouterr().out
        assert f"已停用书记账号 {secretary}" in said
        # An owner without pg_signal_backend cannot end it; what it still has open sees nothing from now on.
        assert "要等关闭后才断开" in said
        assert still_open.execute("SELECT count(*) FROM residents").fetchone() == (0,)


def test_every_table_but_the_servers_own_carries_its_community():
    """A new table of records (a later migration's) must carry community_id (models.CommunityOwned): else every
    community on a server would see its rows. `server init` then guards it like the others."""
    from desktop_app.core.storage.models import Base

    apart = {"communities", "server_logins", "server_settings", *server.STREET_COPY_TABLES}
    assert set(Base.metadata.tables) - apart == set(server.community_tables())
    assert all(not Base.metadata.tables[name].c.community_id.nullable for name in server.community_tables())
