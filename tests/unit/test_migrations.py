import sqlite3

import pytest
from sqlalchemy import inspect, text

from desktop_app.core.domain.errors import DatabaseDamagedError, DatabaseTooNewError
from desktop_app.core.storage import migrate
from desktop_app.core.storage.backup import integrity_problems
from desktop_app.core.storage.paths import DATABASE_FILENAME
from desktop_app.core.storage.startup import open_database
from tests.conftest import TEST_DATA_KEY


def test_empty_database_is_upgraded_to_head_with_seed_data(tmp_path):
    db = open_database(tmp_path, key=TEST_DATA_KEY)
    try:
        assert migrate.current_revision(db.engine) == migrate.head_revision()
        tables = set(inspect(db.engine).get_table_names())
        assert {"residents", "members", "care_actions", "meetings", "meeting_attendance"} <= tables
        with db.engine.connect() as conn:
            assert conn.execute(text("select count(*) from care_categories")).scalar() == 6
            assert conn.execute(text("select count(*) from meeting_norms")).scalar() == 7
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "delete"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    finally:
        db.dispose()
    assert not (tmp_path / "backups").exists(), "a new database needs no backup"


def test_newer_database_is_refused_and_left_untouched(data_dir):
    path = data_dir / DATABASE_FILENAME
    with sqlite3.connect(path) as conn:
        conn.execute("update alembic_version set version_num = 'future9999'")
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNewError, match="更新版本"):
        open_database(data_dir)
    assert path.read_bytes() == before


def test_backup_is_taken_before_migrating_an_existing_database(data_dir):
    path = data_dir / DATABASE_FILENAME
    # An older database: at base revision, holding data the migration must not lose.
    with sqlite3.connect(path) as conn:
        for (name,) in conn.execute("select name from sqlite_master where type='table'").fetchall():
            conn.execute(f'drop table "{name}"')
        conn.execute("create table alembic_version (version_num varchar(32) not null primary key)")
        conn.execute("create table old_notes (body text)")
        conn.execute("insert into old_notes values ('三十年的台账')")
    db = open_database(data_dir)
    db.dispose()
    backups = list((data_dir / "backups").glob("*before-migration-unversioned.sqlite3"))
    assert len(backups) == 1
    assert integrity_problems(backups[0]) == []
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("select body from old_notes").fetchall() == [("三十年的台账",)]


def test_a_file_that_is_not_a_database_gets_a_clear_message(tmp_path):
    (tmp_path / DATABASE_FILENAME).write_text("这不是数据库" * 200)
    with pytest.raises(DatabaseDamagedError, match="检查未通过") as info:
        open_database(tmp_path)
    assert info.value.backup is None
    assert "没有找到完好的备份" in str(info.value)


def test_migration_scripts_match_the_models(engine_db):
    """Autogenerate finds nothing to do: the models and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from desktop_app.core.storage.models import Base

    with engine_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_revision_names_match_alembic():
    """The start-up reads revisions from file names; Alembic's own graph must agree."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == scripts.get_current_head()
    assert migrate.known_revisions() == sorted(s.revision for s in scripts.walk_revisions())
    for script in scripts.walk_revisions():
        expected = None if script.revision == "0001" else f"{int(script.revision) - 1:04d}"
        assert script.down_revision == expected, "revisions follow one another"
