import sqlite3
import zipfile

import pytest

from desktop_app import __version__
from desktop_app.cli import main
from desktop_app.core.storage.paths import DATABASE_FILENAME


def test_demo_then_check_on_a_temporary_data_dir(tmp_path, capsys, recovery_key_out):
    assert main(["demo", "--data-dir", str(tmp_path), *recovery_key_out()]) == 0
    out = capsys.readouterr().out
    assert "居民 400 条" in out
    assert "党费缴纳" in out
    assert main(["--data-dir", str(tmp_path), "check"]) == 0, "--data-dir also works before the subcommand"
    out = capsys.readouterr().out
    assert "检查结果：正常" in out


def test_demo_refuses_a_database_that_has_data(tmp_path, capsys, recovery_key_out):
    assert main(["demo", "--data-dir", str(tmp_path), *recovery_key_out()]) == 0
    capsys.readouterr()
    assert main(["demo", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：")
    assert "空白数据库" in err
    assert "Traceback" not in err


def test_data_dir_from_environment(tmp_path, monkeypatch, capsys, recovery_key_out):
    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(tmp_path))
    assert main(["demo", *recovery_key_out()]) == 0
    assert (tmp_path / DATABASE_FILENAME).exists()
    assert main(["check"]) == 0


def test_check_fails_on_a_broken_reference(data_dir, capsys, recovery_key_out):
    with sqlite3.connect(data_dir / DATABASE_FILENAME) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute(
            "insert into members (name, name_initials, name_pinyin, member_type, group_id, is_committee,"
            " committee_role, status, notes, search_text)"
            " values ('孤儿', '', '', 'full', 4242, 0, '', 'active', '', '')"
        )
    assert main(["check", "--data-dir", str(data_dir), *recovery_key_out()]) == 1
    assert "引用了不存在的数据" in capsys.readouterr().out


def test_backup_to_a_chosen_file_is_a_bundle(data_dir, tmp_path, capsys, recovery_key_out):
    target = tmp_path / "u盘" / "备份.zip"
    target.parent.mkdir()
    assert main(["backup", "--data-dir", str(data_dir), "--to", str(target), *recovery_key_out()]) == 0
    assert str(target) in capsys.readouterr().out
    with zipfile.ZipFile(target) as bundle:
        assert "shuji.sqlite3" in bundle.namelist()


def test_version_and_bad_arguments_in_chinese(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main(["demo", "--size", "giant"])
    assert info.value.code == 2
    assert "参数错误" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["export"], "缺少必填的参数：kind, --period, --out"),
        (["demo", "--size", "giant"], "参数 --size 不能是“giant”"),
        (["backup", "--to"], "参数 --to 后面需要写一个值"),
        (["check", "--bogus"], "无法识别的参数：--bogus"),
    ],
)
def test_argument_errors_in_chinese(argv, expected, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert expected in err
    assert err.startswith("用法：desktop-app")


def test_help_is_chinese(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：desktop-app export")
    assert "显示本帮助并退出" in out
    assert "show this help" not in out


def test_the_window_is_started_without_the_subcommands_parsers_and_every_other_line_gets_them(capsys):
    """A start of the window builds only the program's own options (its first window comes sooner); a subcommand,
    a mistyped one, or -h is parsed by the whole parser, with its list of subcommands."""
    from desktop_app.cli import parse_arguments

    args = parse_arguments(["--data-dir", "demo"])  # a folder that happens to be named like a subcommand
    assert (args.command, args.data_dir) == (None, "demo")
    assert parse_arguments(["demo", "--size", "large"]).size == "large"
    with pytest.raises(SystemExit) as info:
        parse_arguments(["bakup"])
    assert info.value.code == 2
    assert "参数 子命令 不能是“bakup”，可选：'demo', 'check', 'backup'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse_arguments(["-h"])
    assert "restore" in capsys.readouterr().out
