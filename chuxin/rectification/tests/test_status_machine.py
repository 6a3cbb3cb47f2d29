"""The status machine: every allowed transition, every refused one, who may make it, and
what it does to the counters and the problems."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chuxin.core import rollups
from chuxin.problems.models import ProblemStatus
from chuxin.rectification import counters, services
from chuxin.rectification.models import RectificationTask, TaskEvent, TaskStatus
from chuxin.rectification.services import TRANSITIONS

from .conftest import RectWorld

pytestmark = pytest.mark.django_db

S = TaskStatus
ALLOWED = {
    (S.NOT_STARTED, "start"): S.IN_PROGRESS,
    (S.NOT_STARTED, "submit"): S.SUBMITTED,
    (S.NOT_STARTED, "long_term"): S.LONG_TERM,
    (S.IN_PROGRESS, "submit"): S.SUBMITTED,
    (S.IN_PROGRESS, "long_term"): S.LONG_TERM,
    (S.RETURNED, "submit"): S.SUBMITTED,
    (S.RETURNED, "long_term"): S.LONG_TERM,
    (S.LONG_TERM, "submit"): S.SUBMITTED,
    (S.SUBMITTED, "accept"): S.VERIFIED,
    (S.SUBMITTED, "return"): S.RETURNED,
    (S.VERIFIED, "reopen"): S.IN_PROGRESS,
}


def _actor(rw: RectWorld, action: str) -> Any:
    return rw.office if TRANSITIONS[action].by_verifier else rw.city_admin


def _force(task: RectificationTask, status: str) -> None:
    RectificationTask.objects.filter(pk=task.pk).update(status=status)
    rollups.refresh(counters.rollup())
    task.refresh_from_db()


@pytest.mark.parametrize(("status", "action"), list(itertools.product(S.values, list(TRANSITIONS))))
def test_every_transition_is_allowed_or_refused(rw: RectWorld, status: str, action: str) -> None:
    _force(rw.task, status)
    expected = ALLOWED.get((S(status), action))
    call = lambda: services.task_transition(  # noqa: E731
        actor=_actor(rw, action), task=rw.task, action=action, reason="理由"
    )
    if expected is None:
        with pytest.raises(ValidationError):
            call()
        rw.task.refresh_from_db()
        assert rw.task.status == status
        assert not TaskEvent.objects.filter(task=rw.task).exists()
    else:
        task = call()
        assert task.status == expected
        assert TaskEvent.objects.get(task=rw.task).to_status == expected
    assert not rollups.check(counters.rollup())


def test_workers_cannot_verify_and_verifiers_must_be_above(rw: RectWorld) -> None:
    services.task_transition(actor=rw.city_admin, task=rw.task, action="submit")
    # 王芳 leads the task; the member (李明) is its responsible person: workers, not verifiers.
    with pytest.raises(PermissionDenied):
        services.task_transition(actor=rw.member_user, task=rw.task, action="accept")
    with pytest.raises(PermissionDenied):
        services.task_transition(actor=rw.other_county_admin, task=rw.task, action="accept")
    # The guidance team member assigned to county A may verify.
    task = services.task_transition(actor=rw.guidance, task=rw.task, action="accept")
    assert task.status == S.VERIFIED
    assert task.verified_by == rw.guidance


def test_city_admin_cannot_verify_a_task_of_the_city_itself(rw: RectWorld) -> None:
    task = services.task_create(
        actor=rw.city_admin,
        campaign=rw.campaign,
        responsible_unit=rw.city_a,
        title="市级任务",
        time_limit=timezone.localdate() + dt.timedelta(days=5),
    )
    services.task_transition(actor=rw.city_admin, task=task, action="submit")
    with pytest.raises(PermissionDenied):
        services.task_transition(actor=rw.city_admin, task=task, action="accept")
    assert services.task_transition(actor=rw.office, task=task, action="accept").status == (
        S.VERIFIED
    )


def test_return_needs_a_reason_and_counts_against_on_time(rw: RectWorld) -> None:
    services.task_transition(actor=rw.city_admin, task=rw.task, action="submit")
    with pytest.raises(ValidationError):
        services.task_transition(actor=rw.office, task=rw.task, action="return", reason=" ")
    services.task_transition(actor=rw.office, task=rw.task, action="return", reason="证据不足")
    services.task_transition(actor=rw.city_admin, task=rw.task, action="submit")
    task = services.task_transition(actor=rw.office, task=rw.task, action="accept")
    assert task.returned_count == 1 and not task.closed_on_time
    row = rw.province.rectification_rollup
    row.refresh_from_db()
    assert row.subtree_t_verified == 1 and row.subtree_on_time == 0
    rw.problem.refresh_from_db()
    assert rw.problem.status == ProblemStatus.RECTIFIED


def test_on_time_close_and_reopen_keeps_history(rw: RectWorld) -> None:
    services.task_transition(actor=rw.city_admin, task=rw.task, action="submit")
    services.task_transition(actor=rw.office, task=rw.task, action="accept")
    row = rw.province.rectification_rollup
    row.refresh_from_db()
    assert row.subtree_on_time == 1
    with pytest.raises(ValidationError):
        services.task_transition(actor=rw.office, task=rw.task, action="reopen")
    task = services.task_transition(
        actor=rw.office, task=rw.task, action="reopen", reason="群众反映仍不达标"
    )
    assert task.status == S.IN_PROGRESS and task.closed_on is None
    assert [e.action for e in TaskEvent.objects.filter(task=task)] == ["submit", "accept", "reopen"]
    rw.problem.refresh_from_db()
    assert rw.problem.status == ProblemStatus.IN_RECTIFICATION
    assert not rollups.check(counters.rollup())
