"""Reads of assessment, through who asks.

Schemes and draft evaluations are the office's (those who manage the campaign's root unit).
A published evaluation is seen by anyone who sees part of the campaign, and its rows only for
the units in their scope (the office sees every row). Manual scoring is offered to guidance
team members for the units of their teams."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from chuxin.core.scoping import Action, scope_for, scoped
from chuxin.organization.models import Campaign, Unit
from chuxin.organization.selectors import campaigns_visible

from .models import (
    Evaluation,
    EvaluationRow,
    EvaluationStatus,
    ManualScore,
    Scheme,
    SchemeIndicator,
    ScoringMethod,
)


def office_campaigns(user: Any) -> QuerySet[Campaign]:
    scope = scope_for(user)
    if scope.is_empty:
        return Campaign.objects.none()
    campaigns = list(campaigns_visible(user).select_related("root_unit"))
    ids = [c.pk for c in campaigns if scope.allows(c.root_unit, Action.MANAGE)]
    return Campaign.objects.filter(pk__in=ids).select_related("root_unit")


def schemes_visible(user: Any, *, archived: bool = False) -> QuerySet[Scheme]:
    qs = Scheme.objects.filter(campaign__in=office_campaigns(user)).select_related("campaign")
    return qs if archived else qs.filter(archived_at__isnull=True)


def scheme_get(user: Any, pk: int) -> Scheme:
    scheme = schemes_visible(user, archived=True).filter(pk=pk).first()
    if scheme is None:
        raise Http404
    return scheme


def scheme_indicators(scheme: Scheme) -> QuerySet[SchemeIndicator]:
    return scheme.indicators.filter(archived_at__isnull=True).order_by("order", "pk")


def evaluations_visible(user: Any) -> QuerySet[Evaluation]:
    """The office's evaluations, and the published ones of campaigns the user sees."""
    qs = Evaluation.objects.select_related("scheme__campaign__root_unit", "batch")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if scope_for(user).everything:
        return qs
    office = office_campaigns(user)
    return qs.filter(
        Q(scheme__campaign__in=office)
        | Q(status=EvaluationStatus.PUBLISHED, scheme__campaign__in=campaigns_visible(user))
    )


def evaluation_get(user: Any, pk: int) -> Evaluation:
    evaluation = evaluations_visible(user).filter(pk=pk).first()
    if evaluation is None:
        raise Http404
    return evaluation


def may_manage(user: Any, evaluation: Evaluation) -> bool:
    return scope_for(user).allows(evaluation.scheme.campaign.root_unit, Action.MANAGE)


def rows_visible(user: Any, evaluation: Evaluation) -> QuerySet[EvaluationRow]:
    """The evaluation's rows of the units in the user's scope (every row for its office)."""
    rows = EvaluationRow.objects.filter(evaluation=evaluation)
    if may_manage(user, evaluation):
        return rows
    return scoped(rows, user, unit_field="unit")


def row_get(user: Any, evaluation: Evaluation, unit_pk: int) -> EvaluationRow:
    row = rows_visible(user, evaluation).filter(unit_id=unit_pk).first()
    if row is None:
        raise Http404
    return row


@dataclass
class ScoringItem:
    indicator: SchemeIndicator
    unit: Unit
    team: Any
    score: ManualScore | None


def scoring_items(user: Any) -> list[ScoringItem]:
    """For each live guidance team the user is on: the hand-scored indicators of the live
    schemes of the team's campaign, for each unit assigned to the team (query-bounded)."""
    from chuxin.guidance.models import TeamAssignment

    if not getattr(user, "is_authenticated", False):
        return []
    assignments = list(
        TeamAssignment.objects.filter(
            archived_at__isnull=True,
            team__archived_at__isnull=True,
            team__memberships__user_id=user.pk,
            team__memberships__archived_at__isnull=True,
        )
        .select_related("unit", "team")
        .order_by("team_id", "unit__path")
        .distinct()
    )
    campaign_ids = {a.team.campaign_id for a in assignments}
    indicators = list(
        SchemeIndicator.objects.filter(
            method=ScoringMethod.MANUAL,
            archived_at__isnull=True,
            scheme__archived_at__isnull=True,
            scheme__campaign_id__in=campaign_ids,
        )
        .select_related("scheme")
        .order_by("scheme_id", "order", "pk")
    )
    scores = {
        (s.indicator_id, s.unit_id): s
        for s in ManualScore.objects.filter(
            indicator__in=indicators, unit_id__in=[a.unit_id for a in assignments]
        )
    }
    items = []
    seen: set[tuple[int, int]] = set()
    for indicator in indicators:
        for a in assignments:
            key = (indicator.pk, a.unit_id)
            if a.team.campaign_id != indicator.scheme.campaign_id or key in seen:
                continue
            seen.add(key)
            items.append(ScoringItem(indicator, a.unit, a.team, scores.get(key)))
    return items
