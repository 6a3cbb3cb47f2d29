"""Who may put a problem on a unit's list: its managers, and a guidance team member for what
supervision found in exactly the unit the team is assigned."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from chuxin.problems import services
from chuxin.problems.models import ProblemSource
from chuxin.rectification.tests.conftest import build_rect_world
from conftest import World


def _create(world: Any, actor: Any, unit: Any, source: str) -> Any:
    return services.problem_create(
        actor=actor,
        campaign=world.campaign,
        unit=unit,
        title="督导发现学习记录不全",
        source=source,
        category="style",
    )


def test_a_guide_lists_what_supervision_found_in_the_assigned_unit(world: World) -> None:
    rw = build_rect_world(world)
    problem = _create(rw, world.guidance, world.county_a, ProblemSource.SUPERVISION)
    assert problem.unit == world.county_a and problem.recorded_by == world.guidance


@pytest.mark.parametrize(
    ("unit", "source"),
    [
        ("county_a", ProblemSource.SELF_EXAMINATION),  # not what supervision found
        ("township_a", ProblemSource.SUPERVISION),  # below the assigned unit
        ("city_a", ProblemSource.SUPERVISION),  # above it
        ("county_b", ProblemSource.SUPERVISION),  # elsewhere
    ],
)
def test_a_guide_may_not_list_anything_else(world: World, unit: str, source: str) -> None:
    rw = build_rect_world(world)
    with pytest.raises(PermissionDenied):
        _create(rw, world.guidance, getattr(world, unit), source)


def test_a_member_may_not_list_even_supervision_findings(world: World) -> None:
    rw = build_rect_world(world)
    with pytest.raises(PermissionDenied):
        _create(rw, world.member_user, world.branch_a, ProblemSource.SUPERVISION)
