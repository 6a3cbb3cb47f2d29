"""The demo writes problems, tasks and special rectifications with a realistic mix, and every
counter agrees with the rows."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from chuxin.core import rollups
from chuxin.organization.models import Unit
from chuxin.problems.models import Problem
from chuxin.rectification import counters
from chuxin.rectification.models import (
    RectificationTask,
    SpecialRectification,
    UnitRectificationRollup,
)


@pytest.mark.django_db(transaction=True)
def test_county_demo_has_rectification_data_and_true_counters() -> None:
    call_command("demo", scale="county", no_progress=True, stdout=io.StringIO())
    root = UnitRectificationRollup.objects.get(unit=Unit.objects.get(depth=1))
    problems, tasks = Problem.objects.count(), RectificationTask.objects.count()
    assert root.subtree_problems == problems and root.subtree_tasks == tasks
    assert 0.8 * problems < tasks < problems
    assert 0.4 < root.subtree_t_verified / tasks < 0.7  # most closed
    assert root.subtree_overdue > 0 and root.subtree_t_returned > 0
    assert 0 < root.subtree_on_time < root.subtree_t_verified
    assert SpecialRectification.objects.count() == 5
    assert RectificationTask.objects.filter(special__isnull=False).exists()
    assert not rollups.check(counters.rollup())
    call_command("check_counters", stdout=io.StringIO())
