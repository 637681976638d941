"""Demo data a secretary would believe: names fit the sex, ages fit the tags and the care given, ID numbers
agree with both. Checked for every resident, member and care action of the small and the large set."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.storage.plain import day

TODAY = dt.date(2026, 12, 6)
# Given-name characters read as a man's or a woman's (how a secretary reads 国萍: by the last telling one).
MALE_GIVEN = "国建明伟军强磊杰涛超勇峰志刚德成海宝"
FEMALE_GIVEN = "秀英玉兰红芳丽静敏霞燕娟艳桂珍琴萍凤"
# Ages (whole years, inclusive) a tag or a care category asks for.
TAG_AGES = {"独居老人": (60, 120), "高龄": (80, 120), "新生儿": (0, 0), "学生": (6, 22), "退役军人": (20, 120)}
CARE_AGES = {"新生儿送鸡蛋": (18, 50), "新婚送蜂蜜": (18, 50), "升学送钢笔": (6, 22), "乔迁送糕点": (18, 120)}


def age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def said_sex(name: str) -> str | None:
    """male / female as the given name's last telling character says, else None."""
    for char in reversed(name[1:]):
        if char in MALE_GIVEN:
            return "male"
        if char in FEMALE_GIVEN:
            return "female"
    return None


def wrong_people(rows) -> list[str]:
    wrong = []
    for name, gender, birth_text, id_number, tags_text in rows:
        birth = day(birth_text) if birth_text else None
        if said_sex(name) not in (None, gender):
            wrong.append(f"{name}：名字像{said_sex(name)}，性别是{gender}")
        for tag in json.loads(tags_text) if tags_text else []:
            if tag in TAG_AGES and (birth is None or not TAG_AGES[tag][0] <= age(birth, TODAY) <= TAG_AGES[tag][1]):
                wrong.append(f"{name}：{tag}，出生于{birth}")
        if id_number:
            if birth is None or id_number[6:14] != f"{birth:%Y%m%d}":
                wrong.append(f"{name}：身份证号与出生日期{birth}不符")
            if (int(id_number[16]) % 2 == 1) != (gender == "male"):
                wrong.append(f"{name}：身份证号与性别不符")
    return wrong


@pytest.fixture(params=["small", "large"])
def demo(request, db):
    fill_demo(db, request.param, today=TODAY)
    return db


def test_every_demo_person_is_believable(demo):
    with demo.plain() as reader:
        residents = reader.rows("SELECT name, gender, birth_date, id_number, tags FROM residents")
        members = reader.rows("SELECT name, gender, birth_date, id_number, NULL FROM members")
    tagged = [row for row in residents if row[4] and "独居老人" in json.loads(row[4])]
    assert tagged, "the rules have tagged residents to check"
    assert wrong_people(residents) == []
    assert wrong_people(members) == []


def test_care_goes_to_people_of_the_right_age(demo):
    with demo.plain() as reader:
        given = reader.rows(
            "SELECT care_categories.name, care_actions.date, residents.name, residents.birth_date"
            " FROM care_actions JOIN care_categories ON care_categories.id = care_actions.category_id"
            " JOIN residents ON residents.id = care_actions.resident_id"
        )
    wrong = [
        f"{category}：{name}（出生于{day(birth)}）于{day(date)}"
        for category, date, name, birth in given
        if category in CARE_AGES and not CARE_AGES[category][0] <= age(day(birth), day(date)) <= CARE_AGES[category][1]
    ]
    assert len(given) > 100
    assert wrong == []
