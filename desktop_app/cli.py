"""`desktop-app`: the GUI by default, and the same core from a terminal."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from desktop_app import APP_NAME, __version__
from desktop_app.core.domain.errors import AppError

if TYPE_CHECKING:  # the CLI imports the storage only when a command runs
    from sqlalchemy import Engine

    from desktop_app.core.storage.database import Database


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with its own words in Chinese: usage line, section titles, -h and --version help."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs["add_help"] = False  # our own -h, in Chinese
        kwargs["allow_abbrev"] = False  # `--password X` must not pass for `--password-file X`
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"参数错误：{translate_argparse(message)}\n")


# Compiled when a message is translated (re keeps them), not as the window's start imports this module.
ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (.+)", "缺少必填的参数：{0}"),
    (r"argument (\S+): invalid choice: '(.*?)' \(choose from (.+)\)", "参数 {0} 不能是“{1}”，可选：{2}"),
    (r"argument (\S+): expected one argument", "参数 {0} 后面需要写一个值"),
    (r"argument (\S+): invalid (\w+) value: '(.*?)'", "参数 {0} 的值“{2}”格式不对"),
    (r"unrecognized arguments: (.+)", "无法识别的参数：{0}"),
)


def translate_argparse(message: str) -> str:
    """argparse speaks English; the user reads Chinese."""
    for pattern, chinese in ARGPARSE_MESSAGES:
        match = re.fullmatch(pattern, message)
        if match:
            return chinese.format(*match.groups())
    return message


def _data_options(parser: argparse.ArgumentParser, top_level: bool) -> None:
    # Subcommands repeat the options with SUPPRESS so a value given before the
    # subcommand is not overwritten by the subcommand's default.
    default = None if top_level else argparse.SUPPRESS
    parser.add_argument(
        "--data-dir",
        metavar="目录",
        default=default,
        help="数据目录（默认：本用户的应用数据目录，或环境变量 DESKTOP_APP_DATA_DIR）",
    )
    parser.add_argument(
        "--db-url",
        metavar="URL",
        default=default,
        help="多人共用时服务器上的数据库：postgresql+psycopg://登录名@服务器:端口/数据库（不含密码，"
        "密码写在 ~/.pgpass 中）",
    )
    parser.add_argument(
        "--password-file",
        metavar="文件",
        default=default,
        help=f"加密数据的密码（或恢复密钥）所在的文件，供脚本使用；也可用环境变量 {PASSWORD_VARIABLE}；"
        "都没有时在终端中提示输入",
    )
    parser.add_argument(
        "--recovery-key-out",
        metavar="文件",
        default=default,
        help="建立新数据（或加密旧版本的数据）时，把恢复密钥写到这个新文件（不能在数据目录中）；不给时在终端中显示一次",
    )


PASSWORD_VARIABLE = "DESKTOP_APP_PASSWORD"
BUNDLE_PASSWORD_VARIABLE = "DESKTOP_APP_BUNDLE_PASSWORD"
EXPORT_PASSWORD_VARIABLE = "DESKTOP_APP_EXPORT_PASSWORD"


def _export_password(args: argparse.Namespace) -> str | None:
    """加密导出's password: the environment, or typed twice without echo."""
    if not args.encrypt:
        return None
    if os.environ.get(EXPORT_PASSWORD_VARIABLE):
        return os.environ[EXPORT_PASSWORD_VARIABLE]
    if not sys.stdin.isatty():
        raise AppError(f"加密导出需要密码：请在终端中运行，或用环境变量 {EXPORT_PASSWORD_VARIABLE} 提供。")
    import getpass

    first = getpass.getpass("导出文件的打开密码：")
    if not first or first != getpass.getpass("再输入一次："):
        raise AppError("两次输入的密码不一致（或为空），没有导出。")
    return first


def _scripted_password(args: argparse.Namespace) -> str | None:
    """A password a script gives: a file's first line, or the environment."""
    if getattr(args, "password_file", None):
        return Path(args.password_file).read_text(encoding="utf-8").strip()
    return os.environ.get(PASSWORD_VARIABLE) or None


def _data_key(args: argparse.Namespace) -> bytes | None:
    """The data key of the data directory, from the password (or recovery key): a file, the environment, or
    a prompt that does not echo. Never from a value on the command line: every user of the PC could read it
    in the process list. Data without keys yet (new, or an earlier version's plain file) gets them here,
    as the window's first start gives them: no data is ever written without a key."""
    from desktop_app.core.storage import keys
    from desktop_app.core.storage.paths import has_keys, resolve_data_dir
    from desktop_app.core.storage.startup import needs_new_keys

    directory = resolve_data_dir(args.data_dir)
    if args.db_url is not None:
        return None
    if needs_new_keys(directory):
        return _new_keys(args, directory)
    if not has_keys(directory):
        return None  # encrypted data whose keys.json is gone: the opening says what is wrong
    return keys.open_keys(directory, _data_password(args))


def _data_password(args: argparse.Namespace) -> str:
    """The password (or recovery key) of encrypted data: a file, the environment, or a prompt that does not echo."""
    secret = _scripted_password(args)
    if secret is None and sys.stdin.isatty():
        import getpass

        secret = getpass.getpass("密码或恢复密钥：")
    if secret is None:
        raise AppError(f"这份数据已加密，需要密码：请用 --password-file 或环境变量 {PASSWORD_VARIABLE} 提供。")
    return secret


def _new_keys(args: argparse.Namespace, directory: Path) -> bytes:
    """Keys for data that has none: the password a script gives (or typed twice), strong enough as in the
    window, the recovery key written to the new file the person named (never inside the data directory) or
    shown once in the terminal."""
    from desktop_app.core.storage import keys
    from desktop_app.core.storage.passwords import require_strong

    target = _recovery_key_file(getattr(args, "recovery_key_out", None), directory)
    if target is None and not sys.stdout.isatty():
        raise AppError(
            "新的数据要先设置密码并保存恢复密钥：请用 --recovery-key-out 文件 指定恢复密钥写到哪里"
            "（不能在数据目录中），或在终端中运行本命令，恢复密钥会显示一次。"
        )
    password = _scripted_password(args)
    if password is None and sys.stdin.isatty():
        import getpass

        print("数据会加密保存。请设置打开数据用的密码，以后每次使用都要输入。", file=sys.stderr)
        password = getpass.getpass("设置密码：")
        if password != getpass.getpass("再输入一次："):
            raise AppError("两次输入的密码不一致，没有建立任何数据。")
    if not password:
        raise AppError(
            f"新的数据要先设置密码：请在终端中运行，或用 --password-file 或环境变量 {PASSWORD_VARIABLE} 提供。"
        )
    require_strong(password)

    def keep(recovery: str) -> None:
        if target is None:
            print(f"{keys.RECOVERY_KEY_NOTICE}\n\n    {recovery}\n", flush=True)
            return
        try:  # a new file only its owner can read, written whole before the data is made
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise AppError(f"恢复密钥文件“{target}”已存在，没有覆盖它。请换一个文件名。") from exc
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(f"书记工作台 恢复密钥（数据目录：{directory}）\n{recovery}\n\n{keys.RECOVERY_KEY_NOTICE}\n")
            handle.flush()
            os.fsync(handle.fileno())
        print(f"恢复密钥已写到：{target}。请打印或抄写后放在安全的地方，不要和电脑放在一起。", file=sys.stderr)

    return keys.create_keys(directory, password, keep_recovery=keep)[0]


def _recovery_key_file(name: str | None, directory: Path) -> Path | None:
    if name is None:
        return None
    target = Path(name).expanduser().resolve()
    if target.is_relative_to(directory.resolve()):
        raise AppError(
            f"恢复密钥不能放在数据目录“{directory}”中：和数据放在一起，丢了电脑或 U 盘就等于丢了密码。"
            "请换一个位置（如另一个 U 盘或打印出来）。"
        )
    if target.exists():
        raise AppError(f"恢复密钥文件“{target}”已存在，没有覆盖它。请换一个文件名。")
    if not target.parent.is_dir():
        raise AppError(f"保存恢复密钥的文件夹不存在：{target.parent}")
    return target


# Commands that may begin new data in an empty folder (keyed first); the others need data that is there.
CREATING = ("demo", "import", "street keygen", "restore")


def _open(args: argparse.Namespace):
    """The data a command works on. A folder without data is keyed and begun for a command that makes data,
    and refused, with nothing made, for one that reads what is there."""
    from desktop_app.core.storage.database import database_path
    from desktop_app.core.storage.paths import NETWORK_WARNING, has_keys, is_network_path, resolve_data_dir
    from desktop_app.core.storage.startup import open_database

    directory = resolve_data_dir(args.data_dir)
    _refuse_password_in_db_url(args)
    if args.db_url is None:
        command = " ".join(filter(None, (args.command, getattr(args, "action", None))))
        if not database_path(directory).is_file() and command not in CREATING:
            raise AppError(
                f"数据目录“{directory}”中没有书记工作台的数据（{database_path(directory).name}），什么也没有做。"
                "请确认数据目录是否正确（--data-dir 或环境变量 DESKTOP_APP_DATA_DIR）。"
                + ("" if has_keys(directory) else "新的数据请先启动程序，或用 demo、import、restore 命令建立。")
            )
        if is_network_path(directory):
            print(f"警告：{NETWORK_WARNING}", file=sys.stderr)
    return open_database(args.data_dir, args.db_url, key=_data_key(args))


@contextmanager
def _locked(args: argparse.Namespace) -> Iterator[None]:
    """The data directory held for this command alone. A folder the command made for nothing (it was refused
    before any data was written) is taken away again: a refusal leaves nothing behind."""
    from desktop_app.core.storage.lock import LOCK_FILENAME, InstanceLock
    from desktop_app.core.storage.paths import resolve_data_dir

    directory = resolve_data_dir(args.data_dir)
    new = not directory.exists()
    try:
        with InstanceLock(directory):
            yield
    finally:
        if new and directory.is_dir() and [path.name for path in directory.iterdir()] == [LOCK_FILENAME]:
            (directory / LOCK_FILENAME).unlink(missing_ok=True)
            with suppress(OSError):
                directory.rmdir()


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop_app.core.exchange.demo import fill_demo

    with _locked(args):
        db = _open(args)
        try:
            counts = fill_demo(db, size=args.size, seed=args.seed)
        finally:
            db.dispose()
    labels = {
        "residents": "居民",
        "members": "党员",
        "party_groups": "党小组",
        "care_actions": "关怀记录",
        "meetings": "三会一课",
        "visits": "学习考察",
        "studio_activities": "工作室活动",
        "studio_problems": "工作室问题",
        "dues_payments": "党费缴纳",
        "talks": "谈心谈话",
        "member_reviews": "民主评议（年度）",
        "member_transfers": "组织关系转接",
        "mobile_members": "流动党员",
    }
    print("已载入示例数据：" + "，".join(f"{labels[k]} {v} 条" for k, v in counts.items()))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from desktop_app.core.services.check import check_database

    db = _open(args)
    try:
        report = check_database(db)
    finally:
        db.dispose()
    for line in report.lines:
        print(line)
    return 0 if report.ok else 1


def cmd_backup(args: argparse.Namespace) -> int:
    from desktop_app.core.storage.backup import backup_now

    db = _open(args)
    try:
        target = backup_now(db, Path(args.to) if args.to else None)
    finally:
        db.dispose()
    print(f"已备份到：{target}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from desktop_app.core.domain.periods import Period
    from desktop_app.core.exchange.reports.base import ExportOptions
    from desktop_app.core.exchange.reports.registry import export_report

    period = Period.parse(args.period)
    db = _open(args)
    try:
        options = ExportOptions(args.unmasked, args.include_illness, password=_export_password(args))
        result = export_report(db, args.kind, period, Path(args.out), options)
    finally:
        db.dispose()
    print(f"已导出 {result.rows} 条记录到：{result.path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from desktop_app.core.exchange.roster.commit import commit_import
    from desktop_app.core.exchange.roster.preview import preview_import

    if args.kind == "dues-bases":
        return import_dues_bases(args)
    with _locked(args):
        db = _open(args)
        try:
            preview = preview_import(db, args.kind, Path(args.file), update_duplicates=args.update)
            for row in preview.rows:
                for problem in row.problems:
                    print(problem)
                if row.note:
                    print(f"第{row.number}行：{row.note}")
            if preview.ignored_headers:
                print(f"未识别、不导入的列：{'、'.join(preview.ignored_headers)}")
            print(preview.summary())
            if not preview.ok:
                print("存在错误，未导入任何数据。请修改表格后重新导入。", file=sys.stderr)
                return 1
            if args.dry_run:
                print("预览模式（--dry-run），未写入任何数据。")
                return 0
            result = commit_import(db, preview)
        finally:
            db.dispose()
    print(f"导入完成：新增 {result.created} 人，更新 {result.updated} 人，跳过 {result.skipped} 人。")
    if result.backup:
        print(f"导入前的数据已备份到：{result.backup}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from desktop_app.core.exchange.roster.template import write_template

    print(f"已生成导入模板：{write_template(args.kind, Path(args.out))}")
    return 0


def _bundle_secret(args: argparse.Namespace, why: str) -> str:
    """A bundle's own password or recovery key: its variable, a script's password, or typed."""
    secret = os.environ.get(BUNDLE_PASSWORD_VARIABLE) or _scripted_password(args)
    if secret is None and sys.stdin.isatty():
        import getpass

        print(why, file=sys.stderr)
        secret = getpass.getpass("备份包的密码或恢复密钥：")
    if not secret:
        raise AppError(f"{why}请在终端中输入，或用环境变量 {BUNDLE_PASSWORD_VARIABLE} 提供。")
    return secret


def cmd_restore(args: argparse.Namespace) -> int:
    from desktop_app.core.storage import keys
    from desktop_app.core.storage.database import database_path
    from desktop_app.core.storage.paths import has_keys, resolve_data_dir
    from desktop_app.core.storage.restore import (
        BundleSecretRequiredError,
        carried_keys,
        inspect_backup,
        restore_backup,
    )
    from desktop_app.core.storage.startup import open_database

    source = Path(args.file)
    directory = resolve_data_dir(args.data_dir)
    with _locked(args):
        new_folder = args.db_url is None and not has_keys(directory) and not database_path(directory).exists()
        with carried_keys(source) as bundle_keys:
            if new_folder and bundle_keys is not None:
                # A new PC: the folder is keyed as the data the bundle came from, with its password. The bundle
                # is checked first: a bad one, or a wrong password, leaves the folder as it was.
                secret = _bundle_secret(args, f"备份包“{source.name}”是加密的。")
                inspect_backup(source, bundle_secret=secret)
                db = open_database(directory, key=keys.adopt_keys(directory, bundle_keys, secret))
            else:
                db = open_database(directory, args.db_url, check=False, key=_data_key(args))
        try:
            try:
                result = restore_backup(db, source)
            except BundleSecretRequiredError as exc:  # other data's bundle: its own password
                result = restore_backup(db, source, bundle_secret=_bundle_secret(args, str(exc)))
        finally:
            db.dispose()
    print(f"已从备份恢复（{result.contents.describe()}）。")
    print(f"恢复前的数据已另存为：{result.safety_copy}")
    return 0


def import_dues_bases(args: argparse.Namespace) -> int:
    """党费 bases for the year's 核定, from a sheet."""
    import datetime as dt

    from desktop_app.core.exchange.roster.dues_bases import commit_dues_bases, preview_dues_bases

    year = args.year or dt.date.today().year
    with _locked(args):
        db = _open(args)
        try:
            preview = preview_dues_bases(db, Path(args.file), year)
            for problem in preview.problems:
                print(problem)
            print(preview.summary())
            if not preview.ok:
                print("存在错误，未核定任何人。请修改表格后重新导入。", file=sys.stderr)
                return 1
            if args.dry_run:
                for member_id, amount in preview.amounts.items():
                    print(f"{preview.names[member_id]}：每月 {amount} 元")
                print("预览模式（--dry-run），未写入任何数据。")
                return 0
            added = commit_dues_bases(db, preview, dt.date.today())
        finally:
            db.dispose()
    print(f"核定完成：{year}年新核定 {added} 人（已核定过的保持不变，年内变化请在党费页面记录）。")
    return 0


def _require_mode(db: Database, mode: str) -> None:
    from desktop_app.core.services.mode import MODE_LABELS, ModeService

    if ModeService(db).get() != mode:
        other = MODE_LABELS[mode]
        raise AppError(f"这份数据不是{other}用的，这个命令只能在{other}的数据目录中使用（--data-dir）。")


def cmd_package(args: argparse.Namespace) -> int:
    """A community's 上报数据包 for a period, sealed to the street's key."""
    from desktop_app.core.exchange.packages.build import build_package, default_name, package_period
    from desktop_app.core.services.mode import COMMUNITY

    period = package_period(args.period)
    db = _open(args)
    try:
        _require_mode(db, COMMUNITY)
        target = Path(args.out) if args.out else Path.cwd() / default_name(db, period)
        built = build_package(db, period, target, include_names=args.names)
    finally:
        db.dispose()
    names = "含名单" if built.includes_names else "仅汇总数字，不含名单"
    print(f"已生成上报数据包（{period.label}第{built.sequence}版，{names}，{built.size / 1024:.0f} KB）：{built.path}")
    return 0


def cmd_street_key(args: argparse.Namespace) -> int:
    """A community takes the street office's public key."""
    from desktop_app.core.services.mode import COMMUNITY
    from desktop_app.core.services.street import StreetKeyService
    from desktop_app.core.storage.recipient_key import PublicKey

    path = Path(args.file)
    key = PublicKey.from_file_text(path.read_text(encoding="utf-8"), path.name)
    db = _open(args)
    try:
        _require_mode(db, COMMUNITY)
        StreetKeyService(db).set_street_key(key)
    finally:
        db.dispose()
    print(f"已导入{key.street or '街道'}的公钥。请与街道核对指纹：{key.fingerprint}")
    return 0


def cmd_street(args: argparse.Namespace) -> int:
    from desktop_app.core.services.mode import STREET, ModeService
    from desktop_app.core.services.street import StreetKeyService, StreetUnitService

    with _locked(args):
        db = _open(args)
        try:
            if args.action == "keygen":
                ModeService(db).become_street(args.name)
                keys = StreetKeyService(db)
                public = keys.own_public_key() or keys.create_key_pair(args.name)
                Path(args.out).write_text(public.to_file_text(), encoding="utf-8")
                print(f"街道公钥已保存到：{args.out}\n公钥指纹（电话核对用）：{public.fingerprint}")
                return 0
            _require_mode(db, STREET)
            if args.action == "add-unit":
                unit = StreetUnitService(db).add(args.code, args.unit_name)
                print(f"已添加居民区：{unit.name}（{unit.code}）")
                return 0
            if args.action == "import":
                return _street_import(db, args)
            return _street_export(db, args)
        finally:
            db.dispose()


def _street_import(db: Database, args: argparse.Namespace) -> int:
    from desktop_app.core.exchange.packages.street_import import REFUSED, UNKNOWN_UNIT, import_packages

    outcomes = import_packages(db, [Path(f) for f in args.files], add_units=args.add_units)
    for outcome in outcomes:
        print(f"{outcome.label}：{outcome.message}")
    if any(o.outcome == UNKNOWN_UNIT for o in outcomes):
        print("不在名单中的居民区：核对无误后可加 --add-units 重新导入，或用 street add-unit 先添加。", file=sys.stderr)
    if not outcomes:
        raise AppError("没有找到数据包（.sjb）文件。")
    return 1 if any(o.outcome in (REFUSED, UNKNOWN_UNIT) for o in outcomes) else 0


def _street_export(db: Database, args: argparse.Namespace) -> int:
    from desktop_app.core.domain.periods import Period
    from desktop_app.core.exchange.reports.registry import STREET, export_report

    result = export_report(db, args.kind, Period.parse(args.period), Path(args.out), catalogue=STREET)
    print(f"已导出 {result.rows} 个居民区的汇总到：{result.path}")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    if args.self_test:
        from desktop_app.selftest import run_self_test

        return run_self_test()
    _refuse_password_in_db_url(args)
    from desktop_app.ui.shell.app import run_gui

    return run_gui(args.data_dir, args.db_url, password=_scripted_password(args))


def _refuse_password_in_db_url(args: argparse.Namespace) -> None:
    """A server address with a password would show in the process list and the shell's history: refused; the
    password comes from libpq's ~/.pgpass (the sign-in dialog or a prompt later)."""
    if args.db_url is not None:
        from desktop_app.core.storage.server import refuse_password_in_url

        refuse_password_in_url(args.db_url)


def cmd_server(args: argparse.Namespace) -> int:
    """Shared mode on a PostgreSQL server: the schema and role model, communities, accounts (the owner's work)."""
    from sqlalchemy.exc import DBAPIError

    from desktop_app.core.storage import server

    server.refuse_password_in_url(args.db_url)  # before anything is asked or connected
    new_password = _new_server_password(args) if args.action == "add-user" else None
    engine = _server_engine(args.db_url)
    try:
        lines = _server_action(engine, args, new_password)
    except DBAPIError as exc:
        raise AppError(
            f"服务器拒绝了这个操作（{exc.orig}），什么也没有做。这些命令要用数据库所有者或超级用户的账号运行。"
        ) from exc
    finally:
        engine.dispose()
    print("\n".join(lines))
    return 0


def _server_action(engine: Engine, args: argparse.Namespace, new_password: str | None) -> list[str]:
    from desktop_app.core.storage import server

    if args.action == "upload":
        return _upload(engine, args)
    if args.action == "backup":
        from desktop_app.core.storage import pg_programs

        # The password typed at the prompt, if any (else pg_dump finds it where libpq looks: ~/.pgpass).
        return pg_programs.dump(args.db_url, engine.url.password, Path(args.to))
    if args.action == "init":
        return server.init(engine)
    if args.action == "add-community":
        return [server.add_community(engine, args.name)]
    if args.action == "add-user":
        assert new_password is not None
        return [server.add_user(engine, args.login, args.role, args.community, new_password)]
    return [server.disable_user(engine, args.login)]


def _upload(engine: Engine, args: argparse.Namespace) -> list[str]:
    """A single PC's data directory moved into a community on the server (its own password, held by this command
    alone meanwhile: the program must not write to it while it moves)."""
    from desktop_app.core.services.server_upload import upload
    from desktop_app.core.storage import keys
    from desktop_app.core.storage.database import database_path
    from desktop_app.core.storage.lock import InstanceLock
    from desktop_app.core.storage.paths import has_keys
    from desktop_app.core.storage.startup import open_database

    directory = Path(args.from_dir).expanduser().resolve()
    if not database_path(directory).is_file() or not has_keys(directory):
        raise AppError(
            f"“{directory}”中没有书记工作台（本版本）的加密数据，什么也没有做。请确认 --from 给的是数据目录"
            "（程序“设置 → 数据”中显示的位置）；以前版本的数据请先用本程序打开一次。"
        )
    with InstanceLock(directory):
        db = open_database(directory, key=keys.open_keys(directory, _data_password(args)))
        try:
            return upload(db, engine, args.community, str(directory))
        finally:
            db.dispose()


def _server_engine(url: str) -> Engine:
    """An engine on the server, connected once: the password from libpq's ~/.pgpass, else typed at a prompt
    (never from the address, the command line or our files)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from desktop_app.core.storage import server

    address = make_url(url)
    engine = server.server_engine(url)
    for attempt in ("without", "typed"):
        try:
            with engine.connect():
                return engine
        except OperationalError as exc:
            engine.dispose()
            if attempt == "without" and server.needs_password(exc) and sys.stdin.isatty():
                import getpass

                engine = server.server_engine(url, getpass.getpass(f"{address.username}@{address.host} 的服务器密码："))
                continue
            reason = (
                "服务器要求密码：请在终端中运行（会提示输入），或写在 ~/.pgpass 中"
                if server.needs_password(exc)
                else "服务器没有响应、拒绝了连接，或用户名、密码不对"
            )
            raise AppError(f"无法连接数据库服务器（{address.host or '本机'}）：{reason}。什么也没有做。") from exc
    raise AssertionError("unreachable")


def _new_server_password(args: argparse.Namespace) -> str:
    """The new account's password: the first line of --new-password-file, or typed twice without echo."""
    if args.new_password_file:
        lines = Path(args.new_password_file).read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    if not sys.stdin.isatty():
        raise AppError("新账号需要密码：请在终端中运行（会提示输入两次），或用 --new-password-file 文件 给出。")
    import getpass

    first = getpass.getpass(f"账号 {args.login} 的密码：")
    if first != getpass.getpass("再输入一次："):
        raise AppError("两次输入的密码不一致，没有建立账号。")
    return first


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line. The subcommands' parsers (about 6 ms of a start's way to its first window) are built only
    for a line that the program's own options alone do not account for: a subcommand, a mistake, or -h."""
    given = list(sys.argv[1:] if argv is None else argv)
    if "-h" not in given and "--help" not in given:
        args, rest = build_parser(with_commands=False).parse_known_args(given)
        if not rest:
            return args
    return build_parser().parse_args(given)


def build_parser(with_commands: bool = True) -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="desktop-app", description=f"{APP_NAME}：不带子命令时启动图形界面。")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}", help="显示版本并退出")
    parser.add_argument(
        "--self-test", action="store_true", help="自检：在临时目录中试用全部功能（不碰真实数据），通过时退出码为 0"
    )
    _data_options(parser, top_level=True)
    parser.set_defaults(handler=cmd_gui, command=None)
    if not with_commands:
        return parser
    sub = parser.add_subparsers(title="子命令", metavar="子命令", parser_class=ChineseArgumentParser)

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        _data_options(command, top_level=False)
        command.set_defaults(handler=handler, command=name)
        return command

    demo = add("demo", cmd_demo, "在空白数据库中载入示例数据")
    demo.add_argument(
        "--size",
        choices=["small", "large", "huge"],
        default="small",
        help="small：一个居民区两年的数据；large：用于性能测试的大数据量；huge：large 的十倍",
    )
    demo.add_argument("--seed", type=int, default=2023, help=argparse.SUPPRESS)
    add("check", cmd_check, "检查数据库完整性、外键和数据版本（正常时退出码为 0）")
    backup = add("backup", cmd_backup, "立即备份数据库")
    backup.add_argument(
        "--to",
        metavar="文件或文件夹",
        help="备份到指定的 .zip 文件或文件夹（如 U 盘），含附件；默认备份到数据目录下的 backups",
    )
    export = add("export", cmd_export, "导出上报街道的 Excel 报表")
    export.add_argument(
        "kind",
        choices=[
            "meetings",
            "care",
            "visits",
            "members",
            "studio",
            "dues",
            "lapses",
            "talks",
            "reviews",
            "transfers",
            "mobile",
        ],
        help="meetings：三会一课落实情况统计表；care：关怀工作台账；visits：学习考察记录表；members：党员名册；"
        "studio：书记工作室活动情况表；dues：党费收缴情况表（明细、汇总、公示）；"
        "lapses：党员连续未参加组织生活、未缴党费提醒表（党章第九条，连续 4 个月起）；"
        "talks：谈心谈话情况表（谈话记录、全年覆盖情况、尚未谈话的党员）；"
        "reviews：民主评议党员情况表（每名党员的自评、得票、评定和处置，按等次汇总）；"
        "transfers：党员组织关系转接登记表（组织关系转接：转入转出的介绍信、经手人、回执，逾期未收回执的标出）；"
        "mobile：流动党员情况表（流动党员：外出地点、参加组织生活方式、流入地党组织、活动证、最近联系，应转组织关系的标出；"
        "电话默认隐藏中间几位）",
    )
    export.add_argument(
        "--period",
        required=True,
        metavar="期间",
        help="2023（全年）、2023Q1（季度）、2023-03（月份）或 2023-01-01..2023-06-30",
    )
    export.add_argument("--out", required=True, metavar="文件.xlsx", help="保存到的文件")
    export.add_argument(
        "--unmasked", action="store_true", help="导出完整的电话和身份证号（党员名册、流动党员；默认隐藏中间几位）"
    )
    export.add_argument("--include-illness", action="store_true", help="导出重病帮困记录的病情说明（默认不导出）")
    export.add_argument(
        "--encrypt",
        action="store_true",
        help=f"加密导出：给文件设置打开密码（在终端中输入两次，或用环境变量 {EXPORT_PASSWORD_VARIABLE} 提供）",
    )
    restore = add("restore", cmd_restore, "用备份替换当前数据（当前数据会先另存一份）")
    restore.add_argument(
        "file", metavar="备份文件", help="backups 文件夹中的 .sqlite3 文件，或“备份到其他位置”得到的 .zip"
    )
    imports = add("import", cmd_import, "从 Excel（.xlsx）导入居民或党员名册")
    imports.add_argument(
        "kind",
        choices=["residents", "members", "dues-bases"],
        help="residents：居民；members：党员；dues-bases：党费核定（姓名或身份证号、缴费类别、月收入基数）",
    )
    imports.add_argument("--year", type=int, metavar="年份", help="dues-bases：核定哪一年（默认今年）")
    imports.add_argument("file", metavar="文件.xlsx")
    imports.add_argument("--dry-run", action="store_true", help="只检查并列出问题，不写入")
    imports.add_argument("--update", action="store_true", help="名册中已有的人用表格中的信息更新（默认跳过）")
    package = add("package", cmd_package, "生成上报街道的数据包（.sjb，按街道公钥加密）")
    package.add_argument(
        "--period", required=True, metavar="期间", help="2026Q3（季度）、2026-07（月份）或 2026（全年）"
    )
    package.add_argument("--out", metavar="文件.sjb", help="保存到的文件（默认：当前文件夹中的“居民区名-期间.sjb”）")
    package.add_argument(
        "--names", action="store_true", help="含名单：附上关怀对象、考察人员和党员缴费的姓名（默认只有汇总数字）"
    )
    street_key = add("street-key", cmd_street_key, "导入街道公钥（居民区用；数据包按它加密）")
    street_key.add_argument("file", metavar="街道公钥.pub")
    street = add("street", cmd_street, "街道汇总（街道用）：生成密钥、导入数据包、导出汇总报表")
    actions = street.add_subparsers(title="操作", metavar="操作", dest="action", parser_class=ChineseArgumentParser)
    actions.required = True

    def act(name: str, help_text: str) -> argparse.ArgumentParser:
        action = actions.add_parser(name, help=help_text, description=help_text)
        _data_options(action, top_level=False)  # `street keygen --data-dir X` as well as before it
        return action

    keygen = act("keygen", "把这个数据目录设为街道用，生成密钥并导出公钥文件")
    keygen.add_argument("--out", required=True, metavar="街道公钥.pub")
    keygen.add_argument("--name", required=True, metavar="街道名称", help="写入公钥文件，居民区导入时可看到")
    add_unit = act("add-unit", "把一个居民区加入名单")
    add_unit.add_argument("code", metavar="单位代码")
    add_unit.add_argument("unit_name", metavar="居民区名称")
    street_import = act("import", "导入数据包（可给多个文件或文件夹）")
    street_import.add_argument("files", nargs="+", metavar="文件或文件夹")
    street_import.add_argument("--add-units", action="store_true", help="不在名单中的居民区，自动加入名单后导入")
    street_export = act("export", "导出汇总报表")
    street_export.add_argument(
        "kind",
        choices=["meetings", "care", "visits", "studio", "dues", "duties", "missing"],
        help="meetings：三会一课开展情况汇总表；care：六维关怀汇总表；visits：学习考察及借鉴举措汇总表；"
        "studio：书记工作室问题台账汇总表；dues：党费收缴情况汇总表；"
        "duties：党员教育管理工作汇总表（民主评议、谈心谈话、连续六个月提醒）；missing：未报送名单",
    )
    street_export.add_argument("--period", required=True, metavar="期间", help="2026（全年）、2026Q3 或 2026-07")
    street_export.add_argument("--out", required=True, metavar="文件.xlsx")
    server_command = sub.add_parser(
        "server",
        help="多人共用：在 PostgreSQL 服务器上建立数据结构和角色、居民区、账号（服务器管理员用）",
        description="多人共用：在 PostgreSQL 服务器上建立数据结构和角色、居民区、账号（服务器管理员用）",
    )
    server_command.set_defaults(handler=cmd_server, command="server")
    server_actions = server_command.add_subparsers(
        title="操作", metavar="操作", dest="action", parser_class=ChineseArgumentParser
    )
    server_actions.required = True

    def on_server(name: str, help_text: str) -> argparse.ArgumentParser:
        action = server_actions.add_parser(name, help=help_text, description=help_text)
        action.add_argument(
            "--db-url",
            required=True,
            metavar="URL",
            help="服务器上的数据库，postgresql+psycopg://用户@服务器:端口/数据库"
            "（不含密码：密码在提示时输入，或写在 ~/.pgpass）",
        )
        return action

    on_server("init", "在空数据库上建立数据结构、角色和安全策略（可重复运行，升级后也要运行一次）")
    on_server("add-community", "建立一个居民区").add_argument("name", metavar="名称")
    add_user = on_server("add-user", "建立一个人的账号（密码在提示时输入两次，或用 --new-password-file）")
    add_user.add_argument("login", metavar="登录名", help="小写字母、数字或下划线，以字母开头")
    add_user.add_argument("--role", required=True, choices=["书记", "社工", "街道", "管理员"], help="角色")
    add_user.add_argument("--community", metavar="名称", help="书记、社工所属的居民区")
    add_user.add_argument("--new-password-file", metavar="文件", help="新账号的密码所在的文件（第一行），供脚本使用")
    on_server("disable-user", "停用一个账号（不能再登录，操作记录保留）").add_argument("login", metavar="登录名")
    on_server("backup", "用 PostgreSQL 的 pg_dump 备份整个数据库（需要这台电脑装有 pg_dump）").add_argument(
        "--to", required=True, metavar="文件.dump", help="备份写到这个新文件（pg_restore 可读的格式）"
    )
    moving_in = on_server(
        "upload",
        "把一台电脑上的数据（全部记录、附件、党费和操作记录）迁入服务器上新建的一个居民区，核对一致后才写入",
    )
    moving_in.add_argument("--from", dest="from_dir", required=True, metavar="数据目录", help="那台电脑的数据目录")
    moving_in.add_argument(
        "--community", required=True, metavar="名称", help="迁入到的居民区（先用 add-community 建立）"
    )
    moving_in.add_argument(
        "--password-file",
        metavar="文件",
        help=f"那份数据的密码（或恢复密钥）所在的文件；也可用环境变量 {PASSWORD_VARIABLE}；都没有时在终端中提示输入",
    )
    template = add("template", cmd_template, "生成居民或党员名册的导入模板")
    template.add_argument("kind", choices=["residents", "members"])
    template.add_argument("--out", required=True, metavar="文件.xlsx")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # A file name with bytes that are not text (a lone surrogate from an old USB stick) must print, not crash.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = parse_arguments(argv)
    try:
        return args.handler(args)
    except AppError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the machine refused (read-only, missing, full): its errno, in Chinese
        from desktop_app.core.storage.targets import os_failure  # not on the way to the first window

        print(f"错误：{os_failure(exc)}", file=sys.stderr)
        return 1
    except UnicodeError:  # text that cannot be written as it is (a lone surrogate in a name or path)
        print("错误：输入中有无法识别的字符（可能来自编码不同的文件名或文本），请改正后重试。", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
