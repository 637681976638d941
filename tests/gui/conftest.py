from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.ui import errors


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
    from desktop_app.ui import dialogs

    questions: list[str] = []
    monkeypatch.setattr(dialogs, "ask", lambda parent, question: questions.append(question) or True)
    return questions


@pytest.fixture(autouse=True)
def no_modal_loops(monkeypatch):
    """A modal dialog would wait for a click that never comes: fail at once instead of hanging."""
    from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox

    def refuse(*args, **kwargs):
        raise AssertionError(f"unexpected modal dialog: {args[:2]}")

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, refuse)
    monkeypatch.setattr(QInputDialog, "getText", refuse)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", refuse)
    monkeypatch.setattr(QDialog, "exec", refuse)


@pytest.fixture
def app(qapp):
    from desktop_app.ui.app import create_application

    return create_application()


@pytest.fixture
def context(app, db):
    from desktop_app.ui.context import AppContext

    return AppContext.open(db)


@pytest.fixture
def demo_context(context):
    from desktop_app.core.demo import fill_demo

    fill_demo(context.db, "small", today=dt.date(2024, 6, 15))
    return context
