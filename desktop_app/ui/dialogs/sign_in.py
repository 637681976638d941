"""登录数据库服务器: each person signs in with their own account (SCRAM on the server); the server and database
are shown, a warning when the line is only encrypted, and every refusal in Chinese with what was typed kept."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop_app.core.storage import server_connection
from desktop_app.core.storage.server_connection import ServerConnection, SignInError
from desktop_app.ui.kit.dialog_buttons import ok_cancel
from desktop_app.ui.kit.screen import fit_to_screen
from desktop_app.ui.kit.styles import ERROR_STYLE


class SignInDialog(QDialog):
    """Accepted once the server took the sign-in: `connection` (as the person) and `password` open the data; the
    password stays in memory only."""

    def __init__(self, connection: ServerConnection, parent: QWidget | None = None, problem: str | None = None) -> None:
        """`problem`: why signing in without the dialog failed (the server away), said at once."""
        super().__init__(parent)
        self.connection = connection
        self.signed_in_password: str | None = None
        self.setWindowTitle("登录数据库服务器")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow("服务器", QLabel(connection.where))
        self.login = QLineEdit(connection.login)
        form.addRow("登录名", self.login)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("密码", self.password)
        self.remember = QCheckBox("记住密码（保存在系统钥匙串中）")
        unavailable = server_connection.keyring_unavailable()
        self.remember.setEnabled(unavailable is None)
        form.addRow("", self.remember)
        layout.addLayout(form)
        if unavailable is not None:
            self.keyring_note = QLabel(unavailable)
            self.keyring_note.setWordWrap(True)
            layout.addWidget(self.keyring_note)
        self.warning = QLabel(connection.warning or "")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(ERROR_STYLE)
        self.warning.setVisible(connection.warning is not None)
        layout.addWidget(self.warning)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setText(problem or "")
        self.error.setVisible(problem is not None)
        layout.addWidget(self.error)
        self.buttons = ok_cancel(self, ok="登录")
        layout.addWidget(self.buttons)
        (self.password if connection.login else self.login).setFocus(Qt.FocusReason.OtherFocusReason)
        fit_to_screen(self, QSize(560, 300))

    def accept(self) -> None:
        """Sign in now; a refusal is said here and everything typed stays for another try."""
        connection = self.connection.as_login(self.login.text())
        password = self.password.text()
        try:
            connection.try_sign_in(password or None)
        except SignInError as exc:
            self.error.setText(str(exc))
            self.error.show()
            target = self.password if exc.needs_password else self.login
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            target.selectAll()
            return
        self.connection = connection
        self.signed_in_password = password or None
        if self.remember.isChecked() and password:
            server_connection.remember_password(connection, password)
        super().accept()


def sign_in(connection: ServerConnection, parent: QWidget | None) -> tuple[ServerConnection, str | None] | None:
    """The person signed in to the server: (connection as them, password, held in memory only). Without the dialog
    when the keyring or libpq's .pgpass has the password; None when they cancelled."""
    try:
        remembered = server_connection.remembered_password(connection)
        connection.try_sign_in(remembered)
        return connection, remembered
    except SignInError as exc:
        problem = None if exc.needs_password else str(exc)
    dialog = SignInDialog(connection, parent, problem)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.connection, dialog.signed_in_password
    finally:
        dialog.deleteLater()  # asked once: not kept under the window for the rest of the run
