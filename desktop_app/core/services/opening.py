"""The data opened for the window, as one piece of work on a worker thread (Qt-free; the window awaits it, see
ui.shell.app): the data key (from a script's password here, or the person's once they have typed it), the 工作台's
first look read through the driver alone, the database layer imported and the data opened (migrated, an earlier
version's plain data encrypted, checked after a run that did not end normally), and the 工作台 read if it was not."""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from desktop_app.core.storage.paths import DATABASE_FILENAME, has_keys

if TYPE_CHECKING:
    from desktop_app.core.services.workbench import WorkbenchData
    from desktop_app.core.storage.database import Database

log = logging.getLogger("desktop_app")

# What opening the data imports. Only the core: a module defining Qt classes is imported on the GUI thread
# (PySide builds their meta-objects as it goes).
DATA_LAYER = (
    "desktop_app.core.storage.startup",
    "desktop_app.core.services.mode",
    "desktop_app.core.services.profile",
    "desktop_app.core.services.workbench",
)


class Opened(NamedTuple):  # not a dataclass, nor a Future below: their imports would come before the first window
    db: Database
    workbench: WorkbenchData | None  # read here when no first look was; None too for a copy not yet set up


class DataOpening:
    """One opening of a data directory (or a server's database, `db_url`). A script's `password` is turned into the
    key on the worker at once; otherwise the window gives the key (`give_key`) or gives up (`give_up`) while the
    worker imports the database layer. Nothing heavy is imported before the window says its first window is on
    screen (`first_window_painted`), nor before a script's first look is shown (`first_look_shown`): the imports
    would hold the interpreter while the window builds it. `check_first`: the whole file is checked before it is
    used (after a run that did not end normally)."""

    def __init__(self, directory: Path, db_url: str | None, password: str | None, check_first: bool) -> None:
        self.directory = directory
        self.db_url = db_url
        self.server_password: str | None = None
        self.check_first = check_first
        self.data_file = directory / DATABASE_FILENAME
        self.script_password = password if db_url is None and has_keys(directory) else None
        self.key: bytes | None = None  # the key the data was opened with, once it is known
        self._answer: tuple[bytes | None] | None = None  # (the key,) given; None: given up
        self._answered = threading.Event()
        self._painted = threading.Event()
        self._look_shown = threading.Event()
        self._given_up = False

    @property
    def key_from_script(self) -> bool:
        return self.script_password is not None

    def give_key(self, key: bytes | None) -> None:
        """The key the person's password opened."""
        self._answer_with((key,))

    def give_server(self, url: str, password: str | None) -> None:
        """The person signed in to the server at `url` (shared mode): its database is opened, with no key; their
        `password` (typed at sign-in) goes to the driver, never into the URL."""
        self.db_url, self.server_password = url, password
        self._answer_with((None,))

    def give_up(self) -> None:
        """The person chose to quit (or the program ends) before the data was opened: the worker ends without
        opening it."""
        self._given_up = True
        self._answer_with(None)
        self._painted.set()
        self._look_shown.set()

    def _answer_with(self, answer: tuple[bytes | None] | None) -> None:
        """The first answer counts (all are given on the GUI thread): a key, or giving up."""
        if not self._answered.is_set():
            self._answer = answer
            self._answered.set()

    def first_window_painted(self) -> None:
        self._painted.set()

    def first_look_shown(self) -> None:
        self._look_shown.set()

    def encrypts_plain_data(self) -> bool:
        """An earlier version's plain file, encrypted while it opens (a while, on a large one)."""
        from desktop_app.core.storage import cipher

        return self.db_url is None and self._exists() and cipher.is_plain(self.data_file)

    def run(self, first_look_read: Callable[[WorkbenchData], None]) -> Opened | None:
        """On the worker: the data opened; `first_look_read` hears of the 工作台 read before that. None: given up."""
        from desktop_app.core.storage import keys

        key = keys.open_keys(self.directory, self.script_password) if self.script_password is not None else None
        first = self._first_look(key, first_look_read)  # a script's: while the window is made
        self._painted.wait()  # nothing heavy before the first window is on screen, and its 工作台
        if first is not None:
            self._look_shown.wait()
        if self._given_up:
            return None
        import_data_layer()  # a person's start: while they type the password
        if self.script_password is None:
            self._answered.wait()
            if self._answer is None:
                return None
            key = self._answer[0]
            first = self._first_look(key, first_look_read)
        self.key = key
        return open_and_read(
            self.directory,
            self.db_url,
            key,
            self.check_first,
            read_workbench=first is None,
            password=self.server_password,
        )

    def _exists(self) -> bool:
        return self.data_file.exists() and self.data_file.stat().st_size > 0

    def _first_look(self, key: bytes | None, read: Callable[[WorkbenchData], None]) -> WorkbenchData | None:
        """The 工作台 from the file before the database layer opens it, told to `read`; None where the first page
        must wait for the proper opening: a server, data of an earlier version (plain, to encrypt; or to migrate),
        a copy not set up, a street office's copy, a check first, a file that cannot be read so (which the opening
        then explains)."""
        if key is None or self.check_first or not self._exists() or self.encrypts_plain_data():
            return None
        from desktop_app.core.services.workbench import first_look

        try:
            looked = first_look(self.data_file, key)
        except Exception as exc:
            log.info("the 工作台 waits for the data to open: %s", exc)
            return None
        if looked is not None:
            read(looked)
        return looked


def import_data_layer() -> None:
    for name in DATA_LAYER:
        importlib.import_module(name)


def open_and_read(
    directory: Path,
    db_url: str | None,
    key: bytes | None,
    check_first: bool,
    read_workbench: bool,
    password: str | None = None,
) -> Opened:
    """The database opened, and the 工作台's data read if it was not read before and is the first page shown (a
    community's copy that has been set up). `password`: a server's, typed at sign-in."""
    from desktop_app.core.services.mode import COMMUNITY, ModeService
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.core.services.workbench import workbench_of
    from desktop_app.core.storage.startup import open_database

    db = open_database(directory, db_url, key=key, check_integrity=check_first, password=password)
    try:
        first_page = (
            read_workbench
            and db.reach.whole_community  # a 社工's first page is a list of theirs
            and ProfileService(db).get().is_set
            and ModeService(db).get() == COMMUNITY
        )
        return Opened(db, workbench_of(db) if first_page else None)
    except BaseException:
        db.dispose()
        raise
