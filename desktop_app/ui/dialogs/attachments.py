"""附件: photos and scans of a record, with thumbnails, drag-and-drop, open and remove."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import partial
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.services.attachments import AttachmentInfo, AttachmentService
from desktop_app.core.storage.database import Database
from desktop_app.ui.kit import file_dialogs
from desktop_app.ui.kit.file_dialogs import FileKind
from desktop_app.ui.kit.operations import attempt
from desktop_app.ui.kit.screen import fit_to_screen
from desktop_app.ui.kit.signals import on_click
from desktop_app.ui.kit.ui_settings import ui_settings

THUMBNAIL = QSize(120, 120)


_viewer_folder: list[Path] = []


def viewer_folder() -> Path:
    """A folder only this user can read, for the plain copies a viewer opens; removed at exit."""
    if not _viewer_folder:
        folder = Path(tempfile.mkdtemp(prefix="shuji-view-"))
        atexit.register(shutil.rmtree, folder, True)
        _viewer_folder.append(folder)
    return _viewer_folder[0]


class AttachmentsDialog(QDialog):
    def __init__(self, db: Database, owner_kind: str, owner_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = AttachmentService(db)
        self.settings = ui_settings(db.data_dir)
        self.owner_kind, self.owner_id = owner_kind, owner_id
        self.setWindowTitle("附件")
        fit_to_screen(self, QSize(640, 420))
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        hint = QLabel("可以把照片或扫描件直接拖到这里。双击打开。")
        layout.addWidget(hint)
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(THUMBNAIL)
        self.list.setGridSize(QSize(150, 160))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setWordWrap(True)
        self.list.itemDoubleClicked.connect(self._open_item)
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        for text, slot in (("添加…", self.choose_files), ("打开", self.open_selected), ("移除", self.remove_selected)):
            button = QPushButton(text)
            on_click(button.clicked, slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton("关闭")
        on_click(close.clicked, self.accept)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for info in self.service.list(self.owner_kind, self.owner_id):
            item = QListWidgetItem(self._icon(info), info.original_name)
            item.setData(Qt.ItemDataRole.UserRole, info)
            item.setToolTip(f"{info.original_name}（{info.size / 1024:.0f} KB）")
            self.list.addItem(item)

    def _icon(self, info: AttachmentInfo) -> QIcon:
        if info.is_image and info.exists:
            pixmap = QPixmap()
            read = attempt(self, lambda: self.service.read(info))
            if read.ok and read.value is not None and pixmap.loadFromData(read.value):
                return QIcon(
                    pixmap.scaled(
                        THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                    )
                )
        return self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)

    def add_files(self, paths: list[Path]) -> None:
        for path in paths:
            if not attempt(self, partial(self.service.add, self.owner_kind, self.owner_id, path)).ok:
                break
        self.refresh()

    def choose_files(self) -> None:
        filters = "图片和文档 (*.jpg *.jpeg *.png *.bmp *.pdf);;所有文件 (*)"
        self.add_files(file_dialogs.open_files(self, self.settings, FileKind.ATTACHMENT, "选择附件", filters))

    def _selected(self) -> list[AttachmentInfo]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()]

    def _open_item(self, item: QListWidgetItem) -> None:
        info: AttachmentInfo = item.data(Qt.ItemDataRole.UserRole)
        if not info.exists:
            QMessageBox.warning(self, "无法打开", f"附件文件“{info.original_name}”已丢失，请从备份中恢复。")
            return
        # Another program opens a plain copy in this session's private folder, removed when the program ends.
        copied = attempt(self, lambda: self.service.copy_out(info, viewer_folder()))
        if copied.ok and copied.value is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(copied.value)))

    def open_selected(self) -> None:
        for item in self.list.selectedItems():
            self._open_item(item)

    def remove_selected(self) -> None:
        for info in self._selected():
            self.service.remove(info.id)
        self.refresh()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        self.add_files(paths)
        event.acceptProposedAction()
