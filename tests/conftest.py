"""Shared fixtures. No test touches the user's real data directory."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# The most common office screen: every window and form must fit it. Qt's offscreen platform takes
# its screens from a JSON file; a platform chosen by the person running the tests is left alone.
OFFICE_SCREEN = Path(__file__).with_name("office_screen.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={OFFICE_SCREEN}"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the default data directory somewhere temporary, so nothing reaches the real one."""
    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(tmp_path_factory.mktemp("default-data")))


@pytest.fixture(autouse=True)
def cheap_key_derivation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one way tests make keys quickly: a cheap scrypt policy (about a millisecond, not half a second and
    128 MiB per wrap). tests/unit/test_key_derivation.py checks the real policy with `keys.DEFAULT_POLICY`."""
    from desktop_app.core.storage import keys

    monkeypatch.setattr(keys, "POLICY", keys.KdfPolicy(min_n=2**10, max_n=2**10, target_s=0.0))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated to head, copied by each test (migrating every time is slow)."""
    from desktop_app.core.storage.paths import DATABASE_FILENAME
    from desktop_app.core.storage.startup import open_database

    directory = tmp_path_factory.mktemp("template")
    open_database(directory).dispose()
    return directory / DATABASE_FILENAME


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
