"""The community profile's fields, shared by the first-run dialog and 设置."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from desktop_app.core.domain.errors import EditConflictError, ValidationError
from desktop_app.core.services.profile import ProfileService
from desktop_app.core.storage.database import Database
from desktop_app.ui.kit.errors import report_failure
from desktop_app.ui.kit.styles import ERROR_STYLE

# A street office's copy keeps its own name where a community's keeps the community's; the fields that
# describe a community are not asked.
STREET_LABELS = {"community_name": "街道名称", "org_name": "党组织名称（如 某某街道党工委）"}
COMMUNITY_ONLY = ("street_office", "secretary_name", "unit_code")


class ProfileFields(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = ProfileService(db)
        form = QFormLayout(self)
        self.form = form
        form.setContentsMargins(0, 0, 0, 0)
        self.edits: dict[str, QLineEdit] = {}
        profile = self.service.get()
        self.version = profile.version  # what the fields were filled from: handed back when saving
        for spec in self.service.fields:
            edit = QLineEdit(getattr(profile, spec.name))
            self.edits[spec.name] = edit
            form.addRow(spec.label + ("*" if spec.required else ""), edit)
        self.street = False
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        form.addRow(self.error)

    def reload(self) -> None:
        """The saved profile, read afresh (it may have been saved elsewhere)."""
        profile = self.service.get()
        self.version = profile.version
        for name, edit in self.edits.items():
            edit.setText(getattr(profile, name))

    def use_for_street(self, street: bool) -> None:
        """Ask what a street office's copy needs (its own name), or what a community's does."""
        self.street = street
        for spec in self.service.fields:
            edit = self.edits[spec.name]
            self.form.setRowVisible(edit, not (street and spec.name in COMMUNITY_ONLY))
            label = self.form.labelForField(edit)
            if isinstance(label, QLabel):
                text = STREET_LABELS.get(spec.name, spec.label) if street else spec.label
                label.setText(text + ("*" if spec.required else ""))

    def save(self) -> bool:
        """Save through the service; on failure show why and keep what was typed. Someone else's save meanwhile
        (EditConflictError) is raised for the page to settle with the person."""
        try:
            self.version = self.service.save(
                {name: edit.text() for name, edit in self.edits.items()}, self.version
            ).version
        except EditConflictError:
            raise
        except ValidationError as exc:
            labels = {**exc.labels, **STREET_LABELS} if self.street else exc.labels
            self.error.setText(ValidationError(exc.errors, labels).describe())
            return False
        except Exception as exc:
            report_failure(self, exc)
            return False
        self.error.setText("")
        return True
