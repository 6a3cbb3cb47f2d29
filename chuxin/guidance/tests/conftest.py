"""The guidance world: the shared `world`, a campaign rooted at the province, and a team led
by a new user `leader` with `guidance` as a member, assigned exactly county A (和平区)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from chuxin.guidance import services
from chuxin.guidance.models import GuidanceTeam
from chuxin.organization.models import Campaign, Role, RoleAssignment
from conftest import World, make_user


@dataclass
class GWorld:
    w: World
    campaign: Campaign
    team: GuidanceTeam
    leader: Any

    def __getattr__(self, name: str) -> Any:
        return getattr(self.w, name)


def build_gworld(world: World) -> GWorld:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        title="主题教育",
        theme="不忘初心、牢记使命",
        start_date=today - dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=90),
        root_unit=world.province,
    )
    # The fixture's manual guidance grant is replaced by the team's.
    RoleAssignment.objects.filter(user=world.guidance, role=Role.GUIDANCE).delete()
    leader = make_user("leader")
    team = services.team_create(
        actor=world.office, campaign=campaign, name="第一督导组", leader=leader
    )
    services.member_add(actor=world.office, team=team, user=world.guidance)
    services.assignment_add(actor=world.office, team=team, unit=world.county_a)
    return GWorld(w=world, campaign=campaign, team=team, leader=leader)


@pytest.fixture
def g(world: World) -> GWorld:
    return build_gworld(world)
