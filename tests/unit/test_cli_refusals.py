"""Bad input from the command line: a Chinese message on stderr, a non-zero exit, no traceback, and the
data file unchanged (its hash). Read-only places are made immutable with `chattr +i` (root on this
machine); where that is not possible those cases are skipped with that reason."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.storage.paths import DATABASE_FILENAME


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def can_make_immutable(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir()
    made = shutil.which("chattr") and subprocess.run(["chattr", "+i", str(probe)], capture_output=True).returncode == 0
    if made:
        subprocess.run(["chattr", "-i", str(probe)], check=True)
    return bool(made)


@pytest.fixture
def places(tmp_path):
    """Bad places of every shape, made once per test."""
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("x")
    folder = tmp_path / "folder"
    folder.mkdir()
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    immutable = can_make_immutable(tmp_path)
    if immutable:
        subprocess.run(["chattr", "+i", str(readonly)], check=True)
    yield {
        "missing folder": tmp_path / "no-such-folder" / "out",
        "folder is a file": a_file / "out",
        "target is a folder": folder,
        "read-only folder": readonly / "out",
        "immutable": immutable,
    }
    if immutable:
        subprocess.run(["chattr", "-i", str(readonly)], check=True)


@pytest.fixture
def data_dir(keyed_data_dir):
    """The commands work on data as the program makes it: encrypted, opened by the script's password."""
    return keyed_data_dir


OUTPUTS = {
    "export --out": (["export", "care", "--period", "2024", "--out"], ".xlsx"),
    "template --out": (["template", "residents", "--out"], ".xlsx"),
    "backup --to": (["backup", "--to"], ".zip"),
}


def refused(argv: list[str], capsys) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code != 0, argv
    assert "错误" in err or "参数错误" in err, err
    assert "Traceback" not in err
    assert not any(word in err for word in ("Errno", "Error:", "No such file", "Permission denied")), err
    return err


BAD_PLACES = ["missing folder", "folder is a file", "target is a folder", "read-only folder"]
# A folder is a valid backup target: the bundle is written into it (test_cli covers that).
OUTPUT_CASES = [(c, p) for c in OUTPUTS for p in BAD_PLACES if (c, p) != ("backup --to", "target is a folder")]


@pytest.mark.parametrize(("command", "place"), OUTPUT_CASES)
def test_every_output_path_is_refused_plainly(command, place, places, data_dir, capsys):
    if place == "read-only folder" and not places["immutable"]:
        pytest.skip("this machine cannot make a folder read-only for root (no chattr +i)")
    words, suffix = OUTPUTS[command]
    target = places[place]
    target = target if place == "target is a folder" else target.with_suffix(suffix)
    before = sha(data_dir / DATABASE_FILENAME)
    refused([*words, str(target), "--data-dir", str(data_dir)], capsys)
    assert sha(data_dir / DATABASE_FILENAME) == before
    assert not list(target.parent.glob("*.partial")) if target.parent.is_dir() else True


@pytest.mark.parametrize(
    ("command", "wrong"), [("export --out", "a.txt"), ("template --out", "t.txt"), ("backup --to", "b.db")]
)
def test_a_wrong_file_name_is_refused_not_renamed(command, wrong, tmp_path, data_dir, capsys):
    words, suffix = OUTPUTS[command]
    err = refused([*words, str(tmp_path / wrong), "--data-dir", str(data_dir)], capsys)
    assert suffix in err
    assert not (tmp_path / wrong).exists()
    assert not (tmp_path / wrong).with_suffix(suffix).exists(), "not silently written under another name"


def test_an_empty_data_dir_is_refused(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(tmp_path / "real"))
    err = refused(["check", "--data-dir", ""], capsys)
    assert "数据目录不能是空的" in err
    assert not (tmp_path / "real").exists(), "the real data directory was not touched"


@pytest.mark.parametrize("shape", ["a file", "under a file", "read-only"])
def test_a_bad_data_dir_is_refused(shape, places, tmp_path, capsys):
    if shape == "read-only" and not places["immutable"]:
        pytest.skip("this machine cannot make a folder read-only for root (no chattr +i)")
    directory = {
        "a file": places["folder is a file"].parent,
        "under a file": places["folder is a file"],
        "read-only": places["read-only folder"],
    }[shape]
    for command in (["check"], ["backup"], ["export", "care", "--period", "2024", "--out", str(tmp_path / "x.xlsx")]):
        refused([*command, "--data-dir", str(directory)], capsys)


def test_an_empty_or_foreign_database_file_is_not_taken_over(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / DATABASE_FILENAME).write_bytes(b"")
    assert "0 字节" in refused(["check", "--data-dir", str(empty)], capsys)
    assert (empty / DATABASE_FILENAME).read_bytes() == b""
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    with sqlite3.connect(foreign / DATABASE_FILENAME) as conn:
        conn.execute("create table invoices (id integer primary key, amount real)")
    before = sha(foreign / DATABASE_FILENAME)
    assert "其他程序的数据库" in refused(["check", "--data-dir", str(foreign)], capsys)
    assert sha(foreign / DATABASE_FILENAME) == before
    fresh = tmp_path / "fresh"
    assert "没有书记工作台的数据" in refused(["check", "--data-dir", str(fresh)], capsys)
    assert not fresh.exists(), "check makes no data"


def test_restoring_the_live_file_onto_itself_is_refused(data_dir, capsys):
    before = sha(data_dir / DATABASE_FILENAME)
    err = refused(["restore", str(data_dir / DATABASE_FILENAME), "--data-dir", str(data_dir)], capsys)
    assert "正在使用的数据文件本身" in err
    assert sha(data_dir / DATABASE_FILENAME) == before


@pytest.mark.parametrize("which", ["missing", "a folder"])
def test_a_restore_file_that_is_not_there_is_refused(which, data_dir, tmp_path, capsys):
    source = tmp_path / "nothing.zip" if which == "missing" else tmp_path
    before = sha(data_dir / DATABASE_FILENAME)
    refused(["restore", str(source), "--data-dir", str(data_dir)], capsys)
    assert sha(data_dir / DATABASE_FILENAME) == before


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("not a url at all", "无法识别"),
        ("nosuchdb://x/y", "无法识别"),
        ("mysql+pymysql://u@localhost/d", "组件"),  # a driver that is not installed
        ("postgresql+psycopg://u@127.0.0.1:1/d", "无法连接数据库服务器"),  # nobody answers there
        ("postgresql+psycopg://u:secret@127.0.0.1:1/d", "不能含密码"),  # it would show in the process list
    ],
)
def test_a_bad_database_url_is_refused_plainly(url, words, tmp_path, capsys):
    assert words in refused(["check", "--data-dir", str(tmp_path / "d"), "--db-url", url], capsys)


def test_leftovers_of_a_killed_backup_are_removed_at_the_next_start(data_dir):
    backups = data_dir / "backups"
    backups.mkdir(exist_ok=True)
    (backups / "20240101-daily.sqlite3.partial").write_bytes(b"x" * 4096)
    (backups / ".bundle-copy.sqlite3").write_bytes(b"x" * 4096)
    assert main(["check", "--data-dir", str(data_dir)]) == 0
    assert not list(backups.glob("*.partial"))
    assert not (backups / ".bundle-copy.sqlite3").exists()


def test_no_path_case_prints_a_traceback_from_the_real_entry_point(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "desktop_app", "template", "residents", "--out", str(tmp_path / "x" / "t.xlsx")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert "保存位置不存在" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_file_name_that_is_not_text_prints_instead_of_crashing(tmp_path):
    """A name with bytes from another encoding (an old USB stick): stdout in strict mode must not raise."""
    name = bytes(tmp_path / "t") + b"\xff\xfc.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "desktop_app", "template", "residents", "--out", name],
        capture_output=True,
        env={**__import__("os").environ, "PYTHONIOENCODING": "utf-8:strict"},
        timeout=60,
    )
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    assert b"Traceback" not in run.stderr
    assert "已生成导入模板".encode() in run.stdout


def test_text_that_is_not_text_is_left_out_of_a_report():
    from desktop_app.core.exchange.reports.workbook import export_text

    assert export_text("甲\udcff乙") == "甲乙"
