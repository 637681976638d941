"""Demo data: a realistic community, for trying the program and for benchmarks.

`small` is one community over two years; `large` is about ten times a big
community's ten years (20,000 residents, 600 members in 20 groups, 50,000 care
actions, 5,000 meetings with full attendance, 1,000 visits).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select

from desktop_app.core.domain.dues import monthly_dues
from desktop_app.core.domain.enums import (
    AttendanceStatus,
    CareStatus,
    DuesCategory,
    DuesPaymentKind,
    DuesPaymentWay,
    Gender,
    MeetingKind,
    MemberStatus,
    MemberType,
    MobileParticipation,
    PracticeStatus,
    ProblemStatus,
    ResidentStatus,
    ReviewBody,
    ReviewGrade,
    StudioActivityKind,
    TalkWay,
    TransferDirection,
)
from desktop_app.core.domain.errors import AppError
from desktop_app.core.domain.normalize import id_check_digit
from desktop_app.core.domain.pinyin import initials, sort_key
from desktop_app.core.domain.rules import summarize_attendance
from desktop_app.core.domain.talks import SECRETARY_ROLE
from desktop_app.core.reads.clauses import belonged_on
from desktop_app.core.services.profile import the_profile
from desktop_app.core.services.registry import record_services
from desktop_app.core.services.reminder_settings import StartDateService
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import (
    AdoptedPractice,
    AppSetting,
    Attendance,
    CareAction,
    CareCategory,
    DuesAssessment,
    DuesPayment,
    Meeting,
    Member,
    MemberReview,
    MemberReviewEntry,
    MemberTransfer,
    MobileMember,
    PartyGroup,
    ProblemDiscussion,
    Resident,
    StudioActivity,
    StudioProblem,
    StudioTopic,
    StudyVisit,
    Talk,
    TalkParticipant,
    VisitParticipant,
)


@dataclass(frozen=True)
class DemoSize:
    residents: int
    members: int
    groups: int
    care_actions: int
    meetings: int
    visits: int
    studio_activities: int
    studio_problems: int


SIZES = {
    "small": DemoSize(
        residents=400,
        members=60,
        groups=4,
        care_actions=180,
        meetings=0,
        visits=12,
        studio_activities=10,
        studio_problems=15,
    ),
    "large": DemoSize(
        residents=20_000,
        members=600,
        groups=20,
        care_actions=50_000,
        meetings=5_000,
        visits=1_000,
        studio_activities=500,
        studio_problems=1_000,
    ),
    # Ten times large: what a big street's worth of records would be, to find where the program's time
    # grows with the data.
    "huge": DemoSize(
        residents=200_000,
        members=6_000,
        groups=200,
        care_actions=500_000,
        meetings=50_000,
        visits=10_000,
        studio_activities=5_000,
        studio_problems=10_000,
    ),
}
COMMUNITIES = ("梅陇六村", "虹旭小区", "田林十二村", "古美西路居民区", "康宁居民区", "华泾绿苑")
STUDIO_TOPICS = (
    "新书记如何开好第一次支委会",
    "加装电梯征询经验交流",
    "业委会换届难点答疑",
    "美丽楼道创建走访",
    "物业费调价协商",
    "独居老人关爱机制研讨",
)
PROBLEMS = (
    "低层住户反对加装电梯，征询卡在最后两户",
    "业委会换届候选人不足",
    "小区停车位紧张，邻里矛盾多",
    "楼道堆物屡清屡堆",
    "物业服务合同到期，续聘意见分歧大",
    "老旧小区雨污混接",
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤"
)
GIVEN = "国建华秀英玉兰明红伟芳丽军平静敏强磊霞燕杰娟涛超勇艳春桂珍琴云峰文荣志刚萍德成海林宝凤"
# How a secretary reads a given name's sex: by its last character that says one (国萍 is a woman's name).
MALE_GIVEN = "国建明伟军强磊杰涛超勇峰志刚德成海宝"
FEMALE_GIVEN = "秀英玉兰红芳丽静敏霞燕娟艳桂珍琴萍凤"
STREETS = ("康宁路", "梅陇路", "华泾路", "龙川北路")
ILLNESSES = ("尿毒症，需定期透析", "肺癌术后化疗", "脑梗后行动不便", "白血病治疗中", "糖尿病并发症住院")
LEAVE_REASONS = ("外出探亲", "生病住院", "单位加班", "照顾家人", "在外地")
# The member drifting away from 组织生活 (see _drifting_status): absent this many full months, one of them on leave.
DRIFTING_MONTHS = 5
DRIFTING_LEAVE_MONTHS_AGO = 3
DRIFTING_REASON = "外出务工"
TAGS = ("独居老人", "高龄", "残疾", "低保", "重病", "退役军人")
# The ages (whole years, inclusive) a tag fits, and the ages of whom a care category is given to (the family's
# young parents for a newborn's eggs, the pupil or student for the pen).
TAG_AGES = {"独居老人": (60, 95), "高龄": (80, 95), "退役军人": (20, 95), "新生儿": (0, 0), "学生": (6, 22)}
CARE_AGES = {"新生儿送鸡蛋": (22, 45), "新婚送蜂蜜": (22, 45), "升学送钢笔": (6, 22), "乔迁送糕点": (18, 95)}
DESTINATIONS = (
    ("梅陇六村", "闵行区"),
    ("虹旭小区", "闵行区"),
    ("田林十二村", "徐汇区"),
    ("古美西路居民区", "闵行区"),
    ("康健街道长虹居民区", "徐汇区"),
    ("曹杨新村", "普陀区"),
    ("鞍山四村", "杨浦区"),
    ("新华路居民区", "长宁区"),
)
HIGHLIGHTS = (
    "楼组长队伍稳定，“楼道微治理”让居民自己议、自己定。",
    "加装电梯“一梯一档”，从征询到开工全程公开。",
    "睦邻点覆盖每个片区，独居老人每天有人敲门问候。",
    "党员认领“微心愿”，群众需求清单化管理。",
    "业委会、物业、居委会“三驾马车”联席会议每月召开。",
)
TAKEAWAYS = (
    "治理要让居民唱主角，书记当好召集人。",
    "台账要简单好用，才能坚持下去。",
    "先易后难，从一个楼道做出样板再推开。",
)
PRACTICES = (
    "试点“楼道议事会”",
    "建立独居老人每日问候名单",
    "推行加装电梯一梯一档",
    "开设党员先锋岗",
    "每月召开三方联席会议",
    "建立微心愿认领墙",
)
TOPICS = {
    MeetingKind.GENERAL_ASSEMBLY: ("讨论发展预备党员", "学习传达上级会议精神", "审议支部年度工作计划"),
    MeetingKind.COMMITTEE: ("研究本月重点工作", "讨论困难群众帮扶名单", "部署社区安全工作"),
    MeetingKind.GROUP_MEETING: ("学习党章", "交流为民服务体会", "讨论楼组自治事项"),
    MeetingKind.PARTY_LESSON: ("学习习近平新时代中国特色社会主义思想", "弘扬红色传统", "基层治理中的党员作用"),
    MeetingKind.THEME_DAY: ("社区清洁志愿服务", "参观中共一大会址", "为老服务进楼道"),
    MeetingKind.ORG_LIFE: ("年度组织生活会：对照检查，开展批评与自我批评",),
    MeetingKind.MEMBER_REVIEW: ("年度民主评议党员",),
}


class _Maker:
    def __init__(self, seed: float) -> None:
        self.rng = random.Random(seed)

    def name(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def address(self) -> str:
        return f"{self.rng.randint(1, 60)}号楼{self.rng.randint(1, 6)}0{self.rng.randint(1, 4)}室"

    def phone(self) -> str:
        return "1" + self.rng.choice("3589") + "".join(self.rng.choice("0123456789") for _ in range(9))

    def birth(self, youngest: int, oldest: int, today: dt.date) -> dt.date:
        return today - dt.timedelta(days=self.rng.randint(youngest * 365, oldest * 365))

    def id_number(self, birth: dt.date, gender: Gender) -> str:
        order = self.rng.randint(0, 49) * 2 + (1 if gender is Gender.MALE else 0)
        first17 = f"310112{birth:%Y%m%d}{self.rng.randint(0, 9)}{order:02d}"
        return first17 + id_check_digit(first17)


def name_gender(name: str) -> Gender | None:
    """The sex a given name says (its last character that says one), or None for a name that says neither."""
    for char in reversed(name[1:]):
        if char in MALE_GIVEN:
            return Gender.MALE
        if char in FEMALE_GIVEN:
            return Gender.FEMALE
    return None


def age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def aged(birth: dt.date, today: dt.date, ages: tuple[int, int]) -> dt.date:
    """`birth`, moved (by whole years, the day kept) into `ages` when it is outside them: where in the range
    follows from the age drawn, so no draw is added and the seed's other people stay as they were."""
    youngest, oldest = ages
    age = age_on(birth, today)
    if youngest <= age <= oldest:
        return birth
    wanted = youngest + age % (oldest - youngest + 1)
    moved = birth.replace(day=min(birth.day, 28))  # a day every month has: whole years move it exactly
    return moved.replace(year=moved.year + age_on(moved, today) - wanted)


def recipient_for(rows: Sequence[Any], drawn: int, ages: tuple[int, int] | None, day: dt.date) -> int:
    """The resident drawn, or the next one in the list who was of the category's age on the day (eggs for a
    newborn go to young parents, a pen to a pupil); the drawn one if nobody is."""
    if ages is None:
        return drawn
    for step in range(len(rows)):
        index = (drawn + step) % len(rows)
        birth = rows[index].birth_date
        if birth is not None and birth <= day and ages[0] <= age_on(birth, day) <= ages[1]:
            return index
    return drawn


def fitted_person(person: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """A drawn resident or member made consistent, as a secretary would expect: the sex the name says, an
    age that fits every tag (独居老人 60 or older, 高龄 80 or older …), and the ID number to match both."""
    gender = name_gender(person["name"]) or person["gender"]
    birth = person["birth_date"]
    for tag in person.get("tags", ()):
        if tag in TAG_AGES:
            birth = aged(birth, today, TAG_AGES[tag])
    if person.get("id_number") and (gender, birth) != (person["gender"], person["birth_date"]):
        old = person["id_number"]
        order = int(old[15:17]) // 2 * 2 + (1 if gender is Gender.MALE else 0)
        first17 = f"{old[:6]}{birth:%Y%m%d}{old[14]}{order:02d}"
        person["id_number"] = first17 + id_check_digit(first17)
    person["gender"], person["birth_date"] = gender, birth
    return person


def _insert(session: Any, model: type, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model), rows)


def _new_ids(session: Any, model: Any, before: int) -> list[int]:
    return list(session.scalars(select(model.id).where(model.id > before).order_by(model.id)))


def fill_demo(db: Database, size: str = "small", seed: int = 2023, today: dt.date | None = None) -> dict[str, int]:
    """Fill an empty database with a demo community. Returns counts per record kind."""
    if size not in SIZES:
        raise AppError(f"示例数据规模只能是 {' 或 '.join(SIZES)}")
    spec = SIZES[size]
    today = today or dt.date.today()
    make = _Maker(seed)
    rng = make.rng
    with db.session() as session:
        if session.scalar(select(func.count(Resident.id))) or session.scalar(select(func.count(Member.id))):
            raise AppError("数据库中已有居民或党员，示例数据只能载入空白数据库。请换一个数据目录。")
        profile = the_profile(session)
        assert profile is not None  # the first migration creates it
        # Each seed its own community, so a street office's demo adds several up.
        community = "康宁居民区" if seed == 2023 else f"示例{seed}号居民区"
        profile.community_name = community
        profile.street_office = "示例街道"
        profile.org_name = f"{community}党总支"
        profile.secretary_name = "朱国萍"
        profile.reporter_name = "陈静"
        profile.unit_code = f"3101{seed:05d}"

        # Residents.
        residents = []
        for _ in range(spec.residents):
            gender = rng.choice(list(Gender))
            birth = make.birth(1, 95, today)
            name = make.name()
            residents.append(
                fitted_person(
                    {
                        "name": name,
                        "name_initials": initials(name),
                        "name_pinyin": sort_key(name),
                        "gender": gender,
                        "birth_date": birth,
                        "id_number": make.id_number(birth, gender) if rng.random() < 0.7 else None,
                        "phone": make.phone() if rng.random() < 0.85 else None,
                        "address": make.address(),
                        "tags": rng.sample(TAGS, k=rng.choice((0, 0, 0, 1, 1, 2))),
                        "notes": "",
                        "status": rng.choices(list(ResidentStatus), weights=(94, 4, 2))[0],
                    },
                    today,
                )
            )
        _insert(session, Resident, residents)
        resident_rows = session.execute(
            select(Resident.id, Resident.name, Resident.address, Resident.birth_date).order_by(Resident.id)
        ).all()

        # Party groups and members; the first members form the committee.
        _insert(session, PartyGroup, [{"name": f"第{n}党小组", "notes": ""} for n in range(1, spec.groups + 1)])
        group_ids = list(session.scalars(select(PartyGroup.id).order_by(PartyGroup.id)))
        members = []
        roles = ["书记", "副书记", "组织委员", "宣传委员", "纪检委员"]
        for index in range(spec.members):
            gender = rng.choice(list(Gender))
            birth = make.birth(25, 90, today)
            name = "朱国萍" if index == 0 else make.name()
            members.append(
                fitted_person(
                    {
                        "name": name,
                        "name_initials": initials(name),
                        "name_pinyin": sort_key(name),
                        "gender": gender,
                        "birth_date": birth,
                        "join_date": min(
                            birth + dt.timedelta(days=rng.randint(19 * 365, 50 * 365)), today - dt.timedelta(days=400)
                        ),
                        "member_type": MemberType.PROBATIONARY if rng.random() < 0.04 else MemberType.FULL,
                        "group_id": group_ids[index % len(group_ids)],
                        "phone": make.phone(),
                        "id_number": make.id_number(birth, gender),
                        "is_committee": index < len(roles),
                        "committee_role": roles[index] if index < len(roles) else "",
                        "status": MemberStatus.TRANSFERRED if rng.random() < 0.02 else MemberStatus.ACTIVE,
                        "notes": "",
                    },
                    today,
                )
            )
        members[0]["member_type"] = MemberType.FULL
        _insert(session, Member, members)
        member_rows = session.execute(
            select(Member.id, Member.name, Member.group_id, Member.is_committee, Member.committee_role).where(
                Member.status == MemberStatus.ACTIVE
            )
        ).all()
        for group_id in group_ids:
            leader = next(m for m in member_rows if m.group_id == group_id)
            group = session.get(PartyGroup, group_id)
            assert group is not None  # inserted above
            group.leader_id = leader.id

        # Care actions.
        categories = list(
            session.execute(
                select(
                    CareCategory.id,
                    CareCategory.name,
                    CareCategory.default_item,
                    CareCategory.default_amount,
                    CareCategory.sensitive,
                )
            )
        )
        handlers = [m.name for m in member_rows[:5]]
        days_back = 365 * (2 if size == "small" else 10)
        care = []
        for _ in range(spec.care_actions):
            category = rng.choices(categories, weights=(20, 15, 20, 20, 15, 10))[0]
            drawn = rng.randrange(len(resident_rows))  # as rng.choice draws: the seed's records stay as they were
            date = today - dt.timedelta(days=rng.randint(0, days_back))
            resident = resident_rows[recipient_for(resident_rows, drawn, CARE_AGES.get(category.name), date)]
            recent = (today - date).days < 60  # older follow-ups have been made: they are 已完成 now
            status = rng.choices(list(CareStatus), weights=(5, 80, 15) if recent else (0, 100, 0))[0]
            care.append(
                {
                    "date": date,
                    "category_id": category.id,
                    "resident_id": resident.id,
                    "recipient_name": resident.name,
                    "recipient_initials": initials(resident.name),
                    "recipient_address": resident.address,
                    "item": category.default_item or "慰问品",
                    "amount": category.default_amount if category.default_amount is not None else Decimal("50.00"),
                    "handled_by": rng.choice(handlers),
                    "status": status,
                    "follow_up_date": date + dt.timedelta(days=rng.randint(7, 60))
                    if status is CareStatus.FOLLOW_UP
                    else None,
                    "illness_detail": rng.choice(ILLNESSES) if category.sensitive else "",
                    "notes": "",
                }
            )
        _insert(session, CareAction, care)

        meeting_count = _fill_meetings(session, spec, member_rows, group_ids, today, rng)

        # Study visits with participants and adopted practices.
        before = session.scalar(select(func.coalesce(func.max(StudyVisit.id), 0))) or 0
        visits: list[dict[str, Any]] = []
        for _ in range(spec.visits):
            destination, district = rng.choice(DESTINATIONS)
            visits.append(
                {
                    "date": today - dt.timedelta(days=rng.randint(0, days_back)),
                    "destination": destination,
                    "district": district,
                    "organiser": rng.choice(("街道党工委", "书记工作室", "区委组织部")),
                    "highlights": "\n".join(rng.sample(HIGHLIGHTS, k=2)),
                    "takeaways": rng.choice(TAKEAWAYS),
                    "notes": "",
                }
            )
        _insert(session, StudyVisit, visits)
        participants, practices = [], []
        for visit_id, visit in zip(_new_ids(session, StudyVisit, before), visits, strict=True):
            for member in rng.sample(member_rows, k=min(4, len(member_rows))):
                participants.append({"visit_id": visit_id, "member_id": member.id})
            for description in rng.sample(PRACTICES, k=rng.randint(1, 3)):
                due = visit["date"] + dt.timedelta(days=rng.randint(30, 180))
                practices.append(
                    {
                        "visit_id": visit_id,
                        "description": description,
                        "owner": rng.choice(handlers),
                        "due_date": due,
                        "status": PracticeStatus.DONE
                        if due < today and rng.random() < 0.8
                        else rng.choice((PracticeStatus.TODO, PracticeStatus.IN_PROGRESS)),
                    }
                )
        _insert(session, VisitParticipant, participants)
        _insert(session, AdoptedPractice, practices)
        studio = _fill_studio(session, spec, handlers, today, days_back, rng)
        dues = _fill_dues(session, member_rows, handlers[0], today, rng)
        talks = _fill_talks(session, member_rows, today)
        reviews = _fill_reviews(session, today)
        transfers = _fill_transfers(session, today, today - dt.timedelta(days=days_back))
        mobile = _fill_mobile(session, today)
        for service in record_services(db).values():
            service.refresh_search_text(session)
        # The demo community has kept its records here from the first day of its history.
        session.merge(AppSetting(key=StartDateService.KEY, value=(today - dt.timedelta(days=days_back)).isoformat()))

    return {
        "residents": len(residents),
        "members": len(members),
        "party_groups": len(group_ids),
        "care_actions": len(care),
        "meetings": meeting_count,
        "visits": len(visits),
        **studio,
        "dues_payments": dues,
        "talks": talks,
        "member_reviews": reviews,
        "member_transfers": transfers,
        "mobile_members": mobile,
    }


# Changes when the demo's contents do, so cached data sets (the bench's) are made anew.
DEMO_VERSION = 6

# 缴费类别 as a Shanghai community's members are: mostly retired, some in work, a few students and 低保.
DUES_MIX = (
    (DuesCategory.RETIRED, 55, (3500, 7500)),
    (DuesCategory.EMPLOYED, 30, (2800, 16000)),
    (DuesCategory.STUDENT, 5, None),
    (DuesCategory.MINIMUM_LIVING, 5, None),
    (DuesCategory.PAYS_AT_WORK, 5, None),
)


def _fill_dues(session: Any, members: Sequence[Any], collector: str, today: dt.date, rng: random.Random) -> int:
    """Last year's and this year's 核定, and the months paid up to last month; a few members owe months, and
    one in fifty has paid nothing for half a year (the 6-month risk shows on the 工作台)."""
    assessments, payments = [], []
    for index, member in enumerate(members):
        category, _, bases = rng.choices(DUES_MIX, weights=[w for _, w, _ in DUES_MIX])[0]
        if index == len(members) // 2:  # at least one member at the risk, whatever the draw
            category, bases = DuesCategory.RETIRED, (3500, 7500)
        base = Decimal(rng.randrange(*bases)) if bases else None
        amount = monthly_dues(category, base)
        lapsed = index == len(members) // 2 or rng.random() < 0.02
        behind = 0 if rng.random() < 0.9 else rng.randint(1, 3)
        for year in (today.year - 1, today.year):
            assessments.append(
                {
                    "member_id": member.id,
                    "year": year,
                    "from_month": 1,
                    "category": category,
                    "base": base,
                    "monthly_amount": amount,
                    "decided_on": dt.date(year, 1, 10),
                    "notes": "年度核定",
                }
            )
            for month in range(1, 13):
                months_ago = (today.year - year) * 12 + today.month - month
                if amount == 0 or months_ago < 1 or (lapsed and months_ago <= 7) or months_ago <= behind:
                    continue
                payments.append(
                    {
                        "member_id": member.id,
                        "year": year,
                        "month": month,
                        "amount": amount,
                        "paid_on": dt.date(year, month, rng.randint(5, 25)),
                        "way": DuesPaymentWay.CASH,
                        "kind": DuesPaymentKind.REGULAR,
                        "collector": collector,
                        "notes": "",
                    }
                )
    # A few 自愿多交 at 七一, from their own draw so the rest of the demo stays as it was.
    gifts = random.Random(len(members))
    for year in (today.year - 1, today.year):
        if dt.date(year, 7, 1) > today:
            continue
        for member in gifts.sample(list(members), k=max(1, len(members) // 40)):
            payments.append(
                {
                    "member_id": member.id,
                    "year": year,
                    "month": 0,
                    "amount": Decimal(gifts.choice((200, 500, 1000, 2000))),
                    "paid_on": dt.date(year, 7, 1),
                    "way": DuesPaymentWay.TRANSFER,
                    "kind": DuesPaymentKind.VOLUNTARY,
                    "collector": collector,
                    "notes": "",
                }
            )
    _insert(session, DuesAssessment, assessments)
    for first in range(0, len(payments), 50_000):
        _insert(session, DuesPayment, payments[first : first + 50_000])
    return len(payments)


def _fill_studio(
    session: Any, spec: DemoSize, mentors: list[str], today: dt.date, days_back: int, rng: random.Random
) -> dict[str, int]:
    before = session.scalar(select(func.coalesce(func.max(StudioActivity.id), 0)))
    activities = []
    for _ in range(spec.studio_activities):
        people = "\n".join(
            f"{_Maker(rng.random()).name()}（{rng.choice(COMMUNITIES)}）" for _ in range(rng.randint(2, 5))
        )
        activities.append(
            {
                "kind": rng.choice(list(StudioActivityKind)),
                "date": today - dt.timedelta(days=rng.randint(0, days_back)),
                "topic": rng.choice(STUDIO_TOPICS),
                "lead_mentor": rng.choice(mentors),
                "participants": people,
                "content": "交流各居民区的做法，梳理问题清单。",
                "questions": "遇到少数居民反对怎么办？",
                "answers": "先个别走访，再开楼组会议，把道理讲透。",
            }
        )
    _insert(session, StudioActivity, activities)
    activity_ids = _new_ids(session, StudioActivity, before)
    topic_ids = list(session.scalars(select(StudioTopic.id).order_by(StudioTopic.sort_order)))
    problems = []
    for _ in range(spec.studio_problems):
        raised = today - dt.timedelta(days=rng.randint(0, days_back))
        status = rng.choices(list(ProblemStatus), weights=(30, 25, 35, 10))[0]
        resolved = status is ProblemStatus.RESOLVED
        problems.append(
            {
                "raised_date": raised,
                "source_community": rng.choice(COMMUNITIES),
                "raised_by": _Maker(rng.random()).name(),
                "source_activity_id": rng.choice(activity_ids) if activity_ids else None,
                "topic_id": rng.choice(topic_ids),
                "description": rng.choice(PROBLEMS),
                "status": status,
                "owner": rng.choice(mentors),
                "resolution": "多方协调后达成一致。" if resolved else "",
                "resolved_date": min(raised + dt.timedelta(days=rng.randint(10, 90)), today) if resolved else None,
            }
        )
    before_problems = session.scalar(select(func.coalesce(func.max(StudioProblem.id), 0)))
    _insert(session, StudioProblem, problems)
    # A problem's source activity is one that discussed it, as the service records it.
    _insert(
        session,
        ProblemDiscussion,
        [
            {"problem_id": problem_id, "activity_id": problem["source_activity_id"]}
            for problem_id, problem in zip(_new_ids(session, StudioProblem, before_problems), problems, strict=True)
            if problem["source_activity_id"]
        ],
    )
    return {"studio_activities": len(activities), "studio_problems": len(problems)}


TALK_TOPICS = ("思想状况和家庭困难", "对支部工作的意见建议", "学习教育心得", "参加志愿服务的想法", "身体状况和生活安排")


def _fill_talks(session: Any, members: Sequence[Any], today: dt.date) -> int:
    """谈心谈话 of last year and this one so far: the 支部委员 with each other (one pair short), the 书记 with nine
    members in ten, and a few members with each other. Its own draw, so the rest of the demo stays as it was."""
    rng = random.Random(len(members) * 31)
    committee = [m for m in members if m.is_committee]
    others = [m for m in members if not m.is_committee]
    if not committee:
        return 0
    secretary = next((m for m in committee if m.committee_role == SECRETARY_ROLE), committee[0])
    talks: list[tuple[dt.date, list[int]]] = []
    for year in (today.year - 1, today.year):
        last = min(dt.date(year, 12, 31), today)
        span = (last - dt.date(year, 1, 1)).days

        def day(first: dt.date = dt.date(year, 1, 1), days: int = span) -> dt.date:
            return first + dt.timedelta(days=rng.randint(0, days))

        pairs = list(itertools.combinations(committee, 2))
        talks += [(day(), [a.id, b.id]) for a, b in pairs[:-1]]
        talks += [(day(), [secretary.id, m.id]) for m in others if rng.random() < 0.9]
        for _ in range(max(1, len(others) // 10)):
            talks.append((day(), [m.id for m in rng.sample(others, k=min(2, len(others)))]))
    before = session.scalar(select(func.coalesce(func.max(Talk.id), 0))) or 0
    _insert(
        session,
        Talk,
        [
            {
                "date": date,
                "way": rng.choice(list(TalkWay)),
                "topic": rng.choice(TALK_TOPICS),
                "record": "本人表示将积极参加组织生活，支部将继续关心其困难。",
            }
            for date, _ in talks
        ],
    )
    _insert(
        session,
        TalkParticipant,
        [
            {"talk_id": talk_id, "member_id": member_id}
            for talk_id, (_, people) in zip(_new_ids(session, Talk, before), talks, strict=True)
            for member_id in people
        ],
    )
    return len(talks)


def _fill_reviews(session: Any, today: dt.date) -> int:
    """Each year's 民主评议 from its 民主评议党员 meeting, decided the same day by the 支部大会: most members 合格,
    a few 优秀, one 基本合格; 自评 done by nearly all. Its own draw, so the rest of the demo stays as it was."""
    rng = random.Random(today.year)
    held = session.execute(
        select(Meeting.id, Meeting.date)
        .where(Meeting.kind == MeetingKind.MEMBER_REVIEW, Meeting.deleted_at.is_(None))
        .order_by(Meeting.date)
    ).all()
    latest = {day.year: (meeting_id, day) for meeting_id, day in held}  # the year's last one decides
    for year, (meeting_id, day) in sorted(latest.items()):
        review = MemberReview(
            year=year, meeting_id=meeting_id, meeting_date=day, decided_on=day, decided_by=ReviewBody.GENERAL_ASSEMBLY
        )
        listed = session.scalars(select(Member.id).where(Member.deleted_at.is_(None), belonged_on(day))).all()
        voters = len(listed)
        for index, member_id in enumerate(listed):
            grade = (
                ReviewGrade.BASIC
                if index == len(listed) // 2
                else (ReviewGrade.EXCELLENT if rng.random() < 0.15 else ReviewGrade.QUALIFIED)
            )
            excellent = rng.randint(0, voters // 3) if grade is not ReviewGrade.EXCELLENT else voters * 2 // 3
            basic = rng.randint(0, 2) if grade is not ReviewGrade.BASIC else voters // 2
            review.entries.append(
                MemberReviewEntry(
                    member_id=member_id,
                    self_assessed=rng.random() < 0.95,
                    votes_excellent=excellent,
                    votes_qualified=max(voters - excellent - basic, 0),
                    votes_basic=basic,
                    votes_unqualified=0,
                    grade=grade,
                    disposal_ref="",
                )
            )
        session.add(review)
    session.flush()
    return len(latest)


# 组织关系转接: where the demo's members came from and went to, as a Shanghai 介绍信 names them.
TRANSFER_PLACES = (
    "中共长宁区仙霞新村街道虹旭居民区支部委员会",
    "中共闵行区古美路街道平南居民区委员会",
    "中共浦东新区潍坊新村街道梅园居民区总支部委员会",
    "中共杨浦区五角场街道政民居民区支部委员会",
    "中共江苏省昆山市花桥镇党委",
)
# The demo's two recent 转出: days before today, and whether the 回执 came back (the first is three months late).
RECENT_LEAVERS = ((100, False), (40, False))


def _fill_transfers(session: Any, today: dt.date, history_start: dt.date) -> int:
    """The 转入 and 转出 of the demo's members, with their 介绍信 and 回执. Members already marked 已转出 left before
    the demo's history, as did a few who came in; two members leave in the last months, the first with its 回执
    three months late (a 工作台 reminder): their records after leaving are taken away, as if never entered. Its
    own draw, so the rest of the demo stays as it was."""
    rng = random.Random(today.toordinal() + 18)
    handlers = ("朱国萍", "陈静")
    rows = session.execute(
        select(Member.id, Member.join_date, Member.status, Member.is_committee).order_by(Member.id)
    ).all()
    count = 0

    def letter(day: dt.date) -> str:
        return f"沪组转〔{day.year}〕{rng.randint(1, 300):03d}号"

    def transfer(member_id: int, direction: TransferDirection, day: dt.date, receipt: dt.date | None) -> None:
        nonlocal count
        session.add(
            MemberTransfer(
                member_id=member_id,
                direction=direction,
                date=day,
                organisation=rng.choice(TRANSFER_PLACES),
                letter_no=letter(day),
                handled_by=rng.choice(handlers),
                receipt_date=receipt,
            )
        )
        count += 1

    ordinary = [row for row in rows if row.status is MemberStatus.ACTIVE and not row.is_committee]
    for row in rows:  # left before the records begin
        day = history_start - dt.timedelta(days=rng.randint(30, 700))
        if row.status is MemberStatus.TRANSFERRED and row.join_date < day:
            session.get(Member, row.id).left_date = day
            transfer(row.id, TransferDirection.OUT, day, day + dt.timedelta(days=rng.randint(10, 40)))
    for row in ordinary[3::17]:  # came in before the records begin
        day = history_start - dt.timedelta(days=rng.randint(60, 1500))
        if row.join_date < day:
            session.get(Member, row.id).transfer_in_date = day
            transfer(row.id, TransferDirection.IN, day, day + dt.timedelta(days=rng.randint(3, 20)))
    for (days_ago, answered), row in zip(RECENT_LEAVERS, ordinary[-2:], strict=False):
        day = (today - dt.timedelta(days=days_ago)).replace(day=1)
        _leave(session, row.id, day)
        transfer(row.id, TransferDirection.OUT, day, today if answered else None)
    session.flush()
    return count


# The demo's 流动党员: days since leaving (and since coming back), where, fixed or not, how they take part, the
# 流入地党组织 and days since the last contact. The first is six months away at a fixed place (the 工作台 advises a
# transfer), the second has not been reached for three months.
AWAY = (
    (240, None, "江苏省昆山市花桥镇（物流公司）", True, MobileParticipation.HOST, "中共昆山市花桥镇绿地社区委员会", 20),
    (95, None, "浙江省杭州市余杭区（软件公司）", True, MobileParticipation.ONLINE, "", 100),
    (60, None, "外省市跑长途运输", False, MobileParticipation.RETURNS, "", 5),
    (700, 330, "安徽省合肥市（援建项目）", True, MobileParticipation.HOST, "中共合肥市蜀山区笔架山街道工委", 340),
)


def _fill_mobile(session: Any, today: dt.date) -> int:
    """流动党员 among the demo's members (not the one drifting away, nor those who leave): its own draw."""
    rng = random.Random(today.toordinal() + 19)
    rows = session.execute(
        select(Member.id, Member.join_date, Member.phone)
        .where(Member.status == MemberStatus.ACTIVE, Member.is_committee.is_(False))
        .order_by(Member.id)
    ).all()
    candidates = rows[len(rows) // 2 + 1 : -2]
    count = 0
    for (left_ago, back_ago, place, fixed, way, host, contact_ago), row in zip(AWAY, candidates[::3], strict=False):
        left_on = today - dt.timedelta(days=left_ago)
        if row.join_date >= left_on:
            continue
        session.add(
            MobileMember(
                member_id=row.id,
                left_on=left_on,
                returned_on=today - dt.timedelta(days=back_ago) if back_ago else None,
                place=place,
                fixed_place=fixed,
                contact=row.phone,
                host_organisation=host,
                card_no=f"沪流{today.year - left_ago // 365}{rng.randint(10000, 99999)}"
                if way is not MobileParticipation.RETURNS
                else "",
                participation=way,
                last_contact=today - dt.timedelta(days=contact_ago),
                notes="",
            )
        )
        count += 1
    session.flush()
    return count


def _leave(session: Any, member_id: int, day: dt.date) -> None:
    """The member leaves the branch on `day`: not listed at a meeting, a talk or a 民主评议 from then, and no 党费
    for the months from then."""
    member = session.get(Member, member_id)
    member.status, member.left_date = MemberStatus.TRANSFERRED, day
    later = select(Meeting.id).where(Meeting.date >= day)
    for meeting in session.scalars(select(Meeting).where(Meeting.id.in_(later))):
        kept = [entry for entry in meeting.attendance if entry.member_id != member_id]
        if len(kept) != len(meeting.attendance):
            left = next(entry for entry in meeting.attendance if entry.member_id == member_id)
            meeting.voting_members -= 1 if left.can_vote else 0
            if meeting.vote_taken and meeting.votes_for and left.can_vote and left.status is AttendanceStatus.PRESENT:
                meeting.votes_for -= 1  # their vote was never cast
            meeting.attendance = kept
            summary = summarize_attendance(entry.status for entry in kept)
            meeting.expected_count, meeting.attended_count = summary.expected, summary.attended
    for talk in session.scalars(select(Talk).where(Talk.date >= day)):
        people = [p for p in talk.participants if p.member_id != member_id]
        if len(people) < 2:
            session.delete(talk)
        else:
            talk.participants = people
    for review in session.scalars(select(MemberReview).where(MemberReview.meeting_date >= day)):
        review.entries = [entry for entry in review.entries if entry.member_id != member_id]
    for payment in session.scalars(select(DuesPayment).where(DuesPayment.member_id == member_id)):
        if (payment.year, payment.month) >= (day.year, day.month):
            session.delete(payment)


def _drifting_status(day: dt.date, today: dt.date, drawn: AttendanceStatus) -> AttendanceStatus:
    """The demo's member drifting away: absent from every meeting of the last five months and this one, on leave
    in one of them, so the six-month warning (党章 第九条) shows on the 工作台 four months in, with the 请假 apart."""
    months_ago = (today.year - day.year) * 12 + today.month - day.month
    if months_ago == DRIFTING_LEAVE_MONTHS_AGO:
        return AttendanceStatus.ON_LEAVE
    return AttendanceStatus.ABSENT if months_ago <= DRIFTING_MONTHS else drawn


def _month_starts(today: dt.date, months: int) -> list[dt.date]:
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(starts)


def _fill_meetings(
    session: Any, spec: DemoSize, members: Sequence[Any], group_ids: list[int], today: dt.date, rng: random.Random
) -> int:
    """Meetings month by month back from today; a few are skipped so the rules have work to do.

    `small` covers two years; `large` goes back as far as 5,000 meetings need.
    """
    committee = [m for m in members if m.is_committee]
    by_group: dict[int, list[Any]] = {g: [m for m in members if m.group_id == g] for g in group_ids}
    plans: list[tuple[dt.date, MeetingKind, int | None, Sequence[Any]]] = []
    months = 24 if spec.meetings == 0 else 12 * 40
    for start in reversed(_month_starts(today, months)):
        month_plans: list[tuple[dt.date, MeetingKind, int | None, Sequence[Any]]] = []

        def plan(
            kind: MeetingKind,
            group_id: int | None,
            attendees: Sequence[Any],
            day: int,
            month_start: dt.date = start,
            bucket: list = month_plans,
        ) -> None:
            date = month_start.replace(day=day)
            if date <= today and rng.random() > 0.06:
                bucket.append((date, kind, group_id, attendees))

        plan(MeetingKind.COMMITTEE, None, committee, 5)
        plan(MeetingKind.THEME_DAY, None, members, 15)
        for group in group_ids:
            plan(MeetingKind.GROUP_MEETING, group, by_group[group], rng.randint(8, 25))
        if start.month in (1, 4, 7, 10):
            plan(MeetingKind.GENERAL_ASSEMBLY, None, members, 20)
            plan(MeetingKind.PARTY_LESSON, None, members, 22)
        if start.month == 12:
            plan(MeetingKind.ORG_LIFE, None, members, 18)
            plan(MeetingKind.MEMBER_REVIEW, None, members, 18)
        plans.extend(month_plans)
        if spec.meetings and len(plans) >= spec.meetings:
            break
    if spec.meetings:
        plans = plans[: spec.meetings]
    before = session.scalar(select(func.coalesce(func.max(Meeting.id), 0))) or 0
    rows, attendance_lists = [], []
    drifting = next((m for m in members[len(members) // 3 :] if not m.is_committee), None)
    for date, kind, meeting_group, attendees in plans:
        drawn = [rng.choices(list(AttendanceStatus), weights=(88, 8, 4))[0] for _ in attendees]
        statuses = [
            _drifting_status(date, today, s) if m is drifting else s for m, s in zip(attendees, drawn, strict=True)
        ]
        attended = sum(1 for s in statuses if s is AttendanceStatus.PRESENT)
        voted = kind is MeetingKind.GENERAL_ASSEMBLY and rng.random() < 0.3
        host = committee[0].name if committee else ""
        rows.append(
            {
                "kind": kind,
                "date": date,
                "start_time": dt.time(14, 0),
                "end_time": dt.time(15, 30),
                "place": "居民区党群服务站",
                "topic": rng.choice(TOPICS[kind]),
                "host": host,
                "recorder": committee[1].name if len(committee) > 1 else host,
                "lecturer": host if kind is MeetingKind.PARTY_LESSON else "",
                "group_id": meeting_group,
                "agenda": "一、学习传达\n二、讨论议题\n三、布置工作",
                "content": "会议按议程进行，与会党员踊跃发言。",
                "resolutions": "一致同意会议议题。" if voted else "",
                "vote_taken": voted,
                "votes_for": attended if voted else None,
                "votes_against": 0 if voted else None,
                "votes_abstain": 0 if voted else None,
                "expected_count": len(attendees),
                "attended_count": attended,
            }
        )
        attendance_lists.append((attendees, statuses, drawn))
    _insert(session, Meeting, rows)
    attendance = []
    for meeting_id, (attendees, statuses, drawn) in zip(
        _new_ids(session, Meeting, before), attendance_lists, strict=True
    ):
        for member, status, drawn_status in zip(attendees, statuses, drawn, strict=True):
            # The reason is drawn as the first draw asks, so the drifting member leaves every other draw as it was.
            reason = rng.choice(LEAVE_REASONS) if drawn_status is not AttendanceStatus.PRESENT else ""
            if status is not drawn_status:
                reason = DRIFTING_REASON if status is AttendanceStatus.ON_LEAVE else ""
            attendance.append({"meeting_id": meeting_id, "member_id": member.id, "status": status, "reason": reason})
    for first in range(0, len(attendance), 50_000):
        _insert(session, Attendance, attendance[first : first + 50_000])
    return len(rows)
