"""Schema migrations, run programmatically at start-up (Alembic owns the schema)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from desktop_app.core.domain.errors import AppError, DatabaseTooNewError
from desktop_app.core.storage.backup import make_backup
from desktop_app.core.storage.plain import MIGRATIONS_DIR, REVISION_QUERY, head_revision, known_revisions

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(text(REVISION_QUERY)).scalar()
        except (OperationalError, ProgrammingError):
            return None  # a new, empty database


def check_not_newer(engine: Engine) -> str | None:
    """Refuse a database written by a newer version of the app; return its revision."""
    revision = current_revision(engine)
    if revision is not None and revision not in known_revisions():
        raise DatabaseTooNewError(
            f"这个数据文件由更新版本的书记工作台创建（数据版本 {revision}），"
            "当前程序无法安全打开它。请安装最新版本的书记工作台后再打开；数据文件未被改动。"
        )
    return revision


def upgrade(
    engine: Engine, backup_dir: Path | None = None, db_file: Path | None = None, key: bytes | None = None
) -> Path | None:
    """Bring the schema to head. Returns the backup taken first, if one was needed.

    An existing SQLite database that is not at head is copied with the online
    backup API before anything changes.
    """
    revision = check_not_newer(engine)
    head = head_revision()
    if revision == head:
        return None
    backup = None
    has_tables = bool(inspect(engine).get_table_names())
    if has_tables and db_file is not None and backup_dir is not None and db_file.exists():
        backup = make_backup(db_file, backup_dir, f"before-migration-{revision or 'unversioned'}", key=key)
    from alembic import command

    config = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # Batch migrations copy and drop tables: with foreign keys on, dropping a table would
            # run ON DELETE SET NULL / CASCADE on the rows that refer to it. Checked before commit.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
                    raise AppError("升级数据结构后发现引用不一致，已撤销升级，数据保持原样。请联系技术支持。")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()
    return backup
