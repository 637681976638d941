"""Field specifications: what a form field holds, its Chinese label, and how it is validated."""

from __future__ import annotations

import builtins
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.core.domain import normalize
from desktop_app.core.domain.enums import LabeledEnum
from desktop_app.core.domain.errors import ValidationError


class FieldType(enum.Enum):
    TEXT = enum.auto()
    LONG_TEXT = enum.auto()
    DATE = enum.auto()
    TIME = enum.auto()
    MONEY = enum.auto()
    COUNT = enum.auto()
    ENUM = enum.auto()
    BOOL = enum.auto()
    PHONE = enum.auto()
    ID_NUMBER = enum.auto()
    TAGS = enum.auto()
    REF = enum.auto()  # the id of another record


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: FieldType = FieldType.TEXT
    required: bool = False
    max_length: int = 0
    enum: builtins.type[LabeledEnum] | None = None  # `type` alone is the field above
    # Sensitive personal information (个人信息保护法 art. 28) beyond phones and ID numbers, e.g. illness.
    sensitive: bool = False

    @property
    def is_sensitive(self) -> bool:
        return self.sensitive or self.type in (FieldType.PHONE, FieldType.ID_NUMBER)


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], ())


def _clean_one(spec: Field, value: Any) -> Any:
    kind = spec.type
    if kind in (FieldType.TEXT, FieldType.LONG_TEXT):
        text = normalize.clean_text(value, multiline=kind is FieldType.LONG_TEXT)
        if spec.max_length and len(text) > spec.max_length:
            raise ValueError(f"不能超过 {spec.max_length} 个字（现有 {len(text)} 个）")
        return text
    if kind is FieldType.DATE:
        return normalize.parse_date(value)
    if kind is FieldType.TIME:
        return normalize.parse_time(value)
    if kind is FieldType.MONEY:
        return normalize.parse_money(value)
    if kind is FieldType.COUNT:
        return normalize.parse_count(value)
    if kind is FieldType.PHONE:
        return normalize.normalize_phone(value)
    if kind is FieldType.ID_NUMBER:
        return normalize.normalize_id_number(value)
    if kind is FieldType.BOOL:
        return bool(value)
    if kind is FieldType.ENUM:
        assert spec.enum is not None
        if isinstance(value, spec.enum):
            return value
        text = normalize.clean_text(value)
        for member in spec.enum:
            if text in (member.value, member.label):
                return member
        raise ValueError(f"应为：{'、'.join(m.label for m in spec.enum)}")
    if kind is FieldType.TAGS:
        items = value.replace("，", ",").replace("、", ",").split(",") if isinstance(value, str) else value
        tags = [normalize.clean_text(tag) for tag in items]
        return list(dict.fromkeys(tag for tag in tags if tag))
    if kind is FieldType.REF:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError("请从列表中选择")
        return value
    raise AssertionError(kind)


def empty_value(spec: Field) -> Any:
    if spec.type in (FieldType.TEXT, FieldType.LONG_TEXT):
        return ""
    if spec.type is FieldType.TAGS:
        return []
    if spec.type is FieldType.BOOL:
        return False
    return None


def clean_values(specs: Sequence[Field], values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate every field at once; raise one ValidationError naming each bad field."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in specs:
        raw = values.get(spec.name)
        if _is_empty(raw) and spec.type is not FieldType.BOOL:
            if spec.required:
                errors[spec.name] = "必须填写"
            else:
                cleaned[spec.name] = empty_value(spec)
            continue
        try:
            cleaned[spec.name] = _clean_one(spec, raw)
        except ValueError as exc:
            errors[spec.name] = str(exc)
            continue
        if spec.required and _is_empty(cleaned[spec.name]):
            errors[spec.name] = "必须填写"
    if errors:
        raise ValidationError(errors, labels_of(specs))
    return cleaned


def labels_of(specs: Sequence[Field]) -> dict[str, str]:
    return {spec.name: spec.label for spec in specs}
