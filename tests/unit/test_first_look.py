"""The 工作台 read straight from the file (before the database layer loads) is the one the open database
gives, and is not read where the first page must wait for the data to open; the opening's one piece of work
(`DataOpening.run`) reads it first, then opens the data."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.services.mode import STREET, ModeService
from desktop_app.core.services.opening import DataOpening
from desktop_app.core.services.workbench import first_look, workbench_of
from desktop_app.core.storage import keys
from desktop_app.core.storage.keys import WrongPasswordError
from desktop_app.core.storage.paths import DATABASE_FILENAME
from desktop_app.core.storage.plain import head_revision, known_revisions
from desktop_app.core.storage.startup import open_database

PASSWORD = "春天的第一棵树"
TODAY = dt.date(2024, 6, 15)


@pytest.fixture
def encrypted(tmp_path):
    key, _ = keys.create_keys(tmp_path, PASSWORD)
    db = open_database(tmp_path, key=key)
    yield db
    db.dispose()


def test_the_first_look_is_the_workbench_the_open_database_gives(encrypted):
    fill_demo(encrypted, "small", today=TODAY)
    data_file = encrypted.data_dir / DATABASE_FILENAME
    looked = first_look(data_file, encrypted.key, TODAY)
    assert looked is not None
    assert looked == workbench_of(encrypted, TODAY)
    assert looked.reminders
    assert looked.care.series
    assert looked.care_totals
    assert len(looked.latest) == 9


def test_the_first_page_waits_for_data_to_set_up_migrate_or_of_a_street_office(encrypted):
    data_file = encrypted.data_dir / DATABASE_FILENAME
    assert first_look(data_file, encrypted.key) is None, "no community named yet: the first-run questions come first"
    fill_demo(encrypted, "small", today=TODAY)
    with encrypted.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{known_revisions()[-2]}'")
    assert first_look(data_file, encrypted.key) is None, "an earlier version's data is migrated first"
    with encrypted.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{head_revision()}'")
    ModeService(encrypted).set(STREET)
    assert first_look(data_file, encrypted.key) is None, "a street office's copy shows its own pages"


def test_a_scripts_opening_reads_the_first_look_then_opens_the_data(encrypted):
    fill_demo(encrypted, "small", today=TODAY)
    wrong = DataOpening(encrypted.data_dir, None, "不是这个密码", check_first=False)
    assert wrong.key_from_script
    with pytest.raises(WrongPasswordError):
        wrong.run(pytest.fail)
    looks: list = []
    opening = DataOpening(encrypted.data_dir, None, PASSWORD, check_first=False)
    opening.first_window_painted()

    def shown(look):  # what the window does with it
        looks.append(look)
        opening.first_look_shown()

    opened = opening.run(shown)
    assert opened is not None
    try:
        assert opened.db.key == encrypted.key
        assert [look.community for look in looks] == [workbench_of(encrypted).community]
        assert opened.workbench is None, "the 工作台 was read once, before the data was opened"
    finally:
        opened.db.dispose()


def test_a_persons_opening_waits_for_the_key_or_ends_when_they_quit(encrypted):
    fill_demo(encrypted, "small", today=TODAY)
    checked_first = DataOpening(encrypted.data_dir, None, None, check_first=True)
    assert not checked_first.key_from_script
    checked_first.give_key(encrypted.key)
    checked_first.first_window_painted()
    looks: list = []
    opened = checked_first.run(looks.append)
    assert opened is not None
    try:
        assert looks == [], "after a run that did not end normally nothing is shown before the file is checked"
        assert opened.workbench == workbench_of(encrypted), "the 工作台 is read with the data instead"
    finally:
        opened.db.dispose()
    quitting = DataOpening(encrypted.data_dir, None, None, check_first=False)
    quitting.give_up()
    assert quitting.run(pytest.fail) is None
