"""Starting the GUI, in the order a person sees it (`Start.run`): the first window (the password) before anything
heavy is imported, then the main window, which awaits the one background task that opens the data
(`core.services.opening.DataOpening`): the 工作台 shows as soon as it is read from the file, the pages once the
database layer has opened the data.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app import APP_NAME, __version__
from desktop_app.core.domain.errors import AppError
from desktop_app.core.storage.lock import InstanceLock
from desktop_app.core.storage.paths import LOG_DIRNAME, SERVER_CONNECTION_FILENAME, resolve_data_dir
from desktop_app.resources import resource
from desktop_app.ui.kit.painted import PaintedDialog
from desktop_app.ui.kit.text_size import DEFAULT_POINTS
from desktop_app.ui.shell.moments import Moments

if TYPE_CHECKING:
    from desktop_app.core.services.opening import Opened
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

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        # None (a null string) lets Qt ask the next translator; an empty string would blank the text. (PySide6
        # 6.9's stubs say str, though Qt takes the null string.)
        return cast(str, self.TEXTS.get((context, source)))


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
        from desktop_app.ui.kit.input_rules import install_input_rules

        install_input_rules(app)
    return app


def run_gui(data_dir: str | None = None, db_url: str | None = None, password: str | None = None) -> int:
    """The program with its window: Qt, the instance lock and the crash marker, then the start (`Start.run`), the
    event loop, and at the end running work waited for and the data closed. `password`: a script's
    (`--password-file`, DESKTOP_APP_PASSWORD): no password dialog is shown."""
    from desktop_app.core.storage.crashlog import CrashRecorder
    from desktop_app.ui.kit.errors import install_exception_hook

    app = create_application(input_rules=False)  # installed once the 工作台 is shown (`Start.take_input_rules`)
    directory = resolve_data_dir(data_dir)
    install_exception_hook(directory / LOG_DIRNAME)
    lock = InstanceLock(directory)
    try:
        lock.acquire()
    except AppError as exc:
        from PySide6.QtWidgets import QMessageBox  # (its type: not before the first window)

        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    crashes = CrashRecorder(directory / LOG_DIRNAME)
    last_run = crashes.start()
    # The whole file is checked before it is used only after a run that did not end normally; otherwise the same
    # check runs in the background once the 工作台 is in use.
    start = Start(
        directory,
        db_url,
        password,
        last_run=last_run,
        check_first=last_run is not None,
        moments=Moments.from_environment(),
    )
    try:
        return app.exec() if start.run() else start.exit_code or 0
    finally:
        from desktop_app.ui.kit.background import BackgroundTask

        start.opening.give_up()  # an opening still under way is not finished for nobody
        BackgroundTask.wait_all()
        start.close()
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


class Start:
    """One start of the program, from the first window to the 工作台 in use. `last_run`: the notice that the last
    run did not end normally (None: it did); `check_first`: the whole file checked before it is used. `window`: a
    main window already shown (tests); else one is made. `stop(code)` ends the program once its event loop runs."""

    def __init__(
        self,
        directory: Path,
        db_url: str | None,
        password: str | None,
        last_run: str | None = None,
        check_first: bool = False,
        moments: Moments | None = None,
        window: MainWindow | None = None,
        stop: Callable[[int], None] = QApplication.exit,
    ) -> None:
        from desktop_app.core.services.opening import DataOpening

        self.directory = directory
        self.db_url = db_url
        self.password = password
        self.last_run = last_run
        self.moments = moments or Moments(None)
        self.window = window
        self.stop_program = stop
        self.exit_code: int | None = None
        self.opening = DataOpening(directory, db_url, password, check_first)
        self.task: BackgroundTask | None = None
        self.weakness: str | None = None  # why the password that opened the data is weak; "" strong; None unjudged
        self.converting = False
        self.opened: list[Database] = []
        self._first_paint: FirstPaint | None = None
        self._window_paint: FirstPaint | None = None

    def run(self) -> bool:
        """The start as a person sees it; False when there is nothing to open (they quit, or were told why):
        1. the notice that the last run did not end normally, before anything asks;
        2. the first window: the password (a new one and the recovery key at the first start); the main window
           when a script gave the password or the data is on a server. Once it is painted
           (`first_window_painted`) the one background task (`begin`) imports the database layer, while the
           person types (a script's task starts at once: its key and 工作台 are read while the window is made);
        3. the key, handed to the task, which reads the 工作台 from the file and opens the data;
        4. the main window, awaiting the task: its first look (`first_look_read`), then the data (`ready`)."""
        if self.opening.key_from_script:
            self.begin()  # its key and 工作台 are read while the window is made
        if self.window is not None:
            self.first_window_painted()
        if self.last_run is not None and self.password is None:
            self.watch_first_window(None)  # the notice is the first window
            tell_unclean_exit(None, self.last_run)
        on_server = self.db_url is not None or (self.directory / SERVER_CONNECTION_FILENAME).exists()
        needs_key = not self.opening.key_from_script and not on_server
        unlocked = None
        try:
            unlocked = self.ask_key() if needs_key else None
        except Exception as exc:  # a script's first start with a weak password, an unreadable keys file
            self.watch_first_window(None)  # the report may be the first window
            self.report_and_stop(exc)
        if self.exit_code is not None or (needs_key and unlocked is None):
            self.opening.give_up()
            self.exit_code = self.exit_code or 0
            return False
        self.show_window()
        if on_server:
            assert self.window is not None
            server = server_in_use(self.window, self.directory, self.db_url)
            if server is None:  # the person did not sign in: nothing is opened, never this PC's own file instead
                self.opening.give_up()
                self.exit_code = 0
                return False
            url, server_password = server
            assert url is not None, "on a server: its address, signed in to"
            self.db_url = url
            self.opening.give_server(url, server_password)
            return True
        self.converting = self.opening.encrypts_plain_data()
        if needs_key:
            assert unlocked is not None
            key, self.weakness = unlocked
            self.opening.give_key(key)
        self.say_when_converting()
        return True

    def begin(self) -> None:
        from desktop_app.ui.kit.background import START_UP_POLL_MS, News, run_in_background

        news = News()
        self.task = run_in_background(
            label="正在打开数据…",
            work=lambda: self.opening.run(news),
            news=news,
            on_news=self.first_look_read,
            on_done=self.ready,
            on_error=self.refused,
            parent=self.window,
            poll_ms=START_UP_POLL_MS,
        )
        self.say_when_converting()

    def first_window_painted(self) -> None:
        """The first window is on screen: the heavy imports may begin."""
        self.moments.reached("painted")
        self.opening.first_window_painted()
        if self.task is None:
            self.begin()

    def take_input_rules(self) -> None:
        """The input rules take over once the 工作台 is shown: the windows before it hold no field the wheel could
        change and no table, and the rules' filter sees every event, building the types of each (about 35 ms of
        the first events) while the 工作台 is read."""
        from desktop_app.ui.kit.input_rules import install_input_rules

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        install_input_rules(app)

    def watch_first_window(self, window: QWidget | None) -> None:
        """`first_window_painted` once `window` (any window when None) is painted, unless a first window is already
        watched or there. The window itself is watched, not the application: PySide would wrap each event's object
        (the window's QWindow, the style) in Python, building their types before the first paint (about 5 ms)."""
        if self._first_paint is None and self.window is None:
            self._first_paint = FirstPaint(self.first_window_painted, window)

    def ask_key(self) -> tuple[bytes, str | None] | None:
        return data_key(None, self.directory, self.password, shown=self.watch_first_window)

    def show_window(self) -> None:
        from desktop_app.core.storage.paths import NETWORK_WARNING, is_network_path
        from desktop_app.ui.kit.text_size import apply_points, saved_points
        from desktop_app.ui.kit.ui_settings import ui_settings
        from desktop_app.ui.shell.main_window import MainWindow

        if self.window is None:
            settings = ui_settings(self.directory)
            apply_points(saved_points(settings))
            window = MainWindow(settings=settings)
            app = QApplication.instance()
            assert isinstance(app, QApplication)
            app.commitDataRequest.connect(window.ask_before_session_ends)
            # A script's start, or on a server: the main window is the first, and its paint is both moments.
            # `shown`'s filter is installed last, so Qt asks it first: the moments are said as the window is
            # painted, before what the first paint lets begin (`first_window_painted`) runs.
            self.watch_first_window(window)
            self._window_paint = FirstPaint(self.window_shown, window)
            self.window = window
            self.window.show()
        if self.task is not None:
            self.task.parent_widget = self.window
        if self.last_run is not None and self.password is not None:
            tell_unclean_exit(self.window, self.last_run)
        if self.db_url is None and is_network_path(self.directory):
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self.window, APP_NAME, NETWORK_WARNING)

    def window_shown(self) -> None:
        """The main window is on screen (the first window too, when it is the first)."""
        self.moments.reached("painted")  # said once: nothing when a password window was the first
        self.moments.reached("shown")

    def say_when_converting(self) -> None:
        """An earlier version's plain data is encrypted while it opens: a progress dialog, it takes a while."""
        if self.converting and self.task is not None and self.task.dialog is None and not self.task.done:
            self.task.parent_widget = self.window
            self.task.show_progress_dialog("正在加密已有的数据和备份…")

    def first_look_read(self, first: WorkbenchData) -> None:
        assert self.window is not None  # the look needs the key, which comes once the window is made
        try:
            self.window.show_first_look(first)
        finally:
            self.opening.first_look_shown()  # the opening goes on, shown or not
        self.moments.reached("ready")
        self.take_input_rules()

    def ready(self, opened: Opened | None) -> None:
        if opened is None:
            return  # the person quit before the data was opened
        assert self.window is not None
        self.opened.append(opened.db)
        if opened.workbench is not None:
            self.first_look_read(opened.workbench)
        if not fill_window(self.window, opened.db, self.stop, scripted=self.password is not None):
            return
        self.take_input_rules()  # already there when the first look was shown
        QTimer.singleShot(0, freeze_start_up_objects)
        self.nudge_if_weak()
        self.moments.reached("ready")
        self.moments.reached("open")
        if not self.opening.check_first and opened.db.file_path is not None:
            check_in_background(opened.db, self.window)

    def refused(self, exc: BaseException) -> None:
        """The data cannot be opened: a damaged file's newest good backup is offered; anything else is told (a
        script's wrong password, a busy or newer file), and the program ends."""
        from desktop_app.core.domain.errors import DatabaseDamagedError
        from desktop_app.core.services.opening import Opened
        from desktop_app.core.storage.startup import restore_over_damaged
        from desktop_app.ui.kit import prompts
        from desktop_app.ui.kit.background import run_in_background

        backup = exc.backup if isinstance(exc, DatabaseDamagedError) else None
        if backup is not None and prompts.ask(
            self.window, f"{exc}\n\n现在用这个备份恢复吗？当前的数据文件会原样另存一份。"
        ):
            key = self.opening.key
            run_in_background(
                label="正在从备份恢复…",
                work=lambda: Opened(restore_over_damaged(self.directory, self.db_url, backup, key), None),
                on_done=self.ready,
                on_error=self.refused,
                parent=self.window,
                progress_dialog=True,
            )
            return
        if backup is None:
            self.report_and_stop(exc)
        else:
            self.stop(1)

    def report_and_stop(self, exc: BaseException) -> None:
        from desktop_app.ui.kit.errors import report_failure

        report_failure(self.window, exc)  # the person's or the machine's problem in plain words; a bug as a crash
        self.stop(1)

    def stop(self, code: int) -> None:
        self.exit_code = code
        self.stop_program(code)

    def nudge_if_weak(self) -> None:
        """An earlier password that would not be accepted today still opens its data, once a start the person
        is asked to change it (a script's start says so in the status bar)."""
        from desktop_app.core.storage.passwords import judge
        from desktop_app.ui.kit.background import run_in_background

        if self.weakness is None and self.password is not None and self.db_url is None:
            password = self.password
            run_in_background(
                label="正在核对密码强度…", work=lambda: judge(password).reason, on_done=self.nudge, parent=self.window
            )
            return
        self.nudge(self.weakness or "")

    def nudge(self, weakness: str) -> None:
        if not weakness or self.window is None:
            return
        from desktop_app.ui.kit import prompts

        told = f"现在的密码不够安全：{weakness}\n请在“设置 → 数据”中点“修改密码…”换一个更强的密码（数据照常可用）。"
        if self.password is not None:
            log.warning("the password a script gave is weak: %s", weakness)  # its kind, never its characters
            self.window.statusBar().showMessage(told.replace("\n", ""), 15000)
        else:
            prompts.inform(self.window, told, "建议修改密码")

    def close(self) -> None:
        for db in self.opened:
            db.dispose()


class FirstPaint(QObject):
    """Calls back once, after the first paint of `watched` (of any widget when None): what comes then never
    delays the first window. A `PaintedDialog` says when it is painted; any other window is watched with an event
    filter."""

    def __init__(self, callback: Callable[[], None], watched: QWidget | None = None) -> None:
        super().__init__()
        self.callback = callback
        self.watched: QObject | None = None
        if isinstance(watched, PaintedDialog):
            watched.painted.connect(self.painted)
            return
        self.watched = watched if watched is not None else QApplication.instance()
        assert self.watched is not None
        self.watched.installEventFilter(self)

    def painted(self) -> None:
        QTimer.singleShot(0, self.callback)  # once the paint that is under way is done

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.watched is not None:
            self.watched.removeEventFilter(self)
            self.watched = None
            self.painted()
        return False


def tell_unclean_exit(window: MainWindow | None, notice: str) -> None:
    """The notice that the last run did not end normally, read before the opening asks or tells anything (the
    password, a refusal): two dialogs never stack. A script's start waits for nobody: the window's status bar."""
    from desktop_app.ui.kit import errors

    log.warning("the last run did not end normally")
    if window is not None:
        window.statusBar().showMessage(notice.split("\n")[0], 15000)
    else:
        errors.show_message(None, "上次没有正常退出", notice)


def freeze_start_up_objects() -> None:
    """What start-up made (Qt's wrappers, SQLAlchemy's metadata, the models, the services) lives as long as the
    program: the collector is told to leave it alone, so each later full collection walks only what came after.
    A large branch's pages build thousands of rows; the collections that set off walked the whole heap (the
    huge set's 党费 page: 30 ms of its 180)."""
    gc.collect()
    gc.freeze()


def data_key(
    parent: QWidget | None, directory: Path, password: str | None, shown: Callable[[QWidget], None] | None = None
) -> tuple[bytes, str | None] | None:
    """The key that opens the data, and why the password typed is weak ("" if it is not; None when a script's
    password is judged later): from the password (asked, or a script's); at the first start of this version,
    a new password strong enough (`passwords.require_strong`) and the recovery key shown once. None: the
    person chose to quit. `shown` hears of the dialog that asks for the password before it is shown."""
    from desktop_app.core.storage.paths import DATABASE_FILENAME, has_keys

    if has_keys(directory):
        if password is None:
            from desktop_app.ui.dialogs.unlock import UnlockDialog  # the key work loads once a password is typed

            dialog = UnlockDialog(directory, parent)
            if shown is not None:
                shown(dialog)
            return (dialog.key, dialog.weakness) if dialog.exec() and dialog.key is not None else None
        from desktop_app.core.storage import keys

        return keys.open_keys(directory, password), None
    from desktop_app.core.storage import keys
    from desktop_app.core.storage.passwords import require_strong
    from desktop_app.ui.dialogs.passwords import RecoveryKeyDialog, choose_password

    if password is None:
        password = choose_password(parent, converting=(directory / DATABASE_FILENAME).exists(), shown=shown)
        if password is None:
            return None
        from desktop_app.ui.kit.background import wait_for

        # The key derivation is calibrated to about half a second a wrap here, two wraps: on a worker.
        chosen = password
        new_key, recovery = wait_for(parent, "正在设置密码…", lambda: keys.create_keys(directory, chosen))
        RecoveryKeyDialog(recovery, parent).exec()
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
    from desktop_app.ui.kit.background import run_in_background

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

    return run_in_background(
        label="正在检查数据文件…",
        work=lambda: integrity_problems(path, quick=True, key=key),
        on_done=told,
        on_error=lambda exc: log.warning("background check of %s could not run: %s", path, exc),
        parent=window,
    )


def start_up_backup(db: Database, window: MainWindow) -> BackgroundTask:
    """The daily backup, on a worker thread while the 工作台 is already in use; on failure the program
    still works, and says why in the status bar."""
    from desktop_app.core.storage.backup import auto_backup
    from desktop_app.ui.kit.background import run_in_background
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

    return run_in_background(
        label="正在备份…", work=lambda: auto_backup(db), on_done=made, on_error=failed, parent=window
    )
