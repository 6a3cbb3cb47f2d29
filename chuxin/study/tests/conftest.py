"""The study world: the shared `world` plus a campaign with two study items in force.

- "学习党章" (required reading) is required of every cadre level, once;
- "专题党课" (special lecture) is required of county-level cadres and above, twice.

So 李明 (branch A, ordinary) and 赵强 (branch B, ordinary) owe one item each and 王芳
(county A, county level) owes two.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from chuxin.organization.models import Campaign, Member
from chuxin.study import services
from chuxin.study.models import StudyItem
from conftest import World


@dataclass
class StudyWorld:
    w: World
    campaign: Campaign
    reading: StudyItem
    lecture: StudyItem
    cadre: Member  # 王芳, county level, in county A

    def __getattr__(self, name: str) -> Any:
        return getattr(self.w, name)


def build_study_world(world: World) -> StudyWorld:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        title="不忘初心、牢记使命主题教育",
        theme="不忘初心、牢记使命",
        start_date=today - dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=60),
        root_unit=world.province,
    )
    reading = services.study_item_create(
        actor=world.office,
        campaign=campaign,
        title="学习党章",
        kind="reading",
        required_levels=["provincial", "bureau", "county", "section", "ordinary"],
        required_times=1,
        applies_from=today - dt.timedelta(days=30),
        due_date=today + dt.timedelta(days=5),
    )
    lecture = services.study_item_create(
        actor=world.office,
        campaign=campaign,
        title="专题党课",
        kind="lecture",
        required_levels=["provincial", "bureau", "county"],
        required_times=2,
        applies_from=today - dt.timedelta(days=30),
        due_date=today + dt.timedelta(days=20),
    )
    return StudyWorld(
        w=world,
        campaign=campaign,
        reading=reading,
        lecture=lecture,
        cadre=Member.objects.get(member_number="A0002"),
    )


@pytest.fixture
def study_world(world: World) -> StudyWorld:
    return build_study_world(world)
