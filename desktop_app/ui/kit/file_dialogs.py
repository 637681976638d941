"""Every file dialog of the program, through one door.

A dialog opens in the folder last used for that kind of file (kept in the window's settings, 界面设置.ini), or
in 文档 the first time — never in the program's own folder, where a person would save a report among its
libraries. Qt's own dialog (a Linux desktop without a native one) shows file dates as the program does,
2026-12-06 18:40, and sizes in Chinese, whatever the system's locale ("6 12 2026", "0 bytes" under C).
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QIdentityProxyModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    QSize,
    QStandardPaths,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel, QHeaderView, QTreeView, QWidget

from desktop_app.ui.kit.formatting import moment_text
from desktop_app.ui.kit.screen import fit_to_screen


class FileKind(Enum):
    """A kind of file, by the settings key of the folder last used for it (keys kept from earlier versions)."""

    REPORT = "reports/last_dir"
    MEETING_PDF = "meetings/pdf_dir"
    ROSTER = "files/roster_dir"  # import sheets and their templates
    ATTACHMENT = "files/attachment_dir"
    BACKUP = "files/backup_dir"  # 备份到其他位置, and a backup chosen to restore
    STREET_KEY = "street/key_dir"
    PACKAGE_OUT = "street/package_out"
    PACKAGE_IN = "street/package_dir"
    SERVER_CA = "server/ca_dir"  # the server's certificate (CA) file, from the office's IT person


def documents_folder() -> Path:
    """文档; the home folder where there is none (a dialog told a missing folder opens in the program's)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def start_folder(settings: QSettings, kind: FileKind) -> Path:
    """The folder last used for this kind of file while it still exists, else 文档."""
    remembered = settings.value(kind.value)
    if remembered and Path(str(remembered)).is_dir():
        return Path(str(remembered))
    return documents_folder()


def remember(settings: QSettings, kind: FileKind, chosen: Path) -> None:
    settings.setValue(kind.value, str(chosen if chosen.is_dir() else chosen.parent))


def open_file(parent: QWidget, settings: QSettings, kind: FileKind, title: str, filters: str) -> Path | None:
    _dates_as_the_program_writes_them()
    path, _ = QFileDialog.getOpenFileName(parent, title, str(start_folder(settings, kind)), filters)
    return _chosen(settings, kind, path)


def open_files(parent: QWidget, settings: QSettings, kind: FileKind, title: str, filters: str) -> list[Path]:
    _dates_as_the_program_writes_them()
    paths, _ = QFileDialog.getOpenFileNames(parent, title, str(start_folder(settings, kind)), filters)
    chosen = [Path(p) for p in paths]
    if chosen:
        remember(settings, kind, chosen[0])
    return chosen


def save_file(
    parent: QWidget, settings: QSettings, kind: FileKind, title: str, name: str, filters: str, suffix: str
) -> Path | None:
    """`name` is suggested in the start folder; a name typed without `suffix` (".xlsx") gets it."""
    _dates_as_the_program_writes_them()
    path, _ = QFileDialog.getSaveFileName(parent, title, str(start_folder(settings, kind) / name), filters)
    chosen = _chosen(settings, kind, path)
    if chosen is not None and chosen.suffix.lower() != suffix:
        chosen = chosen.with_name(chosen.name + suffix)
    return chosen


def folder(parent: QWidget, settings: QSettings, kind: FileKind, title: str) -> Path | None:
    _dates_as_the_program_writes_them()
    return _chosen(settings, kind, QFileDialog.getExistingDirectory(parent, title, str(start_folder(settings, kind))))


def _chosen(settings: QSettings, kind: FileKind, path: str) -> Path | None:
    if not path:
        return None
    remember(settings, kind, Path(path))
    return Path(path)


class ProgramDates(QIdentityProxyModel):
    """Qt's file list with the 修改日期 and 大小 columns in the program's words (Qt asks the system's locale)."""

    SIZE, DATE = 1, 3

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        files = self.sourceModel()
        if role == Qt.ItemDataRole.DisplayRole and isinstance(files, QFileSystemModel):
            source = self.mapToSource(index)
            if index.column() == self.DATE:
                modified = files.lastModified(source)
                moment = modified.toPython() if modified.isValid() else None
                if isinstance(moment, dt.datetime):
                    return moment_text(moment)
            elif index.column() == self.SIZE and not files.isDir(source):
                return QLocale(QLocale.Language.Chinese, QLocale.Country.China).formattedDataSize(files.size(source))
        return super().data(index, role)


def _dates_as_the_program_writes_them() -> None:
    """Qt's static dialogs make their dialog inside the call: once it is up, its list gets ProgramDates (a native
    dialog draws its own list and ignores it)."""

    def adopt() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QFileDialog) and dialog.proxyModel() is None:
            dialog.setProxyModel(ProgramDates(dialog))
            # Qt's own dialog opens small, names and dates cut: larger (fitted to the screen), where it was.
            center = dialog.geometry().center()
            fit_to_screen(dialog, QSize(900, 560))
            frame = dialog.geometry()
            frame.moveCenter(center)
            dialog.move(frame.topLeft())
            for view in dialog.findChildren(QTreeView):
                header = view.header()
                header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
                for column in range(1, header.count()):
                    header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    QTimer.singleShot(0, adopt)
