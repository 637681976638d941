"""The client's way onto a server (shared mode): which server and database, as whom, how the line is secured,
and where the password comes from. Kept for the next start without the password (`server-connection.json` in
the data directory: the address and the CA file's path, nothing personal).

TLS by default: `verify-full` checks the server's certificate against the CA file the office's IT person hands
out, and that it was made for the host name. `require` only encrypts (anyone in the middle could pose as the
server): allowed, but always shown with a warning. The password is typed at sign-in, or taken from the OS
keyring (the optional `keyring` package) when the person chose to remember it there, or found by libpq in the
standard `.pgpass`; we never write it anywhere ourselves.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from desktop_app.core.domain.errors import AppError, ValidationError
from desktop_app.core.storage.database import build_engine
from desktop_app.core.storage.paths import SERVER_CONNECTION_FILENAME

KEYRING_SERVICE = "书记工作台（数据库服务器）"
VERIFY_FULL = "verify-full"
REQUIRE = "require"
TLS_MODES = (VERIFY_FULL, REQUIRE)
CONNECT_TIMEOUT_SECONDS = 10
LABELS = {"url": "服务器地址", "ca_file": "服务器证书（CA）文件", "tls": "加密方式"}

REQUIRE_WARNING = (
    "注意：现在只加密、不验证服务器的证书，别人可能冒充服务器骗取密码和数据。"
    "请向管理服务器的人要来证书（CA）文件，在“设置 → 连接服务器”中选择它。"
)


class SignInError(AppError):
    """The server could not be signed in to; `needs_password`: it asked for one (none or a wrong one given)."""

    def __init__(self, message: str, needs_password: bool = False) -> None:
        super().__init__(message)
        self.needs_password = needs_password


@dataclass(frozen=True)
class ServerConnection:
    url: str  # postgresql+psycopg://登录名@服务器:端口/数据库, never with a password
    ca_file: Path | None = None
    tls: str = VERIFY_FULL

    @classmethod
    def checked(cls, url: str, ca_file: str | Path | None, tls: str = VERIFY_FULL) -> ServerConnection:
        """A connection as typed in 设置, or ValidationError naming the field."""
        errors: dict[str, str] = {}
        url = url.strip()
        try:
            address = make_url(url)
        except ArgumentError:
            address = None
        if address is None or not address.drivername.startswith("postgresql"):
            errors["url"] = "应写成 postgresql+psycopg://登录名@服务器:端口/数据库"
        elif address.password is not None:
            errors["url"] = "地址中不能写密码（会留在屏幕和记录中）；密码在登录时输入"
        elif not (address.username and address.host and address.database):
            errors["url"] = "地址要写全登录名、服务器和数据库：postgresql+psycopg://登录名@服务器:端口/数据库"
        elif address.drivername == "postgresql":
            url = address.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        if tls not in TLS_MODES:
            errors["tls"] = "加密方式只能是验证证书（verify-full）或只加密（require）"
        ca_path = Path(ca_file).expanduser() if ca_file else None
        if tls == VERIFY_FULL and ca_path is None:
            errors["ca_file"] = "验证服务器需要它的证书（CA）文件：请向管理服务器的人索取后选择"
        elif ca_path is not None and not ca_path.is_file():
            errors["ca_file"] = f"找不到文件 {ca_path}"
        if errors:
            raise ValidationError(errors, LABELS)
        return cls(url, ca_path.resolve() if ca_path else None, tls)

    @property
    def address(self) -> URL:
        return make_url(self.url)

    @property
    def login(self) -> str:
        return self.address.username or ""

    @property
    def where(self) -> str:
        """服务器:端口 / 数据库, as the sign-in dialog shows it."""
        address = self.address
        return f"{address.host}:{address.port or 5432} / {address.database}"

    @property
    def warning(self) -> str | None:
        return REQUIRE_WARNING if self.tls == REQUIRE else None

    def as_login(self, login: str) -> ServerConnection:
        """The same server as another person (each signs in with their own account)."""
        address = self.address.set(username=login.strip())
        return ServerConnection(address.render_as_string(hide_password=False), self.ca_file, self.tls)

    def engine_url(self) -> str:
        """The address the driver is given: TLS always, the CA file to check the server against."""
        query: dict[str, Any] = {"sslmode": self.tls, "connect_timeout": str(CONNECT_TIMEOUT_SECONDS)}
        if self.ca_file is not None:
            query["sslrootcert"] = str(self.ca_file)
        return self.address.update_query_dict(query).render_as_string(hide_password=False)

    def sign_in(self, password: str | None) -> Engine:
        """An engine on the server, tried once; SignInError in Chinese when it cannot be used (nothing else is
        tried: no local file instead)."""
        engine = build_engine(self.engine_url(), password=password or None)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except DBAPIError as exc:
            engine.dispose()
            raise self._refusal(exc) from exc
        return engine

    def try_sign_in(self, password: str | None) -> None:
        """Whether the server takes this person and password (SignInError if not); the program then opens the
        data with them (`open_database(data_dir, engine_url(), password=…)`)."""
        self.sign_in(password).dispose()

    def _refusal(self, exc: DBAPIError) -> SignInError:
        said = str(exc.orig).lower()
        host = self.address.host
        if "no password supplied" in said:
            return SignInError(f"服务器 {host} 要求密码：请输入账号 {self.login} 的密码。", needs_password=True)
        if "password authentication failed" in said or "authentication failed" in said:
            return SignInError(f"账号 {self.login} 的密码不对，或账号已停用。请重新输入。", needs_password=True)
        if "certificate" in said or "ssl" in said or "sslmode" in said:
            return SignInError(
                f"服务器 {host} 的证书没有通过验证（证书文件不对，或服务器地址与证书不符），为安全起见没有连接。"
                "请核对“设置 → 连接服务器”中的地址和证书文件，或联系管理服务器的人。"
            )
        if "does not exist" in said and "database" in said:
            return SignInError(f"服务器 {host} 上没有数据库 {self.address.database}：请核对服务器地址。")
        return SignInError(
            f"连接不上服务器 {self.where}（服务器没有响应、网络不通，或拒绝了这台电脑）。"
            "请检查网络后点“重试”；不会改用本机的数据。"
        )


def settings_path(data_dir: Path) -> Path:
    return data_dir / SERVER_CONNECTION_FILENAME


def load(data_dir: Path) -> ServerConnection | None:
    """The connection kept for this data directory, or None (this PC works on its own file)."""
    try:
        kept = json.loads(settings_path(data_dir).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise AppError(
            f"保存服务器连接的文件 {settings_path(data_dir)} 无法读取（{exc}）：请在设置中重新填写。"
        ) from exc
    ca_file = kept.get("ca_file")
    return ServerConnection(str(kept["url"]), Path(ca_file) if ca_file else None, str(kept.get("tls", VERIFY_FULL)))


def save(data_dir: Path, connection: ServerConnection) -> None:
    """Kept for the next start: the address and the CA file's path; the password is not among them."""
    assert connection.address.password is None, "a password is never kept in our files"
    kept = {"url": connection.url, "ca_file": str(connection.ca_file or ""), "tls": connection.tls}
    target = settings_path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(kept, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(partial, target)


def forget(data_dir: Path) -> None:
    """Back to this PC's own data file at the next start."""
    settings_path(data_dir).unlink(missing_ok=True)


# -- the OS keyring (optional) ------------------------------------------------------------------------------
def keyring_unavailable() -> str | None:
    """Why the password cannot be remembered in the OS keyring, or None when it can."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return "这台电脑上没有安装系统钥匙串组件（keyring），密码不会被记住；也可以用 .pgpass 文件。"
    if isinstance(keyring.get_keyring(), fail.Keyring):
        return "这台电脑没有可用的系统钥匙串，密码不会被记住；也可以用 .pgpass 文件。"
    return None


def _keyring_user(connection: ServerConnection) -> str:
    address = connection.address
    return f"{connection.login}@{address.host}:{address.port or 5432}/{address.database}"


def remembered_password(connection: ServerConnection) -> str | None:
    if keyring_unavailable() is not None:
        return None
    import keyring

    password: str | None = keyring.get_password(KEYRING_SERVICE, _keyring_user(connection))
    return password


def remember_password(connection: ServerConnection, password: str) -> None:
    if keyring_unavailable() is None:
        import keyring

        keyring.set_password(KEYRING_SERVICE, _keyring_user(connection), password)


def forget_password(connection: ServerConnection) -> None:
    if keyring_unavailable() is None:
        import keyring
        from keyring.errors import PasswordDeleteError

        with contextlib.suppress(PasswordDeleteError):  # nothing was remembered
            keyring.delete_password(KEYRING_SERVICE, _keyring_user(connection))
