"""设置 → 连接服务器: the office's server this PC uses from the next start (address and CA file, no password),
or this PC's own data file. Saved with 保存设置."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from desktop_app.core.domain.errors import AppError, ValidationError
from desktop_app.core.storage import server_connection
from desktop_app.core.storage.server_connection import REQUIRE, REQUIRE_WARNING, VERIFY_FULL, ServerConnection
from desktop_app.ui.kit import file_dialogs
from desktop_app.ui.kit.context import AppContext
from desktop_app.ui.kit.file_dialogs import FileKind
from desktop_app.ui.kit.signals import on_click
from desktop_app.ui.kit.styles import ERROR_STYLE

LOCAL_FILE = "本机的数据文件（只有这台电脑使用）"


class ServerBox(QGroupBox):
    def __init__(self, context: AppContext) -> None:
        super().__init__("连接服务器")
        self.context = context
        self.data_dir = context.db.data_dir
        form = QFormLayout(self)
        self.in_use = QLabel()
        self.in_use.setWordWrap(True)
        form.addRow("现在使用", self.in_use)
        self.url = QLineEdit()
        self.url.setPlaceholderText("postgresql+psycopg://登录名@服务器:5432/数据库")
        self.url.setToolTip(
            "由管理服务器的人提供；不要写密码，密码在启动时的登录窗口中输入。留空则使用本机的数据文件。"
        )
        form.addRow("服务器地址", self.url)
        self.ca_file = QLineEdit()
        self.ca_file.setPlaceholderText("服务器的证书（CA）文件，.pem 或 .crt")
        choose = QPushButton("选择…")
        on_click(choose.clicked, self.choose_ca_file)
        ca_row = QWidget()
        row = QHBoxLayout(ca_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.ca_file, 1)
        row.addWidget(choose)
        form.addRow("证书文件", ca_row)
        self.only_encrypt = QCheckBox("只加密、不验证服务器证书（不安全）")
        self.only_encrypt.toggled.connect(self._show_warning)
        form.addRow("", self.only_encrypt)
        self.warning = QLabel(REQUIRE_WARNING)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(ERROR_STYLE)
        form.addRow(self.warning)
        note = QLabel("保存后，下次启动时连接这个服务器（每人用自己的账号登录）；密码不会保存在本机的文件中。")
        note.setWordWrap(True)
        form.addRow(note)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        form.addRow(self.error)
        self.reload()

    def _show_warning(self) -> None:
        self.warning.setVisible(self.only_encrypt.isChecked())

    def choose_ca_file(self) -> None:
        chosen = file_dialogs.open_file(
            self,
            self.context.settings,
            FileKind.SERVER_CA,
            "选择服务器的证书文件",
            "证书文件 (*.pem *.crt *.cer);;所有文件 (*)",
        )
        if chosen is not None:
            self.ca_file.setText(str(chosen))

    def reload(self) -> None:
        self.error.hide()
        try:
            kept = server_connection.load(self.data_dir)
        except AppError as exc:
            kept = None
            self.error.setText(str(exc))
            self.error.show()
        self.url.setText(kept.url if kept else "")
        self.ca_file.setText(str(kept.ca_file or "") if kept else "")
        self.only_encrypt.setChecked(bool(kept and kept.tls == REQUIRE))
        self._show_warning()
        if self.context.db.is_sqlite:
            self.in_use.setText(LOCAL_FILE)
        else:
            address = self.context.db.engine.url
            self.in_use.setText(
                f"服务器 {address.host}:{address.port or 5432} / {address.database}（{address.username}）"
            )

    def state(self) -> object:
        return (self.url.text(), self.ca_file.text(), self.only_encrypt.isChecked())

    def save(self) -> bool:
        self.error.hide()
        if not self.url.text().strip():
            server_connection.forget(self.data_dir)
            return True
        try:
            connection = ServerConnection.checked(
                self.url.text(),
                self.ca_file.text().strip() or None,
                REQUIRE if self.only_encrypt.isChecked() else VERIFY_FULL,
            )
            server_connection.save(self.data_dir, connection)
        except ValidationError as exc:
            self.error.setText("连接服务器：" + exc.describe())
            self.error.show()
            return False
        except OSError as exc:
            self.error.setText(f"连接服务器：无法保存（{exc.strerror or exc}）")
            self.error.show()
            return False
        self.url.setText(connection.url)
        return True
