"""`desktop-app server backup` on a real PostgreSQL server: pg_dump's file, restored by pg_restore into a new
database, holds the records and the role model; without pg_dump the person is told what to install."""

from __future__ import annotations

import subprocess
import uuid

import psycopg
import pytest

from desktop_app.cli import main
from desktop_app.core.storage import pg_programs
from desktop_app.core.storage.startup import open_database


@pytest.fixture
def server_db(postgres, tmp_path):
    """A database after `server init` with one community and a resident in it."""
    from desktop_app.core.services.people import ResidentService

    name = f"backup_{uuid.uuid4().hex[:10]}"
    postgres.execute(f"CREATE DATABASE {name}")
    url = postgres.url(name)
    assert main(["server", "init", "--db-url", url]) == 0
    assert main(["server", "add-community", "康宁居民区", "--db-url", url]) == 0
    db = open_database(tmp_path / "owner-client", url=url)
    try:
        ResidentService(db).create({"name": "备份里的居民", "address": "7号楼", "id_number": None})
    finally:
        db.dispose()
    return name


def rows(postgres, database: str, sql: str) -> list[tuple]:
    with psycopg.connect(host="127.0.0.1", port=postgres.port, user="postgres", dbname=database) as conn:
        return conn.execute(sql).fetchall()


def test_backup_writes_a_file_pg_restore_brings_back_whole(postgres, server_db, tmp_path, capsys):
    target = tmp_path / "shuji-2026-12-06.dump"
    assert main(["server", "backup", "--to", str(target), "--db-url", postgres.url(server_db)]) == 0
    said = capsys.readouterr().out
    assert f"已用 pg_dump 把数据库 {server_db} 备份到：{target}" in said
    assert "pg_restore 读得出其中" in said
    assert not list(tmp_path.glob(".*")), "no partial file is left beside it"

    copy = f"restored_{uuid.uuid4().hex[:10]}"
    postgres.execute(f"CREATE DATABASE {copy}")
    pg_restore = pg_programs.find_program("pg_restore")
    assert pg_restore is not None
    restored = subprocess.run(
        [str(pg_restore), f"--dbname=host=127.0.0.1 port={postgres.port} user=postgres dbname={copy}", str(target)],
        capture_output=True,
        text=True,
    )
    assert restored.returncode == 0, restored.stderr
    assert rows(postgres, copy, "SELECT name, address FROM residents") == [("备份里的居民", "7号楼")]
    policies = "SELECT tablename, policyname FROM pg_policies ORDER BY 1, 2"
    assert rows(postgres, copy, policies) == rows(postgres, server_db, policies)
    triggers = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal ORDER BY 1"
    assert rows(postgres, copy, triggers) == rows(postgres, server_db, triggers)

    assert main(["server", "backup", "--to", str(target), "--db-url", postgres.url(server_db)]) == 1
    assert "已存在，没有覆盖它" in capsys.readouterr().err


def test_without_pg_dump_it_says_what_to_install_and_writes_nothing(postgres, server_db, tmp_path, monkeypatch, capsys):
    empty = tmp_path / "没有程序"
    empty.mkdir()
    monkeypatch.setenv(pg_programs.BINDIR_VARIABLE, str(empty))
    target = tmp_path / "out" / "shuji.dump"
    target.parent.mkdir()
    assert main(["server", "backup", "--to", str(target), "--db-url", postgres.url(server_db)]) == 1
    refused = capsys.readouterr().err
    assert "没有找到 PostgreSQL 的备份程序 pg_dump，没有备份" in refused
    assert "postgresql-client" in refused
    assert not any(target.parent.iterdir())
    monkeypatch.delenv(pg_programs.BINDIR_VARIABLE)
    wrong = tmp_path / "shuji.sql"
    assert main(["server", "backup", "--to", str(wrong), "--db-url", postgres.url(server_db)]) == 1
    assert "服务器备份的文件名应以 .dump 结尾" in capsys.readouterr().err
