"""The assessment world: the shared `world`, a campaign rooted at the province with batch 2 of
the two cities (沈阳市, 大连市), rectification tasks written as raw rows with hand-picked
dates, a guidance team (leader `leader`, member `guidance`) assigned exactly county A, and a
scheme: on-time rectification rate (weight 60) + a hand-scored indicator (weight 40)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from chuxin.assessment import services
from chuxin.assessment.models import Scheme, SchemeIndicator
from chuxin.guidance import services as guidance_services
from chuxin.organization.models import (
    Batch,
    BatchParticipation,
    Campaign,
    Role,
    RoleAssignment,
    Unit,
)
from chuxin.rectification.models import RectificationTask
from conftest import World, make_user

TODAY = timezone.localdate()


@dataclass
class AWorld:
    w: World
    campaign: Campaign
    batch: Batch
    scheme: Scheme
    on_time: SchemeIndicator
    manual: SchemeIndicator
    leader: Any

    def __getattr__(self, name: str) -> Any:
        return getattr(self.w, name)


_seq = iter(range(1, 10_000))


def task(
    campaign: Campaign,
    unit: Unit,
    *,
    time_limit: dt.date | None,
    status: str = "in_progress",
    submitted_on: dt.date | None = None,
    closed_on: dt.date | None = None,
    returned_count: int = 0,
    task_type: str = "limited",
    created_days_ago: int = 60,
) -> RectificationTask:
    return RectificationTask.objects.create(
        campaign=campaign,
        code=f"T-{next(_seq)}",
        title="整改任务",
        responsible_unit=unit,
        time_limit=time_limit,
        status=status,
        submitted_on=submitted_on,
        closed_on=closed_on,
        returned_count=returned_count,
        task_type=task_type,
        created_at=timezone.now() - dt.timedelta(days=created_days_ago),
    )


def build_aworld(world: World) -> AWorld:
    campaign = Campaign.objects.create(
        title="主题教育",
        theme="不忘初心、牢记使命",
        start_date=TODAY - dt.timedelta(days=90),
        end_date=TODAY + dt.timedelta(days=90),
        root_unit=world.province,
    )
    batch = Batch.objects.create(
        campaign=campaign,
        number=2,
        name="第二批",
        start_date=TODAY - dt.timedelta(days=90),
        end_date=TODAY + dt.timedelta(days=90),
    )
    BatchParticipation.objects.create(batch=batch, unit=world.city_a)
    BatchParticipation.objects.create(batch=batch, unit=world.city_b)
    RoleAssignment.objects.filter(user=world.guidance, role=Role.GUIDANCE).delete()
    leader = make_user("leader")
    team = guidance_services.team_create(
        actor=world.office, campaign=campaign, name="第一督导组", leader=leader
    )
    guidance_services.member_add(actor=world.office, team=team, user=world.guidance)
    guidance_services.assignment_add(actor=world.office, team=team, unit=world.county_a)
    scheme = services.scheme_create(actor=world.office, campaign=campaign, name="考核方案")
    on_time = services.indicator_add(
        actor=world.office,
        scheme=scheme,
        label="",
        method="computed",
        key="rectification.on_time",
        weight=60,
    )
    manual = services.indicator_add(
        actor=world.office, scheme=scheme, label="督导组评分", method="manual", weight=40
    )
    return AWorld(
        w=world,
        campaign=campaign,
        batch=batch,
        scheme=scheme,
        on_time=on_time,
        manual=manual,
        leader=leader,
    )


@pytest.fixture
def a(world: World) -> AWorld:
    return build_aworld(world)
