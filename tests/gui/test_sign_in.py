"""Shared mode as a person meets it: the sign-in dialog (their own account, by keys; a wrong password said and
kept for another try), the start signing in before anything opens, and 设置 → 连接服务器 kept without the
password. A real PostgreSQL with TLS and SCRAM."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMainWindow

from desktop_app.core.storage import server_connection
from desktop_app.core.storage.server_connection import REQUIRE, ServerConnection
from desktop_app.ui.dialogs.sign_in import SignInDialog
from desktop_app.ui.shell.app import UNVERIFIED_SERVER, server_in_use
from desktop_app.ui.views.settings import SettingsView
from tests.tls_postgres import office_account

Key = Qt.Key
PASSWORD = "梅陇三村-2026-秋天的银杏"


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def test_a_wrong_password_is_said_and_kept_then_the_right_one_signs_in(qtbot, app, office_server, type_text):
    connection, login = office_account(office_server, PASSWORD)
    dialog = shown(qtbot, SignInDialog(connection))
    assert connection.where in [label.text() for label in dialog.findChildren(type(dialog.error))]
    assert QApplication.focusWidget() is dialog.password, "the login is filled in: the cursor waits in 密码"
    assert not dialog.warning.isVisible(), "the server's certificate is verified: no warning"
    if server_connection.keyring_unavailable() is not None:
        assert not dialog.remember.isEnabled()
        assert dialog.keyring_note.text() == server_connection.keyring_unavailable()

    type_text(dialog.password, "猜的密码")
    qtbot.keyClick(dialog.password, Key.Key_Return)
    assert dialog.isVisible(), "a refusal keeps the dialog"
    assert "密码不对" in dialog.error.text()
    assert dialog.login.text() == login

    type_text(dialog.password, PASSWORD)  # the wrong one was selected: typing replaces it
    qtbot.keyClick(dialog.password, Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.signed_in_password == PASSWORD
    assert dialog.connection.login == login


def test_the_start_signs_in_with_the_kept_connection_and_warns_when_it_only_encrypts(
    qtbot, app, office_server, tmp_path, drive_modal, type_text
):
    connection, login = office_account(office_server, PASSWORD)
    server_connection.save(tmp_path, ServerConnection.checked(connection.url, None, REQUIRE))
    window = shown(qtbot, QMainWindow())

    def sign_in(dialog):
        assert isinstance(dialog, SignInDialog)
        assert dialog.warning.isVisible()
        assert "不验证服务器的证书" in dialog.warning.text()
        type_text(dialog.password, PASSWORD)
        qtbot.keyClick(dialog.password, Key.Key_Return)

    url, password = drive_modal(lambda: server_in_use(window, tmp_path, None), sign_in)
    assert password == PASSWORD
    assert f"{login}@127.0.0.1" in url
    assert "sslmode=require" in url
    assert PASSWORD not in url

    def warned() -> bool:
        return any(
            label.isVisible() and label.text() == UNVERIFIED_SERVER and "不验证服务器的证书" in label.toolTip()
            for label in window.statusBar().findChildren(QLabel)
        )

    qtbot.waitUntil(warned)  # a permanent part of the status bar: news never covers it


def test_cancelling_the_sign_in_opens_nothing(qtbot, app, office_server, tmp_path, drive_modal):
    connection, _ = office_account(office_server, PASSWORD)
    server_connection.save(tmp_path, connection)
    window = shown(qtbot, QMainWindow())
    chosen = drive_modal(
        lambda: server_in_use(window, tmp_path, None),
        lambda dialog: qtbot.keyClick(dialog.password, Key.Key_Escape),
    )
    assert chosen is None, "no server, and never this PC's own file instead"
    assert server_in_use(window, tmp_path / "elsewhere", None) == (None, None), "nothing kept: the PC's own file"


def test_the_connection_typed_in_settings_is_kept_without_the_password(qtbot, context, office_server, type_text):
    view = shown(qtbot, SettingsView(context))
    box = view.server
    view.scroll_area.ensureWidgetVisible(box)
    assert "本机的数据文件" in box.in_use.text()
    box.url.setFocus()
    type_text(box.url, "postgresql+psycopg://lisi:mima@db.example/shuji")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert box.error.isVisible()
    assert "服务器地址" in box.error.text()
    assert "不能写密码" in box.error.text()
    assert server_connection.load(context.db.data_dir) is None, "nothing kept"

    box.url.selectAll()
    type_text(box.url, "postgresql+psycopg://lisi@db.example:5432/shuji")
    box.ca_file.setFocus()
    type_text(box.ca_file, str(office_server.ca_file))
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert not box.error.isVisible()
    kept = server_connection.load(context.db.data_dir)
    assert kept == ServerConnection("postgresql+psycopg://lisi@db.example:5432/shuji", office_server.ca_file)
    assert "mima" not in server_connection.settings_path(context.db.data_dir).read_text(encoding="utf-8")

    assert not box.warning.isVisible()
    box.only_encrypt.setFocus()
    qtbot.keyClick(box.only_encrypt, Key.Key_Space)
    assert box.only_encrypt.isChecked()
    assert box.warning.isVisible(), "only encrypting is always shown with its warning"
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    kept = server_connection.load(context.db.data_dir)
    assert kept is not None
    assert kept.tls == REQUIRE
