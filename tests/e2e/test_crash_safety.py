"""Kill -9 at random moments: while writing, while backing up, while migrating. Nothing committed is lost.

Each round starts a real process and kills it with SIGKILL; after each kill the
database must pass integrity_check and hold every record the process reported
as committed.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from desktop_app.core.storage import migrate
from desktop_app.core.storage.backup import integrity_problems
from desktop_app.core.storage.paths import DATABASE_FILENAME

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL is a POSIX signal; Windows CI kills differently")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WRITE_KILLS = 50
BACKUP_KILLS = 10
MIGRATION_KILLS = 10

WRITER = textwrap.dedent("""
    import sys
    from desktop_app.core.storage.startup import open_database
    from desktop_app.core.domain.pinyin import initials
    from desktop_app.core.services.people import ResidentService
    residents = ResidentService(open_database(sys.argv[1]))
    initials("预热")  # load the pinyin dictionary before the clock starts
    print("ready", flush=True)
    n = 0
    while True:
        record_id = residents.create({"name": f"居民{n}", "address": f"{n % 60 + 1}号楼", "notes": "x" * (n % 500)})
        print(record_id, flush=True)
        n += 1
""")

BACKER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from desktop_app.core.storage.backup import copy_database
    print("ready", flush=True)
    while True:
        copy_database(Path(sys.argv[1]), Path(sys.argv[2]))
        print("copied", flush=True)
""")

MIGRATOR = textwrap.dedent("""
    import sys
    from desktop_app.core.storage.startup import open_database
    print("ready", flush=True)
    open_database(sys.argv[1]).dispose()
    print("migrated", flush=True)
""")


CONVERTER = textwrap.dedent("""
    import sys
    from desktop_app.core.storage.startup import open_database
    print("ready", flush=True)
    open_database(sys.argv[1], key=bytes.fromhex(sys.argv[2])).dispose()
    print("converted", flush=True)
""")
CONVERSION_KILLS = 8


def run_and_kill(script: str, args: list[str], delay: float) -> tuple[list[str], bool]:
    """Start the script, wait until it is ready, let it run `delay` seconds, SIGKILL it.

    Returns its output lines and whether the kill caught it still running.
    """
    process = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    out, _ = process.communicate(timeout=30)
    return out.splitlines(), process.returncode == -signal.SIGKILL


def test_kills_while_writing_lose_nothing_committed(tmp_path, migrated_template):
    shutil.copyfile(migrated_template, tmp_path / DATABASE_FILENAME)
    rng = random.Random(20231)
    committed: set[int] = set()
    for _ in range(WRITE_KILLS):
        lines, killed = run_and_kill(WRITER, [str(tmp_path)], rng.uniform(0.02, 0.4))
        assert killed, "the writer never stops by itself"
        # A last line cut by the kill is not a report of a commit.
        committed |= {int(line) for line in lines[:-1] if line.isdigit()}
        assert integrity_problems(tmp_path / DATABASE_FILENAME) == []
        with sqlite3.connect(tmp_path / DATABASE_FILENAME) as conn:
            present = {row[0] for row in conn.execute("select id from residents")}
        assert committed <= present
    assert len(committed) > WRITE_KILLS, "the writer got work done between kills"
    print(f"write kills survived: {WRITE_KILLS}, committed records verified: {len(committed)}")


def test_kills_while_backing_up_leave_the_original_and_no_half_backup(tmp_path, migrated_template):
    source = tmp_path / DATABASE_FILENAME
    shutil.copyfile(migrated_template, source)
    with sqlite3.connect(source) as conn:
        conn.executemany(
            "insert into residents (name, name_initials, address, tags, notes, status, search_text, created_at,"
            " updated_at) values (?, '', ?, '[]', ?, 'active', '', current_timestamp, current_timestamp)",
            [(f"居民{n}", f"{n}号楼", "备注" * 50) for n in range(40_000)],
        )
    before = source.read_bytes()
    target = tmp_path / "backups" / "copy.sqlite3"
    rng = random.Random(20232)
    for _ in range(BACKUP_KILLS):
        _, killed = run_and_kill(BACKER, [str(source), str(target)], rng.uniform(0.0, 0.4))
        assert killed, "the backup loop never stops by itself"
        assert source.read_bytes() == before, "the original is untouched"
        if target.exists():
            assert integrity_problems(target) == [], "a backup under its own name is always complete"
    print(f"backup kills survived: {BACKUP_KILLS}")


def test_kills_while_migrating_leave_old_or_new_but_whole(tmp_path):
    """Whenever the kill lands (before, during or after the migration), the file is whole and either the old
    schema or the new one; a migration that finished before the kill left the new one. The kills are spread
    over a migration's own measured length, so most land inside it, but no outcome is assumed."""
    fixture = FIXTURES / "schema-0001.sqlite3"
    with sqlite3.connect(fixture) as conn:
        residents = conn.execute("select count(*) from residents").fetchone()[0]
    timing = tmp_path / "timing"
    timing.mkdir()
    shutil.copyfile(fixture, timing / DATABASE_FILENAME)
    measured = subprocess.Popen([sys.executable, "-c", MIGRATOR, str(timing)], stdout=subprocess.PIPE, text=True)
    assert measured.stdout is not None
    assert measured.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    assert measured.stdout.readline().strip() == "migrated"
    length = time.perf_counter() - started  # from "ready" to "migrated", the window a kill can land in
    measured.communicate(timeout=30)
    rng = random.Random(20233)
    outcomes = []
    for round_number in range(MIGRATION_KILLS):
        data = tmp_path / f"round{round_number}"
        data.mkdir()
        shutil.copyfile(fixture, data / DATABASE_FILENAME)
        lines, _ = run_and_kill(MIGRATOR, [str(data)], rng.uniform(0.0, length))
        path = data / DATABASE_FILENAME
        assert integrity_problems(path) == []
        with sqlite3.connect(path) as conn:
            revision = conn.execute("select version_num from alembic_version").fetchone()[0]
            assert conn.execute("select count(*) from residents").fetchone()[0] == residents
        finished = "migrated" in lines
        assert (
            revision == migrate.head_revision()
            if finished
            else revision
            in (
                migrate.known_revisions()[0],
                migrate.head_revision(),
            )
        )
        outcomes.append("finished" if finished else "old" if revision != migrate.head_revision() else "new")
    print(f"migration kills: {MIGRATION_KILLS} over a {length:.2f} s run; outcomes: {outcomes}")


def whole_rows(path: Path, key: bytes) -> tuple[str, int]:
    """A file after a kill: plain or encrypted, whole either way; its residents counted."""
    from desktop_app.core.storage import cipher

    file_key = None if cipher.is_plain(path) else key
    assert integrity_problems(path, key=file_key) == [], path
    connection = cipher.connect(path, file_key)
    try:
        count = connection.execute("select count(*) from residents").fetchone()[0]
    finally:
        connection.close()
    return ("plain" if file_key is None else "encrypted"), count


def test_kills_while_encrypting_leave_each_file_plain_or_encrypted_but_whole(tmp_path, migrated_template):
    """The first start of the encrypting version, killed at any moment: the database and every backup are
    each the old plain file or the new encrypted one, whole, with every record; the next start finishes."""
    from desktop_app.core.storage.backup import make_backup

    source = tmp_path / "source"
    source.mkdir()
    shutil.copyfile(migrated_template, source / DATABASE_FILENAME)
    with sqlite3.connect(source / DATABASE_FILENAME) as conn:
        conn.executemany(
            "insert into residents (name, name_initials, address, tags, notes, status, search_text, created_at,"
            " updated_at) values (?, '', ?, '[]', ?, 'active', '', current_timestamp, current_timestamp)",
            [(f"居民{n}", f"{n}号楼", "备注" * 50) for n in range(40_000)],
        )
    for reason in ("daily", "manual"):
        make_backup(source / DATABASE_FILENAME, source / "backups", reason)
    files = [DATABASE_FILENAME, *sorted(p.name for p in (source / "backups").glob("*.sqlite3"))]
    key = os.urandom(32)
    timing = tmp_path / "timing"
    shutil.copytree(source, timing)
    measured = subprocess.Popen(
        [sys.executable, "-c", CONVERTER, str(timing), key.hex()], stdout=subprocess.PIPE, text=True
    )
    assert measured.stdout is not None
    assert measured.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    assert measured.stdout.readline().strip() == "converted"
    length = time.perf_counter() - started
    measured.communicate(timeout=30)
    rng = random.Random(20234)
    seen: list[tuple[str, ...]] = []
    for round_number in range(CONVERSION_KILLS):
        data = tmp_path / f"round{round_number}"
        shutil.copytree(source, data)
        run_and_kill(CONVERTER, [str(data), key.hex()], rng.uniform(0.0, length))
        states = []
        for name in files:
            path = data / name if name == DATABASE_FILENAME else data / "backups" / name
            state, count = whole_rows(path, key)
            assert count == 40_000, (name, state)
            states.append(state)
        seen.append(tuple(states))
        subprocess.run([sys.executable, "-c", CONVERTER, str(data), key.hex()], check=True, capture_output=True)
        for name in files:
            path = data / name if name == DATABASE_FILENAME else data / "backups" / name
            assert whole_rows(path, key) == ("encrypted", 40_000), "the next start finishes the work"
        assert not list(data.rglob("*.encrypting"))
    print(f"conversion kills: {CONVERSION_KILLS} over a {length:.2f} s run; states (database, backups…): {seen}")
