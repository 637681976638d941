"""A start a script makes (its password given, as the benchmarks do): the data key derived and the 工作台 read
on a thread from the first moment, while the window's thread loads Qt and builds the window. scrypt and
SQLite leave the interpreter to the other thread while they work. A person's start asks for the password in
the window, and reads the 工作台 once it is typed (see ui.shell.app)."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_app.core.services.workbench import WorkbenchData

log = logging.getLogger("desktop_app")


def look_ahead(data_dir: Path, password: str) -> Future[tuple[bytes, WorkbenchData | None]] | None:
    """The data key and the 工作台's first look (None when the first page must wait for the data to open, see
    workbench.first_look); None at once for data without a key yet. A wrong password is the future's exception."""
    from desktop_app.core.storage import keys

    if not keys.has_keys(data_dir):
        return None
    ahead: Future[tuple[bytes, WorkbenchData | None]] = Future()

    def work() -> None:
        try:
            key = keys.open_keys(data_dir, password)
        except BaseException as exc:  # told where the data is opened
            ahead.set_exception(exc)
            return
        ahead.set_result((key, looked(data_dir, key)))

    threading.Thread(target=work, name="look ahead", daemon=True).start()
    return ahead


def looked(data_dir: Path, key: bytes) -> WorkbenchData | None:
    from desktop_app.core.services.workbench import first_look
    from desktop_app.core.storage.paths import DATABASE_FILENAME

    data_file = data_dir / DATABASE_FILENAME
    try:
        return first_look(data_file, key) if data_file.exists() else None
    except Exception as exc:  # a plain file to encrypt, damage: the proper opening deals with it, and says so
        log.info("the 工作台 waits for the data to open: %s", exc)
        return None
