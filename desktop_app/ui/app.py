"""Starting the GUI: Qt's Chinese translation, a CJK font, the instance lock, the database."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop_app import APP_NAME, __version__
from desktop_app.core.backup import auto_backup
from desktop_app.core.database import Database
from desktop_app.core.errors import AppError, DatabaseDamagedError
from desktop_app.core.lock import InstanceLock
from desktop_app.core.paths import LOG_DIRNAME, NETWORK_WARNING, is_network_path, resolve_data_dir
from desktop_app.core.restore import restore_backup
from desktop_app.core.startup import open_database
from desktop_app.ui import dialogs
from desktop_app.ui.errors import log

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


def pick_font_family() -> str | None:
    """The first installed CJK family we prefer; None leaves Qt's own fallback."""
    installed = set(QFontDatabase.families())
    return next((family for family in PREFERRED_FONTS if family in installed), None)


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translator = QTranslator(app)
    if translator.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    family = pick_font_family()
    if family:
        font = QFont(family)
        font.setPointSize(10)
        app.setFont(font)
    return app


def run_gui(data_dir: str | None = None, db_url: str | None = None, quit_when_shown: bool = False) -> int:
    from desktop_app.ui.context import AppContext
    from desktop_app.ui.errors import install_exception_hook
    from desktop_app.ui.first_run import FirstRunDialog
    from desktop_app.ui.main_window import MainWindow

    app = create_application()
    directory = resolve_data_dir(data_dir)
    install_exception_hook(directory / LOG_DIRNAME)
    lock = InstanceLock(directory)
    try:
        lock.acquire()
        if db_url is None and is_network_path(directory):
            QMessageBox.warning(None, APP_NAME, NETWORK_WARNING)
        db = open_checked(directory, db_url)
    except AppError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        lock.release()
        return 1
    if db is None:
        lock.release()
        return 1
    try:
        from desktop_app.core.services.profile import ProfileService

        if not ProfileService(db).get().is_set and not FirstRunDialog(db).exec():
            return 0
        window = MainWindow(AppContext.open(db))
        window.show()
        start_up_backup(db, window)
        if quit_when_shown:
            QTimer.singleShot(0, app.quit)
        return app.exec()
    finally:
        db.dispose()
        lock.release()


def open_checked(directory: Path, db_url: str | None) -> Database | None:
    """Open the database; if its start-up check fails, offer the newest good backup instead."""
    try:
        return open_database(directory, db_url)
    except DatabaseDamagedError as exc:
        if exc.backup is None:
            QMessageBox.critical(None, APP_NAME, str(exc))
            return None
        if not dialogs.ask(None, f"{exc}\n\n现在用这个备份恢复吗？当前的数据文件会原样另存一份。"):
            return None
        raw = open_database(directory, db_url, check=False)
        try:
            restore_backup(raw, exc.backup.path)  # type: ignore[attr-defined]
        finally:
            raw.dispose()
        return open_database(directory, db_url)


def start_up_backup(db: Database, window: QWidget) -> None:
    """The daily backup: on failure the program still opens, and says why in the status bar."""
    try:
        made = auto_backup(db)
    except AppError as exc:
        log.warning("start-up backup failed: %s", exc)
        window.statusBar().showMessage(f"自动备份未完成：{exc}", 15000)  # type: ignore[attr-defined]
        return
    if made is not None:
        window.statusBar().showMessage(f"已自动备份：{made.name}", 8000)  # type: ignore[attr-defined]
