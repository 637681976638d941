"""Every key event leaves a Chinese line in 操作记录 (who and when; nothing typed, no key, no password).

`AUDITED` is the list: each command of the command line and each action of the main menu and of
设置 → 数据 has an entry, the words its 操作记录 line starts with, or None and why it writes none. A new
command or menu action without an entry fails here; each command is then run and its line looked for.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import openpyxl
import pytest

from desktop_app.cli import build_parser, main
from desktop_app.core.storage import keys
from desktop_app.core.storage.audit import AuditService
from desktop_app.core.storage.startup import open_database

PASSWORD = "春天的第一棵树开花了"

READS_ONLY = "只读取数据，不改动也不带走个人信息"
SERVER_WORK = "服务器上的账号和居民区，不是某个居民区的数据（tests/unit/test_shared_server.py）"
AUDITED: dict[str, tuple[str | None, str]] = {
    # the command line (a subcommand; nested ones by both names)
    "": ("设置密码", "启动图形界面：第一次设置密码、用恢复密钥打开、密码错误和锁定都记入"),
    "demo": (None, "在空白的数据目录中载入示例数据（不是谁的个人信息）"),
    "check": (None, READS_ONLY),
    "backup": ("立即备份", "不带 --to 时；带 --to 时为“备份到其他位置”"),
    "restore": ("从备份恢复", ""),
    "export": ("加密导出", "带 --encrypt 时；否则“导出…”，完整个人信息另有标记"),
    "import": ("导入", ""),
    "template": (None, "只生成空白的导入模板，不含任何数据"),
    "package": ("生成上报数据包", ""),
    "street-key": ("导入街道公钥", ""),
    "street keygen": ("生成街道密钥", ""),
    "street add-unit": ("添加居民区", ""),
    "street import": ("导入数据包", ""),
    "street export": ("导出", "汇总报表，不含个人信息"),
    # On a PostgreSQL server, not a community's data: the accounts and communities are the server's own record
    # (pg_roles, server_logins with their dates); each community's 操作记录 is stamped by the server there.
    "server init": (None, SERVER_WORK),
    "server add-community": (None, SERVER_WORK),
    "server add-user": (None, SERVER_WORK),
    "server disable-user": (None, SERVER_WORK),
    "server backup": (None, "整个服务器的备份，不是某个居民区的数据（tests/unit/test_server_backup.py）"),
    "server upload": ("从单机数据迁入服务器", "记入服务器上那个居民区的操作记录（tests/unit/test_server_upload.py）"),
    # the main menu and 设置 → 数据
    "菜单 帮助 → 使用说明": (None, "只显示说明"),
    "菜单 帮助 → 关于书记工作台": (None, "只显示版本"),
    "菜单 安全 → 锁定": ("锁定", "解锁时的密码错误次数一并记入"),
    "设置 → 打开数据目录": (None, "只打开文件夹"),
    "设置 → 立即备份": ("立即备份", ""),
    "设置 → 备份到其他位置…": ("备份到其他位置", ""),
    "设置 → 从备份恢复…": ("从备份恢复", ""),
    "设置 → 检查数据库": (None, READS_ONLY),
    "设置 → 修改密码…": ("修改密码", ""),
}


def cli_commands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    """Every command of the command-line table, nested ones as "street keygen"."""
    found: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                command = f"{prefix} {name}".strip()
                nested = cli_commands(sub, command)
                found.extend(nested or [command])
    return found


def test_every_command_line_command_has_an_entry():
    commands = ["", *cli_commands(build_parser())]
    assert "street keygen" in commands, "the walk reaches nested commands"
    missing = [command for command in commands if command not in AUDITED]
    assert missing == [], f"commands with no entry in AUDITED: {missing}"


def test_every_menu_and_data_action_has_an_entry(qtbot, context):
    from PySide6.QtWidgets import QPushButton

    from desktop_app.ui.shell.lock import IdleLock
    from desktop_app.ui.shell.main_window import MainWindow
    from desktop_app.ui.views.settings import DataBox

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.protect(IdleLock(context.db.data_dir, b"k" * 32, window.settings))
    actions = [
        f"菜单 {menu.title().split('(')[0]} → {action.text()}"
        for menu in (a.menu() for a in window.menuBar().actions())
        if menu is not None
        for action in menu.actions()
        if not action.isSeparator()
    ]
    box = DataBox(context)
    qtbot.addWidget(box)
    buttons = [f"设置 → {button.text()}" for button in box.findChildren(QPushButton)]
    assert "菜单 安全 → 锁定" in actions
    assert "设置 → 立即备份" in buttons
    missing = [name for name in actions + buttons if name not in AUDITED]
    assert missing == [], f"menu actions with no entry in AUDITED: {missing}"


def keyed(directory: Path) -> Path:
    keys.create_keys(directory, PASSWORD)
    open_database(directory, key=keys.open_keys(directory, PASSWORD)).dispose()
    return directory


def lines(directory: Path) -> list[str]:
    db = open_database(directory, key=keys.open_keys(directory, PASSWORD))
    try:
        return [row.summary for row in AuditService(db).entries()]
    finally:
        db.dispose()


def test_each_command_writes_its_line(tmp_path, monkeypatch, capsys):
    """The commands as a script runs them, on encrypted data; each one's newest 操作记录 line."""
    monkeypatch.setenv("DESKTOP_APP_PASSWORD", PASSWORD)
    monkeypatch.setenv("DESKTOP_APP_EXPORT_PASSWORD", "收件人的密码")
    community = tmp_path / "community"
    street = keyed(tmp_path / "street")
    seen: dict[str, list[str]] = {}

    def run(command: str, directory: Path, *argv: str) -> None:
        before = len(lines(directory))
        assert main(["--data-dir", str(directory), *command.split(), *argv]) == 0, capsys.readouterr().err
        after = lines(directory)  # newest first
        seen[command] = after[: len(after) - before]

    keys.create_keys(community, PASSWORD)
    community.mkdir(exist_ok=True)
    run("demo", community)
    run("check", community)
    run("backup", community)
    bundle = tmp_path / "bundle.zip"
    run("backup", community, "--to", str(bundle))
    assert "备份到其他位置" in seen["backup"][0]
    run("backup", community)
    run("restore", community, str(bundle))
    run("export", community, "care", "--period", "2024", "--out", str(tmp_path / "care.xlsx"), "--encrypt")
    run("template", community, "members", "--out", str(tmp_path / "template.xlsx"))
    sheet = openpyxl.Workbook()
    sheet.active.append(["姓名", "性别"])
    sheet.active.append(["新来的党员", "女"])
    sheet.save(tmp_path / "members.xlsx")
    run("import", community, "members", str(tmp_path / "members.xlsx"))
    run("street keygen", street, "--out", str(tmp_path / "street.pub"), "--name", "示例街道")
    run("street-key", community, str(tmp_path / "street.pub"))
    run("package", community, "--period", "2024Q2", "--out", str(tmp_path / "p.sjb"))
    run("street add-unit", street, "310100001", "另一个居民区")
    run("street import", street, str(tmp_path / "p.sjb"), "--add-units")
    run("street export", street, "meetings", "--period", "2024", "--out", str(tmp_path / "street.xlsx"))

    for command, (words, why) in AUDITED.items():
        if command == "" or command.startswith(("菜单", "设置", "server")):
            continue
        assert command in seen, f"{command} was not run"
        if words is None:
            assert seen[command] == [], f"{command}: {why}"
            continue
        assert any(words in line for line in seen[command]), f"{command}: {seen[command]}"
    assert "设置密码" in lines(community), "the password set before the data existed, recorded at its first opening"
    everything = "\n".join(lines(community) + lines(street))
    assert PASSWORD not in everything
    assert "收件人的密码" not in everything


def test_lock_and_a_wrong_password_on_the_lock_screen_reach_the_operation_log(
    qtbot, tmp_path, drive_modal, type_text, click_page
):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from desktop_app.core.services.profile import ProfileService
    from desktop_app.ui.kit.background import BackgroundTask
    from desktop_app.ui.kit.ui_settings import ui_settings
    from desktop_app.ui.shell.app import fill_window
    from desktop_app.ui.shell.main_window import MainWindow
    from desktop_app.ui.views.audit import AuditView
    from tests.gui.conftest import answer

    db = open_database(tmp_path, key=keys.create_keys(tmp_path, PASSWORD)[0])
    ProfileService(db).save({"community_name": "康宁居民区"})
    window = MainWindow(settings=ui_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    assert fill_window(window, db, pytest.fail)
    qtbot.waitUntil(lambda: not BackgroundTask._running, timeout=20000)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    def wrong_then_right(dialog):
        answer(qtbot, type_text, "猜的密码")(dialog)
        answer(qtbot, type_text, PASSWORD)(dialog)

    drive_modal(lambda: qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier), wrong_then_right)
    click_page(window, "操作记录")
    page = window.view(window.nav.currentRow())
    assert isinstance(page, AuditView)
    shown = [page.model.cells(row) for row in page.model.rows]  # newest first
    security = [cells for cells in shown if cells[1] == "安全"]
    assert [cells[3] for cells in security][:3] == ["解锁", "密码错误 1 次", "锁定"]
    assert all(cells[2] == "密码与锁定" for cells in security)
    assert "Ctrl+L" in security[2][5]
    assert "猜的密码" not in repr(shown)
    db.dispose()


def test_backups_from_the_settings_page_are_in_the_operation_log(qtbot, context, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog, QPushButton

    from desktop_app.ui.views.settings import SettingsView

    view = SettingsView(context)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(usb))
    for text in ("立即备份", "备份到其他位置…"):
        button = next(b for b in view.findChildren(QPushButton) if b.text() == text)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.data.task is not None and view.data.task.done, timeout=20000)
        view.data.task = None
    newest_first = AuditService(context.db).entries(action="backup")
    assert [row.summary for row in newest_first] == ["备份到其他位置", "立即备份"]
    assert str(usb) in newest_first[0].details


def test_a_street_package_is_named_in_chinese_in_the_operation_log(qtbot, demo_context, tmp_path):
    from desktop_app.core.exchange.packages.build import build_package, package_period
    from desktop_app.core.services.street import StreetKeyService
    from desktop_app.core.storage.recipient_key import PublicKey, new_private_key, public_of
    from desktop_app.ui.views.audit import AuditView

    StreetKeyService(demo_context.db).set_street_key(PublicKey(public_of(new_private_key()), "示例街道"))
    build_package(demo_context.db, package_period("2024Q2"), tmp_path / "p.sjb")
    page = AuditView(demo_context)
    qtbot.addWidget(page)
    row = next(page.model.cells(r) for r in page.model.rows if r.summary.startswith("生成上报数据包"))
    assert row[2] == "上报数据包"
    kinds = {page.model.cells(r)[2] for r in page.model.rows}
    assert not any(kind.isascii() and kind for kind in kinds), f"an English word shown as a kind: {kinds}"
