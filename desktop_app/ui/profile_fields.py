"""The community profile's fields, shared by the first-run dialog and 设置."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from desktop_app.core.domain.errors import ValidationError
from desktop_app.core.services.profile import ProfileService
from desktop_app.core.storage.database import Database
from desktop_app.ui.errors import report_failure
from desktop_app.ui.forms.base import ERROR_STYLE


class ProfileFields(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = ProfileService(db)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.edits: dict[str, QLineEdit] = {}
        profile = self.service.get()
        for spec in self.service.fields:
            edit = QLineEdit(getattr(profile, spec.name))
            self.edits[spec.name] = edit
            form.addRow(spec.label + ("*" if spec.required else ""), edit)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        form.addRow(self.error)

    def save(self) -> bool:
        """Save through the service; on failure show why and keep what was typed."""
        try:
            self.service.save({name: edit.text() for name, edit in self.edits.items()})
        except ValidationError as exc:
            self.error.setText(exc.describe())
            return False
        except Exception as exc:
            report_failure(self, exc)
            return False
        self.error.setText("")
        return True
