"""The portal's two indicators against hand-computed data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from chuxin.assessment.indicators import get
from chuxin.organization.models import Unit
from chuxin.portal import services
from chuxin.portal.models import SatisfactionRating
from chuxin.problems import services as problem_services
from chuxin.problems.models import Problem
from chuxin.rectification.models import RectificationTask
from chuxin.rectification.tests.conftest import RectWorld

from .conftest import verified_task_for

pytestmark = pytest.mark.django_db


def _problem(
    rw: RectWorld, unit: Unit, title: str, source: str = "public", days: int = -10
) -> Problem:
    return problem_services.problem_create(
        actor=rw.root, campaign=rw.campaign, unit=unit, title=title, source=source,
        category="needs", is_public=True,
        reported_on=timezone.localdate() + dt.timedelta(days=days),
    )  # fmt: skip


def _closed_on(task: RectificationTask, day: dt.date) -> None:
    RectificationTask.objects.filter(pk=task.pk).update(closed_on=day)


def test_share_of_problems_from_the_public_solved(pw: RectWorld) -> None:
    today = timezone.localdate()
    p1 = _problem(pw, pw.township_a, "p1")
    _closed_on(verified_task_for(pw, p1), today - dt.timedelta(days=1))  # solved
    p2 = _problem(pw, pw.county_a, "p2")
    _closed_on(verified_task_for(pw, p2), today + dt.timedelta(days=1))  # after the cut-off
    p3 = _problem(pw, pw.county_a, "p3")  # no task yet
    p4 = _problem(pw, pw.county_b, "p4")
    _closed_on(verified_task_for(pw, p4), today - dt.timedelta(days=2))  # solved
    p5 = _problem(pw, pw.county_a, "p5", source="research")
    verified_task_for(pw, p5)  # not from the public
    p6 = _problem(pw, pw.county_a, "p6")
    problem_services.problem_merge(actor=pw.root, problem=p6, into=p3)  # merged away
    _problem(pw, pw.county_a, "p7", days=3)  # reported after the cut-off
    p8 = _problem(pw, pw.county_a, "p8")
    verified_task_for(pw, p8)
    RectificationTask.objects.create(
        campaign=pw.campaign, code="ZG-open", title="t", responsible_unit=pw.county_a
    ).problems.add(p8)  # one task still open
    # counted in county A: the world's problem (task open), p1, p2, p3, p8; solved: p1
    units = [pw.province, pw.city_a, pw.county_a, pw.city_b, pw.branch_b]
    got = get("portal.public_solved").compute(pw.campaign, units, today)
    assert got[pw.county_a.pk].value == Decimal("20.00")
    assert (got[pw.county_a.pk].numerator, got[pw.county_a.pk].denominator) == (1, 5)
    assert got[pw.city_a.pk].value == Decimal("20.00")
    assert got[pw.city_b.pk].value == Decimal("100.00")
    assert got[pw.province.pk].value == Decimal("33.33")  # 2 of 6
    assert got[pw.branch_b.pk].value is None
    assert "2 of 6" in got[pw.province.pk].note
    later = get("portal.public_solved").compute(pw.campaign, units, today + dt.timedelta(days=1))
    assert later[pw.county_a.pk].value == Decimal("40.00")  # p2 now counts as solved


def test_mean_satisfaction(pw: RectWorld) -> None:
    today = timezone.localdate()
    p1 = _problem(pw, pw.township_a, "p1")
    verified_task_for(pw, p1)
    p4 = _problem(pw, pw.county_b, "p4")
    verified_task_for(pw, p4)
    services.rating_on_page(problem=p1, address="a", level="very")  # 100
    services.rating_on_page(problem=p1, address="b", level="satisfied")  # 80
    services.rating_on_page(problem=p4, address="c", level="dissatisfied")  # 0
    late = services.rating_on_page(problem=p1, address="d", level="basically")  # 60, too late
    SatisfactionRating.objects.filter(pk=late.pk).update(
        created_at=timezone.now() + dt.timedelta(days=2)
    )
    units = [pw.province, pw.county_a, pw.city_b, pw.branch_a]
    got = get("portal.satisfaction").compute(pw.campaign, units, today)
    assert got[pw.county_a.pk].value == Decimal("90.00")
    assert got[pw.city_b.pk].value == Decimal("0.00")
    assert got[pw.province.pk].value == Decimal("60.00")
    assert (got[pw.province.pk].numerator, got[pw.province.pk].denominator) == (180, 3)
    assert got[pw.branch_a.pk].value is None
    after = get("portal.satisfaction").compute(pw.campaign, units, today + dt.timedelta(days=3))
    assert after[pw.county_a.pk].value == Decimal("80.00")  # (100 + 80 + 60) / 3
