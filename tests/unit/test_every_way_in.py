"""Every way into the data writes it encrypted: each command of the CLI (the parser's own table, so a new
command is covered or this fails), the window's first start, a backup, a restore and a street import leave no
readable database header, personal data or private key in any file under the data directory, nor in what
they write elsewhere that is not a report the person asked for in clear."""

from __future__ import annotations

import base64
import os
import shutil
import stat
from pathlib import Path

import openpyxl
import pytest

from desktop_app.cli import build_parser, main
from desktop_app.core.exchange.packages.street_import import IMPORTED, import_packages
from desktop_app.core.services.street import StreetKeyService
from desktop_app.core.storage import app_settings, cipher, keys
from desktop_app.core.storage.paths import DATABASE_FILENAME, has_keys
from tests.conftest import TEST_PASSWORD, open_keyed

PLAIN_HEADER = b"SQLite format 3"


def commands() -> list[str]:
    """Every command a person can type on a data folder: `demo`, …, and each `street` action as `street keygen`, …
    (The `server` commands work on a PostgreSQL server and keep nothing on the PC: tests/unit/test_shared_server.)"""
    parser = build_parser()
    found = []
    for name, command in parser._subparsers._group_actions[0].choices.items():  # type: ignore[union-attr]
        if name == "server":
            continue
        actions = command._subparsers
        if actions is None:
            found.append(name)
        else:
            found += [f"{name} {action}" for action in actions._group_actions[0].choices]
    return sorted(found)


def secrets_of(data_dir: Path) -> set[bytes]:
    """What must never be readable: residents' names, ID numbers, phones, illness details, a private key, the
    password and the data key."""
    key = keys.open_keys(data_dir, TEST_PASSWORD)
    connection = cipher.connect(data_dir / DATABASE_FILENAME, key)
    try:
        people = connection.execute(
            "select name, id_number, phone from residents where id_number is not null and phone is not null limit 30"
        ).fetchall()
        illness = connection.execute("select illness_detail from care_actions where illness_detail != ''").fetchall()
    finally:
        connection.close()
    found = {value.encode() for row in [*people, *illness] for value in row if value and len(value) >= 3}
    found |= {TEST_PASSWORD.encode(), key, key.hex().encode(), base64.b64encode(key)}
    db = open_keyed(data_dir)
    try:
        private = StreetKeyService(db).private_key() if StreetKeyService(db).own_public_key() else None
    finally:
        db.dispose()
    if private is not None:
        found |= {private, base64.b64encode(private)}
    return found


def readable(paths: list[Path], secrets: set[bytes]) -> list[str]:
    problems = []
    for path in paths:
        data = path.read_bytes()
        if data.startswith(PLAIN_HEADER) or PLAIN_HEADER in data:
            problems.append(f"{path.name}: SQLite header")
        problems += [f"{path.name}: {secret[:12]!r}" for secret in secrets if secret in data]
    return problems


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    """A community's data made by `demo`, a street office's by `street keygen`, and their files."""
    root = tmp_path_factory.mktemp("made")
    mp = pytest.MonkeyPatch()
    mp.setenv("DESKTOP_APP_PASSWORD", TEST_PASSWORD)
    try:
        community, street, files = root / "community", root / "street", root / "files"
        files.mkdir()
        assert main(["demo", "--data-dir", str(community), "--recovery-key-out", str(files / "恢复1.txt")]) == 0
        keygen = ["street", "keygen", "--out", str(files / "街道.pub"), "--name", "康乐街道"]
        assert main([*keygen, "--data-dir", str(street), "--recovery-key-out", str(files / "恢复2.txt")]) == 0
        assert main(["street-key", str(files / "街道.pub"), "--data-dir", str(community)]) == 0
        assert (
            main(["package", "--period", "2025Q4", "--out", str(files / "上报.sjb"), "--data-dir", str(community)]) == 0
        )
        assert main(["backup", "--to", str(files / "备份.zip"), "--data-dir", str(community)]) == 0
        roster = openpyxl.Workbook()
        roster.active.append(["姓名", "身份证号", "手机"])
        roster.active.append(["钱新来", "11010519491231002X", "13912345678"])
        roster.save(files / "名册.xlsx")
    finally:
        mp.undo()
    return {"community": community, "street": street, "files": files}


def invocation(command: str, made: dict[str, Path], out: Path, recovery: list[str]) -> tuple[str | None, list[str]]:
    """(the data it starts from: None for a new, empty folder; the arguments) and files it writes that are
    not reports asked for in clear go under `out`/private."""
    files = made["files"]
    private = out / "private"
    private.mkdir(exist_ok=True)
    table: dict[str, tuple[str | None, list[str]]] = {
        "demo": (None, ["demo", *recovery]),
        "check": ("community", ["check"]),
        "backup": ("community", ["backup", "--to", str(private / "备份.zip")]),
        "export": ("community", ["export", "care", "--period", "2025", "--out", str(out / "关怀.xlsx")]),
        "restore": (None, ["restore", str(files / "备份.zip")]),
        "import": (None, ["import", "residents", str(files / "名册.xlsx"), *recovery]),
        "template": ("community", ["template", "members", "--out", str(out / "模板.xlsx")]),
        "package": ("community", ["package", "--period", "2025Q3", "--out", str(private / "上报.sjb")]),
        "street-key": ("community", ["street-key", str(files / "街道.pub")]),
        "street keygen": (None, ["street", "keygen", "--out", str(out / "公钥.pub"), "--name", "康乐街道", *recovery]),
        "street add-unit": ("street", ["street", "add-unit", "310102023", "康宁居民区"]),
        "street import": ("street", ["street", "import", str(files / "上报.sjb"), "--add-units"]),
        "street export": (
            "street",
            ["street", "export", "meetings", "--period", "2025", "--out", str(out / "汇总.xlsx")],
        ),
    }
    return table[command]


def test_the_table_covers_every_command(made, tmp_path):
    assert set(commands()) == {
        "demo",
        "check",
        "backup",
        "export",
        "restore",
        "import",
        "template",
        "package",
        "street-key",
        "street keygen",
        "street add-unit",
        "street import",
        "street export",
    }


def ready_to_run(command: str, made: dict[str, Path], tmp_path: Path, recovery: list[str]) -> tuple[Path, list[str]]:
    """The data directory the command starts from (a copy of what it needs, or a new folder) and its arguments."""
    start, args = invocation(command, made, tmp_path, recovery)
    data = tmp_path / "data"
    if start is not None:
        shutil.copytree(made[start], data, ignore=shutil.ignore_patterns("app.lock"))
    return data, args


@pytest.mark.parametrize("command", commands())
def test_each_command_leaves_nothing_readable(command, made, tmp_path, recovery_key_out, capsys):
    data, args = ready_to_run(command, made, tmp_path, recovery_key_out())
    assert main([*args, "--data-dir", str(data)]) == 0, capsys.readouterr().err
    assert not list(tmp_path.glob("恢复*")), "no recovery key beside the data"
    secrets = secrets_of(data) | secrets_of(made["community"]) | secrets_of(made["street"])
    assert readable(files_under(data) + files_under(tmp_path / "private"), secrets) == []
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("command", commands())
def test_each_command_takes_its_options_before_or_after(command, made, tmp_path, recovery_key_out, capsys):
    data, args = ready_to_run(command, made, tmp_path, recovery_key_out())
    words = args[:2] if command.startswith("street ") else args[:1]
    assert main(["--data-dir", str(data), *words, *args[len(words) :]]) == 0, capsys.readouterr().err
    assert (data / DATABASE_FILENAME).exists() or command == "template"


def test_the_street_private_key_is_sealed_inside_the_encrypted_database(made, tmp_path):
    street = made["street"]
    dump = tmp_path / "解密后的副本.sqlite3"  # every page of the database, decrypted
    cipher.export_copy(street / DATABASE_FILENAME, dump, None, keys.open_keys(street, TEST_PASSWORD))
    dumped = dump.read_bytes()
    assert dumped.startswith(PLAIN_HEADER)
    private = secrets_of(street)
    assert private, "the street has its key pair"
    assert not any(secret in dumped for secret in private), "a dump of the decrypted database cannot use it"
    public = (made["files"] / "街道.pub").read_text(encoding="utf-8")
    assert not any(secret.decode("latin-1") in public for secret in private), "the .pub file has the public key only"


def test_an_earlier_streets_plain_private_key_is_sealed_at_the_next_open(made, tmp_path):
    street = Path(shutil.copytree(made["street"], tmp_path / "street"))
    db = open_keyed(street)
    private = StreetKeyService(db).private_key()
    with db.session() as session:  # as today's main kept it: plain inside the encrypted database
        held = app_settings.stored(session, "street_private_key")
        app_settings.store(
            session, "street_private_key", {"street": held["street"], "key": base64.b64encode(private).decode()}
        )
    db.dispose()
    db = open_keyed(street)
    try:
        with db.read_session() as session:
            assert set(app_settings.stored(session, "street_private_key")) == {"street", "sealed"}
        assert StreetKeyService(db).private_key() == private
    finally:
        db.dispose()


@pytest.mark.parametrize("new_pc", ["an empty folder", "data of its own"])
def test_a_streets_bundle_restored_on_a_new_pc_still_opens_the_communities_packages(
    new_pc, made, tmp_path, recovery_key_out, monkeypatch, capsys
):
    bundle = tmp_path / "街道备份.zip"
    street = Path(shutil.copytree(made["street"], tmp_path / "street"))
    assert main(["backup", "--to", str(bundle), "--data-dir", str(street)]) == 0
    target = tmp_path / "新电脑"
    if new_pc == "data of its own":  # set up with another password first: the bundle is re-keyed to it
        monkeypatch.setenv("DESKTOP_APP_PASSWORD", "Xin-Diannao-Mima-88")
        keygen = ["street", "keygen", "--out", str(tmp_path / "新.pub"), "--name", "新街道", *recovery_key_out()]
        assert main([*keygen, "--data-dir", str(target)]) == 0
        monkeypatch.setenv("DESKTOP_APP_BUNDLE_PASSWORD", TEST_PASSWORD)
    assert main(["restore", str(bundle), "--data-dir", str(target)]) == 0, capsys.readouterr().err
    password = "Xin-Diannao-Mima-88" if new_pc == "data of its own" else TEST_PASSWORD
    from desktop_app.core.storage.startup import open_database

    db = open_database(target, key=keys.open_keys(target, password))
    try:
        [outcome] = import_packages(db, [made["files"] / "上报.sjb"], add_units=True)
        assert outcome.outcome == IMPORTED, outcome.message
    finally:
        db.dispose()


def test_the_recovery_key_goes_only_where_it_is_safe(made, tmp_path, cli_password, capsys):
    data = tmp_path / "data"
    inside = data / "恢复密钥.txt"
    assert main(["demo", "--data-dir", str(data), "--recovery-key-out", str(inside)]) == 1
    assert "不能放在数据目录" in capsys.readouterr().err
    taken = tmp_path / "已有.txt"
    taken.write_text("别的内容", encoding="utf-8")
    assert main(["demo", "--data-dir", str(data), "--recovery-key-out", str(taken)]) == 1
    assert "已存在" in capsys.readouterr().err
    assert taken.read_text(encoding="utf-8") == "别的内容"
    assert main(["demo", "--data-dir", str(data)]) == 1, "no terminal and no file: no data without its recovery key"
    assert "--recovery-key-out" in capsys.readouterr().err
    assert not data.exists(), "a refused command leaves no folder behind"
    assert not (data / DATABASE_FILENAME).exists()
    assert not has_keys(data)
    written = tmp_path / "恢复密钥.txt"
    assert main(["demo", "--data-dir", str(data), "--recovery-key-out", str(written)]) == 0
    recovery = written.read_text(encoding="utf-8").splitlines()[1]
    assert keys.open_keys(data, recovery) == keys.open_keys(data, cli_password), "the key written opens the data"
    if os.name == "posix":
        assert stat.S_IMODE(written.stat().st_mode) == 0o600, "only its owner can read the recovery key"


def test_a_recovery_key_that_cannot_be_kept_takes_the_new_keys_back(tmp_path):
    def cannot_keep(recovery):
        raise OSError("U 盘被拔出")

    with pytest.raises(OSError, match="U 盘被拔出"):
        keys.create_keys(tmp_path, TEST_PASSWORD, keep_recovery=cannot_keep)
    assert not has_keys(tmp_path)


def test_a_recovery_key_is_kept_only_once_the_keys_it_opens_are_in_place(tmp_path):
    seen = []
    keys.create_keys(
        tmp_path, TEST_PASSWORD, keep_recovery=lambda recovery: seen.append(keys.open_keys(tmp_path, recovery))
    )
    assert seen == [keys.open_keys(tmp_path, TEST_PASSWORD)], (
        "at the moment it is written down it already opens the data"
    )


def test_an_earlier_versions_plain_data_is_encrypted_by_the_first_command(tmp_path, recovery_key_out, capsys):
    from desktop_app.core.services.people import ResidentService
    from tests.conftest import open_earlier_version

    earlier = tmp_path / "earlier"
    plain = open_earlier_version(earlier)
    ResidentService(plain).create({"name": "钱旧版", "id_number": "11010519491231002X"})
    plain.dispose()
    assert main(["check", "--data-dir", str(earlier)]) == 1, "not without a place for the recovery key"
    assert cipher.is_plain(earlier / DATABASE_FILENAME)
    assert not has_keys(earlier)
    assert main(["check", "--data-dir", str(earlier), *recovery_key_out()]) == 0, capsys.readouterr().err
    assert not cipher.is_plain(earlier / DATABASE_FILENAME)
    assert readable(files_under(earlier), {b"11010519491231002X", "钱旧版".encode()}) == []
    db = open_keyed(earlier)
    try:
        assert ResidentService(db).count() == 1
    finally:
        db.dispose()


def test_a_wrong_password_for_a_bundle_leaves_the_new_folder_as_it_was(made, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DESKTOP_APP_BUNDLE_PASSWORD", "Not-The-Password-1")
    target = tmp_path / "新电脑"
    assert main(["restore", str(made["files"] / "备份.zip"), "--data-dir", str(target)]) == 1
    assert "密码或恢复密钥" in capsys.readouterr().err
    assert not has_keys(target)
    assert not (target / DATABASE_FILENAME).exists()
