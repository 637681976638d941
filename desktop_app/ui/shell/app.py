"""Starting the GUI: Qt's Chinese translation, a CJK font, the instance lock, then the window,
then the data.

The main window is shown before the database layer is even imported: a secretary sees the
program at once, and the 工作台 fills in a moment later, read straight from the data file
(`first_look`) while the database layer loads behind it. Heavy modules load in `open_data`.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import APP_NAME, __version__
from desktop_app.core.domain.errors import AppError
from desktop_app.core.storage.lock import InstanceLock
from desktop_app.core.storage.paths import LOG_DIRNAME, SERVER_CONNECTION_FILENAME, resolve_data_dir
from desktop_app.resources import resource
from desktop_app.ui.kit.input_rules import install_input_rules
from desktop_app.ui.kit.text_size import DEFAULT_POINTS

if TYPE_CHECKING:
    from desktop_app.core.services.workbench import WorkbenchData
    from desktop_app.core.storage.database import Database
    from desktop_app.ui.kit.background import BackgroundTask
    from desktop_app.ui.shell.main_window import MainWindow

log = logging.getLogger("desktop_app")

PREFERRED_FONTS = (
    "Microsoft YaHei",
    "Microsoft YaHei UI",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "SimHei",
)


class MissingQtTranslations(QTranslator):
    """Strings Qt's own Chinese translation lacks (seen in the file dialog: "Look in:", "Folder")."""

    TEXTS: ClassVar[dict[tuple[str, str], str]] = {
        ("QFileDialog", "&Look in:"): "查找范围(&L)：",
        ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
        ("QAbstractFileIconProvider", "Folder"): "文件夹",
        ("QAbstractFileIconProvider", "Drive"): "驱动器",
        ("QAbstractFileIconProvider", "File"): "文件",
    }

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        # None (a null string) lets Qt ask the next translator; an empty string would blank the text.
        return self.TEXTS.get((context, source))


def pick_font_family() -> str | None:
    """The first installed CJK family we prefer; None leaves Qt's own fallback."""
    installed = set(QFontDatabase.families())
    return next((family for family in PREFERRED_FONTS if family in installed), None)


def create_application(argv: list[str] | None = None, input_rules: bool = True) -> QApplication:
    """The application with its translations, font and (unless the caller installs them later) input rules."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translator = QTranslator(app)
    if translator.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    app.installTranslator(MissingQtTranslations(app))
    icon = resource("icons", "app.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    family = pick_font_family()
    if family:
        font = QFont(family)
        font.setPointSize(DEFAULT_POINTS)
        app.setFont(font)
    if input_rules:
        install_input_rules(app)
    return app


def run_gui(
    data_dir: str | None = None,
    db_url: str | None = None,
    quit_when: str | None = None,
    password: str | None = None,
    ahead: Future[tuple[bytes, WorkbenchData | None]] | None = None,
) -> int:
    """`quit_when` is for benchmarks: start as a user would, then quit when the window is "shown", the 工作台
    is "ready" (its data shown, clicks taken) or every page can open ("open"). `password` is a script's
    (`--password-file`, DESKTOP_APP_PASSWORD): no password dialog is shown; `ahead` has its data key and
    the 工作台's first look on the way (see services.look_ahead)."""
    from desktop_app.core.storage.crashlog import CrashRecorder
    from desktop_app.ui.kit.background import BackgroundTask
    from desktop_app.ui.kit.errors import install_exception_hook
    from desktop_app.ui.kit.text_size import apply_points, saved_points
    from desktop_app.ui.kit.ui_settings import ui_settings
    from desktop_app.ui.shell.main_window import MainWindow

    app = create_application(input_rules=False)  # installed once the first window is shown, below
    directory = resolve_data_dir(data_dir)
    install_exception_hook(directory / LOG_DIRNAME)
    lock = InstanceLock(directory)
    try:
        lock.acquire()
    except AppError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    crashes = CrashRecorder(directory / LOG_DIRNAME)
    last_run = crashes.start()
    opened: list[Database] = []
    try:
        settings = ui_settings(directory)
        apply_points(saved_points(settings))
        window = MainWindow(settings=settings)
        app.commitDataRequest.connect(window.ask_before_session_ends)
        window.show()
        install_input_rules(app)
        server = server_in_use(window, directory, db_url)
        if server is None:
            return 0  # the person did not sign in: nothing is opened, never this PC's own file instead
        db_url, server_password = server
        if quit_when == "shown":
            QTimer.singleShot(0, lambda: stop_when("shown"))
        else:
            # The start-up check of the whole file only after a run that did not end normally; otherwise
            # the same check runs in the background once the 工作台 is in use.
            def open_after_notice() -> None:
                if last_run is not None:
                    tell_unclean_exit(window, last_run, scripted=password is not None)
                open_data(
                    window,
                    directory,
                    db_url,
                    opened,
                    quit_when,
                    password=password,
                    check_first=last_run is not None,
                    ahead=ahead,
                    server_password=server_password,
                )

            QTimer.singleShot(0, open_after_notice)
        return app.exec()
    finally:
        BackgroundTask.wait_all()
        for db in opened:
            db.dispose()
        crashes.stop()
        lock.release()


UNVERIFIED_SERVER = "服务器证书未验证（不安全）"


def server_in_use(window: MainWindow, directory: Path, db_url: str | None) -> tuple[str | None, str | None] | None:
    """Shared mode: the server from --db-url, else the one kept in 设置 → 连接服务器, signed in to as the person:
    (its address with TLS, their password); (None, None) for this PC's own file; None when they cancelled."""
    if db_url is None and not (directory / SERVER_CONNECTION_FILENAME).exists():
        return None, None  # this PC's own file: nothing of the database layer loads before the first look
    from desktop_app.core.storage import server_connection
    from desktop_app.core.storage.server_connection import VERIFY_FULL, ServerConnection
    from desktop_app.ui.dialogs.sign_in import sign_in

    kept = server_connection.load(directory)
    if db_url is None:
        assert kept is not None
        connection = kept
    else:  # the CA file and TLS kept for this PC apply to a server named on the command line too
        connection = ServerConnection(db_url, kept.ca_file if kept else None, kept.tls if kept else VERIFY_FULL)
    signed_in = sign_in(connection, window)
    if signed_in is None:
        return None
    person, password = signed_in
    if person.warning:  # in sight for as long as the program runs, whatever else the status bar says
        from PySide6.QtWidgets import QLabel

        from desktop_app.ui.kit.styles import ERROR_STYLE

        unverified = QLabel(UNVERIFIED_SERVER, window.statusBar())  # owned by Qt from the start
        unverified.setStyleSheet(ERROR_STYLE)
        unverified.setToolTip(person.warning)
        window.statusBar().addPermanentWidget(unverified)
    return person.engine_url(), password


def tell_unclean_exit(window: MainWindow, notice: str, scripted: bool) -> None:
    """The notice that the last run did not end normally, read before the opening asks or tells anything
    (the password, a refusal): two dialogs never stack. A script's start waits for nobody: the status bar."""
    from desktop_app.ui.kit import errors

    log.warning("the last run did not end normally")
    if scripted:
        window.statusBar().showMessage(notice.split("\n")[0], 15000)
    else:
        errors.show_message(window, "上次没有正常退出", notice)


def stop_when(moment: str) -> None:
    """For benchmarks (`--quit-when`): say the moment on stdout, as it happens, then quit."""
    print(moment, flush=True)
    QApplication.quit()


def open_data(
    window: MainWindow,
    directory: Path,
    db_url: str | None,
    opened: list[Database],
    quit_when: str | None = None,
    stop: Callable[[int], None] = QApplication.exit,
    password: str | None = None,
    check_first: bool = True,
    ahead: Future[tuple[bytes, WorkbenchData | None]] | None = None,
    server_password: str | None = None,
) -> BackgroundTask | None:
    """The data key first (the password, or a new password at the first start), then the 工作台 read straight
    from the file and shown (`first_look`), then the database opened on a worker thread — an earlier version's
    plain data is encrypted then, and after a run that did not end normally the whole file is checked before
    anything is shown — and the window filled. Nothing heavy runs on the window's thread. A damaged file is
    never opened: the newest good backup is offered instead. `stop(code)` ends the program when there is
    nothing to open. `ahead`: the key and the first look a script's start has on the way. Returns the task
    under way (the opening, or the first look or the wait for it, which starts the opening)."""
    opening = Opening(
        window,
        directory,
        db_url,
        opened,
        Moments(quit_when),
        stop,
        password,
        check_first,
        server_password=server_password,
    )
    return opening.start(ahead)


@dataclass
class Opening:
    """One opening of the data, from the key to the filled window (see open_data)."""

    window: MainWindow
    directory: Path
    db_url: str | None
    opened: list[Database]
    moments: Moments
    stop: Callable[[int], None]
    password: str | None
    check_first: bool
    key: bytes | None = None
    converting: bool = False
    weakness: str | None = None  # why the password that opened the data is weak; "" strong; None not judged yet
    server_password: str | None = field(default=None, repr=False)  # the person's, typed at sign-in (shared mode)

    def start(self, ahead: Future[tuple[bytes, WorkbenchData | None]] | None) -> BackgroundTask | None:
        from desktop_app.core.storage.paths import NETWORK_WARNING, is_network_path
        from desktop_app.ui.kit.background import START_UP_POLL_MS, BackgroundTask

        if ahead is None:
            # The database layer loads while the person types the password; a failure here comes back where
            # the data is opened, and is told there.
            BackgroundTask(
                self.window,
                "",
                lambda progress: import_data_layer(),
                lambda result: None,
                lambda exc: log.warning("importing the data layer ahead failed: %s", exc),
                quiet=True,
            ).start()
        if self.db_url is None and is_network_path(self.directory):
            QMessageBox.warning(self.window, APP_NAME, NETWORK_WARNING)
        if ahead is not None:
            waiting = BackgroundTask(
                self.window,
                "",
                lambda progress: ahead.result(),
                self.known,
                self.unopenable,
                quiet=True,
                poll_ms=START_UP_POLL_MS,
            )
            return waiting.start()
        if self.db_url is None:
            try:
                unlocked = data_key(self.window, self.directory, self.password)
            except Exception as exc:
                self.unopenable(exc)
                return None
            if unlocked is None:
                self.stop(0)
                return None
            key, self.weakness = unlocked
            return self.go_on(key, None, look=True)
        return self.go_on(None, None)

    def known(self, key_and_look: tuple[bytes, WorkbenchData | None]) -> None:
        self.go_on(*key_and_look)

    def unopenable(self, exc: BaseException) -> None:
        """A script's wrong password, an unreadable keys file: told, then the end."""
        from desktop_app.ui.kit.errors import report_failure

        report_failure(self.window, exc)
        self.stop(1)

    def go_on(self, key: bytes | None, first: WorkbenchData | None, look: bool = False) -> BackgroundTask:
        """With the key: the 工作台's first look shown where it may be (`first`, or read now if `look`), then
        the database opened properly."""
        from desktop_app.core.storage import cipher
        from desktop_app.core.storage.paths import DATABASE_FILENAME
        from desktop_app.ui.kit.background import START_UP_POLL_MS, BackgroundTask

        self.key = key
        data_file = self.directory / DATABASE_FILENAME
        existing = data_file.exists() and data_file.stat().st_size > 0
        # An earlier version's plain file is encrypted while opening: said, it takes a while on a large one.
        self.converting = key is not None and existing and cipher.is_plain(data_file)
        if self.db_url is not None or key is None or self.converting or self.check_first or not existing:
            return self.open_properly(read_workbench=True)
        if not look:
            self.show_first(first)
            return self.open_properly(read_workbench=first is None)
        reading = BackgroundTask(
            self.window,
            "",
            lambda progress: first_look(data_file, key),
            self.looked,
            self.not_looked,
            quiet=True,
            poll_ms=START_UP_POLL_MS,
        )
        return reading.start()

    def show_first(self, first: WorkbenchData | None) -> None:
        if first is not None:
            self.window.show_first_look(first)
            self.moments.reached("ready")

    def looked(self, first: WorkbenchData | None) -> None:
        self.show_first(first)
        self.open_properly(read_workbench=first is None)

    def not_looked(self, exc: BaseException) -> None:
        log.info("the 工作台 waits for the data to open: %s", exc)  # the opening says what is wrong, if anything
        self.open_properly(read_workbench=True)

    def open_properly(self, read_workbench: bool) -> BackgroundTask:
        from desktop_app.ui.kit.background import START_UP_POLL_MS, BackgroundTask

        label = "正在加密已有的数据和备份…" if self.converting else "正在打开数据…"
        # Only the long conversion gets a progress dialog; an ordinary opening is said in the status bar.
        opening = BackgroundTask(
            self.window,
            label,
            lambda progress: open_and_read(
                self.directory, self.db_url, self.key, self.check_first, read_workbench, self.server_password
            ),
            self.ready,
            self.refused,
            quiet=not self.converting,
            poll_ms=START_UP_POLL_MS,
        )
        return opening.start()

    def ready(self, opened_data: tuple[Database, WorkbenchData | None]) -> None:
        db, workbench = opened_data
        self.opened.append(db)
        self.show_first(workbench)
        if not fill_window(self.window, db, self.stop, scripted=self.password is not None):
            return
        QTimer.singleShot(0, freeze_start_up_objects)
        self.nudge_if_weak()
        self.moments.reached("ready")
        self.moments.reached("open")
        if not self.check_first and db.file_path is not None:
            check_in_background(db, self.window)

    def nudge_if_weak(self) -> None:
        """An earlier password that would not be accepted today still opens its data, once a start the person
        is asked to change it (a script's start says so in the status bar)."""
        from desktop_app.core.storage.passwords import judge
        from desktop_app.ui.kit.background import BackgroundTask

        if self.weakness is None and self.password is not None and self.key is not None:
            password = self.password
            BackgroundTask(self.window, "", lambda progress: judge(password).reason, self.nudge, quiet=True).start()
            return
        self.nudge(self.weakness or "")

    def nudge(self, weakness: str) -> None:
        if not weakness:
            return
        from desktop_app.ui.kit import prompts

        told = f"现在的密码不够安全：{weakness}\n请在“设置 → 数据”中点“修改密码…”换一个更强的密码（数据照常可用）。"
        if self.password is not None:
            log.warning("the password a script gave is weak: %s", weakness)  # its kind, never its characters
            self.window.statusBar().showMessage(told.replace("\n", ""), 15000)
        else:
            prompts.inform(self.window, told, "建议修改密码")

    def refused(self, exc: BaseException) -> None:
        from desktop_app.core.domain.errors import DatabaseDamagedError
        from desktop_app.core.storage.startup import restore_over_damaged
        from desktop_app.ui.kit import prompts
        from desktop_app.ui.kit.background import BackgroundTask
        from desktop_app.ui.kit.errors import report_failure

        backup = exc.backup if isinstance(exc, DatabaseDamagedError) else None
        if backup is not None and prompts.ask(
            self.window, f"{exc}\n\n现在用这个备份恢复吗？当前的数据文件会原样另存一份。"
        ):
            restoring = BackgroundTask(
                self.window,
                "正在从备份恢复…",
                lambda progress: (restore_over_damaged(self.directory, self.db_url, backup, self.key), None),
                self.ready,
                self.refused,
            )
            restoring.start()
            return
        if backup is None:
            report_failure(self.window, exc)  # the person's or the machine's problem in plain words; a bug as a crash
        self.stop(1)


def freeze_start_up_objects() -> None:
    """What start-up made (Qt's wrappers, SQLAlchemy's metadata, the models, the services) lives as long as the
    program: the collector is told to leave it alone, so each later full collection walks only what came after.
    A large branch's pages build thousands of rows; the collections that set off walked the whole heap (the
    huge set's 党费 page: 30 ms of its 180)."""
    gc.collect()
    gc.freeze()


class Moments:
    """For benchmarks (`--quit-when`): the moment asked for, said once, when it is first reached."""

    def __init__(self, wanted: str | None) -> None:
        self.wanted = wanted
        self.said = False

    def reached(self, moment: str) -> None:
        if moment == self.wanted and not self.said:
            self.said = True
            QTimer.singleShot(0, lambda: stop_when(moment))


# What opening the data imports: loaded on a worker while a person types the password. Only the core: a
# module defining Qt classes is imported on the GUI thread (PySide builds their meta-objects as it goes).
DATA_LAYER = (
    "desktop_app.core.storage.startup",
    "desktop_app.core.services.mode",
    "desktop_app.core.services.profile",
)


def import_data_layer() -> None:
    import importlib

    for name in DATA_LAYER:
        importlib.import_module(name)


def first_look(data_file: Path, key: bytes | None) -> WorkbenchData | None:
    """On a worker: the 工作台 read from the file before the database layer is loaded (see services.workbench)."""
    from desktop_app.core.services.workbench import first_look as look

    return look(data_file, key)


def open_and_read(
    directory: Path,
    db_url: str | None,
    key: bytes | None,
    check_first: bool,
    read_workbench: bool,
    server_password: str | None = None,
) -> tuple[Database, WorkbenchData | None]:
    """On a worker: the database opened, and the 工作台's data read if it was not read before and is the
    first page shown (a community's copy that has been set up)."""
    from desktop_app.core.services.mode import COMMUNITY, ModeService
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.core.services.workbench import workbench_of
    from desktop_app.core.storage.startup import open_database

    db = open_database(directory, db_url, key=key, check_integrity=check_first, password=server_password)
    try:
        first_page = read_workbench and ProfileService(db).get().is_set and ModeService(db).get() == COMMUNITY
        return db, workbench_of(db) if first_page else None
    except BaseException:
        db.dispose()
        raise


def data_key(window: MainWindow, directory: Path, password: str | None) -> tuple[bytes, str | None] | None:
    """The key that opens the data, and why the password typed is weak ("" if it is not; None when a script's
    password is judged later): from the password (asked, or a script's); at the first start of this version,
    a new password strong enough (`passwords.require_strong`) and the recovery key shown once. None: the
    person chose to quit."""
    from desktop_app.core.storage import keys
    from desktop_app.core.storage.passwords import require_strong
    from desktop_app.core.storage.paths import DATABASE_FILENAME
    from desktop_app.ui.dialogs.passwords import RecoveryKeyDialog, UnlockDialog, choose_password

    if keys.has_keys(directory):
        if password is not None:
            return keys.open_keys(directory, password), None
        dialog = UnlockDialog(directory, window)
        return (dialog.key, dialog.weakness) if dialog.exec() and dialog.key is not None else None
    if password is None:
        password = choose_password(window, converting=(directory / DATABASE_FILENAME).exists())
        if password is None:
            return None
        from desktop_app.ui.kit.background import wait_for

        # The key derivation is calibrated to about half a second a wrap here, two wraps: on a worker.
        chosen = password
        new_key, recovery = wait_for(window, "正在设置密码…", lambda: keys.create_keys(directory, chosen))
        RecoveryKeyDialog(recovery, window).exec()
        return new_key, ""
    require_strong(password)  # a script's first start: it knows its password, which must hold as a person's
    return keys.create_keys(directory, password)[0], ""


def fill_window(window: MainWindow, db: Database, stop: Callable[[int], None], scripted: bool = False) -> bool:
    """The opened data in the window: the first-run questions if the community is not yet named, then the
    pages, then the day's backup; False if the person chose to quit instead. A start a script made (its
    password given) waits for nobody: what the person would be told goes to the status bar and the log."""
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.core.services.reminder_settings import StartDateService
    from desktop_app.ui.dialogs.first_run import FirstRunDialog
    from desktop_app.ui.kit.context import AppContext

    if not ProfileService(db).get().is_set:
        if not FirstRunDialog(db, window).exec():
            stop(0)
            return False
        StartDateService(db).record_first_run()
    window.attach(AppContext.open(db))
    if db.conversion_report:
        from desktop_app.ui.kit import prompts

        told = f"已有的数据已经加密。{db.conversion_report}"
        log.info("%s", told)
        if scripted:
            window.statusBar().showMessage(told, 15000)
        else:
            prompts.inform(window, told)
    if db.key is not None:
        from desktop_app.core.storage.security_events import record_pending
        from desktop_app.ui.shell.lock import IdleLock

        window.protect(IdleLock(db.data_dir, db.key, window.settings, on_unlock=lambda: record_pending(db)))
    start_up_backup(db, window)
    return True


def check_in_background(db: Database, window: MainWindow) -> BackgroundTask:
    """After a normal last run, the start-up check of the data file runs here, on a worker, while the
    工作台 is in use; the person hears of it only if something is wrong."""
    from desktop_app.core.storage.backup import integrity_problems
    from desktop_app.ui.kit import errors
    from desktop_app.ui.kit.background import BackgroundTask

    assert db.file_path is not None
    path, key = db.file_path, db.key

    def told(problems: list[str]) -> None:
        if problems:
            log.error("background check of %s: %s", path, problems)
            errors.show_message(
                window,
                "数据文件检查未通过",
                f"数据文件 {path} 检查发现问题（{problems[0]}）。请不要继续录入，先在“设置 → 数据”中点“检查数据库”，"
                "或从最近的备份恢复；需要时请联系技术支持。",
            )

    task = BackgroundTask(window, "", lambda progress: integrity_problems(path, quick=True, key=key), told, quiet=True)
    task.failed.connect(lambda exc: log.warning("background check of %s could not run: %s", path, exc))
    return task.start()


def start_up_backup(db: Database, window: MainWindow) -> BackgroundTask:
    """The daily backup, on a worker thread while the 工作台 is already in use; on failure the program
    still works, and says why in the status bar."""
    from desktop_app.core.storage.backup import auto_backup
    from desktop_app.ui.kit.background import BackgroundTask
    from desktop_app.ui.kit.errors import report_failure

    def made(path: Path | None) -> None:
        if path is not None:
            window.statusBar().showMessage(f"已自动备份：{path.name}", 8000)
            window.reload_current()  # the 工作台 may have asked for a first backup a moment ago

    def failed(exc: BaseException) -> None:
        if not isinstance(exc, AppError):  # a bug still gets its crash dialog
            report_failure(window, exc)
            return
        log.warning("start-up backup failed: %s", exc)
        window.statusBar().showMessage(f"自动备份未完成：{exc}", 15000)

    return BackgroundTask(window, "正在备份…", lambda progress: auto_backup(db), made, failed, quiet=True).start()
