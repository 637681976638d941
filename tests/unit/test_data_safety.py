import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import event

from desktop_app.cli import main
from desktop_app.core.domain.errors import DatabaseDamagedError, DatabaseEnvironmentError
from desktop_app.core.domain.pinyin import initials, sort_key
from desktop_app.core.services.attachments import AttachmentService
from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.check import check_database
from desktop_app.core.services.people import ResidentService
from desktop_app.core.storage import backup as backup_module
from desktop_app.core.storage import database as database_module
from desktop_app.core.storage import migrate
from desktop_app.core.storage.backup import auto_backup, backups_to_keep, integrity_problems, list_backups, make_backup
from desktop_app.core.storage.paths import DATABASE_FILENAME, is_network_path
from desktop_app.core.storage.restore import InvalidBackupError, inspect_backup, restore_backup
from desktop_app.core.storage.startup import open_database
from tests.conftest import open_keyed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


# -- rotation ---------------------------------------------------------------------------
def expected_set(days: list[dt.datetime]) -> set[dt.datetime]:
    """The promise written out plainly: the last 7 days, the newest of the last 4 weeks and 12 months."""
    newest = sorted(days, reverse=True)
    keep = set(newest[:7])
    for key, count in ((lambda d: d.isocalendar()[:2], 4), (lambda d: (d.year, d.month), 12)):
        firsts: dict[object, dt.datetime] = {}
        for day in newest:
            firsts.setdefault(key(day), day)
        keep |= set(list(firsts.values())[:count])
    return keep


def test_a_year_of_daily_starts_keeps_exactly_the_promised_backups(db, monkeypatch):
    start = dt.datetime(2025, 1, 1, 8, 30)
    days = [start + dt.timedelta(days=n) for n in range(365)]
    for day in days:
        ResidentService(db).create({"name": f"居民{day:%m%d}"})  # the data changed since the last backup
        path = db.file_path
        stamp = (day + dt.timedelta(minutes=1)).timestamp()
        os.utime(path, (stamp, stamp))
        assert auto_backup(db, now=day + dt.timedelta(minutes=2)) is not None
    remaining = {b.created for b in list_backups(db.backup_dir)}
    assert remaining == {d + dt.timedelta(minutes=2) for d in expected_set(days)}
    assert len(remaining) == len(expected_set(days)) <= 7 + 4 + 12


def test_no_backup_when_recent_or_unchanged(db):
    now = dt.datetime.now()
    first = auto_backup(db, now=now)
    assert first is not None
    assert auto_backup(db, now=now + dt.timedelta(hours=3)) is None, "less than a day old"
    assert auto_backup(db, now=now + dt.timedelta(days=3)) is None, "nothing changed since"


def test_backups_to_keep_counts_buckets():
    times = [dt.datetime(2024, 1, 1) + dt.timedelta(days=n) for n in range(100)]
    keep = backups_to_keep(times)
    assert max(times) in keep
    assert dt.datetime(2024, 1, 31) in keep, "the newest backup of January stays as its monthly one"
    assert dt.datetime(2024, 1, 30) not in keep
    assert len(keep) <= 23


def test_pruning_happens_only_after_a_verified_copy(db, monkeypatch):
    old = make_backup(db.file_path, db.backup_dir, "manual", dt.datetime(2020, 1, 1))
    ResidentService(db).create({"name": "备份之后写入"})
    written = old.stat().st_mtime + 60
    os.utime(db.file_path, (written, written))  # the data changed after the backup

    def broken(source, target, key=None):
        raise backup_module.AppError("备份文件校验失败")

    monkeypatch.setattr(backup_module, "copy_database", broken)
    with pytest.raises(backup_module.AppError):
        auto_backup(db, now=dt.datetime.now() + dt.timedelta(days=30))
    assert len(list_backups(db.backup_dir)) == 1, "the old backup survives a failed new one"


def test_backups_carry_attachments(db, tmp_path):
    photo = tmp_path / "签到表.jpg"
    photo.write_bytes(b"photo")
    AttachmentService(db).add("meeting", 1, photo)
    make_backup(db.file_path, db.backup_dir, "manual")
    stored = list((db.backup_dir / "attachments").rglob("*.jpg"))
    assert [p.read_bytes() for p in stored] == [b"photo"]


# -- restore ------------------------------------------------------------------------------
def test_restore_a_good_backup(db, tmp_path):
    residents = ResidentService(db)
    keep = residents.create({"name": "备份前的人"})
    photo = tmp_path / "p.png"
    photo.write_bytes(b"png")
    AttachmentService(db).add("resident", keep, photo)
    good = make_backup(db.file_path, db.backup_dir, "manual")
    residents.create({"name": "备份后的人"})
    shutil.rmtree(db.attachment_dir)  # lost with a broken disk
    result = restore_backup(db, good)
    assert result.contents.counts["居民"] == 1
    assert result.attachments_restored == 1
    assert [residents.get(i)["name"] for i in residents.list_ids()] == ["备份前的人"]
    assert AttachmentService(db).list("resident", keep)[0].exists
    with sqlite3.connect(result.safety_copy) as conn:
        assert conn.execute("select count(*) from residents").fetchone()[0] == 2, "the replaced data was kept"


def test_reads_during_a_restore_wait_for_the_whole_migrated_file(db, tmp_path, monkeypatch):
    """A list filling its rows while a restore runs in the background reads the old data or the restored
    one, never the copied file before its migration (an older schema lacks the columns the list reads)."""
    import threading

    from desktop_app.core.storage import restore as restore_module

    residents = ResidentService(db)
    residents.create({"name": "恢复前的人"})
    older = tmp_path / "older.sqlite3"
    shutil.copyfile(FIXTURES / "schema-0001.sqlite3", older)
    real_upgrade = migrate.upgrade

    def slow_upgrade(*args, **kwargs):
        time.sleep(0.3)  # the moment between the copy and the migration, made long enough to read in
        return real_upgrade(*args, **kwargs)

    monkeypatch.setattr(restore_module.migrate, "upgrade", slow_upgrade)
    seen: list[object] = []
    restoring = threading.Thread(target=lambda: restore_backup(db, older))
    restoring.start()
    while restoring.is_alive():
        try:
            seen.append(len(residents.list_ids()))  # sorted by name_pinyin, a column schema 0001 lacks
        except Exception as exc:
            seen.append(exc)
    restoring.join()
    assert set(seen) <= {1, 400}, [item for item in seen if item not in (1, 400)][:1]
    assert len(residents.list_ids()) == 400


def test_restore_a_bundle_from_another_folder(db, tmp_path):
    ResidentService(db).create({"name": "甲"})
    bundle = backup_module.backup_now(db, tmp_path)
    assert bundle.suffix == ".zip"
    ResidentService(db).create({"name": "乙"})
    restore_backup(db, bundle)
    assert ResidentService(db).count() == 1


def refused(db, path, message):
    before = db.file_path.read_bytes()
    with pytest.raises(InvalidBackupError, match=message):
        restore_backup(db, path)
    assert db.file_path.read_bytes() == before, "nothing changes"
    assert not list(db.backup_dir.glob("*before-restore*"))


def test_restore_refuses_a_corrupt_file(db, tmp_path):
    good = make_backup(db.file_path, db.backup_dir, "manual")
    corrupt = tmp_path / "corrupt.sqlite3"
    data = bytearray(good.read_bytes())
    for offset in range(4096, len(data), 4096):  # scribble over the page headers of every page but the first
        data[offset : offset + 200] = b"\xff" * 200
    corrupt.write_bytes(bytes(data))
    refused(db, corrupt, "已损坏|无法读取|不是书记工作台")


def test_restore_refuses_a_file_that_is_not_sqlite(db, tmp_path):
    text = tmp_path / "notes.sqlite3"
    text.write_text("这不是数据库" * 100)
    refused(db, text, "不是书记工作台的备份文件")
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("create table x (y)")
    refused(db, other, "缺少数据表")


def test_restore_refuses_a_newer_schema(db, tmp_path):
    newer = make_backup(db.file_path, tmp_path, "manual")
    with sqlite3.connect(newer) as conn:
        conn.execute("update alembic_version set version_num = '9999'")
    refused(db, newer, "更新版本")


def test_cli_restore_and_check(keyed_data_dir, capsys):
    data_dir = keyed_data_dir
    db = open_keyed(data_dir)
    ResidentService(db).create({"name": "甲"})
    good = make_backup(db.file_path, db.backup_dir, "manual", key=db.key)
    db.dispose()
    assert main(["restore", str(good), "--data-dir", str(data_dir)]) == 0
    assert "居民 1" in capsys.readouterr().out
    assert main(["restore", str(data_dir / "nothing.sqlite3"), "--data-dir", str(data_dir)]) == 1
    assert "找不到备份文件" in capsys.readouterr().err


def test_damaged_database_is_not_opened_and_the_newest_good_backup_is_offered(data_dir):
    db = open_database(data_dir)
    ResidentService(db).create({"name": "甲"})
    good = make_backup(db.file_path, db.backup_dir, "manual")
    db.dispose()
    path = data_dir / DATABASE_FILENAME
    data = bytearray(path.read_bytes())
    data[4096 * 3 : 4096 * 3 + 300] = b"\x00\xff" * 150
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseDamagedError) as info:
        open_database(data_dir)
    assert info.value.backup == good
    raw = open_database(data_dir, check=False)
    restore_backup(raw, good)
    raw.dispose()
    healthy = open_database(data_dir)
    assert ResidentService(healthy).count() == 1
    assert list(healthy.backup_dir.glob("*damaged.sqlite3.keep")), "the damaged file is kept as evidence"
    healthy.dispose()


# -- upgrades ---------------------------------------------------------------------------------
DERIVED = {"name_initials", "recipient_initials", "name_pinyin", "search_text"}


def test_every_migration_has_its_fixture():
    """A release's data is tested by upgrading it: each migration leaves a fixture (tools/schema_fixture.py)."""
    assert sorted(path.stem.removeprefix("schema-") for path in FIXTURES.glob("schema-*.sqlite3")) == sorted(
        migrate.known_revisions()
    )


LATER_TABLES = ("dues_assessments", "dues_payments", "dues_reliefs", "street_units", "street_packages")


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("schema-*.sqlite3")), ids=lambda p: p.stem)
def test_every_released_schema_upgrades_with_its_records(fixture, tmp_path):
    shutil.copyfile(fixture, tmp_path / DATABASE_FILENAME)
    with sqlite3.connect(fixture) as conn:
        revision = conn.execute("select version_num from alembic_version").fetchone()[0]
        present = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
        tables = ["residents", "members", "care_actions", "meetings", "meeting_attendance", "study_visits"]
        tables += [table for table in LATER_TABLES if table in present]
        # What a person entered must come through unchanged; columns derived from it are recomputed.
        columns = {
            t: ", ".join(row[1] for row in conn.execute(f"pragma table_info({t})") if row[1] not in DERIVED)
            for t in tables
        }
        before = {t: conn.execute(f"select {columns[t]} from {t} order by 1, 2").fetchall() for t in tables}
    db = open_database(tmp_path)
    try:
        assert migrate.current_revision(db.engine) == migrate.head_revision()
        migrated = revision != migrate.head_revision()
        assert bool(list(db.backup_dir.glob("*before-migration*"))) is migrated, "backed up before migrating"
        with db.engine.connect() as conn:
            for table, rows in before.items():
                after = conn.exec_driver_sql(f"select {columns[table]} from {table} order by 1, 2").fetchall()
                assert [tuple(r) for r in after] == rows, table
        name = before["residents"][0][1]
        assert ResidentService(db).list_ids(ListQuery(text=name)), "search works on upgraded records"
        with db.engine.connect() as conn:
            names = conn.exec_driver_sql("select name, name_initials, name_pinyin from residents").fetchall()
        assert names
        assert all((initials(n), sort_key(n)) == (i, p) for n, i, p in names), "surnames read as surnames"
        assert check_database(db).ok
    finally:
        db.dispose()


# -- the machine failing ----------------------------------------------------------------------
def test_locked_database_gets_a_plain_message(db, monkeypatch):
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 100)
    db.engine.dispose()
    blocker = sqlite3.connect(db.file_path)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseEnvironmentError, match="另一个程序正在使用数据文件"):
            ResidentService(db).create({"name": "甲"})
    finally:
        blocker.rollback()
        blocker.close()
    ResidentService(db).create({"name": "甲"})


def test_read_only_database_gets_a_plain_message(db):
    @event.listens_for(db.engine, "connect")
    def read_only(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA query_only=ON")

    db.engine.dispose()
    with pytest.raises(DatabaseEnvironmentError, match="只读"):
        ResidentService(db).create({"name": "甲"})


def test_full_disk_gets_a_plain_message_and_saved_data_stays(db):
    residents = ResidentService(db)
    saved = residents.create({"name": "已保存"})

    def full(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT"):
            raise sqlite3.OperationalError("database or disk is full")

    event.listen(db.engine, "before_cursor_execute", full)
    with pytest.raises(DatabaseEnvironmentError, match="磁盘空间已满"):
        residents.create({"name": "新的"})
    event.remove(db.engine, "before_cursor_execute", full)
    assert residents.list_ids() == [saved]


def test_deleted_data_directory_is_noticed_before_writing(db):
    residents = ResidentService(db)
    residents.create({"name": "甲"})
    moved = db.file_path.with_name("moved.sqlite3")
    db.file_path.rename(moved)
    with pytest.raises(DatabaseEnvironmentError, match="已不存在"):
        residents.create({"name": "乙"})
    moved.rename(db.file_path)


def test_network_paths_are_recognised(tmp_path, monkeypatch):
    mounts = f"/dev/vda / ext4 rw 0 0\n//server/share {tmp_path} cifs rw 0 0\n"
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: mounts if str(self) == "/proc/mounts" else "")
    assert is_network_path(tmp_path / "data")
    assert not is_network_path(Path("/home/user"))


def test_bundle_holds_database_and_attachments(db, tmp_path):
    photo = tmp_path / "a.jpg"
    photo.write_bytes(b"jpg")
    AttachmentService(db).add("visit", 1, photo)
    usb = tmp_path / "u盘"
    usb.mkdir()
    bundle = backup_module.backup_now(db, usb)
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
    assert "shuji.sqlite3" in names
    assert any(n.startswith("attachments/") and n.endswith(".jpg") for n in names)
    assert inspect_backup(bundle).counts["居民"] == 0


def file_hash(path):
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_busy_is_not_damaged(data_dir, tmp_path, capsys, monkeypatch):
    """Another program holds the data file: every way in says busy, offers no restore, changes nothing."""
    from desktop_app.core.storage.startup import check_health

    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 200)
    db_file = data_dir / DATABASE_FILENAME
    before = file_hash(db_file)
    blocker = sqlite3.connect(db_file)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseEnvironmentError, match="另一个程序正在使用数据文件") as caught:
            check_health(db_file, data_dir / "backups")
        assert not isinstance(caught.value, DatabaseDamagedError)
        with pytest.raises(DatabaseEnvironmentError, match="数据文件没有损坏"):
            open_database(data_dir)
        for command in (
            ["check"],
            ["backup"],
            ["export", "care", "--period", "2024", "--out", str(tmp_path / "c.xlsx")],
        ):
            assert main([*command, "--data-dir", str(data_dir)]) != 0
            err = capsys.readouterr().err
            assert "另一个程序正在使用数据文件" in err, command
            assert "恢复" not in err
            assert "Traceback" not in err
    finally:
        blocker.rollback()
        blocker.close()
    assert file_hash(db_file) == before


def test_an_unknown_sqlite_failure_is_not_called_the_environment():
    error = sqlite3.DatabaseError("file is not a database")
    error.sqlite_errorname = "SQLITE_NOTADB"
    assert database_module.environment_failure(error) is None
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorname = "SQLITE_BUSY_RECOVERY"
    assert "另一个程序" in str(database_module.environment_failure(busy))


def copy_with_hot_journal(data_dir: Path, target: Path) -> int:
    """The data directory as a power cut leaves it in the middle of a save: the file with pages of the unsaved
    transaction written into it, and the journal that undoes them (copied while the save is under way).
    Returns the residents saved before it."""
    db_file = data_dir / DATABASE_FILENAME
    writer = sqlite3.connect(db_file, isolation_level=None)
    try:
        saved = writer.execute("select count(*) from residents").fetchone()[0]
        writer.execute("PRAGMA cache_size = 10")  # the pages go into the file before the commit
        writer.execute("BEGIN")
        writer.executemany(
            "insert into residents (name, name_initials, address, tags, notes, status, search_text, created_at,"
            " updated_at) values (?, '', '', '[]', ?, 'active', '', current_timestamp, current_timestamp)",
            [(f"未保存{n}", "备注" * 200) for n in range(2000)],
        )
        target.mkdir()
        for name in (DATABASE_FILENAME, f"{DATABASE_FILENAME}-journal"):
            shutil.copyfile(data_dir / name, target / name)
        writer.execute("ROLLBACK")
    finally:
        writer.close()
    return saved


def test_the_first_open_after_a_save_cut_off_rolls_it_back(data_dir, tmp_path, capsys):
    cut = tmp_path / "cut"
    saved = copy_with_hot_journal(data_dir, cut)
    assert (cut / f"{DATABASE_FILENAME}-journal").stat().st_size > 0
    with pytest.raises(DatabaseEnvironmentError, match="需要恢复"):
        database_module.query_file(cut / DATABASE_FILENAME, "select count(*) from residents", mode="ro")
    db = open_database(cut)
    try:
        assert ResidentService(db).count() == saved
    finally:
        db.dispose()
    assert not (cut / f"{DATABASE_FILENAME}-journal").exists()
    assert integrity_problems(cut / DATABASE_FILENAME) == []


def test_a_save_cut_off_in_a_read_only_folder_is_told_as_that(data_dir, tmp_path, capsys):
    if not shutil.which("chattr") or os.geteuid() != 0:
        pytest.skip("only root can make a folder read-only for root (chattr +i)")
    cut = tmp_path / "cut"
    copy_with_hot_journal(data_dir, cut)
    told = []
    for protected in ([cut / DATABASE_FILENAME, cut], [cut]):  # the file and its folder, or the folder alone
        subprocess.run(["chattr", "+i", *map(str, protected)], check=True)
        try:
            with pytest.raises(DatabaseEnvironmentError) as caught:
                open_database(cut)
        finally:
            subprocess.run(["chattr", "-i", *map(str, protected)], check=True)
        told.append(str(caught.value))
    assert all("只读" in message and "需要恢复" in message for message in told), told


def test_extended_result_codes_say_what_happened():
    moved = sqlite3.OperationalError("attempt to write a readonly database")
    moved.sqlite_errorname = "SQLITE_READONLY_DBMOVED"
    assert "被移动" in str(database_module.environment_failure(moved))
    plain_read_only = sqlite3.OperationalError("attempt to write a readonly database")
    plain_read_only.sqlite_errorname = "SQLITE_READONLY"
    assert "只读" in str(database_module.environment_failure(plain_read_only))


def test_the_workbenchs_first_look_reads_after_a_save_cut_off(data_dir, tmp_path):
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.core.services.workbench import first_look

    db = open_database(data_dir)
    ProfileService(db).save({"community_name": "康宁居民区"})
    db.dispose()
    cut = tmp_path / "cut"
    copy_with_hot_journal(data_dir, cut)
    assert first_look(cut / DATABASE_FILENAME, None) is not None
    assert not (cut / f"{DATABASE_FILENAME}-journal").exists()
