"""Reads of supervision & guidance, through who asks.

A team is visible to its members and to the campaign's office (those who manage the campaign's
root unit); outside that it answers 404. A team's unit figures come from the maintained
counters of the other capabilities (study, rectification, life meetings when present), a
fixed number of queries whatever the number of units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Max, Q, QuerySet
from django.http import Http404

from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Campaign, Role, Unit
from chuxin.organization.selectors import campaigns_visible

from .models import (
    CheckpointKind,
    Finding,
    GuidanceSettings,
    GuidanceTeam,
    TeamAssignment,
    TeamMembership,
    Visit,
)


def office_campaign_ids(user: Any) -> list[int]:
    """The campaigns whose root unit the user manages (their office)."""
    scope = scope_for(user)
    if scope.is_empty:
        return []
    campaigns = campaigns_visible(user).select_related("root_unit")
    return [c.pk for c in campaigns if scope.allows(c.root_unit, Action.MANAGE)]


def teams_visible(user: Any, *, archived: bool = False) -> QuerySet[GuidanceTeam]:
    """The teams the user is on, and every team of the campaigns the user's office runs."""
    qs = GuidanceTeam.objects.select_related("campaign__root_unit", "leader")
    if not archived:
        qs = qs.filter(archived_at__isnull=True)
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if scope_for(user).everything:
        return qs
    mine = TeamMembership.objects.filter(user_id=user.pk, archived_at__isnull=True).values(
        "team_id"
    )
    return qs.filter(Q(pk__in=mine) | Q(campaign_id__in=office_campaign_ids(user)))


def team_get(user: Any, pk: int) -> GuidanceTeam:
    team = teams_visible(user, archived=True).filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


def visit_get(user: Any, pk: int) -> Visit:
    visit = (
        Visit.objects.select_related("team__campaign__root_unit", "unit")
        .filter(pk=pk, team__in=teams_visible(user, archived=True))
        .first()
    )
    if visit is None:
        raise Http404
    return visit


def finding_get(user: Any, pk: int) -> Finding:
    finding = (
        Finding.objects.select_related("visit__team__campaign__root_unit", "visit__unit")
        .filter(pk=pk, visit__team__in=teams_visible(user, archived=True))
        .first()
    )
    if finding is None:
        raise Http404
    return finding


def members_of(team: GuidanceTeam) -> QuerySet[TeamMembership]:
    return (
        TeamMembership.objects.filter(team=team, archived_at__isnull=True)
        .select_related("user")
        .order_by("user__username")
    )


def assignments_of(team: GuidanceTeam) -> QuerySet[TeamAssignment]:
    return (
        TeamAssignment.objects.filter(team=team, archived_at__isnull=True)
        .select_related("unit")
        .order_by("unit__path")
    )


def visits_of(team: GuidanceTeam) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(team=team, archived_at__isnull=True)
        .select_related("unit")
        .order_by("-date", "-pk")
    )


def settings_for(campaign: Campaign) -> GuidanceSettings:
    """The campaign's settings (defaults, unsaved, when the office never set them)."""
    row = GuidanceSettings.objects.filter(campaign=campaign).first()
    return row or GuidanceSettings(campaign=campaign)


# --- Checkpoint reviewers --------------------------------------------------------------------


def teams_covering(unit: Unit) -> QuerySet[GuidanceTeam]:
    """Live teams with a live assignment covering the unit (the unit itself, or a unit above
    assigned with its subtree)."""
    above = unit.ancestor_paths(include_self=False)
    assignments = TeamAssignment.objects.filter(
        Q(unit_id=unit.pk) | Q(include_subtree=True, unit__path__in=above),
        archived_at__isnull=True,
    ).values("team_id")
    return GuidanceTeam.objects.filter(pk__in=assignments, archived_at__isnull=True)


def is_member_for_unit(user: Any, unit: Unit, campaign: Campaign | None = None) -> bool:
    """Whether the user is on a live team (of the campaign, if given) that covers the unit."""
    if not getattr(user, "is_authenticated", False):
        return False
    teams = teams_covering(unit)
    if campaign is not None:
        teams = teams.filter(campaign=campaign)
    return TeamMembership.objects.filter(
        team__in=teams, user_id=user.pk, archived_at__isnull=True
    ).exists()


def reviews_checkpoints(user: Any, unit: Unit, kind: str) -> bool:
    """Whether the user reviews the unit's checkpoints of this kind as a guidance team member.

    True when the user holds a guidance role covering the unit (what team membership grants)
    and no campaign covering the unit has switched this kind of review off for its teams
    (settings default to on). Other reviewers (the unit's managers above) are the calling
    capability's business."""
    if kind not in CheckpointKind.values:
        return False
    scope = scope_for(user)
    if not any(g.role == Role.GUIDANCE and g.covers(unit) for g in scope.grants):
        return False
    field = (
        "members_review_meetings"
        if kind == CheckpointKind.MEETING_MATERIALS
        else "members_verify_rectification"
    )
    off = GuidanceSettings.objects.filter(
        campaign__root_unit__path__in=unit.ancestor_paths(include_self=True), **{field: False}
    )
    return not off.exists()


# --- A team's units with their live figures ---------------------------------------------------


@dataclass
class UnitFigures:
    assignment: TeamAssignment
    unit: Unit
    coverage: int | None  # study coverage of the subtree, percent
    uncovered: int  # members with study required, not covered
    overdue: int  # overdue rectification tasks in the subtree
    open_tasks: int
    meetings_held: int | None  # life meetings (when the meetings app keeps a rollup)
    meetings_due: int | None
    last_visit: dt.date | None
    behind: float  # a sort key: higher is further behind


def _meeting_figures(unit_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Held (or reported) and all life meetings of each unit's subtree, from the meetings
    app's maintained rollup when it has one (it is built alongside this app)."""
    try:
        model = apps.get_model("meetings", "UnitMeetingRollup")
    except LookupError:
        return {}
    names = {f.name for f in model._meta.get_fields()}
    done = [n for n in ("subtree_held", "subtree_reported") if n in names]
    every = [
        n
        for n in (
            "subtree_planned",
            "subtree_preparing",
            "subtree_ready",
            "subtree_held",
            "subtree_reported",
        )
        if n in names
    ]
    if not done:
        return {}
    out: dict[int, tuple[int, int]] = {}
    for row in model.objects.filter(unit_id__in=unit_ids).values("unit_id", *every):
        out[row["unit_id"]] = (sum(row[n] for n in done), sum(row[n] for n in every))
    return out


def team_unit_figures(team: GuidanceTeam) -> list[UnitFigures]:
    """The team's units with their live figures, furthest behind first (query-bounded)."""
    from chuxin.rectification.models import UnitRectificationRollup
    from chuxin.study.models import UnitStudyRollup

    assignments = list(assignments_of(team))
    ids = [a.unit_id for a in assignments]
    study = {
        r.unit_id: r
        for r in UnitStudyRollup.objects.filter(unit_id__in=ids).only(
            "unit_id", "subtree_required", "subtree_covered"
        )
    }
    rect = {
        r.unit_id: r
        for r in UnitRectificationRollup.objects.filter(unit_id__in=ids).only(
            "unit_id",
            "subtree_overdue",
            "subtree_t_not_started",
            "subtree_t_in_progress",
            "subtree_t_returned",
        )
    }
    last = dict(
        Visit.objects.filter(team=team, unit_id__in=ids, archived_at__isnull=True)
        .values("unit_id")
        .annotate(last=Max("date"))
        .values_list("unit_id", "last")
    )
    meetings = _meeting_figures(ids)
    rows = []
    for a in assignments:
        s = study.get(a.unit_id)
        r = rect.get(a.unit_id)
        required = s.subtree_required if s else 0
        covered = s.subtree_covered if s else 0
        coverage = covered * 100 // required if required else None
        overdue = r.subtree_overdue if r else 0
        open_tasks = (
            r.subtree_t_not_started + r.subtree_t_in_progress + r.subtree_t_returned if r else 0
        )
        m = meetings.get(a.unit_id)
        held, due = (m if m else (None, None)) if meetings else (None, None)
        behind = (100 - (coverage if coverage is not None else 100)) + overdue * 5
        if held is not None and due:
            behind += max(due - held, 0) * 5
        rows.append(
            UnitFigures(
                assignment=a,
                unit=a.unit,
                coverage=coverage,
                uncovered=required - covered,
                overdue=overdue,
                open_tasks=open_tasks,
                meetings_held=held,
                meetings_due=due,
                last_visit=last.get(a.unit_id),
                behind=behind,
            )
        )
    rows.sort(key=lambda f: (-f.behind, f.last_visit or dt.date.min, f.unit.path))
    return rows
