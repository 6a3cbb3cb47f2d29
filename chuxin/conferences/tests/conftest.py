# ruff: noqa: RUF001 - Chinese text uses full-width punctuation
"""The conference world: the shared `world` plus a campaign with a special rectification, the
province's third promotion conference (a teleconference with sub-venues in both cities, a
presiding person, two attendees, a main speech, a deployment and a leading unit's report),
the province's first (on site, other people, one speech), and a conference of 沈阳市."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from chuxin.conferences import services
from chuxin.conferences.models import Conference
from chuxin.organization.models import Campaign
from chuxin.rectification import specials
from chuxin.rectification.models import SpecialRectification
from conftest import World

MAIN_POINTS = [
    "第二批主题教育开展以来，各地区各部门各单位紧扣主线、突出主题",
    "要认真学习贯彻习近平总书记重要讲话和指示批示精神",
    "一要持续抓好学习教育",
    "二要大力发扬自我革命精神，扎实抓好整改落实",
    "三要开好专题民主生活会和组织生活会",
]
MAIN_POINTS_EN = [
    "Since the launching of the second batch of thematic education, all localities have "
    "focused on the main line",
    "We should conscientiously study and implement the spirit of the important speeches",
    "We should continue to do a good job of learning and education",
    "We should carry forward the spirit of self-revolution and do rectification well",
    "We should hold special democratic life meetings and organizational life meetings",
]


@dataclass
class ConfWorld:
    w: World
    campaign: Campaign
    special: SpecialRectification
    third: Conference
    first: Conference
    city_conf: Conference

    def __getattr__(self, name: str) -> Any:
        return getattr(self.w, name)


def at(days: int, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def build_conf_world(world: World) -> ConfWorld:
    today = timezone.localdate()
    office = world.office
    campaign = Campaign.objects.create(
        title="不忘初心、牢记使命主题教育",
        theme="不忘初心、牢记使命",
        start_date=today - dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=90),
        root_unit=world.province,
    )
    special = specials.special_create(
        actor=office,
        campaign=campaign,
        name="整治形式主义为基层减负",
        leading_unit=world.city_b,
        participating_units=[world.county_a, world.county_b],
    )
    third = services.conference_create(
        actor=office,
        campaign=campaign,
        organizer=world.province,
        ordinal=3,
        title="省委主题教育第三次推进会",
        starts_at=at(5),
        format="teleconference",
        main_venue="省委常委会议室",
        organizer_label="省委",
        organizer_label_en="the provincial party committee",
        theme_en="Never forget the original aspiration, keep the mission firmly in mind",
        main_venue_en="the meeting room of the Standing Committee",
        other_attendees="有关省领导",
        other_attendees_en="relevant provincial leaders",
    )
    services.person_add(
        actor=office,
        conference=third,
        role="presiding",
        name="陈求发",
        name_en="Chen Qiufa",
        position="省委书记、省人大常委会主任，省委主题教育领导小组组长",
        position_en="secretary of the Provincial Party Committee, head of the leading group",
    )
    services.person_add(
        actor=office,
        conference=third,
        role="attendee",
        name="唐一军",
        name_en="Tang Yijun",
        position="省委副书记、省长，省委主题教育领导小组副组长",
        position_en="deputy secretary of the Provincial Party Committee, Governor",
    )
    services.person_add(
        actor=office,
        conference=third,
        role="attendee",
        name="夏德仁",
        name_en="Xia Deren",
        position="省政协主席，省委主题教育领导小组副组长",
        position_en="chairman of the Provincial CPPCC Committee",
        user=world.member_user,
    )
    services.venue_add(
        actor=office,
        conference=third,
        unit=world.city_a,
        attendance=120,
        chaired_by="张国清",
        chaired_by_position="市委书记",
        label_en="Shenyang",
    )
    services.venue_add(
        actor=office,
        conference=third,
        unit=world.city_b,
        attendance=95,
        label_en="Dalian",
    )
    services.speech_add(
        actor=office,
        conference=third,
        kind="main",
        speaker_name="陈求发",
        speaker_name_en="Chen Qiufa",
        position="省委书记",
        key_points=MAIN_POINTS,
        key_points_en=MAIN_POINTS_EN,
    )
    services.speech_add(
        actor=office,
        conference=third,
        kind="deployment",
        speaker_name="陆治原",
        speaker_name_en="Lu Zhiyuan",
        position="省委常委、组织部部长",
        position_en="member of the Standing Committee, Minister of the Organization Department",
        topic="主题教育第二批有关工作",
        topic_en="the second batch of work related to thematic education",
    )
    services.speech_add(
        actor=office,
        conference=third,
        kind="special",
        special=special,
        position="大连市委",
        position_en="the Dalian municipal party committee",
        topic_en="easing the burden on the grassroots",
    )
    first = services.conference_create(
        actor=office,
        campaign=campaign,
        organizer=world.province,
        ordinal=1,
        title="省委主题教育第一次推进会",
        starts_at=at(-30, 15),
        format="on_site",
        main_venue="友谊宾馆",
        main_venue_en="the Friendship Hotel",
        organizer_label="省委",
        organizer_label_en="the provincial party committee",
    )
    services.person_add(
        actor=office,
        conference=first,
        role="presiding",
        name="周波",
        name_en="Zhou Bo",
        position="省委副书记",
        position_en="deputy secretary of the Provincial Party Committee",
    )
    services.speech_add(
        actor=office,
        conference=first,
        kind="main",
        speaker_name="周波",
        speaker_name_en="Zhou Bo",
        key_points=["扎实开展第一批主题教育", "确保取得实效"],
        key_points_en=["Carry out the first batch solidly", "Ensure real results"],
    )
    city_conf = services.conference_create(
        actor=world.city_admin,
        campaign=campaign,
        organizer=world.city_a,
        ordinal=4,
        title="沈阳市主题教育推进会",
        starts_at=at(10),
        format="video",
        organizer_label="沈阳市委",
    )
    return ConfWorld(
        w=world,
        campaign=campaign,
        special=special,
        third=third,
        first=first,
        city_conf=city_conf,
    )


@pytest.fixture
def cw(world: World) -> ConfWorld:
    return build_conf_world(world)
