"""The computed indicators written here, against hand-computed data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from chuxin.assessment import indicators as registry
from chuxin.study.models import UnitStudyRollup

from .conftest import TODAY, AWorld, task

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def test_registered() -> None:
    keys = {i.key for i in registry.all_indicators()}
    assert {"study.coverage", "rectification.on_time", "rectification.verified"} <= keys


def test_on_time_rate_by_hand(a: AWorld) -> None:
    cutoff = TODAY - 10 * DAY
    limit = TODAY - 20 * DAY
    c = a.campaign
    # county A (all due by the cut-off unless said otherwise):
    task(c, a.county_a, time_limit=limit, status="verified", submitted_on=limit, closed_on=limit)
    task(c, a.branch_a, time_limit=limit, status="submitted", submitted_on=limit - DAY)
    task(  # on time but returned once: counts against
        c, a.township_a, time_limit=limit, status="verified", submitted_on=limit, returned_count=1
    )
    task(c, a.county_a, time_limit=limit, status="verified", submitted_on=limit + DAY)  # late
    task(c, a.county_a, time_limit=limit, status="in_progress")  # not done
    task(c, a.county_a, time_limit=cutoff + DAY, status="verified", submitted_on=limit)  # not due
    task(c, a.county_a, time_limit=limit, status="long_term", task_type="long_term")  # aside
    # county B: none due
    task(c, a.county_b, time_limit=cutoff + 5 * DAY, status="in_progress")
    measures = registry.get("rectification.on_time").compute(
        c, [a.city_a, a.county_a, a.township_a, a.county_b, a.city_b], cutoff
    )
    # county A's subtree: 5 due, 2 on time (the verified one and the submitted one)
    assert (measures[a.county_a.pk].numerator, measures[a.county_a.pk].denominator) == (2, 5)
    assert measures[a.county_a.pk].value == D("40.00")
    assert measures[a.city_a.pk].value == D("40.00")
    # the township's subtree: its returned task and the branch's submitted one
    assert measures[a.township_a.pk].value == D("50.00")
    assert measures[a.county_b.pk].value is None
    assert measures[a.county_b.pk].denominator == 0
    assert "2 of 5" in measures[a.county_a.pk].note


def test_on_time_is_judged_as_of_the_cutoff(a: AWorld) -> None:
    limit = TODAY - 20 * DAY
    task(a.campaign, a.county_a, time_limit=limit, status="submitted", submitted_on=limit)
    compute = registry.get("rectification.on_time").compute
    assert compute(a.campaign, [a.county_a], limit - DAY)[a.county_a.pk].value is None
    assert compute(a.campaign, [a.county_a], limit)[a.county_a.pk].value == D(100)


def test_verified_share_by_hand(a: AWorld) -> None:
    cutoff = TODAY - 5 * DAY
    c = a.campaign
    task(c, a.county_a, time_limit=None, status="verified", closed_on=cutoff)
    task(c, a.county_a, time_limit=None, status="verified", closed_on=cutoff + DAY)  # after
    task(c, a.branch_a, time_limit=None, status="submitted")
    task(c, a.branch_a, time_limit=None, status="submitted", created_days_ago=1)  # after
    task(c, a.county_b, time_limit=None, status="verified", closed_on=cutoff - DAY)
    m = registry.get("rectification.verified").compute(
        c, [a.county_a, a.county_b, a.city_b], cutoff
    )
    assert (m[a.county_a.pk].numerator, m[a.county_a.pk].denominator) == (1, 3)
    assert m[a.county_a.pk].value == D("33.33")
    assert m[a.county_b.pk].value == D(100) and m[a.city_b.pk].value == D(100)


def test_study_coverage_from_the_counters(a: AWorld) -> None:
    UnitStudyRollup.objects.update_or_create(
        unit=a.county_a, defaults={"subtree_required": 8, "subtree_covered": 6}
    )
    UnitStudyRollup.objects.update_or_create(
        unit=a.county_b, defaults={"subtree_required": 0, "subtree_covered": 0}
    )
    compute = registry.get("study.coverage").compute
    m = compute(a.campaign, [a.county_a, a.county_b], TODAY)
    assert m[a.county_a.pk].value == D("75.00")
    assert (m[a.county_a.pk].numerator, m[a.county_a.pk].denominator) == (6, 8)
    assert m[a.county_b.pk].value is None
    past = compute(a.campaign, [a.county_a], TODAY - 30 * DAY)[a.county_a.pk]
    assert past.value == D("75.00") and "not replayed" in past.note
