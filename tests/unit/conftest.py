"""Fixtures the unit tests of more than one module share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def street(tmp_path) -> Iterator[tuple[object, object]]:
    """A street office's copy of its own (encrypted, SQLite) with its key pair: (database, public key)."""
    from desktop_app.core.services.mode import ModeService
    from desktop_app.core.services.street import StreetKeyService
    from desktop_app.core.storage.startup import open_database
    from tests.conftest import TEST_DATA_KEY

    db = open_database(tmp_path / "street", key=TEST_DATA_KEY)
    ModeService(db).become_street("示例街道")
    key = StreetKeyService(db).create_key_pair("示例街道")
    yield db, key
    db.dispose()
