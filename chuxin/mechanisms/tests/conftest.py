"""The mechanism world: the rectification world plus a long-term task of county A (和平区),
submitted as completed and awaiting verification, and a mechanism (a system) of county A that
came from the world's problem."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from chuxin.mechanisms import services
from chuxin.mechanisms.models import Mechanism
from chuxin.rectification import services as task_services
from chuxin.rectification.models import RectificationTask
from chuxin.rectification.tests.conftest import RectWorld, build_rect_world
from conftest import World


@dataclass
class MechWorld:
    r: RectWorld
    long_task: RectificationTask
    mechanism: Mechanism

    def __getattr__(self, name: str) -> Any:
        return getattr(self.r, name)


@pytest.fixture
def mw(world: World) -> MechWorld:
    r = build_rect_world(world)
    long_task = task_services.task_create(
        actor=world.city_admin,
        campaign=r.campaign,
        responsible_unit=world.county_a,
        title="供暖保障长期坚持",
        problems=[r.problem],
        task_type="long_term",
    )
    task_services.task_transition(actor=world.city_admin, task=long_task, action="submit")
    mechanism = services.mechanism_create(
        actor=world.city_admin,
        campaign=r.campaign,
        unit=world.county_a,
        title="老旧小区供暖保障制度",
        kind="system",
        issued_on=timezone.localdate() - dt.timedelta(days=3),
        problems=[r.problem],
    )
    long_task.refresh_from_db()
    return MechWorld(r=r, long_task=long_task, mechanism=mechanism)
