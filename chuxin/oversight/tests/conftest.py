"""The oversight world: the shared `world`, a campaign, a problem and a task in county A (from
the rectification tests' world) and a problem in county B."""

from __future__ import annotations

from typing import Any

import pytest

from chuxin.problems import services as problem_services
from chuxin.rectification.tests.conftest import RectWorld, build_rect_world
from conftest import World


@pytest.fixture
def ow(world: World) -> RectWorld:
    rw = build_rect_world(world)
    problem_services.problem_create(
        actor=world.root,
        campaign=rw.campaign,
        unit=world.county_b,
        title="社区服务窗口办事排长队",
        description="",
        source="self",
        category="style",
        public_point="",
        severity="medium",
    )
    return rw


def get_json(client: Any, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.json()
