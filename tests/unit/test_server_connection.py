"""Signing in to the office's server: TLS checked against the office's CA, each person's own SCRAM password,
a clear Chinese refusal for every way it fails and never a local file instead; the connection kept for the
next start without the password. A real PostgreSQL with TLS and SCRAM (tests/tls_postgres.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desktop_app.core.domain.errors import DatabaseEnvironmentError, ValidationError
from desktop_app.core.services.people import ResidentService
from desktop_app.core.storage import server_connection
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.server_connection import REQUIRE, ServerConnection, SignInError
from tests.tls_postgres import office_account

PASSWORD = "梅陇三村-2026-秋天的银杏"


@pytest.fixture
def account(office_server):
    return office_account(office_server, PASSWORD)


def test_signed_in_over_verified_tls_with_the_persons_own_password(account):
    connection, login = account
    engine = connection.sign_in(PASSWORD)
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) is True
            assert conn.scalar(text("SELECT session_user")) == login
        assert PASSWORD not in repr(engine.url), "the password is not in the address"
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("password", "says"),
    [(None, "要求密码"), ("猜的密码", "密码不对")],
)
def test_no_password_or_a_wrong_one_is_asked_for_again(account, password, says):
    connection, login = account
    with pytest.raises(SignInError, match=says) as refused:
        connection.sign_in(password)
    assert refused.value.needs_password
    assert login in str(refused.value)


def test_a_server_whose_certificate_the_office_ca_did_not_sign_is_refused(account, office_server):
    connection, _ = account
    impostor = ServerConnection(connection.url, office_server.other_ca_file)
    with pytest.raises(SignInError, match="证书没有通过验证") as refused:
        impostor.sign_in(PASSWORD)
    assert not refused.value.needs_password


def test_an_unreachable_server_is_said_so(account):
    connection, _ = account
    nowhere = ServerConnection(connection.address.set(port=1).render_as_string(False), connection.ca_file)
    with pytest.raises(SignInError, match=r"连接不上服务器 127\.0\.0\.1:1"):
        nowhere.sign_in(PASSWORD)


def test_only_encrypting_works_and_always_carries_its_warning(account):
    connection, _ = account
    unverified = ServerConnection.checked(connection.url, None, REQUIRE)
    assert unverified.warning is not None
    assert "不验证服务器的证书" in unverified.warning
    assert connection.warning is None
    unverified.sign_in(PASSWORD).dispose()


@pytest.mark.parametrize(
    ("url", "ca", "field", "says"),
    [
        ("postgresql+psycopg://lisi:mima@db.example/shuji", True, "url", "不能写密码"),
        ("mysql://lisi@db.example/shuji", True, "url", "postgresql+psycopg://"),
        ("postgresql+psycopg://db.example/shuji", True, "url", "登录名"),
        ("postgresql+psycopg://lisi@db.example/shuji", False, "ca_file", "证书（CA）文件"),
    ],
)
def test_a_connection_typed_wrongly_is_refused_naming_the_field(office_server, url, ca, field, says):
    with pytest.raises(ValidationError) as refused:
        ServerConnection.checked(url, office_server.ca_file if ca else None)
    assert says in refused.value.errors[field]


def test_kept_for_the_next_start_without_the_password(account, tmp_path):
    connection, _ = account
    server_connection.save(tmp_path, connection)
    kept = server_connection.settings_path(tmp_path).read_text(encoding="utf-8")
    assert PASSWORD not in kept
    assert server_connection.load(tmp_path) == connection
    server_connection.forget(tmp_path)
    assert server_connection.load(tmp_path) is None


def test_the_keyring_says_why_when_it_cannot_remember():
    """Optional: without the package or a backend, saying so; the password is then typed or in .pgpass."""
    reason = server_connection.keyring_unavailable()
    try:
        import keyring  # noqa: F401
    except ImportError:
        assert reason is not None
        assert "没有安装" in reason


def test_a_server_gone_away_is_told_in_chinese_and_the_next_try_after_it_is_back_works(
    postgres, tmp_path, account, office_server
):
    connection, _ = account
    db = Database(connection.sign_in(PASSWORD), tmp_path)
    service = ResidentService(db)
    try:
        service.create({"name": "朱国萍"})
        office_server.pause()
        try:
            with pytest.raises(DatabaseEnvironmentError, match="连接不上数据库服务器，或连接断开了"):
                service.create({"name": "陈静"})
        finally:
            office_server.resume()
        service.create({"name": "陈静"})  # the person tries again: the pool opens a new connection
        assert service.count() == 2
    finally:
        db.dispose()
