"""The rectification world: the shared `world` plus a campaign, a problem of county A (和平区)
and a time-limited task for it, due in 20 days, with 王芳 (a leading cadre) as its leader."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from chuxin.organization.models import Campaign, Member
from chuxin.problems import services as problem_services
from chuxin.problems.models import Problem
from chuxin.rectification import services
from chuxin.rectification.models import RectificationTask
from conftest import World


@dataclass
class RectWorld:
    w: World
    campaign: Campaign
    problem: Problem
    task: RectificationTask
    leader: Member

    def __getattr__(self, name: str) -> Any:
        return getattr(self.w, name)


def build_rect_world(world: World) -> RectWorld:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        title="不忘初心、牢记使命主题教育",
        theme="不忘初心、牢记使命",
        start_date=today - dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=90),
        root_unit=world.province,
    )
    leader = Member.objects.get(member_number="A0002")
    problem = problem_services.problem_create(
        actor=world.city_admin,
        campaign=campaign,
        unit=world.county_a,
        title="老旧小区供暖不达标",
        description="群众反映冬季室温长期低于18度",
        source="public",
        category="needs",
        public_point="pain",
        severity="high",
    )
    task = services.task_create(
        actor=world.city_admin,
        campaign=campaign,
        responsible_unit=world.county_a,
        title="整改老旧小区供暖",
        problems=[problem],
        responsible_leader=leader,
        responsible_person=world.member,
        direction="室温全部达到18度以上",
        measures="排查管网\n更换老化管线\n回访群众",
        task_type="limited",
        time_limit=today + dt.timedelta(days=20),
    )
    return RectWorld(w=world, campaign=campaign, problem=problem, task=task, leader=leader)


@pytest.fixture
def rw(world: World) -> RectWorld:
    return build_rect_world(world)


@pytest.fixture(autouse=True)
def _fresh_process_memos() -> None:
    """Each test reads the overdue mark and the duplicate index as a new process would."""
    from chuxin.problems.duplicates import forget_indexed_units
    from chuxin.rectification.counters import forget_current

    forget_current()
    forget_indexed_units()
