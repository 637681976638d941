"""Starting the GUI: Qt's Chinese translation, a CJK font, the instance lock, the database."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import APP_NAME, __version__
from desktop_app.core.errors import AppError
from desktop_app.core.lock import InstanceLock
from desktop_app.core.paths import LOG_DIRNAME, resolve_data_dir

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


def run_gui(data_dir: str | None = None, db_url: str | None = None) -> int:
    from desktop_app.core.startup import open_database
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
        db = open_database(directory, db_url)
    except AppError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        lock.release()
        return 1
    try:
        from desktop_app.core.services.profile import ProfileService

        if not ProfileService(db).get().is_set and not FirstRunDialog(db).exec():
            return 0
        window = MainWindow(AppContext.open(db))
        window.show()
        return app.exec()
    finally:
        db.dispose()
        lock.release()
