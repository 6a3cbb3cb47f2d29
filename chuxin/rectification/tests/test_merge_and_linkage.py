"""Duplicates (character bigram similarity), merging (history kept, survivor pointed to,
counters right), and escalation along the batch link with connected tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from chuxin.core import rollups
from chuxin.organization.models import BatchLink, Unit
from chuxin.problems import services as problem_services
from chuxin.problems.models import Problem, ProblemStatus
from chuxin.problems.similarity import ngrams, similar_pairs, similarity
from chuxin.rectification import counters, services

from .conftest import RectWorld

pytestmark = pytest.mark.django_db


def _problem(rw: RectWorld, title: str, unit: Unit | None = None) -> Problem:
    return problem_services.problem_create(
        actor=rw.city_admin,
        campaign=rw.campaign,
        unit=unit or rw.county_a,
        title=title,
        source="public",
        category="needs",
    )


def test_bigrams_find_chinese_duplicates_without_segmentation() -> None:
    a = ngrams("老旧小区供暖不达标")
    assert similarity(a, ngrams("老旧小区冬季供暖不达标")) >= 0.5
    assert similarity(a, ngrams("农贸市场脏乱差")) == 0
    pairs = similar_pairs(
        [(1, "老旧小区供暖不达标"), (2, "老旧小区供暖温度不达标"), (3, "路灯不亮")]
    )
    assert [(p.first, p.second) for p in pairs] == [(1, 2)]


def test_likely_duplicates_and_merge(rw: RectWorld) -> None:
    dup = _problem(rw, "老旧小区冬季供暖不达标")
    _problem(rw, "农贸市场脏乱差")
    client = rw.client_for(rw.city_admin)
    detail = client.get(reverse("problems:detail", args=[dup.pk]))
    assert [p.pk for p, _score in detail.context["duplicates"]] == [rw.problem.pk]
    page = client.get(reverse("problems:duplicates", args=[rw.county_a.pk]))
    assert [(a.pk, b.pk) for a, b, _ in page.context["pairs"]] == [(rw.problem.pk, dup.pk)]
    row = rw.county_a.rectification_rollup
    row.refresh_from_db()
    assert row.problems == 3
    response = client.post(reverse("problems:merge", args=[dup.pk]), {"into": rw.problem.pk})
    assert response.status_code == 302
    dup.refresh_from_db()
    assert dup.status == ProblemStatus.MERGED and dup.merged_into == rw.problem
    assert dup.history.count() == 2  # its history is kept
    row.refresh_from_db()
    assert row.problems == 2 and not rollups.check(counters.rollup())
    survivor = client.get(reverse("problems:detail", args=[rw.problem.pk]))
    assert dup in list(survivor.context["merged"])
    with pytest.raises(ValidationError):
        problem_services.problem_merge(actor=rw.city_admin, problem=dup, into=rw.problem)
    with pytest.raises(ValidationError):
        problem_services.problem_merge(actor=rw.city_admin, problem=rw.problem, into=rw.problem)
    other = _problem(rw, "x", unit=rw.county_a)
    with pytest.raises(PermissionDenied):
        problem_services.problem_merge(actor=rw.other_county_admin, problem=other, into=rw.problem)


def test_a_merged_problems_tasks_serve_the_survivor(rw: RectWorld) -> None:
    dup = _problem(rw, "老旧小区冬季供暖不达标")
    task = services.task_create(
        actor=rw.city_admin,
        campaign=rw.campaign,
        responsible_unit=rw.county_a,
        title="供暖",
        problems=[dup],
        time_limit=timezone.localdate() + dt.timedelta(days=5),
    )
    problem_services.problem_merge(actor=rw.city_admin, problem=dup, into=rw.problem)
    assert set(task.problems.all()) == {dup, rw.problem}


def test_escalation_along_the_batch_link_connects_the_tasks(rw: RectWorld) -> None:
    # Batch 1: the province's organs (here, city B stands for one); batch 2: county A.
    BatchLink.objects.create(campaign=rw.campaign, upper_unit=rw.city_b, lower_unit=rw.county_a)
    lower = _problem(rw, "供热价格机制不合理", unit=rw.township_a)
    lower_task = services.task_create(
        actor=rw.city_admin,
        campaign=rw.campaign,
        responsible_unit=rw.township_a,
        title="配合调整供热价格",
        problems=[lower],
        time_limit=timezone.localdate() + dt.timedelta(days=30),
    )
    client = rw.client_for(rw.city_admin)
    assert client.get(reverse("problems:detail", args=[lower.pk])).context["can_escalate"]
    client.post(reverse("problems:escalate", args=[lower.pk]), {"note": "根子在上面"})
    upper = Problem.objects.get(escalated_from=lower)
    assert upper.unit == rw.city_b and "根子在上面" in upper.description
    with pytest.raises(ValidationError):
        problem_services.problem_escalate(actor=rw.city_admin, problem=lower)
    # The upper unit sees the link, and gives the problem its own task.
    page = rw.client_for(rw.other_county_admin).get(reverse("problems:detail", args=[upper.pk]))
    assert page.status_code == 404  # county B's admin does not see city B itself
    upper_task = services.task_create(
        actor=rw.office,
        campaign=rw.campaign,
        responsible_unit=rw.city_b,
        title="调整全市供热价格机制",
        problems=[upper],
        time_limit=timezone.localdate() + dt.timedelta(days=60),
    )
    lower_task.refresh_from_db()
    assert lower_task.upper_task == upper_task
    services.progress_update_add(actor=rw.office, task=upper_task, text="已出台方案", percent=40)
    page = client.get(reverse("rectification:task_detail", args=[lower_task.pk]))
    assert "调整全市供热价格机制" in page.content.decode() and "40%" in page.content.decode()
    office_page = rw.client_for(rw.office).get(reverse("problems:detail", args=[upper.pk]))
    assert office_page.context["escalated_from"] == lower
    assert not rollups.check(counters.rollup())


def test_no_link_no_escalation(rw: RectWorld) -> None:
    with pytest.raises(ValidationError):
        problem_services.problem_escalate(actor=rw.city_admin, problem=rw.problem)
