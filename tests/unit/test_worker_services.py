"""A 社工's login runs the program's own services on a real PostgreSQL with the server's roles: lists, search and the
resident picker read residents through residents_masked; a form gets the phone masked and no ID number or illness;
a save keeps what the 社工 cannot see exactly as it was (a masked phone handed back is not saved over the real
one), the server fills the search text as the program would; what the role may not do is refused in Chinese."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from desktop_app.core.domain.errors import PermissionRefusedError
from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.care import CareService
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.people import ResidentService
from desktop_app.core.storage.models import Resident
from desktop_app.core.storage.roles import NO_BIN
from tests.office import ID_NUMBER, ILLNESS, PHONE, make_office


@pytest.fixture
def office(postgres, tmp_path):
    return make_office(postgres, tmp_path)


@pytest.fixture
def worker(office):
    with office.signed_in(office.worker) as db:
        yield db


@pytest.fixture
def secretary(office):
    with office.signed_in(office.secretary) as db:
        yield db


def test_a_worker_lists_searches_and_picks_residents_with_masked_phones(office, worker):
    residents = ResidentService(worker)
    assert worker.reach.role == "worker"
    assert "id_number" not in [column.key for column in residents.columns()]
    assert residents.list_ids(ListQuery(text="138")) == [office.resident]
    assert residents.list_ids(ListQuery(text=PHONE)) == [], "a 社工's search never finds by the full phone"
    assert residents.count(ListQuery(text="陈静")) == 1
    [(record_id, *cells)] = residents.fetch_rows([office.resident])
    assert record_id == office.resident
    assert "138****5678" in cells
    assert ID_NUMBER not in cells
    assert residents.pick("陈") == [(office.resident, "陈静", "1号楼101室")]
    form = residents.get(office.resident)
    assert form["phone"] == "138****5678"
    assert "id_number" not in form
    care = CareService(worker).get(office.care)
    assert "illness_detail" not in care
    assert care["item"] == "帮困金"


def test_a_workers_save_keeps_what_they_cannot_see(office, worker, secretary):
    residents = ResidentService(worker)
    form = residents.get(office.resident)
    residents.update(office.resident, {**form, "address": "5号楼501室", "notes": "独居，腿脚不便"}, form["version"])
    care = CareService(worker).get(office.care)
    CareService(worker).update(office.care, {**care, "item": "帮困金和慰问品"}, care["version"])

    saved = ResidentService(secretary).get(office.resident)
    assert (saved["address"], saved["notes"]) == ("5号楼501室", "独居，腿脚不便")
    assert (saved["id_number"], saved["phone"]) == (ID_NUMBER, PHONE)
    assert saved["version"] == form["version"] + 1
    assert CareService(secretary).get(office.care)["illness_detail"] == ILLNESS
    assert CareService(secretary).get(office.care)["item"] == "帮困金和慰问品"
    # The search text the server wrote for the 社工 is what the program writes for the 书记.
    assert ResidentService(secretary).list_ids(ListQuery(text=PHONE)) == [office.resident]
    assert ResidentService(secretary).list_ids(ListQuery(text="腿脚不便")) == [office.resident]
    assert ResidentService(worker).list_ids(ListQuery(text="腿脚不便")) == [office.resident]


def test_a_worker_may_type_a_new_phone_and_add_a_resident_without_an_id_number(office, worker, secretary):
    residents = ResidentService(worker)
    form = residents.get(office.resident)
    residents.update(office.resident, {**form, "phone": "13611112222"}, form["version"])
    assert residents.get(office.resident)["phone"] == "136****2222"
    assert ResidentService(secretary).get(office.resident)["phone"] == "13611112222"
    assert ResidentService(secretary).get(office.resident)["id_number"] == ID_NUMBER

    new = residents.create({"name": "李四", "address": "6号楼602室", "phone": "13900002222"})
    assert residents.get(new)["phone"] == "139****2222"
    stored = ResidentService(secretary).get(new)
    assert (stored["phone"], stored["id_number"]) == ("13900002222", None)
    assert ResidentService(secretary).list_ids(ListQuery(text="13900002222")) == [new]
    # Programs other than ours are held by the server: a 社工's INSERT with an ID number is refused.
    with worker.engine.connect() as connection:
        adding = insert(Resident).values(name="王五", id_number=ID_NUMBER)
        with pytest.raises(DBAPIError, match="社工账号不能填写身份证号"):
            connection.execute(adding)


def test_what_a_worker_may_not_do_is_refused_in_chinese(office, worker, secretary):
    residents = ResidentService(worker)
    for attempt in (residents.soft_delete, residents.restore, residents.purge, CareService(worker).soft_delete):
        with pytest.raises(PermissionRefusedError, match="社工账号不能删除") as refused:
            attempt([office.resident])
        assert str(refused.value) == NO_BIN
    assert ResidentService(secretary).list_ids() != [], "nothing went to the 回收站"
    # What no screen of theirs offers, refused by the server and said in Chinese, never in the driver's words.
    with pytest.raises(PermissionRefusedError) as refused:
        MeetingService(worker).list_ids()
    assert "没有这样做的权限" in str(refused.value)
    assert "（社工）" in str(refused.value)
    assert "permission denied" not in str(refused.value)


def test_a_worker_records_a_study_visit_with_participants_and_practices(office, worker, secretary):
    from desktop_app.core.services.people import MemberService
    from desktop_app.core.services.visits import VisitService

    [member] = MemberService(worker).active_members()
    visits = VisitService(worker)
    visit = visits.create(
        {
            "date": "2026-05-12",
            "destination": "虹旭小区",
            "highlights": "楼组自治",
            "participant_ids": [member.id],
            "practices": [{"description": "楼道微更新", "owner": "王丽"}],
        }
    )
    form = visits.get(visit)
    assert form["participant_ids"] == [member.id]
    visits.update(visit, {**form, "takeaways": "先从一个楼组试点"}, form["version"])
    saved = VisitService(secretary).get(visit)
    assert saved["takeaways"] == "先从一个楼组试点"
    assert [p["description"] for p in saved["practices"]] == ["楼道微更新"]
    assert saved["participant_ids"] == [member.id]


def test_a_worker_records_the_studios_activities_and_problems(office, worker, secretary):
    from desktop_app.core.services.studio import StudioActivityService, StudioProblemService, StudioTopicService

    activities, problems = StudioActivityService(worker), StudioProblemService(worker)
    activity = activities.create({"kind": "seminar", "date": "2026-05-20", "topic": "加装电梯协调"})
    topic = StudioTopicService(worker).list(include_retired=False)[0]
    problem = problems.create(
        {
            "raised_date": "2026-05-20",
            "source_activity_id": activity,
            "topic_id": topic.id,
            "description": "三号楼加装电梯意见不一",
        }
    )
    form = problems.get(problem)
    problems.update(problem, {**form, "owner": "王丽"}, form["version"])
    assert StudioProblemService(secretary).get(problem)["owner"] == "王丽"
    assert StudioActivityService(secretary).get(activity)["topic"] == "加装电梯协调"
