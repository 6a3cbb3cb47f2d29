"""The portal world: the shared `world` and the rectification world's campaign (with its
public-source problem of county A and its task), plus helpers to answer the challenge and to
take a problem through to a verified task."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from chuxin.organization.models import Unit
from chuxin.portal import abuse, services
from chuxin.portal.models import Opinion
from chuxin.problems.models import Problem
from chuxin.rectification import services as rect_services
from chuxin.rectification.models import RectificationTask
from chuxin.rectification.tests.conftest import RectWorld, build_rect_world
from conftest import World


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate-limit counters and used challenges live in the cache: each test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pw(world: World) -> RectWorld:
    return build_rect_world(world)


def challenge() -> dict[str, str]:
    """A fresh challenge, answered."""
    c = abuse.new_challenge()
    return {"challenge_token": c.token, "challenge_answer": str(c.a + c.b)}


def submit_data(unit: Unit, text: str = "路灯坏了很久没人修", **extra: Any) -> dict[str, Any]:
    return {"do": "submit", "text": text, "unit": unit.pk, "category": "", **challenge(), **extra}


def opinion_for(unit: Unit, text: str = "小区路灯坏了很久没人修", **kw: Any) -> Opinion:
    return services.opinion_submit(unit=unit, text=text, **kw)


def verified_task_for(rw: RectWorld, problem: Problem) -> RectificationTask:
    """A task for the problem, submitted and verified (by the superuser: any unit)."""
    import datetime as dt

    from django.utils import timezone

    task = rect_services.task_create(
        actor=rw.root,
        campaign=rw.campaign,
        responsible_unit=problem.unit,
        title="整改" + problem.title,
        problems=[problem],
        responsible_person=rw.member,
        responsible_leader=rw.leader,
        time_limit=timezone.localdate() + dt.timedelta(days=10),
    )
    rect_services.task_transition(actor=rw.root, task=task, action="submit")
    rect_services.task_transition(actor=rw.root, task=task, action="accept")
    return task
