import pytest

from desktop_app.core.domain.errors import AppError
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.services.attachments import AttachmentService
from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.care import CareService
from desktop_app.core.services.check import check_database
from desktop_app.core.services.compliance import ComplianceService
from desktop_app.core.services.meetings import MeetingService


@pytest.fixture
def db(engine_db):
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_db


def test_attachments_are_stored_by_content_hash(db, tmp_path):
    photo = tmp_path / "签到表.jpg"
    photo.write_bytes(b"\xff\xd8 fake jpeg")
    attachments = AttachmentService(db)
    first = attachments.add("meeting", 1, photo)
    second = attachments.add("meeting", 1, photo)
    listed = attachments.list("meeting", 1)
    assert [a.id for a in listed] == [first, second]
    assert listed[0].original_name == "签到表.jpg"
    assert attachments.read(listed[1]) == photo.read_bytes()
    if db.is_sqlite:  # a PC keeps the file in its data directory
        assert listed[0].path == listed[1].path, "the same content is stored once"
        assert listed[0].path.read_bytes() == photo.read_bytes()
    else:  # a server in the database, and the PC keeps no copy
        assert [a.path for a in listed] == [None, None]
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM attachment_contents").scalar() == 1, "stored once"
        assert not db.attachment_dir.exists()
    assert listed[0].is_image
    attachments.remove(first)
    assert [a.id for a in attachments.list("meeting", 1)] == [second]


def test_check_reports_a_missing_attachment_file(db, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4")
    attachments = AttachmentService(db)
    attachments.add("visit", 3, scan)
    assert check_database(db).ok
    [info] = attachments.list("visit", 3)
    if db.is_sqlite:
        info.path.unlink()
        assert not info.exists
    else:  # the file is the server's: gone from the database
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM attachment_contents")
        with pytest.raises(AppError, match=r"scan\.pdf.*不在服务器上"):
            attachments.read(info)
    report = check_database(db)
    assert not report.ok
    assert any("scan.pdf" in line for line in report.lines)


def test_small_demo_is_a_realistic_community(db):
    import datetime as dt

    today = dt.date(2024, 6, 15)
    counts = fill_demo(db, "small", today=today)
    assert counts["residents"] == 400
    assert counts["members"] == 60
    assert CareService(db).count() == 180
    assert MeetingService(db).count(ListQuery(filters={"kind": "group_meeting"})) > 50
    report = ComplianceService(db).evaluate(Period.parse("2023"), today=today)
    assert report.items
    assert any(not item.complete for item in report.items), "some meetings were skipped"
    assert check_database(db).ok


def test_demo_data_keeps_a_dues_ledger_with_a_member_at_risk(db):
    import datetime as dt

    from desktop_app.core.exchange.demo import fill_demo
    from desktop_app.core.services.dues import DuesService

    today = dt.date(2026, 9, 20)
    counts = fill_demo(db, "small", today=today)
    assert counts["dues_payments"] > 500
    rows = DuesService(db).ledger(2026)
    assert rows
    assert all(row.owed for row in rows), "every member of the branch has the year's 核定"
    assert DuesService(db).at_risk(today), "the 工作台 has a 6-month risk to show"
