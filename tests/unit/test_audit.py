import openpyxl
import pytest

from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.errors import ValidationError
from desktop_app.core.domain.periods import Period
from desktop_app.core.exchange.reports.base import ExportOptions
from desktop_app.core.exchange.reports.registry import export_report
from desktop_app.core.exchange.roster.commit import commit_import
from desktop_app.core.exchange.roster.preview import preview_import
from desktop_app.core.services.care import CareCategoryService, CareService
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import MemberService, PartyGroupService, ResidentService
from desktop_app.core.services.profile import ProfileService
from desktop_app.core.storage.audit import AuditService


@pytest.fixture
def db(engine_db):
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_db


def entries(db, **filters):
    return AuditService(db).entries(**filters)


def test_each_write_leaves_exactly_one_entry_with_its_changes(db):
    residents = ResidentService(db)
    rid = residents.create({"name": "张三", "phone": "13812345678", "address": "1号楼"})
    [created] = entries(db)
    assert (created.action, created.record_kind, created.record_id) == (AuditAction.CREATE, "resident", rid)
    assert created.changes["姓名"] == [None, "张三"]
    assert created.changes["状态"] == [None, "在册"]
    assert created.changes["联系电话"] == [None, "（已填写）"], "a phone number is never copied into the log"
    assert created.os_user

    residents.update(rid, {**residents.get(rid), "address": "2号楼", "phone": "13900000000"})
    update = entries(db)[0]
    assert update.action is AuditAction.UPDATE
    assert update.changes == {"住址": ["1号楼", "2号楼"], "联系电话": ["（已填写）", "（已修改）"]}

    residents.update(rid, residents.get(rid))
    assert len(entries(db)) == 2, "saving without a change records nothing"

    residents.soft_delete([rid])
    residents.restore([rid])
    residents.soft_delete([rid])
    residents.purge([rid])
    actions = [e.action for e in entries(db)]
    assert actions[:4] == [AuditAction.PURGE, AuditAction.DELETE, AuditAction.RESTORE, AuditAction.DELETE]
    assert {e.summary for e in entries(db, record_id=rid)} == {"张三 1号楼", "张三 2号楼"}
    assert all(e.record_kind == "resident" for e in entries(db))


def test_failed_write_leaves_no_entry(db):
    with pytest.raises(ValidationError):
        ResidentService(db).create({"name": ""})
    assert entries(db) == []


def test_money_and_nested_changes_are_readable(db):
    other = next(c.id for c in CareCategoryService(db).list() if c.name == "其他")
    care = CareService(db)
    cid = care.create({"date": "2024-01-02", "category_id": other, "recipient_name": "甲", "amount": "100"})
    care.update(cid, {**care.get(cid), "amount": "120.5"})
    assert entries(db)[0].changes == {"金额（元）": ["100.00", "120.50"]}
    m = MemberService(db).create({"name": "汪艳珍"})
    group = PartyGroupService(db).create({"name": "第一党小组"})
    meetings = MeetingService(db)
    mid = meetings.create(
        {"kind": "committee", "date": "2024-01-05", "topic": "t", "attendance": [{"member_id": m, "status": "present"}]}
    )
    meetings.update(
        mid,
        {
            **meetings.get(mid),
            "kind": "group_meeting",
            "group_id": group,
            "vote_taken": False,
            "attendance": [{"member_id": m, "status": "on_leave", "reason": "住院化疗"}],
        },
    )
    change = entries(db)[0].changes
    assert change["汪艳珍的出席情况"] == ["出席", "请假"]
    assert change["汪艳珍的请假或缺席原因"] == [None, "（已填写）"], "a leave reason may name an illness"
    assert change["党小组"] == [None, "第一党小组"], "references are named, not numbered"
    assert change["会议类别"] == ["支部委员会会议", "党小组会"]
    assert "住院" not in str(entries(db))


def test_care_log_names_the_resident_and_hides_illness(db):
    illness = next(c.id for c in CareCategoryService(db).list() if c.sensitive)
    resident = ResidentService(db).create({"name": "陈静", "address": "3号楼"})
    care = CareService(db)
    cid = care.create(
        {
            "date": "2024-01-02",
            "category_id": illness,
            "resident_id": resident,
            "recipient_name": "陈静",
            "illness_detail": "肝癌晚期",
        }
    )
    created = entries(db)[0].changes
    assert created["居民"] == [None, "陈静"]
    assert created["病情说明"] == [None, "（已填写）"]
    care.update(cid, {**care.get(cid), "illness_detail": "肝癌晚期，已手术"})
    assert entries(db)[0].changes == {"病情说明": ["（已填写）", "（已修改）"]}
    assert "肝癌" not in str(entries(db))


def test_settings_changes_are_recorded(db):
    categories = CareCategoryService(db)
    cid = categories.create({"name": "重阳敬老", "default_amount": "50"})
    categories.set_retired(cid, True)
    ProfileService(db).save({"community_name": "康宁居民区"})
    kinds = [(e.record_kind, e.action) for e in entries(db)]
    assert kinds == [
        ("profile", AuditAction.UPDATE),
        ("care_category", AuditAction.UPDATE),
        ("care_category", AuditAction.CREATE),
    ]
    assert entries(db)[1].changes == {"已停用": ["否", "是"]}
    assert entries(db)[2].changes["类别名称"] == [None, "重阳敬老"]


def test_imports_and_exports_are_recorded_with_unmasking(db, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "住址"])
    book.active.append(["李四", "3号楼"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    commit_import(db, preview_import(db, "residents", path))
    [imported] = entries(db, action="import")
    assert imported.details.startswith("文件：r.xlsx；新增 1")
    export_report(db, "members", Period.parse("2024"), tmp_path / "m.xlsx")
    export_report(db, "members", Period.parse("2024"), tmp_path / "m2.xlsx", ExportOptions(unmasked=True))
    exports = entries(db, action="export")
    assert [e.unmasked for e in exports] == [True, False]
    assert "完整个人信息" in exports[0].details
    assert "个人信息已隐藏" in exports[1].details


def test_filters(db):
    residents = ResidentService(db)
    residents.create({"name": "王五"})
    MemberService(db).create({"name": "赵六"})
    assert [e.summary for e in entries(db, kind="member")] == ["赵六"]
    assert [e.summary for e in entries(db, text="王")] == ["王五"]
