from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.ui.kit import errors


@pytest.fixture(autouse=True)
def shown_errors(monkeypatch):
    """Record what the user would be shown instead of opening modal dialogs."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(errors, "show_message", lambda parent, title, message: shown.append((title, message)))
    monkeypatch.setattr(errors, "show_crash", lambda parent, message, details: shown.append(("crash", details)))
    return shown


@pytest.fixture(autouse=True)
def asked(monkeypatch):
    """Questions the program asked; answered yes unless a test answers itself."""

    questions: list[str] = []
    from desktop_app.ui.kit import prompts

    monkeypatch.setattr(prompts, "ask", lambda parent, question: questions.append(question) or True)
    return questions


STATIC_DIALOGS = {
    "QMessageBox": ("question", "warning", "information", "critical", "about", "aboutQt"),
    "QInputDialog": ("getText", "getInt", "getDouble", "getItem", "getMultiLineText"),
    "QFileDialog": (
        "getOpenFileName",
        "getOpenFileNames",
        "getSaveFileName",
        "getExistingDirectory",
        "getOpenFileUrl",
        "getSaveFileUrl",
        "getExistingDirectoryUrl",
    ),
    "QColorDialog": ("getColor",),
    "QFontDialog": ("getFont",),
}


class ModalGuard:
    """Modal loops fail at once unless a test drives the dialog (see `drive_modal`)."""

    def __init__(self) -> None:
        self.allow_exec = False


@pytest.fixture(autouse=True)
def told(monkeypatch):
    """Results the program told the person (prompts.inform), instead of a modal message box."""

    messages: list[str] = []
    from desktop_app.ui.kit import prompts

    monkeypatch.setattr(prompts, "inform", lambda parent, message, title="完成": messages.append(message))
    return messages


@pytest.fixture(autouse=True)
def no_modal_loops(monkeypatch):
    """A modal dialog would wait for a click that never comes: fail at once instead of hanging."""
    from PySide6 import QtWidgets

    guard = ModalGuard()

    def refuse_static(name):
        def refuse(*args, **kwargs):
            raise AssertionError(f"unexpected modal dialog {name}: {args[:3]}")

        return refuse

    for class_name, methods in STATIC_DIALOGS.items():
        cls = getattr(QtWidgets, class_name)
        for method in methods:
            monkeypatch.setattr(cls, method, refuse_static(f"{class_name}.{method}"))
    original_exec = QtWidgets.QDialog.exec

    def guarded_exec(self, *args):
        if guard.allow_exec:
            return original_exec(self, *args)
        raise AssertionError(f"unexpected modal dialog: {type(self).__name__} {self.windowTitle()}")

    monkeypatch.setattr(QtWidgets.QDialog, "exec", guarded_exec)
    return guard


@pytest.fixture
def drive_modal(no_modal_loops, qtbot):
    """`drive_modal(start, *handlers)`: `start()` opens modal dialogs one after another; each handler in turn
    acts on the next one as a person would and closes it (Enter, Esc, a click). A handler that fails or leaves
    its dialog open closes it, so a test fails instead of hanging."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog

    def run(start, *handlers, timeout_ms=10000):
        errors: list[BaseException] = []
        waited = [0]
        seen: list[object] = []

        def poll():
            dialog = QApplication.activeModalWidget()
            # A progress dialog is the program's, not a question: the person waits, as the poll does.
            if dialog is None or dialog in seen or isinstance(dialog, QProgressDialog):
                waited[0] += 10
                if waited[0] < timeout_ms:
                    QTimer.singleShot(10, poll)
                return
            seen.append(dialog)
            waited[0] = 0
            try:
                handlers[len(seen) - 1](dialog)
            except BaseException as exc:
                errors.append(exc)
            if dialog.isVisible():
                QTimer.singleShot(50, lambda: close_if_open(dialog))
            if len(seen) < len(handlers):
                QTimer.singleShot(10, poll)

        def close_if_open(dialog):
            if dialog.isVisible():
                errors.append(AssertionError(f"the dialog {dialog.windowTitle()} was left open"))
                dialog.done(0)

        no_modal_loops.allow_exec = True
        try:
            QTimer.singleShot(0, poll)
            result = start()
        finally:
            no_modal_loops.allow_exec = False
        if errors:
            raise errors[0]
        assert len(seen) == len(handlers), f"{len(seen)} modal dialogs opened, {len(handlers)} expected"
        return result

    return run


@pytest.fixture
def app(qapp):
    from desktop_app.ui.shell.app import create_application

    return create_application()


@pytest.fixture
def context(app, db):
    from desktop_app.ui.kit.context import AppContext

    return AppContext.open(db)


@pytest.fixture
def demo_context(context):
    from desktop_app.core.exchange.demo import fill_demo

    fill_demo(context.db, "small", today=dt.date(2024, 6, 15))
    return context


@pytest.fixture
def type_text(qtbot):
    """`type_text(widget, text)`: type as a person does: ASCII through key presses, Chinese through the
    input method's commit (QTest cannot press keys for characters no keyboard has; an IME commits them)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    def run(widget, text):
        for part in _runs(text):
            if part.isascii():
                qtbot.keyClicks(widget, part)
            else:
                event = QInputMethodEvent("", [])
                event.setCommitString(part)
                QApplication.sendEvent(widget, event)

    return run


@pytest.fixture
def type_into(qtbot, type_text):
    """`type_into(form, name, text)`: into a form's field as a person types (a date into its line), then Tab."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit

    def run(form, name, text):
        widget = form.editors[name].widget
        line = widget.findChild(QLineEdit) or widget
        line.setFocus()
        line.selectAll()
        type_text(line, text)
        qtbot.keyClick(line, Qt.Key.Key_Tab)

    return run


def _runs(text):
    """Split text into runs of ASCII and non-ASCII characters."""
    runs: list[str] = []
    for char in text:
        if runs and runs[-1][-1].isascii() == char.isascii():
            runs[-1] += char
        else:
            runs.append(char)
    return runs


PASSWORD = "春天的第一棵树开花了"  # strong enough to be accepted as a new password (passwords.judge)


@pytest.fixture
def set_password(qtbot, type_text):
    """A handler for the first start's 设置密码: the password typed twice, then Enter."""
    from PySide6.QtCore import Qt

    def handle(dialog):
        type_text(dialog.first, PASSWORD)
        dialog.second.setFocus()
        type_text(dialog.second, PASSWORD)
        qtbot.keyClick(dialog.second, Qt.Key.Key_Return)

    return handle


@pytest.fixture
def record_recovery_key(qtbot):
    """A handler for the 恢复密钥 page: ticks that it was written down, then Enter; the key is kept."""
    from PySide6.QtCore import Qt

    shown: list[str] = []

    def handle(dialog):
        shown.append(dialog.recovery)
        dialog.recorded.setFocus()
        qtbot.keyClick(dialog.recorded, Qt.Key.Key_Space)
        qtbot.keyClick(dialog.recorded, Qt.Key.Key_Return)

    handle.shown = shown
    return handle


def answer(qtbot, type_text, secret):
    """An unlock dialog handler: the secret typed, Enter; it waits for the check on its worker thread."""
    from PySide6.QtCore import Qt

    def handle(dialog):
        type_text(dialog.secret, secret)
        qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.done, timeout=10000)

    return handle


@pytest.fixture
def click_page(qtbot):
    """Click a page's title in the main window's navigation, as a person does (the window shown first)."""

    def click(window, title):
        from PySide6.QtCore import Qt

        if not window.isVisible():
            window.show()
            qtbot.waitExposed(window)
        item = next(window.nav.item(i) for i in range(window.nav.count()) if window.nav.item(i).text() == title)
        qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=window.nav.visualItemRect(item).center())

    return click


@pytest.fixture
def office_page(qtbot, click_page):
    """A main window on the common office screen (1366×768) with a page clicked in its navigation: (window, page).
    `active`: the window is the active one, so that keys typed reach it."""

    def open_page(context, title, active=False):
        from PySide6.QtWidgets import QApplication

        from desktop_app.ui.shell.main_window import MainWindow

        window = MainWindow(context)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        click_page(window, title)
        if active:
            window.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        return window, window.stack.currentWidget()

    return open_page


@pytest.fixture
def reminder_lines():
    """The lines of a 工作台's 今天要做的事, as shown."""

    def lines(panel):
        model = panel.todo.model()
        return [model.index(row, 0).data() for row in range(model.rowCount())]

    return lines


@pytest.fixture
def click_reminder(qtbot, reminder_lines):
    """Click the first reminder of a 工作台 that says `words`, as a person does: scrolled into view, then clicked."""

    def click(panel, words):
        from PySide6.QtCore import Qt

        row = next(i for i, line in enumerate(reminder_lines(panel)) if words in line)
        if not panel.isVisible():
            panel.window().show()
            qtbot.waitExposed(panel.window())
        index = panel.todo.model().index(row, 0)
        panel.todo.scrollTo(index)
        qtbot.mouseClick(panel.todo.viewport(), Qt.MouseButton.LeftButton, pos=panel.todo.visualRect(index).center())

    return click


@pytest.fixture
def text_size_restored(app):
    """The text size is the application's: put it back for the tests that follow."""
    from desktop_app.ui.kit.text_size import DEFAULT_POINTS, apply_points

    yield
    apply_points(DEFAULT_POINTS)


@pytest.fixture
def choose_text_size(qtbot, click_page, text_size_restored):
    """`choose_text_size(window, "特大")`: 设置 → 界面字号 chosen by keys as a person does, 保存设置 clicked."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.kit.text_size import SIZES

    def choose(window, label):
        click_page(window, "设置")
        settings = window.stack.currentWidget()
        combo = settings.thresholds.text_size
        settings.scroll_area.ensureWidgetVisible(combo)
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_Home)
        for _ in range(list(SIZES).index(label)):
            qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentData() == SIZES[label]
        qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
        assert QApplication.font().pointSize() == SIZES[label]
        QApplication.processEvents()  # the lists open meanwhile take the new size in

    return choose
