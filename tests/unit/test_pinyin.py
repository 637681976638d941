import pytest

from desktop_app.core.domain.pinyin import initials, sort_key
from desktop_app.core.services.base import ListQuery
from desktop_app.core.services.people import MemberService, ResidentService


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("曾国藩", "zeng guo fan"),
        ("单雄信", "shan xiong xin"),
        ("仇英", "qiu ying"),
        ("解缙", "xie jin"),
        ("区永", "ou yong"),
        ("朴树", "piao shu"),
        ("查良镛", "zha liang yong"),
        ("盖叫天", "ge jiao tian"),
        ("缪斯", "miao si"),
        ("覃宁", "qin ning"),
        ("尉迟恭", "yu chi gong"),
        ("万俟卨", "mo qi xie"),
        ("翟志刚", "zhai zhi gang"),
        ("朱国萍", "zhu guo ping"),
    ],
)
def test_surnames_are_read_as_surnames(name, expected):
    assert sort_key(name) == f"{expected}|{name}"
    assert initials(name) == "".join(part[0] for part in expected.split())


def test_lists_sort_by_full_pinyin_so_a_surname_stays_together(db):
    residents = ResidentService(db)
    for name in ("陈芳", "蔡凤", "崔凤春", "程刚敏", "陈国强", "曾文", "曹丽"):
        residents.create({"name": name})
    ids = residents.list_ids(ListQuery(sort_key="name", descending=False))
    names = [row[1] for row in residents.fetch_rows(ids)]
    assert names == ["蔡凤", "曹丽", "陈芳", "陈国强", "程刚敏", "崔凤春", "曾文"]


def test_search_finds_polyphonic_surnames_by_their_surname_initial(db):
    members = MemberService(db)
    members.create({"name": "曾国藩"})
    members.create({"name": "单雄信"})
    assert len(members.list_ids(ListQuery(text="zgf"))) == 1
    assert len(members.list_ids(ListQuery(text="sxx"))) == 1
    assert members.list_ids(ListQuery(text="cgf")) == [], "曾 as a surname is zeng, not ceng"
