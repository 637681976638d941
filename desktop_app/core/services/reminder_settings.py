"""设置 → 提醒 and the 启用日期: kept with the data (`app_settings`), every change in 操作记录. They are read
through the driver (see services.reminders), as the 工作台 reads them at start-up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop_app.core.domain import normalize
from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.errors import ValidationError
from desktop_app.core.domain.normalize import parse_count
from desktop_app.core.services.reminders import (
    START_DATE_KEY,
    THRESHOLD_LABELS,
    THRESHOLDS_KEY,
    Thresholds,
    read_start_date,
    read_thresholds,
)
from desktop_app.core.storage import app_settings, audit
from desktop_app.core.storage.database import Database


class ThresholdService:
    KEY = THRESHOLDS_KEY

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self) -> Thresholds:
        with self.db.plain() as reader:
            return read_thresholds(reader)

    def save(self, values: dict[str, Any]) -> Thresholds:
        errors, cleaned = {}, {}
        for name in THRESHOLD_LABELS:
            try:
                cleaned[name] = parse_count(values.get(name, getattr(Thresholds(), name)))
            except ValueError as exc:
                errors[name] = str(exc)
        if errors:
            raise ValidationError(errors, THRESHOLD_LABELS)
        with self.db.session() as session:
            before = app_settings.store(session, self.KEY, cleaned)
            audit.record(
                session,
                AuditAction.UPDATE,
                "settings",
                None,
                "提醒设置",
                audit.diff(before if isinstance(before, dict) else {}, cleaned, THRESHOLD_LABELS),
            )
        return Thresholds(**cleaned)


class StartDateService:
    """The 启用日期: the day the program took over from paper. Periods that began before it are not
    judged (their meetings were kept in the paper books), so a new install starts without red marks."""

    KEY = START_DATE_KEY

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self) -> dt.date:
        with self.db.plain() as reader:
            return read_start_date(reader)

    def save(self, value: Any) -> dt.date:
        try:
            day = normalize.parse_date(value)
        except ValueError as exc:
            raise ValidationError({"start_date": str(exc)}, {"start_date": "启用日期"}) from None
        with self.db.session() as session:
            before = app_settings.store(session, self.KEY, day.isoformat())
            changes = audit.diff({"start_date": before}, {"start_date": day.isoformat()}, {"start_date": "启用日期"})
            if changes:
                audit.record(session, AuditAction.UPDATE, "settings", None, "启用日期", changes)
        return day

    def record_first_run(self, today: dt.date | None = None) -> None:
        """Called once the person has set the program up: today is when the program took over."""
        with self.db.read_session() as session:
            known = app_settings.stored(session, self.KEY) is not None
        if not known:
            self.save(today or dt.date.today())
