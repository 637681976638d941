"""Two people, one record: a save over a version someone else saved meanwhile is refused, naming who and
when; nothing of either person is lost. On both engines, as two clients of the same data."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from desktop_app.core.domain.day_text import moment_text
from desktop_app.core.domain.enums import AttendanceStatus, DuesPaymentKind, MeetingKind
from desktop_app.core.domain.errors import ConcurrentWriteError, EditConflictError
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import MemberService, ResidentService
from desktop_app.core.storage import audit
from desktop_app.core.storage.database import Database, build_engine, sqlite_url
from desktop_app.core.storage.models import DuesPayment, Member, Resident
from tests.postgres import plain_login


@pytest.fixture
def db(engine_db):
    return engine_db


@pytest.fixture
def other_person(db: Database, request: pytest.FixtureRequest) -> Iterator[tuple[Database, str]]:
    """A second client of the same data, and the name its saves are signed with: on a server another
    login (created here with plain SQL), on the PC a second connection of the same user."""
    if db.is_sqlite:
        assert db.file_path is not None
        engine = build_engine(sqlite_url(db.file_path), db.key)
        name = audit.os_user()
    else:
        server = request.getfixturevalue("postgres")
        name = f"sg_{uuid.uuid4().hex[:8]}"
        database = db.engine.url.database
        password = uuid.uuid4().hex  # every login but the tests' superuser signs in with its SCRAM password
        with db.engine.begin() as conn:
            plain_login(conn, name, password)
        url = make_url(server.url(database)).set(username=name).render_as_string(False)
        engine = build_engine(url, password=password)
    other = Database(engine, db.data_dir)
    yield other, name
    other.dispose()


def test_the_second_save_is_refused_naming_who_and_when_and_mine_can_win(db, other_person):
    other_db, other_name = other_person
    mine, theirs = ResidentService(db), ResidentService(other_db)
    resident_id = mine.create({"name": "朱国萍", "address": "3号楼201室"})
    opened_by_me, opened_by_them = mine.get(resident_id), theirs.get(resident_id)

    theirs.update(resident_id, {**opened_by_them, "address": "5号楼102室"}, opened_by_them["version"])
    typed = {**opened_by_me, "address": "3号楼202室", "notes": "独居，每周探望"}
    with pytest.raises(EditConflictError) as refused:
        mine.update(resident_id, typed, opened_by_me["version"])

    saved = mine.get(resident_id)
    assert saved["address"] == "5号楼102室", "their save stands"
    with db.read_session() as session:
        row = session.get(Resident, resident_id)
        assert row is not None
        assert row.updated_by == other_name
        assert f"已被 {other_name} 于 {moment_text(row.updated_at)} 修改了" in str(refused.value)
    conflict = refused.value
    assert conflict.changes["住址"] == ["3号楼202室", "5号楼102室"]
    assert conflict.changes["备注"] == ["独居，每周探望", None]
    assert conflict.version == saved["version"] == opened_by_me["version"] + 1

    mine.update(resident_id, typed, conflict.version)  # 以我的为准: saved over the version now seen
    assert mine.get(resident_id)["address"] == "3号楼202室"
    with db.read_session() as session:
        row = session.get(Resident, resident_id)
        assert row is not None
        assert row.updated_by == (audit.os_user() if db.is_sqlite else db.engine.url.username)


def test_a_change_to_attendance_alone_is_a_new_version_of_the_meeting(db, other_person):
    other_db, _ = other_person
    member_id = MemberService(db).create({"name": "王建国"})
    meetings, their_meetings = MeetingService(db), MeetingService(other_db)
    meeting_id = meetings.create({"kind": MeetingKind.COMMITTEE, "date": "2026-11-03", "topic": "十一月支委会"})
    opened = meetings.get(meeting_id)
    theirs = their_meetings.get(meeting_id)
    their_attendance = [{"member_id": member_id, "status": AttendanceStatus.PRESENT, "reason": ""}]
    their_meetings.update(meeting_id, {**theirs, "attendance": their_attendance}, theirs["version"])

    mine = [{"member_id": member_id, "status": AttendanceStatus.ABSENT, "reason": ""}]
    with pytest.raises(EditConflictError) as refused:
        meetings.update(meeting_id, {**opened, "attendance": mine}, opened["version"])
    assert "出席情况" in refused.value.changes
    assert [a["status"] for a in meetings.get(meeting_id)["attendance"]] == [AttendanceStatus.PRESENT]


def test_a_record_moved_to_the_bin_meanwhile_is_said_so(db, other_person):
    other_db, other_name = other_person
    mine = ResidentService(db)
    resident_id = mine.create({"name": "朱国萍"})
    opened = mine.get(resident_id)
    ResidentService(other_db).soft_delete([resident_id])
    with pytest.raises(EditConflictError, match=f"已被 {other_name} 于 .* 移到了回收站"):
        mine.update(resident_id, {**opened, "notes": "已搬走"}, opened["version"])
    assert ResidentService(other_db).get(resident_id)["notes"] == ""


def test_a_save_racing_another_changes_nothing(db, other_person):
    """The other client saves between this one's read and its write (while this one validates): the stale
    UPDATE matches no row (version_id_col), nothing is written, and the person hears who saved."""
    other_db, other_name = other_person

    class SavedMeanwhile(ResidentService):
        def validate(self, session, cleaned, values, record_id):
            if record_id is not None:
                ResidentService(other_db).update(record_id, {"name": "朱国萍", "address": "5号楼102室"})
            return super().validate(session, cleaned, values, record_id)

    resident_id = ResidentService(db).create({"name": "朱国萍", "address": "3号楼201室"})
    with pytest.raises(EditConflictError, match=f"已被 {other_name} 于"):
        SavedMeanwhile(db).update(resident_id, {"name": "朱国萍", "address": "3号楼202室"})
    assert ResidentService(db).get(resident_id)["address"] == "5号楼102室"


def test_two_people_marking_one_month_paid_record_one_payment(postgres, tmp_path):
    """党费 marks: the second marking waits for the first and finds the month paid. A server only: on the PC one
    program at a time holds the data directory, and SQLite writes one at a time."""
    import threading

    from desktop_app.core.domain.enums import DuesCategory, DuesPaymentWay
    from desktop_app.core.services.dues import Basis, DuesService
    from desktop_app.core.storage.startup import open_database
    from tests.conftest import POSTGRES_TEMPLATE

    name = f"t_{uuid.uuid4().hex}"
    postgres.execute(f"CREATE DATABASE {name} TEMPLATE {POSTGRES_TEMPLATE}")
    db = open_database(tmp_path / "server-side", url=postgres.url(name))
    other = Database(build_engine(postgres.url(name)), db.data_dir)
    try:
        member_id = MemberService(db).create({"name": "王建国", "join_date": "2000-07-01"})
        dues = DuesService(db)
        dues.assess_year(2026, {member_id: Basis(DuesCategory.EMPLOYED, Decimal("4000"))}, dt.date(2026, 1, 5))
        paid_on = dt.date(2026, 5, 10)
        written: list[int] = []
        with other.session() as session:  # the first marking, not yet committed
            session.execute(select(Member.id).where(Member.id == member_id).with_for_update())
            session.add(
                DuesPayment(
                    member_id=member_id,
                    year=2026,
                    month=5,
                    amount=Decimal("40.00"),
                    paid_on=paid_on,
                    way=DuesPaymentWay.CASH,
                    kind=DuesPaymentKind.REGULAR,
                )
            )
            session.flush()
            second = threading.Thread(
                target=lambda: written.append(dues.pay([(member_id, 5)], 2026, paid_on, DuesPaymentWay.CASH))
            )
            second.start()
            second.join(0.5)
            assert second.is_alive(), "the second marking waits for the first"
        second.join(10)
        assert written == [0], "the month was paid by the first: not paid twice"
        with db.read_session() as session:
            assert session.scalar(select(func.count()).where(DuesPayment.member_id == member_id)) == 1
    finally:
        other.dispose()
        db.dispose()


def test_any_other_write_over_a_row_saved_meanwhile_is_refused_in_chinese(db, other_person):
    """Not only the forms: whatever writes a record read before another client saved it (an import's update)
    writes nothing and says why, instead of a crash report."""
    other_db, _ = other_person
    resident_id = ResidentService(db).create({"name": "朱国萍", "address": "3号楼201室"})

    def write_over_a_stale_read() -> None:
        with db.session() as session:
            row = session.get(Resident, resident_id)
            assert row is not None
            ResidentService(other_db).update(resident_id, {"name": "朱国萍", "address": "5号楼102室"})
            row.address = "3号楼202室"

    with pytest.raises(ConcurrentWriteError, match="刚刚被别人修改了"):
        write_over_a_stale_read()
    assert ResidentService(db).get(resident_id)["address"] == "5号楼102室"


def test_an_import_that_updates_a_record_is_a_new_version_of_it(db, tmp_path):
    import openpyxl

    from desktop_app.core.exchange.roster.commit import commit_import
    from desktop_app.core.exchange.roster.preview import preview_import

    residents = ResidentService(db)
    resident_id = residents.create({"name": "李四", "phone": "13900000000", "address": "旧地址"})
    opened = residents.get(resident_id)
    book = openpyxl.Workbook()
    for row in (["姓名", "电话", "住址"], ["李四", "139-0000-0000", "新地址"]):
        book.active.append(row)
    book.save(tmp_path / "roster.xlsx")
    commit_import(db, preview_import(db, "residents", tmp_path / "roster.xlsx", update_duplicates=True))
    with pytest.raises(EditConflictError, match="修改了"):
        residents.update(resident_id, {**opened, "notes": "表单里打的字"}, opened["version"])
    assert residents.get(resident_id)["address"] == "新地址"


# -- the smaller settings records (migration 0020): the profile, a care category, a norm, a 党费 核定 ------------
def test_the_profile_saved_meanwhile_is_a_conflict_naming_who_and_mine_can_win(db, other_person):
    from desktop_app.core.services.profile import ProfileService

    other_db, other_name = other_person
    mine, theirs = ProfileService(db), ProfileService(other_db)
    seen_by_me, seen_by_them = mine.get(), theirs.get()
    assert seen_by_me.version == seen_by_them.version
    named = {"community_name": "康宁居民区"}
    theirs.save({**vars(seen_by_them), **named, "secretary_name": "朱国萍"}, seen_by_them.version)
    typed = {**vars(seen_by_me), **named, "secretary_name": "李建国"}
    with pytest.raises(EditConflictError) as refused:
        mine.save(typed, seen_by_me.version)
    conflict = refused.value
    assert f"居民区信息已被 {other_name} 于" in str(conflict)
    assert conflict.changes == {"书记姓名": ["李建国", "朱国萍"]}
    assert mine.get().secretary_name == "朱国萍", "nothing of theirs overwritten"
    saved = mine.save(typed, conflict.version)  # 以我的为准, having seen theirs
    assert saved.secretary_name == "李建国"
    assert saved.version == conflict.version + 1
    assert theirs.get().secretary_name == "李建国"


def test_a_care_category_and_a_norm_saved_meanwhile_are_conflicts(db, other_person):
    from desktop_app.core.domain.enums import NormPeriod
    from desktop_app.core.services.care import CareCategoryService
    from desktop_app.core.services.meetings import NormService

    other_db, other_name = other_person
    [category] = [c for c in CareCategoryService(db).list() if c.name == "新生儿送鸡蛋"]
    CareCategoryService(other_db).update(
        category.id, {"name": "新生儿送鸡蛋", "default_item": "鸡蛋两箱", "sensitive": False}, category.version
    )
    mine = {"name": "新生儿送鸡蛋", "default_item": "鸡蛋一箱半", "sensitive": False}
    with pytest.raises(EditConflictError) as refused:
        CareCategoryService(db).update(category.id, mine, category.version)
    assert f"关怀类别“新生儿送鸡蛋”已被 {other_name} 于" in str(refused.value)
    assert refused.value.changes == {"默认物品": ["鸡蛋一箱半", "鸡蛋两箱"]}
    CareCategoryService(db).update(category.id, mine, refused.value.version)
    assert next(c for c in CareCategoryService(other_db).list() if c.id == category.id).default_item == "鸡蛋一箱半"

    norms = NormService(db)
    versions = norms.versions()
    lesson = {"period": NormPeriod.QUARTER, "count": 1, "per_group": False}
    NormService(other_db).save_all({MeetingKind.PARTY_LESSON: {**lesson, "count": 2}}, versions=versions)
    with pytest.raises(EditConflictError) as refused:
        norms.save_all({MeetingKind.PARTY_LESSON: {**lesson, "count": 3}}, versions=versions)
    assert f"“党课”的频次要求已被 {other_name} 于" in str(refused.value)
    assert refused.value.changes == {"次数": ["3", "2"]}
    assert refused.value.theirs["kind"] is MeetingKind.PARTY_LESSON
    assert next(n for n in norms.list() if n.kind is MeetingKind.PARTY_LESSON).count == 2


def test_a_dues_assessment_changed_meanwhile_is_a_conflict(db, other_person):
    from desktop_app.core.domain.enums import DuesCategory
    from desktop_app.core.services.dues import Basis, DuesService

    other_db, other_name = other_person
    member = MemberService(db).create({"name": "李建国", "join_date": "2001-07-01"})
    dues = DuesService(db)
    dues.assess_year(2026, {member: Basis(DuesCategory.EMPLOYED, Decimal("4000"))}, dt.date(2026, 1, 5))
    seen = dues.assessment_version(member, 2026, 7)
    assert seen == 0, "no change from July yet"
    DuesService(other_db).record_change(
        member, 2026, 7, Basis(DuesCategory.RETIRED, Decimal("3000")), dt.date(2026, 6, 20), version=seen
    )
    with pytest.raises(EditConflictError) as refused:
        dues.record_change(
            member, 2026, 7, Basis(DuesCategory.EMPLOYED, Decimal("6000")), dt.date(2026, 6, 21), version=seen
        )
    assert f"李建国 2026年7月起的党费核定已被 {other_name} 于" in str(refused.value)
    assert "计缴基数" in refused.value.changes
    assert "3000" not in str(refused.value.changes), "the base is personal data: never shown"
    dues.record_change(
        member,
        2026,
        7,
        Basis(DuesCategory.EMPLOYED, Decimal("6000")),
        dt.date(2026, 6, 21),
        version=refused.value.version,
    )
    assert dues.assessment_version(member, 2026, 7) == refused.value.version + 1
