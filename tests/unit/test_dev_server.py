"""`python3 dev.py server` (tools/dev_server.py): a local PostgreSQL with two demo communities and an account of
every role; each signs in with the password it is given and sees what its role may."""

from __future__ import annotations

import psycopg
import pytest


@pytest.fixture
def dev_server(monkeypatch):
    from tools.dev_server import start

    monkeypatch.setenv("PGPASSFILE", "")  # start() points it at its own file; put back afterwards
    made = start()
    yield made
    made.stop()
    assert not made.root.exists(), "the temporary folder goes with the server"


def connect(dev_server, login: str) -> psycopg.Connection:
    from tools.dev_server import DATABASE

    password = next(a.password for a in dev_server.accounts if a.login == login)
    return psycopg.connect(
        host="127.0.0.1", port=dev_server.server.port, dbname=DATABASE, user=login, password=password, autocommit=True
    )


def test_dev_server_has_two_demo_communities_and_an_account_of_every_role(dev_server):
    from desktop_app.core.services.people import ResidentService
    from desktop_app.core.storage.startup import open_database
    from tools.dev_server import COMMUNITIES, sign_in_text

    assert {a.role for a in dev_server.accounts} == {"书记", "社工", "街道", "管理员"}
    kept = dev_server.pgpass.read_text(encoding="utf-8")
    assert all(f":{a.login}:{a.password}" in kept for a in dev_server.accounts)
    assert dev_server.pgpass.stat().st_mode & 0o077 == 0
    said = sign_in_text(dev_server)
    assert all(a.login in said for a in dev_server.accounts)
    assert all(a.password not in said for a in dev_server.accounts), "passwords are in the file, not on screen"
    assert str(dev_server.passwords) in said

    from desktop_app.core.storage import server_connection

    # Each 书记's data directory signs in as the program does: TLS checked against the CA, the password kept.
    for account in dev_server.accounts:
        if account.role == "书记":
            kept = server_connection.load(dev_server.data_dir(account.login))
            assert kept is not None
            assert kept.ca_file == dev_server.server.ca_file
            assert kept.warning is None, "verify-full, not only-encrypt"
            assert str(dev_server.data_dir(account.login)) in said
            assert f"--db-url {dev_server.url(account.login)}" in said
            kept.try_sign_in(account.password)
    db = open_database(dev_server.root / "try", url=dev_server.url("kangning_shuji"))  # by PGPASSFILE, as printed
    try:
        assert ResidentService(db).count() == 400
    finally:
        db.dispose()
    with connect(dev_server, "shili_shuji") as conn:
        assert conn.execute("SELECT community_name FROM community_profile").fetchall() == [("示例2024号居民区",)]
    with connect(dev_server, "kangning_shegong") as conn:
        assert conn.execute("SELECT count(*) FROM residents_masked").fetchone() == (400,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT id_number FROM residents")
    with connect(dev_server, "jiedao") as conn:
        totals = dict(conn.execute("SELECT community, residents FROM street_people_totals").fetchall())
        assert totals == dict.fromkeys(COMMUNITIES, 400)
    with connect(dev_server, "guanli") as conn:
        assert {name for (name,) in conn.execute("SELECT name FROM communities")} == set(COMMUNITIES)
