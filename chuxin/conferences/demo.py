# ruff: noqa: RUF001 - Chinese text uses full-width punctuation
"""Demo promotion conferences of the demo campaign, at every scale (the same handful of rows:
a conference has one sub-venue per city, whatever the size of the tree).

The first (on site, launching batch 1), the second (a video conference launching batch 2)
and the third (a teleconference with a sub-venue in every city, the leading group's head
presiding and speaking, the organization minister deploying the second batch of work, the
leading units of the special rectifications reporting, and work deployed to every city as
rectification tasks), each with its release generated from the record; and a fourth one,
planned a week from the day of the load, so the calendar has an upcoming conference.

Deterministic from the seed; rows written with ``bulk_create`` (no history rows), the tasks'
counters rebuilt by the loader afterwards.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db.models import Min
from django.utils import timezone

from chuxin.organization.models import Campaign, Member, Unit, UnitKind
from chuxin.problems.models import Problem
from chuxin.rectification.models import RectificationTask, SpecialRectification

from .models import (
    Conference,
    ConferencePerson,
    DeployedAssignment,
    DeployedItem,
    Release,
    Speech,
    SubVenue,
)
from .release import render_release

CITY_EN = {
    "沈阳市": "Shenyang",
    "大连市": "Dalian",
    "鞍山市": "Anshan",
    "抚顺市": "Fushun",
    "本溪市": "Benxi",
    "丹东市": "Dandong",
    "锦州市": "Jinzhou",
    "营口市": "Yingkou",
    "阜新市": "Fuxin",
    "辽阳市": "Liaoyang",
    "盘锦市": "Panjin",
    "铁岭市": "Tieling",
    "朝阳市": "Chaoyang",
    "葫芦岛市": "Huludao",
}

# The leading group as the releases name them: (Chinese name, English name, English position).
PEOPLE_EN = {
    "陈求发": (
        "Chen Qiufa",
        "secretary of the Provincial Party Committee, director of the Standing Committee of "
        "the Provincial People's Congress, and head of the leading group on thematic "
        "education of the provincial party committee",
    ),
    "唐一军": (
        "Tang Yijun",
        "deputy secretary of the Provincial Party Committee, Governor of Liaoning Province, "
        "and deputy head of the leading group on thematic education of the provincial party "
        "committee",
    ),
    "夏德仁": (
        "Xia Deren",
        "chairman of the Provincial Committee of the Chinese People's Political Consultative "
        "Conference, and deputy head of the leading group on thematic education of the "
        "provincial party committee",
    ),
    "周波": (
        "Zhou Bo",
        "deputy secretary of the provincial party committee and deputy head of the provincial "
        "party committee's leading group on thematic education",
    ),
    "陆治原": (
        "Lu Zhiyuan",
        "member of the Standing Committee of the Provincial CPC Committee and Minister of the "
        "Organization Department",
    ),
    "王建华": (
        "Wang Jianhua",
        "executive deputy minister of the Organization Department and director of the office "
        "of the leading group",
    ),
}

THIRD_POINTS = [
    "第二批主题教育开展以来，各地区各部门各单位按照党中央要求和省委部署，紧扣主线、突出主题，"
    "统筹推进学习教育、调查研究、检视问题、整改落实四项重点措施，以专项整治为抓手，着力解决"
    "群众关心的难点痛点堵点问题，不断增强群众获得感",
    "要认真学习贯彻习近平总书记关于主题教育的重要讲话和指示批示精神，进一步提高政治站位，"
    "善始善终、善作善成，把中央部署的各项任务和专项整治工作坚决落实到位，确保取得实实在在的成效",
    "要持续抓好学习教育，按照分层分类要求，督促党员干部抓紧抓实学习，确保全覆盖、无死角",
    "要大力发扬自我革命精神，明确整改方向、工作措施、阶段目标和整改时限，坚持两批联动，"
    "继续抓好专项整治，让群众通过实际问题的解决感受到主题教育带来的新气象新变化",
    "要开好专题民主生活会和组织生活会，精心准备、加强指导、严格把关，认真开展批评和自我批评",
    "要进一步抓好组织领导，压实责任、加强督导、严格考核评估、建立长效机制，"
    "全面完成主题教育各项任务",
]
THIRD_POINTS_EN = [
    "Since the launching of the second batch of thematic education, all localities, "
    "departments and units have focused on the main line, highlighted the theme and promoted "
    "the four key measures, with special rectification as the starting point, so as to solve "
    "the problems of difficulty, pain and blockage that the masses are concerned about",
    "We should conscientiously study and implement the spirit of General Secretary Xi "
    "Jinping's important speeches and instructions on thematic education, further improve "
    "our political position and resolutely implement the tasks deployed by the central "
    "authorities, so as to achieve real results",
    "We should continue to do a good job of learning and education, urging Party members and "
    "cadres at every level to study in earnest, ensuring full coverage and no dead ends",
    "We should carry forward the spirit of self-revolution, make clear the direction, work "
    "measures, stage objectives and time limit for rectification, adhere to the linkage "
    "between the two batches and continue to do a good job of special rectification",
    "We should hold special democratic life meetings and organizational life meetings, "
    "prepare carefully, strengthen guidance, strictly check the checkpoints and seriously "
    "carry out criticism and self-criticism",
    "It is necessary to further grasp organizational leadership, tighten responsibilities, "
    "strengthen supervision, strictly assess and evaluate, establish long-term mechanisms and "
    "comprehensively accomplish all tasks of thematic education",
]

SPECIALS_EN = {
    "整治形式主义为基层减负": "rectifying formalism to ease the burden on the grassroots",
    "整治群众身边腐败和作风问题": "rectifying corruption and bad work style close to the masses",
    "整治侵害群众利益问题": "rectifying harm to the interests of the masses",
    "整治软弱涣散基层党组织": "rectifying weak and lax grassroots Party organizations",
    "整治违规吃喝问题": "rectifying illicit eating and drinking",
}
UNITS_EN = {
    "中共辽宁省委": "the Liaoning Provincial Party Committee",
    "省委办公厅": "the General Office of the Provincial Party Committee",
    "省委组织部": "the Organization Department of the Provincial Party Committee",
    "省委宣传部": "the Publicity Department of the Provincial Party Committee",
    "省委统战部": "the United Front Work Department of the Provincial Party Committee",
}
CHAIR_POSITION_EN = {
    "省委常委、市委书记": "member of the Standing Committee of the Provincial Party Committee "
    "and secretary of the municipal party committee",
    "市委书记": "secretary of the municipal party committee",
}

DEPLOYED = [
    ("对照检视问题清单开展整改“回头看”", "the review of rectification against the problem list"),
    ("开好第二批专题民主生活会和组织生活会", "holding the special life meetings of batch 2"),
    ("建立健全为基层减负长效机制", "a long-term mechanism to ease the burden on the grassroots"),
]


@dataclass
class Counts:
    conferences: int = 0
    venues: int = 0
    speeches: int = 0
    tasks: int = 0


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def generate(campaign: Campaign, *, seed: int = 2019) -> Counts:
    """Write the demo conferences of ``campaign``."""
    rng = random.Random(seed * 7919 + 5)
    counts = Counts()
    root = campaign.root_unit
    people: dict[str, tuple[Member, str]] = {}
    for group in campaign.leading_group.select_related("member").order_by("order"):
        people[group.member.name] = (group.member, group.title or group.member.position)
    cities = list(
        Unit.objects.filter(parent=root, kind=UnitKind.CITY, archived_at__isnull=True).order_by(
            "path"
        )
    )
    leaders = dict(
        Member.objects.filter(unit__in=cities, is_leading_cadre=True)
        .values("unit_id")
        .annotate(m=Min("id"))
        .values_list("unit_id", "m")
    )
    leader_rows = {m.pk: m for m in Member.objects.filter(pk__in=leaders.values())}
    specials = list(
        SpecialRectification.objects.filter(campaign=campaign)
        .select_related("leading_unit")
        .order_by("pk")
    )
    today = timezone.localdate()
    common = {
        "campaign": campaign,
        "organizer": root,
        "organizer_label": "省委",
        "organizer_label_en": "the provincial party committee",
        "theme": campaign.theme,
        "theme_en": "Never forget the original heart, remember the mission",
    }
    room, room_en = "省委常委会议室", "the meeting room of the Standing Committee"
    plans = [
        (1, dt.date(2019, 6, 5), "on_site", "辽宁友谊宾馆", "the Liaoning Friendship Hotel"),
        (2, dt.date(2019, 9, 12), "video", room, room_en),
        (3, dt.date(2019, 11, 26), "teleconference", room, room_en),
        (4, today + dt.timedelta(days=7), "teleconference", room, room_en),
    ]
    conferences = Conference.objects.bulk_create(
        [
            Conference(
                ordinal=n,
                title=f"省委主题教育第{'一二三四'[n - 1]}次推进会",
                title_en=f"The {('first', 'second', 'third', 'fourth')[n - 1]} promotion "
                "conference on thematic education",
                starts_at=_aware(day, 15 if n != 2 else 9, 0),
                ends_at=_aware(day, 17 if n != 2 else 11, 0),
                format=fmt,
                main_venue=venue,
                main_venue_en=venue_en,
                other_attendees="有关省领导" if n == 3 else "",
                other_attendees_en="relevant provincial leaders" if n == 3 else "",
                **common,
            )
            for n, day, fmt, venue, venue_en in plans
        ]
    )
    counts.conferences = len(conferences)
    persons: list[ConferencePerson] = []
    speeches: list[Speech] = []
    venues: list[SubVenue] = []

    def person(conf: Conference, name: str, role: str, order: int) -> None:
        if name not in people:
            return
        member, title = people[name]
        name_en, position_en = PEOPLE_EN.get(name, ("", ""))
        persons.append(
            ConferencePerson(
                conference=conf,
                role=role,
                order=order,
                name=name,
                name_en=name_en,
                position=title,
                position_en=position_en,
                member=member,
                user_id=member.user_id,
            )
        )

    def speech(conf: Conference, order: int, kind: str, name: str, **extra: Any) -> None:
        member, title = people.get(name, (None, ""))
        name_en, position_en = PEOPLE_EN.get(name, ("", ""))
        speeches.append(
            Speech(
                conference=conf,
                order=order,
                kind=kind,
                speaker_name=name,
                speaker_name_en=name_en,
                position=extra.pop("position", title),
                position_en=extra.pop("position_en", position_en),
                member=member,
                **extra,
            )
        )

    first, second, third, fourth = conferences
    # 1: on site, launching batch 1.
    person(first, "陈求发", "presiding", 1)
    for i, name in enumerate(("唐一军", "夏德仁", "周波"), 1):
        person(first, name, "attendee", i)
    speech(first, 1, "main", "陈求发", key_points=THIRD_POINTS[1:3],
           key_points_en=THIRD_POINTS_EN[1:3])  # fmt: skip
    speech(first, 2, "deployment", "陆治原", topic="第一批主题教育有关工作",
           topic_en="the first batch of work related to thematic education")  # fmt: skip
    # 2: video conference, launching batch 2, the deputy secretary presiding.
    person(second, "周波", "presiding", 1)
    person(second, "陆治原", "attendee", 1)
    speech(second, 1, "main", "周波", key_points=THIRD_POINTS[2:5],
           key_points_en=THIRD_POINTS_EN[2:5])  # fmt: skip
    speech(second, 2, "deployment", "陆治原", topic="第二批主题教育有关工作",
           topic_en="the second batch of thematic education")  # fmt: skip
    # 3 and 4: teleconferences with every city as a sub-venue.
    for conf in (third, fourth):
        person(conf, "陈求发", "presiding", 1)
        for i, name in enumerate(("唐一军", "夏德仁", "周波"), 1):
            person(conf, name, "attendee", i)
        speech(conf, 1, "main", "陈求发", key_points=THIRD_POINTS,
               key_points_en=THIRD_POINTS_EN)  # fmt: skip
        speech(conf, 2, "deployment", "陆治原", topic="主题教育第二批有关工作",
               topic_en="the second batch of work related to thematic education")  # fmt: skip
        for i, special in enumerate(specials, 3):
            speeches.append(
                Speech(
                    conference=conf,
                    order=i,
                    kind="special",
                    position=special.leading_unit.name,
                    position_en=UNITS_EN.get(special.leading_unit.name, ""),
                    topic=special.name,
                    topic_en=SPECIALS_EN.get(special.name, ""),
                    special=special,
                    key_points=[f"{special.name}进展情况", "下一步工作打算"],
                )
            )
    for conf in (second, third, fourth):
        for city in cities:
            leader = leader_rows.get(leaders.get(city.pk, 0))
            venues.append(
                SubVenue(
                    conference=conf,
                    unit=city,
                    label_en=CITY_EN.get(city.name, ""),
                    attendance=0 if conf is fourth else rng.randint(80, 320),
                    chaired_by=leader.name if leader else "",
                    chaired_by_position=leader.position if leader else "",
                    chaired_by_position_en=CHAIR_POSITION_EN.get(leader.position, "")
                    if leader
                    else "",
                )
            )
    ConferencePerson.objects.bulk_create(persons)
    Speech.objects.bulk_create(speeches)
    SubVenue.objects.bulk_create(venues)
    counts.speeches, counts.venues = len(speeches), len(venues)
    counts.tasks = _deployed(campaign, third, cities, rng)
    now = timezone.now()
    Release.objects.bulk_create(
        [
            Release(
                conference=conf,
                headline_zh=zh[0],
                body_zh=zh[1],
                headline_en=en[0],
                body_en=en[1],
                generated_at=now,
                published_at=now if conf is not third else None,
            )
            for conf in (first, second, third)
            for zh, en in [(render_release(conf, "zh"), render_release(conf, "en"))]
        ]
    )
    return counts


def _deployed(
    campaign: Campaign,
    conference: Conference,
    cities: list[Unit],
    rng: random.Random,
) -> int:
    """The third conference's deployed work: a problem and a task for every city."""
    if not cities:
        return 0
    today = timezone.localdate()
    items = DeployedItem.objects.bulk_create(
        [
            DeployedItem(
                conference=conference,
                order=i,
                title=title,
                description=f"按照省委第三次推进会部署，{title}",
                time_limit=limit,
            )
            for i, ((title, _en), limit) in enumerate(
                zip(
                    DEPLOYED,
                    (dt.date(2019, 12, 20), dt.date(2020, 1, 15), today + dt.timedelta(days=30)),
                    strict=True,
                ),
                1,
            )
        ]
    )
    reported = dt.date(2019, 11, 26)
    problems: list[Problem] = []
    tasks: list[RectificationTask] = []
    for item in items:
        for city in cities:
            roll = rng.random()
            open_ = item.time_limit >= today or roll < 0.15
            status = (
                ("in_progress" if roll < 0.6 else "not_started")
                if open_
                else ("verified" if roll < 0.85 else "submitted")
            )
            closed = status == "verified"
            done = status in ("verified", "submitted")
            progress = 100 if closed else rng.choice((20, 40, 60)) if status != "not_started" else 0
            key = f"{campaign.pk}-H{item.pk:03d}{city.pk:06d}"
            problems.append(
                Problem(
                    campaign=campaign,
                    unit=city,
                    code=f"WT-{key}",
                    title=item.title,
                    description=item.description,
                    source="conference",
                    category="other",
                    reported_on=reported,
                    status="rectified" if closed else "rectifying",
                )
            )
            tasks.append(
                RectificationTask(
                    campaign=campaign,
                    code=f"ZG-{key}",
                    title=item.title,
                    responsible_unit=city,
                    direction=item.description,
                    task_type="limited",
                    time_limit=item.time_limit,
                    status=status,
                    progress=progress,
                    is_overdue=not done and item.time_limit < today,
                    submitted_on=min(item.time_limit, today) if done else None,
                    closed_on=min(item.time_limit, today) if closed else None,
                    note=f"{conference.title}部署",
                )
            )
    problems = Problem.objects.bulk_create(problems)
    tasks = RectificationTask.objects.bulk_create(tasks)
    RectificationTask.problems.through.objects.bulk_create(
        [
            RectificationTask.problems.through(rectificationtask_id=t.pk, problem_id=p.pk)
            for t, p in zip(tasks, problems, strict=True)
        ]
    )
    DeployedAssignment.objects.bulk_create(
        [
            DeployedAssignment(item=item, unit=city, problem=problems[k], task=tasks[k])
            for k, (item, city) in enumerate((i, c) for i in items for c in cities)
        ]
    )
    return len(tasks)
