"""The form dialog every record kind shares: inline Chinese errors, Enter saves, Esc asks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.domain.errors import EditConflictError, ValidationError
from desktop_app.core.domain.fields import Field, FieldType
from desktop_app.core.services.base import RecordService
from desktop_app.ui.dialogs.edit_conflict import ConflictChoice, settle_conflict
from desktop_app.ui.kit import prompts
from desktop_app.ui.kit.dialog_buttons import standard_buttons
from desktop_app.ui.kit.editors import Editor, editor_for
from desktop_app.ui.kit.errors import report_failure
from desktop_app.ui.kit.screen import fit_to_screen
from desktop_app.ui.kit.styles import ERROR_STYLE

S = TypeVar("S", bound=RecordService)


class RecordForm(QDialog, Generic[S]):
    """Subclasses set `noun` and may override `sections`, `build_extra`, `extra_values`, `load_extra`."""

    noun = "记录"
    # Field names laid out per column; None means every field of the service, in one column.
    sections: Sequence[Sequence[str]] | None = None
    initial_size: tuple[int, int] | None = None

    def __init__(
        self,
        service: S,
        record_id: int | None = None,
        parent: QWidget | None = None,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.record_id = record_id
        self.saved_id: int | None = None
        self.specs = {spec.name: spec for spec in service.fields}
        self.editors: dict[str, Editor] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._general_errors: dict[str, str] = {}  # complaints about parts that are not one field, by name
        self._rows: dict[str, tuple[QFormLayout, QWidget]] = {}
        self.setWindowTitle(("编辑" if record_id else "新增") + self.noun)
        self.setSizeGripEnabled(True)
        self.setMinimumWidth(720)

        outer = QVBoxLayout(self)
        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        # The fields scroll; the error line and the buttons below them always stay on screen.
        content = QWidget()
        self.content = QVBoxLayout(content)
        self.content.setContentsMargins(0, 0, 0, 0)
        self.body = QHBoxLayout()
        self.content.addLayout(self.body, 1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        outer.addWidget(self.scroll_area, 1)
        unseen = service.unseen_fields()  # a 社工's: no ID number, no illness
        for names in self.sections or [list(self.specs)]:
            form = QFormLayout()
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for name in names:
                if name not in unseen:
                    self._add_row(form, self.specs[name])
            column = QWidget()
            column_layout = QVBoxLayout(column)
            column_layout.setContentsMargins(0, 0, 0, 0)
            column_layout.addLayout(form)
            column_layout.addStretch(1)  # rows keep their height; spare room goes below
            self.body.addWidget(column, 1)
        self.build_extra()
        outer.addWidget(self.general_error)
        self.buttons = standard_buttons(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        # In multi-line fields Enter is a new line; Ctrl+Enter saves from anywhere.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.save)

        values = service.get(record_id) if record_id else self.defaults()
        # The version this form edits: a save finds out whether someone else saved the record meanwhile.
        self.version: int | None = values.get("version")
        if initial:
            values.update(initial)
        self.load(values)
        self._initial = self.values()
        self._make_save_the_only_default()
        # The cursor starts in the first field: a form opened with Ctrl+N is typed into at once.
        next(iter(self.editors.values())).widget.setFocus(Qt.FocusReason.OtherFocusReason)
        for name, editor in self.editors.items():
            editor.changed.connect(lambda *_args, name=name: self._clear_error(name))
        self.content.invalidate()  # its cached hint predates the fields added above
        content_hint = self.content.sizeHint()
        preferred = (
            QSize(*self.initial_size)
            if self.initial_size
            else QSize(content_hint.width() + 40, content_hint.height() + self.buttons.sizeHint().height() + 60)
        )
        fit_to_screen(self, preferred)

    def _make_save_the_only_default(self) -> None:
        """Enter saves: no other button (全部出席, 添加举措 …) may take Enter for itself."""
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(button is save)
            button.setDefault(button is save)

    def _clear_error(self, name: str) -> None:
        """A value was changed: its old complaint no longer applies (beside its field, or in the line below
        the fields for a part of the form that is not one field, such as the attendance table)."""
        if name in self.error_labels:
            self.error_labels[name].hide()
        elif self._general_errors.pop(name, None) is not None:
            self._show_general_errors()

    # -- building -------------------------------------------------------------------
    def _add_row(self, form: QFormLayout, spec: Field) -> None:
        editor = self.make_editor(spec)
        self.editors[spec.name] = editor
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        self.error_labels[spec.name] = error
        cell = QWidget()
        cell_layout = QVBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        cell_layout.setSpacing(2)
        cell_layout.addWidget(editor.widget)
        cell_layout.addWidget(error)
        label = "" if spec.type is FieldType.BOOL else spec.label + ("*" if spec.required else "")
        form.addRow(label, cell)
        self._rows[spec.name] = (form, cell)

    def set_field_visible(self, name: str, visible: bool) -> None:
        form, cell = self._rows[name]
        form.setRowVisible(cell, visible)

    def make_editor(self, spec: Field) -> Editor:
        return editor_for(spec)

    def build_extra(self) -> None:
        """Add widgets beyond the plain fields (tables, pickers)."""

    def defaults(self) -> dict[str, Any]:
        return {}

    # -- values ---------------------------------------------------------------------
    def load(self, values: Mapping[str, Any]) -> None:
        for name, editor in self.editors.items():
            if name in values:
                editor.set_value(values[name])
        self.load_extra(values)

    def load_extra(self, values: Mapping[str, Any]) -> None:
        """Fill the widgets beyond the plain fields (tables, pickers) from the record's values."""

    def values(self) -> dict[str, Any]:
        values = {name: editor.value() for name, editor in self.editors.items()}
        values.update(self.extra_values())
        return values

    def extra_values(self) -> dict[str, Any]:
        return {}

    def is_dirty(self) -> bool:
        return self.values() != self._initial

    # -- saving ---------------------------------------------------------------------
    def show_errors(self, errors: Mapping[str, str]) -> None:
        for name, label in self.error_labels.items():
            label.setVisible(name in errors)
            label.setText(errors.get(name, ""))
        self._general_errors = {name: message for name, message in errors.items() if name not in self.error_labels}
        self._show_general_errors()
        first = next((name for name in self.editors if name in errors), None)
        if first:
            self.editors[first].widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_general_errors(self) -> None:
        self.general_error.setText("\n".join(self._general_errors.values()))
        self.general_error.setVisible(bool(self._general_errors))

    def save(self) -> None:
        values = self.values()
        warnings = self.service.warnings(values)
        if warnings and not self.ask("请核对：\n" + "\n".join(f"· {w}" for w in warnings) + "\n\n仍要保存吗？"):
            return
        try:
            if self.record_id:
                self.service.update(self.record_id, values, self.version)
                self.saved_id = self.record_id
            else:
                self.saved_id = self.service.create(values)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except EditConflictError as exc:
            self.show_errors({})
            self.settle(exc)
            return
        except Exception as exc:  # the one failure route; the form stays open with what was typed
            self.show_errors({})
            report_failure(self, exc)
            return
        self.after_save(self.saved_id)
        super().accept()

    def settle(self, conflict: EditConflictError) -> None:
        """Someone else saved the record meanwhile: the person chooses; by default the form stays as typed."""
        choice = settle_conflict(conflict, self)
        if choice is ConflictChoice.MINE:
            self.version = conflict.version  # saved over the version they have now seen
            self.save()
        elif choice is ConflictChoice.THEIRS:
            self.discard_unsaved()

    def after_save(self, record_id: int) -> None:
        """Hook for work that needs the saved id."""

    def accept(self) -> None:
        self.save()

    def ask(self, question: str) -> bool:
        """A yes/no question; tests replace it."""
        return prompts.ask(self, question)

    # -- closing with the window (ui.kit.unsaved) ---------------------------------------
    def unsaved(self) -> list[str]:
        return [f"“{self.windowTitle()}”表单中填写的内容"] if self.isVisible() and self.is_dirty() else []

    def save_unsaved(self) -> bool:
        self.save()
        return not self.isVisible()  # a failed save keeps the form open, its errors under the fields

    def discard_unsaved(self) -> None:
        super().reject()

    def reject(self) -> None:
        if self.is_dirty() and not self.ask("已填写的内容还没有保存，确定放弃吗？\n（选“否”回到表单继续填写）"):
            return
        super().reject()
