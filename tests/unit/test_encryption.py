"""The data at rest: an encrypted database and backups, the password and the recovery key, and the
encryption of an earlier version's plain data."""

import hashlib
import os
import shutil
import sqlite3
import zipfile

import pytest

from desktop_app.core.domain.errors import PasswordRequiredError
from desktop_app.core.services.people import ResidentService
from desktop_app.core.storage import cipher, keys
from desktop_app.core.storage.backup import backup_now, make_backup
from desktop_app.core.storage.paths import DATABASE_FILENAME
from desktop_app.core.storage.restore import restore_backup
from desktop_app.core.storage.startup import open_database
from tests.conftest import open_earlier_version

NAME, ID_NUMBER = "甄秀芬", "310101195003070029"


def not_a_database(path):
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchall()
    return True


def test_the_password_and_the_recovery_key_each_open_the_data_key(tmp_path):
    data_key, recovery = keys.create_keys(tmp_path, "春天的第一棵树")
    assert keys.open_keys(tmp_path, "春天的第一棵树") == data_key
    typed = recovery.lower().replace("-", " ").replace("0", "o")  # as a person copies it from paper
    assert keys.open_keys(tmp_path, typed) == data_key
    with pytest.raises(keys.WrongPasswordError):
        keys.open_keys(tmp_path, "春天的第二棵树")
    stored = keys.keys_path(tmp_path).read_text(encoding="utf-8")
    assert data_key.hex() not in stored, "the key is not kept"
    assert "春天" not in stored, "nor the password"


def test_changing_the_password_leaves_the_data_file_alone(tmp_path):
    data_key, recovery = keys.create_keys(tmp_path, "old-password-1")
    db = open_database(tmp_path, key=data_key)
    ResidentService(db).create({"name": NAME})
    db.dispose()
    before = hashlib.sha256((tmp_path / DATABASE_FILENAME).read_bytes()).hexdigest()
    keys.change_password(tmp_path, "old-password-1", "new-password-2")
    assert hashlib.sha256((tmp_path / DATABASE_FILENAME).read_bytes()).hexdigest() == before
    with pytest.raises(keys.WrongPasswordError):
        keys.open_keys(tmp_path, "old-password-1")
    assert keys.open_keys(tmp_path, "new-password-2") == data_key
    assert keys.open_keys(tmp_path, recovery) == data_key, "the recovery key still opens it"


def test_wrong_answers_get_slower_but_never_lock_the_owner_out(tmp_path, monkeypatch):
    keys.create_keys(tmp_path, "right-password")
    waits: list[float] = []
    monkeypatch.setattr(keys.time, "sleep", waits.append)
    monkeypatch.setattr(keys, "_throttle", keys._Throttle())
    for _ in range(6):
        with pytest.raises(keys.WrongPasswordError):
            keys.open_keys(tmp_path, "wrong")
    assert waits == [1.0, 2.0, 4.0], "free tries first, then each wrong answer waits twice as long"
    keys.open_keys(tmp_path, "right-password")
    keys.open_keys(tmp_path, "right-password")
    assert waits == [1.0, 2.0, 4.0, 8.0], "the right password still opens (after its wait), and resets the count"


def test_the_database_its_backups_and_a_bundle_are_unreadable_without_the_key(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    data_key, _ = keys.create_keys(data, "a-long-pass-phrase")
    db = open_database(data, key=data_key)
    ResidentService(db).create({"name": NAME, "id_number": ID_NUMBER, "phone": "13912345678"})
    manual = backup_now(db)
    bundle = backup_now(db, tmp_path / "U盘备份.zip")
    db.dispose()
    assert not_a_database(data / DATABASE_FILENAME)
    assert not_a_database(manual)
    secrets = [NAME.encode(), ID_NUMBER.encode(), b"13912345678"]
    for path in [p for p in data.rglob("*") if p.is_file()]:
        raw = path.read_bytes()
        assert not any(secret in raw for secret in secrets), path
    with zipfile.ZipFile(bundle) as archive:
        assert keys.KEYS_FILENAME in archive.namelist(), "the bundle opens elsewhere with the password"
        for name in archive.namelist():
            assert not any(secret in archive.read(name) for secret in secrets), name


def test_an_encrypted_data_directory_asks_for_its_password(tmp_path):
    data_key, _ = keys.create_keys(tmp_path, "a-long-pass-phrase")
    open_database(tmp_path, key=data_key).dispose()
    with pytest.raises(PasswordRequiredError):
        open_database(tmp_path)
    with pytest.raises(keys.WrongPasswordError):
        open_database(tmp_path, key=os.urandom(32))
    assert (tmp_path / DATABASE_FILENAME).exists(), "a wrong key changes nothing"
    assert not list((tmp_path / "backups").glob("*damaged*")), "an encrypted file is never taken for damaged"


def test_an_earlier_versions_plain_data_is_encrypted_with_its_backups(tmp_path):
    plain = open_earlier_version(tmp_path)
    ResidentService(plain).create({"name": NAME, "id_number": ID_NUMBER})
    old_backup = make_backup(plain.file_path, plain.backup_dir, "manual")
    plain.dispose()
    data_key, _ = keys.create_keys(tmp_path, "a-long-pass-phrase")

    db = open_database(tmp_path, key=data_key)
    assert [ResidentService(db).get(i)["name"] for i in ResidentService(db).list_ids()] == [NAME]
    assert not cipher.is_plain(tmp_path / DATABASE_FILENAME)
    assert old_backup.exists()
    assert not cipher.is_plain(old_backup), "the backup converted under its own name"
    assert not list(tmp_path.rglob("*.encrypting"))
    ResidentService(db).create({"name": "转换之后"})
    restore_backup(db, old_backup)  # an old backup still restores, with the key of the data
    assert [ResidentService(db).get(i)["name"] for i in ResidentService(db).list_ids()] == [NAME]
    db.dispose()


def test_a_plain_backup_from_an_earlier_version_restores_into_encrypted_data(tmp_path):
    earlier = tmp_path / "earlier"
    plain = open_earlier_version(earlier)
    ResidentService(plain).create({"name": NAME})
    copy = tmp_path / "旧版本备份.sqlite3"
    shutil.copyfile(make_backup(plain.file_path, plain.backup_dir, "manual"), copy)
    plain.dispose()
    data = tmp_path / "data"
    data.mkdir()
    data_key, _ = keys.create_keys(data, "a-long-pass-phrase")
    db = open_database(data, key=data_key)
    restore_backup(db, copy)
    assert ResidentService(db).count() == 1
    db.dispose()
    assert not_a_database(data / DATABASE_FILENAME)


def test_the_command_line_takes_the_password_from_a_file_or_the_environment_never_an_argument(
    tmp_path, capsys, monkeypatch
):
    from desktop_app.cli import PASSWORD_VARIABLE, main

    data_key, recovery = keys.create_keys(tmp_path, "a-long-pass-phrase")
    open_database(tmp_path, key=data_key).dispose()
    secret = tmp_path.parent / "password.txt"
    secret.write_text("a-long-pass-phrase\n", encoding="utf-8")
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)

    assert main(["check", "--data-dir", str(tmp_path), "--password-file", str(secret)]) == 0
    monkeypatch.setenv(PASSWORD_VARIABLE, recovery)
    assert main(["backup", "--data-dir", str(tmp_path)]) == 0
    assert not_a_database(next((tmp_path / "backups").glob("*.sqlite3")))
    monkeypatch.setenv(PASSWORD_VARIABLE, "wrong")
    capsys.readouterr()
    assert main(["check", "--data-dir", str(tmp_path)]) == 1
    assert "密码或恢复密钥不正确" in capsys.readouterr().err
    monkeypatch.delenv(PASSWORD_VARIABLE)
    assert main(["check", "--data-dir", str(tmp_path)]) == 1  # no terminal to ask in: told how to give it
    assert "--password-file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["check", "--data-dir", str(tmp_path), "--password", "a-long-pass-phrase"])
    assert "Traceback" not in capsys.readouterr().err


def test_a_bundle_from_another_pc_opens_with_its_own_password_and_nothing_changes_without_it(tmp_path):
    from desktop_app.core.services.attachments import AttachmentService
    from desktop_app.core.storage.restore import BundleSecretRequiredError

    there = tmp_path / "另一台电脑"
    there.mkdir()
    their_key, their_recovery = keys.create_keys(there, "their-password")
    theirs = open_database(there, key=their_key)
    photo = tmp_path / "合影.png"
    photo.write_bytes(b"PNG group photo")
    AttachmentService(theirs).add("resident", ResidentService(theirs).create({"name": NAME}), photo)
    bundle = backup_now(theirs, tmp_path / "U盘.zip")
    theirs.dispose()

    here = tmp_path / "这台电脑"
    here.mkdir()
    our_key, _ = keys.create_keys(here, "our-password")
    ours = open_database(here, key=our_key)
    ResidentService(ours).create({"name": "本机的人"})
    before = hashlib.sha256((here / DATABASE_FILENAME).read_bytes()).hexdigest()
    with pytest.raises(BundleSecretRequiredError):
        restore_backup(ours, bundle)
    with pytest.raises(keys.WrongPasswordError):
        restore_backup(ours, bundle, bundle_secret="our-password")
    assert hashlib.sha256((here / DATABASE_FILENAME).read_bytes()).hexdigest() == before, "refusals change nothing"

    restore_backup(ours, bundle, bundle_secret=their_recovery)
    assert [ResidentService(ours).get(i)["name"] for i in ResidentService(ours).list_ids()] == [NAME]
    [info] = AttachmentService(ours).list("resident", ResidentService(ours).list_ids()[0])
    assert AttachmentService(ours).read(info) == b"PNG group photo", "their attachment, sealed anew under our key"
    ours.dispose()
    again = open_database(here, key=our_key)  # re-keyed: this PC's password still opens its data
    assert ResidentService(again).count() == 1
    again.dispose()


def test_attachments_are_sealed_and_an_earlier_versions_are_sealed_on_upgrade(tmp_path):
    from desktop_app.core.services.attachments import AttachmentService

    photo = tmp_path / "病历.jpg"
    photo.write_bytes(b"JPEG " + NAME.encode() + b" " + ID_NUMBER.encode())
    data = tmp_path / "data"
    plain = open_earlier_version(data)
    earlier = AttachmentService(plain).add("resident", ResidentService(plain).create({"name": NAME}), photo)
    make_backup(plain.file_path, plain.backup_dir, "manual")  # stores the plain file in backups/ too
    plain.dispose()
    data_key, _ = keys.create_keys(data, "a-long-pass-phrase")

    db = open_database(data, key=data_key)
    service = AttachmentService(db)
    later = service.add("resident", ResidentService(db).list_ids()[0], photo)
    infos = service.list("resident", ResidentService(db).list_ids()[0])
    assert [info.id for info in infos] == [earlier, later]
    assert all(service.read(info) == photo.read_bytes() for info in infos)
    assert infos[0].is_image
    secrets = [NAME.encode(), ID_NUMBER.encode()]
    for path in [p for p in data.rglob("*") if p.is_file()]:
        raw = path.read_bytes()
        assert not any(secret in raw for secret in secrets), path
    viewer = tmp_path / "viewer"
    viewer.mkdir()
    assert service.copy_out(infos[0], viewer).read_bytes() == photo.read_bytes()
    db.dispose()


def test_a_failed_statement_does_not_carry_the_values_it_was_saving(tmp_path):
    """Its message is what a log or a crash report would hold."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    data_key, _ = keys.create_keys(tmp_path, "a-long-pass-phrase")
    db = open_database(tmp_path, key=data_key)
    with pytest.raises(DBAPIError) as failed, db.session() as session:
        session.execute(text("INSERT INTO no_such_table (id_number) VALUES (:value)"), {"value": ID_NUMBER})
    assert ID_NUMBER not in str(failed.value)
    db.dispose()
