"""Duplicate suggestions over title and description, among all of a unit's open problems,
through the MinHash band index: an old similar problem is found behind thousands of newer
ones, with a bounded number of queries; bulk-loaded problems are indexed on first use."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from chuxin.problems import services
from chuxin.problems.duplicates import candidate_pairs, candidates
from chuxin.problems.models import Problem, ProblemBand, ProblemSignature
from chuxin.problems.similarity import band_keys, ngrams, score, similarity
from chuxin.rectification.tests.conftest import RectWorld, build_rect_world
from conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw(world: World) -> RectWorld:
    return build_rect_world(world)


def _create(rw: RectWorld, title: str, description: str = "") -> Problem:
    return services.problem_create(
        actor=rw.city_admin,
        campaign=rw.campaign,
        unit=rw.county_a,
        title=title,
        description=description,
        source="public",
        category="needs",
    )


_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也"
    "能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实"
    "加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样"
)


def _bulk(rw: RectWorld, n: int, start: int = 0) -> None:
    """n unrelated problems loaded in bulk (not indexed), as the demo and bench load them."""
    import random

    today = timezone.localdate()
    rows = []
    for i in range(start, start + n):
        rng = random.Random(i)
        rows.append(
            Problem(
                campaign=rw.campaign,
                unit=rw.county_a,
                code=f"BULK-{i:06d}",
                title="".join(rng.choices(_CHARS, k=10)),
                description="".join(rng.choices(_CHARS, k=50)),
                source="self",
                category="other",
                reported_on=today - dt.timedelta(days=1),
            )
        )
    Problem.objects.bulk_create(rows, batch_size=1000)


def test_keys_are_stable_and_similar_texts_share_them() -> None:
    a = band_keys("老旧小区供暖不达标", "群众反映冬季室温长期低于18度、管网老化")
    assert a == band_keys("老旧小区供暖不达标", "群众反映冬季室温长期低于18度、管网老化")
    b = band_keys("老旧小区冬季供暖不达标", "群众反映冬季室温长期低于18度、管网老化严重")
    c = band_keys("农贸市场脏乱差", "摊位占道经营、垃圾清运不及时")
    assert set(a) & set(b)
    assert not set(a) & set(c)


def test_score_uses_title_and_description() -> None:
    # Different titles, the same description: alike by the description.
    one = ("供热问题", "老旧小区冬季室温长期低于十八度、管网老化、群众多次反映无人处理")
    two = ("取暖不好", "老旧小区冬季室温长期低于十八度、管网老化、群众多次反映仍无人处理")
    assert similarity(ngrams(one[0]), ngrams(two[0])) == 0
    assert score(one, two) >= 0.5
    assert score(one, ("路灯不亮", "夜间出行不便")) < 0.2


def test_an_old_similar_problem_is_found_behind_thousands(
    rw: RectWorld, django_assert_max_num_queries: Any
) -> None:
    old = _create(rw, "供热问题", "老旧小区冬季室温长期低于十八度、管网老化、群众多次反映无人处理")
    _bulk(rw, 2500)  # newer than it: the old 2,000-newest window would have cut it off
    new = _create(
        rw, "取暖不好", "老旧小区冬季室温长期低于十八度、管网老化、群众多次反映仍无人处理"
    )
    client = rw.client_for(rw.city_admin)
    response = client.get(reverse("problems:detail", args=[new.pk]))
    assert old.pk in [p.pk for p, _score in response.context["duplicates"]]
    # The bulk rows were indexed on that first look; the next look is a few queries.
    assert ProblemSignature.objects.filter(problem__unit=rw.county_a).count() == 2503
    with django_assert_max_num_queries(25):
        response = client.get(reverse("problems:detail", args=[new.pk]))
    assert old.pk in [p.pk for p, _score in response.context["duplicates"]]
    # Candidates come from the index, not from reading the unit's problems.
    assert len(candidates(new)) < 100
    pairs = rw.client_for(rw.city_admin).get(reverse("problems:duplicates", args=[rw.county_a.pk]))
    assert (old.pk, new.pk) in [(a.pk, b.pk) for a, b, _ in pairs.context["pairs"]]


def test_merged_problems_are_not_suggested(rw: RectWorld) -> None:
    dup = _create(rw, "老旧小区冬季供暖不达标")
    services.problem_merge(actor=rw.city_admin, problem=dup, into=rw.problem)
    third = _create(rw, "老旧小区供暖温度不达标")
    found = [p.pk for p, _ in _suggestions(rw, third)]
    assert rw.problem.pk in found and dup.pk not in found
    assert all(dup.pk not in pair for pair in candidate_pairs(rw.county_a.pk))


def test_an_edited_text_is_indexed_again(rw: RectWorld) -> None:
    other = _create(rw, "路灯不亮", "夜间出行不便")
    assert rw.problem.pk not in [p.pk for p, _ in _suggestions(rw, other)]
    before = set(ProblemBand.objects.filter(problem=other).values_list("key", flat=True))
    services.problem_update(actor=rw.city_admin, problem=other, title="老旧小区供暖不达标问题")
    after = set(ProblemBand.objects.filter(problem=other).values_list("key", flat=True))
    assert before != after
    assert rw.problem.pk in [p.pk for p, _ in _suggestions(rw, other)]


def test_suggestions_stay_in_scope_and_in_the_unit(rw: RectWorld) -> None:
    elsewhere = services.problem_create(
        actor=rw.city_admin,
        campaign=rw.campaign,
        unit=rw.township_a,
        title="老旧小区冬季供暖不达标",
        source="public",
        category="needs",
    )
    assert rw.problem.pk not in [p.pk for p, _ in _suggestions(rw, elsewhere)]
    response = rw.client_for(rw.other_county_admin).get(
        f"/api/v1/problems/{rw.problem.pk}/duplicates"
    )
    assert response.status_code in (401, 404)


def test_command_indexes_bulk_loaded_problems(rw: RectWorld) -> None:
    _bulk(rw, 30)
    assert ProblemSignature.objects.count() == 1
    call_command("problem_signatures", stdout=_Sink())
    assert ProblemSignature.objects.count() == Problem.objects.count() == 31


class _Sink:
    def write(self, _text: str) -> None:
        pass


def _suggestions(rw: RectWorld, problem: Problem) -> list[tuple[Problem, float]]:
    from chuxin.problems.selectors import likely_duplicates

    return likely_duplicates(rw.city_admin, problem)
