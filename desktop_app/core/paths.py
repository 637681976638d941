"""Where the data lives. Chosen at start-up, never at import time."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "DESKTOP_APP_DATA_DIR"
DATABASE_FILENAME = "shuji.sqlite3"
BACKUP_DIRNAME = "backups"
ATTACHMENT_DIRNAME = "attachments"
LOG_DIRNAME = "logs"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("desktop_app", appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--data-dir` wins, then $DESKTOP_APP_DATA_DIR, then the per-user data directory."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return default_data_dir()
