"""Triage's duplicate suggestions come through the problems' duplicate index: every open problem
of the opinion's subtree can be suggested, not only the newest few thousand; problems outside
the subtree, of another campaign or unrelated are not; bulk-loaded problems are indexed on
first use; the number of queries does not grow with the subtree's problems."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.utils import timezone

from chuxin.organization.models import Unit
from chuxin.portal import selectors
from chuxin.portal.models import Opinion
from chuxin.problems import services as problem_services
from chuxin.problems.duplicates import forget_indexed_units, index_problems, text_candidates
from chuxin.problems.models import Problem, ProblemSignature
from chuxin.rectification.tests.conftest import RectWorld

from .conftest import opinion_for

pytestmark = pytest.mark.django_db

HEATING = "小区暖气一直不热 老人孩子冬天在家里冻得受不了 希望尽快解决供热问题"
NEWER = 2100  # more than the 2,000 newest problems the suggestions used to read

_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也"
    "能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实"
)


@pytest.fixture(autouse=True)
def _fresh_process_memos() -> None:
    """Each test sees the duplicate index as a new process would."""
    forget_indexed_units()


def _problem(pw: RectWorld, unit: Unit, title: str, description: str = "", **kw: Any) -> Problem:
    return problem_services.problem_create(
        actor=pw.root,
        campaign=kw.pop("campaign", pw.campaign),
        unit=unit,
        title=title,
        description=description,
        source="public",
        category="needs",
        **kw,
    )


def _bulk(
    pw: RectWorld, units: list[Unit], n: int, *, index: bool = True, start: int = 0
) -> list[Problem]:
    """n unrelated problems loaded in bulk (newer than everything before), spread over the
    units; indexed as a bulk load indexes itself, or left for the first use to index."""
    today = timezone.localdate()
    rows = []
    for i in range(start, start + n):
        rng = random.Random(i)
        rows.append(
            Problem(
                campaign=pw.campaign,
                unit=units[i % len(units)],
                code=f"BULK-{i:06d}",
                title="".join(rng.choices(_CHARS, k=10)),
                description="".join(rng.choices(_CHARS, k=40)),
                source="self",
                category="other",
                reported_on=today - dt.timedelta(days=1),
            )
        )
    made = Problem.objects.bulk_create(rows, batch_size=1000)
    if index:
        index_problems(made)
    return made


def _suggested(pw: RectWorld, opinion: Opinion, user: Any = None) -> list[int]:
    return [
        p.pk
        for p, _score in selectors.duplicate_suggestions(user or pw.city_admin, opinion, limit=5)
    ]


def test_an_old_matching_problem_behind_thousands_of_newer_ones_is_suggested(
    pw: RectWorld,
) -> None:
    old = _problem(
        pw, pw.township_a, "小区暖气不热", "老人孩子冬天在家里冻得受不了、供热问题一直没解决"
    )
    unrelated = _problem(pw, pw.county_a, "道路坑洼积水", "雨后积水严重、车辆无法通行")
    elsewhere = _problem(
        pw, pw.county_b, "小区暖气不热", "老人孩子冬天在家里冻得受不了、供热问题一直没解决"
    )
    _bulk(pw, [pw.county_a, pw.township_a, pw.branch_a], NEWER)
    assert (
        old.pk
        not in Problem.objects.filter(unit__path__startswith=pw.county_a.path)
        .order_by("-pk")
        .values_list("pk", flat=True)[:2000]
    )
    opinion = opinion_for(pw.county_a, text=HEATING)
    found = _suggested(pw, opinion)
    assert old.pk in found
    assert unrelated.pk not in found
    assert elsewhere.pk not in found  # outside the opinion's subtree
    # The county's administrator on the staff page sees it among the suggestions.
    page = pw.client_for(pw.city_admin).get(f"/portal/staff/opinions/{opinion.pk}/")
    suggestions = page.content.decode()[page.content.decode().index('id="suggestions"') :]
    assert old.code in suggestions and unrelated.code not in suggestions


def test_a_short_title_inside_a_long_opinion_is_suggested(pw: RectWorld) -> None:
    old = _problem(pw, pw.branch_a, "菜市场噪音扰民")
    _bulk(pw, [pw.township_a], NEWER)
    text = (
        "我家住在南市场附近、每天早上四点多就开始有人卸货吆喝、"
        "菜市场噪音扰民的情况已经持续了大半年、打过几次电话也没有人管、希望有关部门重视。"
    )
    opinion = opinion_for(pw.county_a, text=text)
    assert old.pk in _suggested(pw, opinion)


def test_only_the_opinions_campaign_and_never_its_own_problem(pw: RectWorld) -> None:
    from chuxin.guidance.models import Campaign

    other_campaign = Campaign.objects.create(
        title="另一批",
        theme="另一批",
        start_date=pw.campaign.start_date,
        end_date=pw.campaign.end_date,
        root_unit=pw.province,
    )
    mine = _problem(pw, pw.township_a, "小区暖气不热", "老人孩子冬天在家里冻得受不了")
    theirs = _problem(
        pw, pw.township_a, "小区暖气不热", "老人孩子冬天在家里冻得受不了", campaign=other_campaign
    )
    opinion = opinion_for(pw.county_a, text=HEATING)
    Opinion.objects.filter(pk=opinion.pk).update(campaign=pw.campaign)
    opinion.refresh_from_db()
    found = _suggested(pw, opinion)
    assert mine.pk in found and theirs.pk not in found
    Opinion.objects.filter(pk=opinion.pk).update(problem=mine)
    opinion.refresh_from_db()
    assert mine.pk not in _suggested(pw, opinion)


def test_bulk_loaded_problems_of_the_subtree_are_indexed_on_first_use(pw: RectWorld) -> None:
    made = _bulk(pw, [pw.township_a, pw.branch_a], 30, index=False)
    match = made[7]
    assert not ProblemSignature.objects.filter(problem__in=made).exists()
    opinion = opinion_for(pw.county_a, text=f"{match.title}{match.description}")
    assert _suggested(pw, opinion)[0] == match.pk
    assert ProblemSignature.objects.filter(problem__in=made).count() == 30
    # The problems of other units were left alone.
    outside = _bulk(pw, [pw.county_b], 1, index=False, start=30)
    forget_indexed_units()
    _suggested(pw, opinion)
    assert not ProblemSignature.objects.filter(problem__in=outside).exists()


def test_unrelated_opinion_gets_no_suggestion(pw: RectWorld) -> None:
    _bulk(pw, [pw.county_a], 50)
    opinion = opinion_for(pw.county_a, text="希望社区多组织一些老年人的文体活动")
    assert _suggested(pw, opinion) == []
    assert text_candidates("希望社区多组织一些老年人的文体活动", [pw.county_a.pk]) == []


def test_the_suggestions_take_a_bounded_number_of_queries(
    pw: RectWorld, django_assert_max_num_queries: Any
) -> None:
    old = _problem(pw, pw.township_a, "小区暖气不热", "老人孩子冬天在家里冻得受不了")
    _bulk(pw, [pw.county_a, pw.township_a, pw.branch_a], NEWER, index=False)
    opinion = opinion_for(pw.county_a, text=HEATING)
    _suggested(pw, opinion)  # the first use indexes the bulk rows
    # The subtree's units, its unindexed problems (none now; in a test's transaction the units
    # are not remembered as indexed), the candidates, their texts, the best problems.
    with django_assert_max_num_queries(5):
        assert old.pk in _suggested(pw, opinion)
    client = pw.client_for(pw.city_admin)
    with django_assert_max_num_queries(25):
        page = client.get(f"/portal/staff/opinions/{opinion.pk}/")
    assert old.code in page.content.decode()
    with django_assert_max_num_queries(12):
        api = client.get(f"/api/v1/portal/opinions/{opinion.pk}/suggestions").json()
    assert old.pk in [s["problem"]["id"] for s in api]
