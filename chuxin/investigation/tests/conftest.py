"""The research world: the rectification world (a campaign, a problem and a task in county A
和平区, 王芳 its leading cadre) plus a research topic of county A led by 王芳, with one field
visit that found two things."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from chuxin.investigation import services
from chuxin.investigation.models import ResearchActivity, ResearchTopic
from chuxin.rectification.tests.conftest import RectWorld, build_rect_world
from conftest import World


@dataclass
class ResearchWorld:
    r: RectWorld
    topic: ResearchTopic
    activity: ResearchActivity

    def __getattr__(self, name: str) -> Any:
        return getattr(self.r, name)


@pytest.fixture
def sw(world: World) -> ResearchWorld:
    r = build_rect_world(world)
    today = timezone.localdate()
    topic = services.topic_create(
        actor=world.city_admin,
        campaign=r.campaign,
        unit=world.county_a,
        title="老旧小区改造调研",
        lead=r.leader,
        planned_start=today - dt.timedelta(days=10),
        planned_end=today + dt.timedelta(days=30),
    )
    activity = services.activity_add(
        actor=world.city_admin,
        topic=topic,
        date=today - dt.timedelta(days=2),
        place="南市场社区",
        method="visit",
        people_reached=25,
        findings="楼道照明不足\n雨污管网老化",
    )
    return ResearchWorld(r=r, topic=topic, activity=activity)
