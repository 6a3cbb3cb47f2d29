"""Reads of the problem list, always through the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from chuxin.core.scoping import Action, require, scope_for, scoped
from chuxin.organization.models import Campaign, Unit
from chuxin.organization.selectors import campaigns_visible

from .models import Problem

FILTERS = ("source", "category", "status", "severity", "public_point")


def problems_visible(user: Any) -> QuerySet[Problem]:
    return scoped(Problem.objects.all(), user).select_related("unit", "campaign")


def problem_get(user: Any, pk: int, *, action: Action = Action.VIEW) -> Problem:
    problem = get_object_or_404(problems_visible(user), pk=pk)
    if action == Action.MANAGE:
        require(user, problem.unit, Action.MANAGE)
    return problem


def problems_filtered(
    user: Any,
    *,
    unit: Unit | None = None,
    q: str = "",
    include_merged: bool = False,
    **filters: Any,
) -> QuerySet[Problem]:
    """The visible problems, in a unit's subtree, matching the list filters."""
    qs = problems_visible(user)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    for name in FILTERS:
        value = filters.get(name)
        if value:
            qs = qs.filter(**{name: value})
    if not include_merged and not filters.get("status"):
        qs = qs.exclude(status="merged")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code__iexact=q) | Q(description__icontains=q))
    return qs


def campaigns_for_unit(user: Any, unit: Unit) -> QuerySet[Campaign]:
    """The campaigns the unit takes part in (its root at or above the unit)."""
    paths = unit.ancestor_paths(include_self=True)
    return campaigns_visible(user).filter(root_unit__path__in=paths)


def may_record(user: Any) -> bool:
    scope = scope_for(user)
    return scope.everything or any(g.manage for g in scope.grants)


def likely_duplicates(user: Any, problem: Problem, limit: int = 5) -> list[tuple[Problem, float]]:
    """Problems of the same unit whose title is most like this one's (bigram similarity; the
    titles say what the problem is, descriptions differ in detail and would dilute it)."""
    from .similarity import MAX_PROBLEMS, THRESHOLD, ngrams, similarity

    mine = ngrams(problem.title)
    others = (
        problems_visible(user)
        .filter(unit=problem.unit, campaign=problem.campaign)
        .exclude(pk=problem.pk)
        .exclude(status="merged")
        .order_by("-pk")
        .values_list("pk", "title")[:MAX_PROBLEMS]
    )
    scored = [(pk, similarity(mine, ngrams(title))) for pk, title in others]
    best = sorted((s for s in scored if s[1] >= THRESHOLD), key=lambda s: -s[1])[:limit]
    found = {p.pk: p for p in Problem.objects.filter(pk__in=[pk for pk, _ in best])}
    return [(found[pk], round(score, 2)) for pk, score in best if pk in found]


def duplicate_pairs(user: Any, unit: Unit) -> list[tuple[Problem, Problem, float]]:
    """Likely duplicate pairs among the problems lying in one unit."""
    from .similarity import MAX_PROBLEMS, similar_pairs

    rows = list(
        problems_visible(user)
        .filter(unit=unit)
        .exclude(status="merged")
        .order_by("-pk")
        .values_list("pk", "title")[:MAX_PROBLEMS]
    )
    pairs = similar_pairs(rows)[:100]
    ids = {p.first for p in pairs} | {p.second for p in pairs}
    found = {p.pk: p for p in Problem.objects.filter(pk__in=ids)}
    return [(found[p.first], found[p.second], p.score) for p in pairs]
