"""After a kill (a power cut, a forced shutdown) the program starts again by itself and tells the truth.

The other crash tests prove that nothing committed is lost; these prove that what a kill leaves behind
never stops the next start: a hot journal on an encrypted file (rolled back by the first open of any
kind: the GUI, `check`, every other command), a first start cut off anywhere, an export cut off
anywhere. Every round is a real process killed with SIGKILL.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pytest

from desktop_app.cli import build_parser
from desktop_app.core.storage import cipher, keys
from desktop_app.core.storage.backup import integrity_problems
from desktop_app.core.storage.paths import DATABASE_FILENAME
from desktop_app.core.storage.targets import WRITING_DIRNAME

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL is a POSIX signal; Windows CI kills differently")

PASSWORD = "Crash-Restart-2026!"
FIRST_START_KILLS = 10
EXPORT_KILLS = 8

# A save in progress: many rows in one transaction with a tiny page cache, so that SQLite writes changed
# pages into the file before the commit and the journal that can undo them is hot when the kill lands.
HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from desktop_app.core.storage import keys
    from desktop_app.core.storage.models import Resident
    from desktop_app.core.storage.startup import open_database
    directory = Path(sys.argv[1])
    db = open_database(directory, key=keys.open_keys(directory, sys.argv[2]))
    with db.session() as session:
        session.connection().exec_driver_sql("PRAGMA cache_size = 20")
        for n in range(3000):
            session.add(Resident(name=f"未保存{n}", address="1号楼", notes="备注" * 400, search_text=""))
        session.flush()
        print("ready", flush=True)
        time.sleep(600)
""")

# A person's normal start: the program as it is, the first-start questions answered by keys as a person
# answers them (the community's name typed, Enter).
PERSON = textwrap.dedent("""
    import sys
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from desktop_app.cli import main
    from desktop_app.ui.dialogs import first_run

    shown = first_run.FirstRunDialog.exec

    def answered(dialog):
        def answer():
            field = dialog.edits["community_name"]
            field.setFocus()
            typed = QInputMethodEvent("", [])  # Chinese comes from the input method, as it does for a person
            typed.setCommitString("康乐居民区")
            QApplication.sendEvent(field, typed)
            QTest.keyClick(field, Qt.Key.Key_Return)
        QTimer.singleShot(0, answer)
        return shown(dialog)

    first_run.FirstRunDialog.exec = answered
    sys.exit(main(sys.argv[1:]))
""")


def environment(**extra: str) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DESKTOP_APP_PASSWORD": PASSWORD, **extra}


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        env=environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def person_starts(data_dir: Path) -> subprocess.CompletedProcess[str]:
    """A normal start of the GUI, to the 工作台 in use (the moment `ready`)."""
    return subprocess.run(
        [sys.executable, "-c", PERSON, "--data-dir", str(data_dir)],
        env=environment(DESKTOP_APP_MOMENTS="ready"),
        capture_output=True,
        text=True,
        timeout=120,
    )


def checked_normal(data_dir: Path) -> None:
    done = cli("check", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert "检查结果：正常" in done.stdout


def kill_when_ready(script: str, *args: str) -> None:
    process = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)


def residents(data_dir: Path) -> int:
    key = keys.open_keys(data_dir, PASSWORD)
    connection = cipher.connect(data_dir / DATABASE_FILENAME, key)
    try:
        return int(connection.execute("select count(*) from residents").fetchone()[0])
    finally:
        connection.close()


def hot(data_dir: Path) -> Path:
    """The data directory with a save cut off in the middle: the journal left beside the file is hot."""
    count = residents(data_dir)
    kill_when_ready(HOLDER, str(data_dir), PASSWORD)
    journal = data_dir / f"{DATABASE_FILENAME}-journal"
    assert journal.stat().st_size > 0, "the kill left a hot journal"
    (data_dir / "committed.txt").write_text(str(count))
    return data_dir


def recovered(data_dir: Path) -> None:
    """Back to the last save before the kill, whole."""
    assert not (data_dir / f"{DATABASE_FILENAME}-journal").exists()
    key = keys.open_keys(data_dir, PASSWORD)
    assert integrity_problems(data_dir / DATABASE_FILENAME, key=key) == []
    assert residents(data_dir) == int((data_dir / "committed.txt").read_text())


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A community's encrypted data (demo data, the street's key imported, one backup) and a street office's,
    and the files the commands are given; each test copies what it needs."""
    root = tmp_path_factory.mktemp("prepared")
    community, street = root / "community", root / "street"
    files = root / "files"
    files.mkdir()
    recovery = files / "恢复密钥.txt"
    for done in (
        cli("demo", "--data-dir", str(community), "--recovery-key-out", str(recovery)),
        cli(
            "street",
            "keygen",
            "--data-dir",
            str(street),
            "--out",
            str(files / "街道公钥.pub"),
            "--name",
            "康乐街道",
            "--recovery-key-out",
            str(files / "街道恢复密钥.txt"),
        ),
        cli("street-key", str(files / "街道公钥.pub"), "--data-dir", str(community)),
        cli("backup", "--data-dir", str(community), "--to", str(files / "备份.zip")),
        cli("package", "--data-dir", str(community), "--period", "2025Q4", "--out", str(files / "上报.sjb")),
    ):
        assert done.returncode == 0, done.stderr
    roster = openpyxl.Workbook()
    roster.active.append(["姓名", "住址"])
    roster.active.append(["新来的居民", "3号楼"])
    roster.save(files / "居民名册.xlsx")
    return {"community": community, "street": street, "files": files}


def invocations(files: Path, out: Path) -> dict[str, tuple[str, list[str], int]]:
    """Every command of the CLI, as a person would run it on data that exists: (which data, arguments,
    the exit code it ends with there)."""
    return {
        "demo": ("community", ["demo"], 1),  # refused: demo data only goes into empty data
        "check": ("community", ["check"], 0),
        "backup": ("community", ["backup"], 0),
        "export": ("community", ["export", "care", "--period", "2025", "--out", str(out / "关怀.xlsx")], 0),
        "restore": ("community", ["restore", str(files / "备份.zip")], 0),
        "import": ("community", ["import", "residents", str(files / "居民名册.xlsx"), "--dry-run"], 0),
        "template": ("community", ["template", "members", "--out", str(out / "党员模板.xlsx")], 0),
        "package": ("community", ["package", "--period", "2025Q3", "--out", str(out / "上报.sjb")], 0),
        "street-key": ("community", ["street-key", str(files / "街道公钥.pub")], 0),
        "street": ("street", ["street", "import", str(files / "上报.sjb"), "--add-units"], 0),
    }


def subcommands() -> set[str]:
    parser = build_parser()
    actions = [action for action in parser._actions if action.__class__.__name__ == "_SubParsersAction"]
    # The `server` commands work on a PostgreSQL server: no data file here to cut off (test_shared_server).
    return set(actions[0].choices) - {"server"}  # type: ignore[attr-defined]


def test_the_invocations_cover_every_command():
    assert set(invocations(Path("f"), Path("o"))) == subcommands()


def test_after_a_save_cut_off_the_gui_starts_and_reaches_the_workbench(prepared, tmp_path):
    data = hot(Path(shutil.copytree(prepared["community"], tmp_path / "data")))
    started = person_starts(data)
    assert started.returncode == 0, started.stderr
    assert started.stdout.split()[-1] == "ready"
    recovered(data)
    checked_normal(data)


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_after_a_save_cut_off_each_command_run_first_works(prepared, tmp_path, command):
    which, args, code = invocations(prepared["files"], tmp_path)[command]
    data = hot(Path(shutil.copytree(prepared[which], tmp_path / "data")))
    done = cli(*args, "--data-dir", str(data))
    assert "只读" not in done.stderr
    assert done.returncode == code, done.stderr
    if command == "demo":
        assert "只能载入空白数据库" in done.stderr
    if command != "template":  # the one command that does not open the data
        assert not (data / f"{DATABASE_FILENAME}-journal").exists()
    checked_normal(data)
    if command != "restore":  # a restore puts the backup's data in place
        recovered(data)


def test_check_on_a_folder_without_data_says_so_and_creates_nothing(tmp_path):
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    missing = tmp_path / "不存在"
    for folder in (empty, missing):
        done = cli("check", "--data-dir", str(folder))
        assert done.returncode == 1
        assert "没有书记工作台的数据" in done.stderr
    assert list(empty.iterdir()) == []
    assert not missing.exists()


def test_a_first_start_killed_anywhere_starts_again(tmp_path):
    """Kills spread over the whole first start of the GUI (the key made, the data file built, the window):
    each is followed by a normal start that must reach the 工作台, and a check that must say 正常."""
    timing = tmp_path / "timing"
    started = time.perf_counter()
    first = subprocess.Popen([sys.executable, "-m", "desktop_app", "--data-dir", str(timing)], env=environment())
    while not (timing / DATABASE_FILENAME).exists():
        assert first.poll() is None, "the first start ended by itself"
        time.sleep(0.01)
    length = (time.perf_counter() - started) * 1.3  # to the data file in place, and the window after it
    first.kill()
    first.wait(timeout=30)
    rng = random.Random(20281)
    left = []
    for round_number in range(FIRST_START_KILLS):
        data = tmp_path / f"round{round_number}"
        process = subprocess.Popen(
            [sys.executable, "-m", "desktop_app", "--data-dir", str(data)],
            env=environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.0, length))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        left.append(sorted(p.name for p in data.iterdir()) if data.exists() else [])
        database = data / DATABASE_FILENAME
        assert not database.exists() or database.stat().st_size > 0, "never an empty data file"
        again = person_starts(data)
        assert again.returncode == 0, (left[-1], again.stderr)
        assert again.stdout.split()[-1] == "ready"
        checked_normal(data)
    print(f"first-start kills: {FIRST_START_KILLS} over {length:.2f} s; left behind: {left}")


# An export as the command runs it, held (for the kill) as the workbook is about to be written out into its
# partial file ("before"), or once it is there whole but not yet renamed to the target ("after").
EXPORTER = textwrap.dedent("""
    import sys, time
    from desktop_app.cli import main
    from desktop_app.core.exchange.reports import registry

    closing = registry.ReportBook.close
    moment = sys.argv.pop(1)

    def close(book):
        if moment == "after":
            closing(book)
        print("held", flush=True)
        time.sleep(600)

    registry.ReportBook.close = close
    main(sys.argv[1:])
""")


def test_an_export_killed_while_writing_leaves_nothing_of_ours_after_the_next_export(prepared, tmp_path):
    data = Path(shutil.copytree(prepared["community"], tmp_path / "data"))
    folder = tmp_path / "U盘"
    folder.mkdir()
    export = ["export", "care", "--period", "2025", "--data-dir", str(data)]
    rng = random.Random(20282)
    for round_number in range(EXPORT_KILLS):
        moment = rng.choice(["before", "after"])
        process = subprocess.Popen(
            [sys.executable, "-c", EXPORTER, moment, *export, "--out", str(folder / f"关怀{round_number}.xlsx")],
            env=environment(),
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "held"
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        assert (folder / WRITING_DIRNAME).is_dir(), "the kill left its partial file"
        assert not (folder / f"关怀{round_number}.xlsx").exists(), "a killed export is never under the target name"
        done = cli(*export, "--out", str(folder / "关怀台账.xlsx"))
        assert done.returncode == 0, done.stderr
        assert sorted(p.name for p in folder.iterdir()) == ["关怀台账.xlsx"], "the next export removed our leftover"
    print(f"export kills: {EXPORT_KILLS}, each followed by an export to the same folder")
