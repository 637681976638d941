"""关怀记录 form: the recipient picked from the roster (by name, pinyin initials or address) or typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, SignalInstance
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLineEdit, QToolButton, QWidget

from desktop_app.core.domain.enums import CareStatus
from desktop_app.core.domain.fields import Field
from desktop_app.core.services.care import CareCategoryService, CareService, CategoryInfo
from desktop_app.core.services.people import ResidentService
from desktop_app.ui.forms.base import RecordForm
from desktop_app.ui.kit.editors import ChoiceEditor, Editor, editor_for


class ResidentPicker(Editor):
    """Type a name, pinyin initials or an address; pick from the matches."""

    def __init__(self, residents: ResidentService, on_pick: Any) -> None:
        self.residents = residents
        self.on_pick = on_pick
        self.resident_id: int | None = None
        self._matches: dict[str, tuple[int, str, str]] = {}
        self.widget = QWidget()
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        self.line = QLineEdit()
        self.line.setPlaceholderText("输入姓名、拼音首字母或门牌查找居民；不在名册中可直接填写下方姓名")
        self.model = QStringListModel()
        completer = QCompleter(self.model, self.line)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.activated[str].connect(self._picked)  # type: ignore[index]  # the text overload of the signal; the stubs know no overloads
        self.line.setCompleter(completer)
        self.line.textEdited.connect(self._search)
        clear = QToolButton()
        clear.setText("清除")
        clear.setToolTip("不关联名册中的居民")
        clear.clicked.connect(lambda: self.set_value(None))
        layout.addWidget(self.line, 1)
        layout.addWidget(clear)
        self.widget.setFocusProxy(self.line)

    @property
    def changed(self) -> SignalInstance:
        return self.line.textChanged

    def _search(self, text: str) -> None:
        self.resident_id = None
        matches = self.residents.pick(text) if text.strip() else []
        self._matches = {
            f"{name}（{address}）" if address else name: (rid, name, address) for rid, name, address in matches
        }
        self.model.setStringList(list(self._matches))

    def _picked(self, text: str) -> None:
        if text in self._matches:
            rid, name, address = self._matches[text]
            self.resident_id = rid
            self.on_pick(name, address)

    def value(self) -> int | None:
        return self.resident_id

    def set_value(self, value: Any) -> None:
        self.resident_id = value
        if value is None:
            self.line.clear()
            return
        values = self.residents.get(value)
        self.line.setText(f"{values['name']}（{values['address']}）")


class CareForm(RecordForm[CareService]):
    noun = "关怀记录"
    sections = (
        ("date", "category_id", "resident_id", "recipient_name", "recipient_address", "item", "amount", "handled_by"),
        ("status", "follow_up_date", "illness_detail", "notes"),
    )

    def make_editor(self, spec: Field) -> Editor:
        if spec.name == "resident_id":
            return ResidentPicker(ResidentService(self.service.db), self._fill_recipient)
        editor = editor_for(spec)
        if spec.name == "category_id":
            assert isinstance(editor, ChoiceEditor)
            self.categories = {c.id: c for c in CareCategoryService(self.service.db).list()}
            editor.set_choices([(c.id, c.name) for c in self.categories.values() if not c.retired])
            editor.widget.currentIndexChanged.connect(self._category_changed)
            self._previous_category: CategoryInfo | None = None
        return editor

    def defaults(self) -> dict[str, Any]:
        return {"date": dt.date.today(), "status": CareStatus.DONE}

    def load_extra(self, values: Mapping[str, Any]) -> None:
        category = self.editors["category_id"]
        assert isinstance(category, ChoiceEditor)
        current = values.get("category_id")
        if current in self.categories:
            category.ensure_choice(current, self.categories[current].name + "（已停用）")
            category.set_value(current)
        self._category_changed()

    def _fill_recipient(self, name: str, address: str) -> None:
        self.editors["recipient_name"].set_value(name)
        self.editors["recipient_address"].set_value(address)

    def _category_changed(self) -> None:
        """The category sets the default item and amount, unless the user changed them."""
        if not hasattr(self, "categories") or "notes" not in self.editors:  # the last field: all are built
            return
        category = self.categories.get(self.editors["category_id"].value())
        previous = self._previous_category
        item, amount = self.editors["item"], self.editors["amount"]
        if category is not None:
            if not item.value() or (previous and item.value() == previous.default_item):
                item.set_value(category.default_item)
            previous_amount = str(previous.default_amount) if previous and previous.default_amount else ""
            if not amount.value() or amount.value() == previous_amount:
                amount.set_value(category.default_amount)
        sensitive = bool(category and category.sensitive)
        if "illness_detail" in self.editors:  # a 社工's form has none
            self.set_field_visible("illness_detail", sensitive)
        self._previous_category = category
