"""Reads of investigation & research, always through the user's scope: the topics of a
subtree, one topic with what came from it, and the rollups (per unit, per leading cadre,
leading cadres without a topic)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from chuxin.core.scoping import Action, require, scope_for, scoped
from chuxin.organization.models import Campaign, Member, MemberStatus, Unit
from chuxin.organization.selectors import units_visible
from chuxin.problems.models import Problem
from chuxin.rectification.models import RectificationTask

from .models import ResearchActivity, ResearchFinding, ResearchTopic, UnitResearchRollup


def topics_visible(user: Any) -> QuerySet[ResearchTopic]:
    """Topics of units in scope, and the topics the user leads."""
    base = ResearchTopic.objects.select_related("unit", "lead", "campaign")
    scope = scope_for(user)
    if scope.everything:
        return base
    if not getattr(user, "is_authenticated", False):
        return base.none()
    return base.filter(scope.units_q("unit") | Q(lead__user=user))


def topic_get(user: Any, pk: int, *, action: Action = Action.VIEW) -> ResearchTopic:
    """One visible topic: 404 if out of sight; 403 for MANAGE unless the user may work on it."""
    from .services import may_work

    topic = topics_visible(user).filter(pk=pk).first()
    if topic is None:
        raise Http404
    if action == Action.MANAGE and not may_work(user, topic):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return topic


def topics_filtered(
    user: Any,
    *,
    unit: Unit | None = None,
    status: str = "",
    lead: Member | None = None,
    campaign: Campaign | None = None,
    q: str = "",
) -> QuerySet[ResearchTopic]:
    qs = topics_visible(user)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if status:
        qs = qs.filter(status=status)
    if lead is not None:
        qs = qs.filter(lead=lead)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(lead__name__icontains=q))
    return qs.order_by("-planned_start", "-pk")


def topic_activities(topic: ResearchTopic) -> list[ResearchActivity]:
    """The activities of a topic with their findings (and their problems), in two queries."""
    return list(topic.activities.prefetch_related("findings__problem").order_by("date", "pk"))


def activity_get(user: Any, pk: int) -> ResearchActivity:
    activity = (
        ResearchActivity.objects.select_related("topic").filter(pk=pk).only("pk", "topic").first()
    )
    if activity is None:
        raise Http404
    topic_get(user, activity.topic_id)
    return ResearchActivity.objects.select_related("topic__unit", "topic__lead").get(pk=pk)


def finding_get(user: Any, pk: int) -> ResearchFinding:
    finding = ResearchFinding.objects.select_related("activity").filter(pk=pk).first()
    if finding is None:
        raise Http404
    topic_get(user, finding.activity.topic_id)
    return ResearchFinding.objects.select_related(
        "activity__topic__unit", "activity__topic__campaign", "problem"
    ).get(pk=pk)


def topic_problems(topic: ResearchTopic) -> QuerySet[Problem]:
    """The problems that came from the topic's findings."""
    return (
        Problem.objects.filter(research_findings__activity__topic=topic)
        .select_related("unit")
        .distinct()
        .order_by("pk")
    )


def topic_tasks(topic: ResearchTopic) -> QuerySet[RectificationTask]:
    """The rectification tasks given for those problems, with their status."""
    return (
        RectificationTask.objects.filter(problems__research_findings__activity__topic=topic)
        .select_related("responsible_unit")
        .distinct()
        .order_by("time_limit", "pk")
    )


# --- Rollups ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResearchFigures:
    topics: int = 0
    reported: int = 0
    activities: int = 0
    findings: int = 0
    people: int = 0


def unit_figures(unit: Unit) -> ResearchFigures:
    """The subtree's figures, from the maintained counters (one row)."""
    row = UnitResearchRollup.objects.filter(pk=unit.pk).first()
    if row is None:
        return ResearchFigures()
    return ResearchFigures(
        topics=row.subtree_topics,
        reported=row.subtree_reported,
        activities=row.subtree_activities,
        findings=row.subtree_findings,
        people=row.subtree_people,
    )


def children_figures(user: Any, unit: Unit) -> list[tuple[Unit, ResearchFigures]]:
    """Each visible sub-unit with its subtree's figures (one query)."""
    children = (
        units_visible(user)
        .filter(parent=unit)
        .select_related("research_rollup")
        .order_by("order", "name")
    )
    out = []
    for child in children:
        row = getattr(child, "research_rollup", None)
        figures = (
            ResearchFigures(
                topics=row.subtree_topics,
                reported=row.subtree_reported,
                activities=row.subtree_activities,
                findings=row.subtree_findings,
                people=row.subtree_people,
            )
            if row is not None
            else ResearchFigures()
        )
        out.append((child, figures))
    return out


def topics_per_cadre(user: Any, unit: Unit, campaign: Campaign | None = None) -> QuerySet[Any]:
    """Per leading cadre of the subtree who leads topics: how many, how many reported, the
    activities and people reached (rows of dicts, most topics first)."""
    qs = topics_filtered(user, unit=unit, campaign=campaign)
    return (
        qs.order_by()
        .values("lead_id", "lead__name", "lead__position", "lead__unit__name")
        .annotate(
            topics=Count("pk", distinct=True),
            reported=Count("pk", filter=Q(status__in=("reported", "archived")), distinct=True),
            activity_count=Count("activities", distinct=True),
            people=Sum("activities__people_reached"),
        )
        .order_by("-topics", "lead__name", "lead_id")
    )


def cadres_without_topic(
    user: Any, unit: Unit, campaign: Campaign | None = None
) -> QuerySet[Member]:
    """The active leading cadres of the subtree who lead no topic (of the campaign, if given).

    A NOT EXISTS over the topic table by its (lead, campaign) index, paged by the caller: a
    maintained counter would have to follow every cadre's moves between units and changes of
    leading-cadre status, which the organization changes without telling this app.
    """
    require(user, unit)
    topics = ResearchTopic.objects.filter(lead=OuterRef("pk"))
    if campaign is not None:
        topics = topics.filter(campaign=campaign)
    return (
        scoped(
            Member.objects.filter(
                unit__path__startswith=unit.path,
                is_leading_cadre=True,
                status=MemberStatus.ACTIVE,
            ),
            user,
        )
        .filter(~Exists(topics))
        .select_related("unit")
        .order_by("unit__path", "name", "pk")
    )


def leading_cadres(user: Any, unit: Unit) -> QuerySet[Member]:
    """Active leading cadres of a unit's subtree (to choose a topic's lead)."""
    return scoped(
        Member.objects.filter(
            unit__path__startswith=unit.path, is_leading_cadre=True, status=MemberStatus.ACTIVE
        ),
        user,
    ).order_by("unit__path", "name", "pk")


def campaigns_for_unit(user: Any, unit: Unit) -> QuerySet[Campaign]:
    from chuxin.problems.selectors import campaigns_for_unit as for_unit

    return for_unit(user, unit)
