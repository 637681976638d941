"""Key events while the data is closed wait beside keys.json, and reach 操作记录 at the next opening."""

from __future__ import annotations

import pytest

from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.errors import AppError
from desktop_app.core.storage import keys, security_events
from desktop_app.core.storage.audit import AuditService, os_user
from desktop_app.core.storage.startup import open_database

PASSWORD = "春天的第一棵树开花了"


def security_lines(db) -> list[tuple[str, str, str]]:
    """(summary, details, who), oldest first."""
    rows = AuditService(db).entries(action=AuditAction.SECURITY.value)
    return [(row.summary, row.details, row.os_user) for row in reversed(rows)]


def test_wrong_passwords_are_counted_while_closed_and_recorded_at_the_next_opening(tmp_path):
    data_key, recovery = keys.create_keys(tmp_path, PASSWORD)
    open_database(tmp_path, key=data_key).dispose()
    for guess in ("猜一个", "zhangsan1980"):
        with pytest.raises(keys.WrongPasswordError):
            keys.open_keys(tmp_path, guess)
    waiting = security_events.pending_path(tmp_path).read_text(encoding="utf-8")
    assert '"count": 2' in waiting
    assert "猜一个" not in waiting
    assert "zhangsan1980" not in waiting, "nothing typed is kept"

    db = open_database(tmp_path, key=keys.open_keys(tmp_path, recovery))
    try:
        recorded = security_lines(db)
    finally:
        db.dispose()
    assert [summary for summary, _, _ in recorded] == ["设置密码", "密码错误 2 次", "用恢复密钥打开"]
    assert all(who == os_user() for _, _, who in recorded)
    assert "输入的内容不记录" in recorded[1][1]
    text = repr(recorded)
    for secret in ("猜一个", "zhangsan1980", PASSWORD, recovery):
        assert secret not in text
    assert not security_events.pending_path(tmp_path).exists(), "recorded once, then gone"


def test_a_password_change_is_recorded_and_says_the_recovery_key_still_works(tmp_path):
    data_key, _ = keys.create_keys(tmp_path, PASSWORD)
    db = open_database(tmp_path, key=data_key)
    try:
        keys.change_password(tmp_path, PASSWORD, "夏天的第二棵树结果了")
        assert security_events.record_pending(db) == 1
        assert security_lines(db)[-1][:2] == ("修改密码", "恢复密钥不变")
    finally:
        db.dispose()


def test_an_export_that_is_not_put_in_place_gets_a_second_line(db, tmp_path, monkeypatch):
    from desktop_app.core.domain.periods import Period
    from desktop_app.core.exchange.reports import workbook
    from desktop_app.core.exchange.reports.registry import export_report

    def refused(partial, target):
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr(workbook, "put_in_place", refused)
    with pytest.raises(AppError, match="Excel 或 WPS"):
        export_report(db, "care", Period.parse("2024"), tmp_path / "care.xlsx")
    assert not (tmp_path / "care.xlsx").exists()
    newest_first = [row.summary for row in AuditService(db).entries(action=AuditAction.EXPORT.value)]
    assert newest_first[:2] == ["导出未完成：关怀工作台账", "导出关怀工作台账"]
