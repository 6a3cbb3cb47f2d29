"""Reads of the portal. Staff reads go through the user's scope (opinions are seen by those
who manage or guide their unit, never by a unit's ordinary members); public reads show only
public problems and only what the public may know: units, titles, status, progress, dates and
satisfaction, never people's names, criticism records, contact data or internal notes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from chuxin.core.scoping import Action, require, scope_for
from chuxin.organization.models import Role, Unit
from chuxin.problems.duplicates import ensure_units_indexed, text_candidates
from chuxin.problems.models import Problem, ProblemStatus
from chuxin.problems.similarity import ngrams, similarity
from chuxin.rectification.models import RectificationTask, TaskStatus

from . import protect
from .models import Opinion, SatisfactionRating

OPINION_FILTERS = ("status", "channel", "category")
PUBLIC_SEARCH_LIMIT = 20
SUGGEST_THRESHOLD = 0.4


# --- Staff -----------------------------------------------------------------------------------


def _staff_q(user: Any, unit_field: str = "unit") -> Q | None:
    """The filter of what a user may see among opinions (None: everything); members' grants
    do not count: an opinion about a branch is not for the branch's members to read."""
    scope = scope_for(user)
    if scope.everything:
        return None
    q = Q(pk__in=[])
    for grant in scope.grants:
        if grant.role == Role.MEMBER:
            continue
        if grant.subtree:
            q |= Q(**{f"{unit_field}__path__startswith": grant.path})
        else:
            q |= Q(**{f"{unit_field}_id": grant.unit_id})
    return q


def may_triage_somewhere(user: Any) -> bool:
    scope = scope_for(user)
    return scope.everything or any(g.role != Role.MEMBER for g in scope.grants)


def opinions_visible(user: Any) -> QuerySet[Opinion]:
    qs = Opinion.objects.select_related("unit", "problem")
    q = _staff_q(user)
    return qs if q is None else qs.filter(q)


def opinion_get(user: Any, pk: int, *, action: Action = Action.VIEW) -> Opinion:
    """One opinion in sight (404 otherwise); with MANAGE, 403 unless the user manages its unit."""
    opinion = get_object_or_404(opinions_visible(user), pk=pk)
    if action == Action.MANAGE:
        require(user, opinion.unit, Action.MANAGE)
    return opinion


def may_see_contact(user: Any, opinion: Opinion) -> bool:
    """Contact details are for those who handle the opinion: who manage its unit."""
    return scope_for(user).allows(opinion.unit, Action.MANAGE)


def contact_for(user: Any, opinion: Opinion) -> dict[str, str] | None:
    if not opinion.has_contact or not may_see_contact(user, opinion):
        return None
    return protect.open_contact(opinion.contact)


def opinions_filtered(
    user: Any, *, unit: Unit | None = None, q: str = "", **filters: Any
) -> QuerySet[Opinion]:
    qs = opinions_visible(user)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    for name in OPINION_FILTERS:
        value = filters.get(name)
        if value:
            qs = qs.filter(**{name: value})
    if q:
        qs = qs.filter(Q(text__icontains=q) | Q(code__iexact=q.strip().upper()))
    return qs.order_by("-created_at", "-pk")


def ratings_visible(user: Any, *, unit: Unit | None = None) -> QuerySet[SatisfactionRating]:
    qs = SatisfactionRating.objects.select_related("problem__unit", "opinion")
    q = _staff_q(user, "problem__unit")
    if q is not None:
        qs = qs.filter(q)
    if unit is not None:
        qs = qs.filter(problem__unit__path__startswith=unit.path)
    return qs.order_by("-created_at", "-pk")


def duplicate_suggestions(
    user: Any, opinion: Opinion, limit: int = 5
) -> list[tuple[Problem, float]]:
    """Problems in sight, in the opinion's unit and below, most like the opinion: character
    bigrams as in ``problems.similarity``; the score is the larger of the Jaccard similarity
    with the problem's title and description, and the share of the title's bigrams that the
    opinion contains (a short title inside a long opinion).

    Every open problem of the subtree may be suggested: the candidates come from the problems'
    duplicate index (``problems.duplicates.text_candidates``, one query for all the subtree's
    units), which is brought up to date first for problems loaded in bulk; only they are
    scored."""
    subtree = Unit.objects.filter(path__startswith=opinion.unit.path)
    ensure_units_indexed(subtree)
    qs = Problem.objects.filter(unit__path__startswith=opinion.unit.path).exclude(
        status=ProblemStatus.MERGED
    )
    where = Q()  # the same rules on the index's rows (their unit is their problem's)
    staff = _staff_q(user)
    if staff is not None:
        qs = qs.filter(staff)
        where &= staff
    if opinion.campaign_id:
        qs = qs.filter(campaign_id=opinion.campaign_id)
        where &= Q(problem__campaign_id=opinion.campaign_id)
    if opinion.problem_id:
        qs = qs.exclude(pk=opinion.problem_id)
        where &= ~Q(problem_id=opinion.problem_id)
    ids = text_candidates(opinion.text, subtree, where=where)
    if not ids:
        return []
    mine = ngrams(opinion.text)
    # The candidates' texts, the scope checked on the problems themselves again.
    rows = qs.filter(pk__in=ids).values_list("pk", "title", "description")
    scored = []
    for pk, title, description in rows:
        title_grams = ngrams(title)
        contained = len(mine & title_grams) / len(title_grams) if len(title_grams) >= 3 else 0.0
        score = max(similarity(mine, ngrams(f"{title} {description}")), 0.9 * contained)
        if score >= SUGGEST_THRESHOLD:
            scored.append((pk, score))
    best = sorted(scored, key=lambda s: (-s[1], -s[0]))[:limit]
    found = Problem.objects.select_related("unit").in_bulk([pk for pk, _s in best])
    return [(found[pk], round(score, 2)) for pk, score in best if pk in found]


# --- Public ----------------------------------------------------------------------------------


def public_unit(pk: int) -> Unit:
    unit = Unit.objects.filter(pk=pk, archived_at__isnull=True).select_related("parent").first()
    if unit is None:
        raise Http404
    return unit


def public_unit_search(q: str) -> list[Unit]:
    """Units whose name contains the words typed (at most a page of them), the higher first."""
    q = (q or "").strip()[:50]
    if not q:
        return []
    return list(
        Unit.objects.filter(archived_at__isnull=True, name__icontains=q)
        .select_related("parent")
        .only("pk", "name", "depth", "path", "parent__name")
        .order_by("depth", "path")[:PUBLIC_SEARCH_LIMIT]
    )


def _public_tasks() -> Prefetch:
    """Only what the public may see of a task: no people, no notes, no evidence."""
    return Prefetch(
        "tasks",
        queryset=RectificationTask.objects.only(
            "pk", "status", "progress", "time_limit", "closed_on", "direction", "task_type"
        ).order_by("pk"),
        to_attr="public_tasks",
    )


def public_problems(unit: Unit) -> QuerySet[Problem]:
    """The public problems of the unit's subtree, with their public tasks and satisfaction."""
    return (
        Problem.objects.filter(is_public=True, unit__path__startswith=unit.path)
        .exclude(status=ProblemStatus.MERGED)
        .select_related("unit")
        .only(
            "pk", "title", "category", "public_point", "status", "reported_on", "unit__name",
            "unit__path",
        )
        .annotate(rating_count=Count("ratings"), rating_mean=Avg("ratings__score"))
        .prefetch_related(_public_tasks())
        .order_by("-reported_on", "-pk")
    )  # fmt: skip


def public_problem(pk: int) -> Problem:
    problem = (
        Problem.objects.filter(pk=pk, is_public=True)
        .select_related("unit", "merged_into")
        .prefetch_related(_public_tasks())
        .first()
    )
    if problem is None:
        raise Http404
    return problem


@dataclass(frozen=True)
class PublicFigures:
    problems: int
    rectified: int
    ratings: int
    mean_score: float | None


def public_figures(unit: Unit) -> PublicFigures:
    """The public problems of the unit's subtree, how many rectified, and their satisfaction."""
    problems = (
        Problem.objects.filter(is_public=True, unit__path__startswith=unit.path)
        .exclude(status=ProblemStatus.MERGED)
        .aggregate(n=Count("pk"), rectified=Count("pk", filter=Q(status=ProblemStatus.RECTIFIED)))
    )
    ratings = SatisfactionRating.objects.filter(
        problem__unit__path__startswith=unit.path, problem__is_public=True
    ).aggregate(n=Count("pk"), mean=Avg("score"))
    return PublicFigures(
        problems=problems["n"],
        rectified=problems["rectified"],
        ratings=ratings["n"],
        mean_score=round(float(ratings["mean"]), 1) if ratings["mean"] is not None else None,
    )


def rating_breakdown(problem: Problem) -> list[tuple[str, Any, int]]:
    """How many ratings at each level, every level listed (for the public page)."""
    from .models import Satisfaction

    counts = dict(
        SatisfactionRating.objects.filter(problem=problem)
        .values_list("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    return [(level.value, level.label, counts.get(level.value, 0)) for level in Satisfaction]


def has_verified_task(problem: Problem) -> bool:
    tasks = getattr(problem, "public_tasks", None)
    if tasks is not None:
        return any(t.status == TaskStatus.VERIFIED for t in tasks)
    return problem.tasks.filter(status=TaskStatus.VERIFIED).exists()
