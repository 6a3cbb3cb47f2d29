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
    """Open problems of the same unit most like this one (bigram similarity of the titles or
    of title with description, whichever is higher), found among all of the unit's open
    problems through the duplicate index (``problems.duplicates``)."""
    from .duplicates import candidates, ensure_unit_indexed
    from .similarity import THRESHOLD, score

    ensure_unit_indexed(problem.unit_id)
    ids = candidates(problem)
    if not ids:
        return []
    others = (
        problems_visible(user)
        .filter(pk__in=ids, unit=problem.unit, campaign=problem.campaign)
        .exclude(status="merged")
    )
    mine = (problem.title, problem.description)
    scored = [(p, score(mine, (p.title, p.description))) for p in others]
    best = sorted((s for s in scored if s[1] >= THRESHOLD), key=lambda s: (-s[1], -s[0].pk))
    return [(p, round(value, 2)) for p, value in best[:limit]]


def duplicate_pairs(user: Any, unit: Unit) -> list[tuple[Problem, Problem, float]]:
    """Likely duplicate pairs among the open problems lying in one unit, most alike first."""
    from .duplicates import candidate_pairs, ensure_unit_indexed
    from .similarity import THRESHOLD, full_text, ngrams, similarity

    ensure_unit_indexed(unit.pk)
    pairs = candidate_pairs(unit.pk)
    ids = {pk for pair in pairs for pk in pair}
    found = {
        p.pk: p
        for p in problems_visible(user).filter(pk__in=ids, unit=unit).exclude(status="merged")
    }
    titles = {pk: ngrams(p.title) for pk, p in found.items()}
    texts = {pk: ngrams(full_text(p.title, p.description)) for pk, p in found.items()}
    out = []
    for a, b in pairs:
        if a in found and b in found:
            value = max(similarity(titles[a], titles[b]), similarity(texts[a], texts[b]))
            if value >= THRESHOLD:
                out.append((found[a], found[b], round(value, 2)))
    out.sort(key=lambda t: (-t[2], t[0].pk, t[1].pk))
    return out[:100]
