"""Writes of supervision & guidance. Each service checks the actor, validates, and keeps the
members' guidance roles in step with the teams (:func:`sync_roles`).

Who may do what: the office of the campaign (those who manage its root unit) sets up teams,
their members, their units and the settings; a team's members (its leader included) record
visits, findings and ratings for the units assigned to the team, and turn findings into
problems of the unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.scoping import Action, forget_scope, scope_for
from chuxin.organization import services as org_services
from chuxin.organization.models import Campaign, Role, RoleAssignment, Unit
from chuxin.problems import services as problem_services
from chuxin.problems.models import Problem, ProblemCategory, ProblemSource, Severity

from .models import (
    Finding,
    GuidanceSettings,
    GuidanceTeam,
    Rating,
    TeamAssignment,
    TeamMembership,
    Visit,
    VisitMethod,
)

# --- Permission ------------------------------------------------------------------------------


def may_manage_teams(user: Any, campaign: Campaign) -> bool:
    """The campaign's office: those who manage its root unit."""
    return scope_for(user).allows(campaign.root_unit, Action.MANAGE)


def _require_office(actor: Any, campaign: Campaign) -> None:
    if not may_manage_teams(actor, campaign):
        raise PermissionDenied(_("Only the campaign's office may change guidance teams."))


def is_team_member(user: Any, team: GuidanceTeam) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return TeamMembership.objects.filter(
        team=team, user_id=user.pk, archived_at__isnull=True
    ).exists()


def team_covers(team: GuidanceTeam, unit: Unit) -> bool:
    """Whether one of the team's live assignments covers the unit."""
    paths = unit.ancestor_paths(include_self=False)
    return (
        TeamAssignment.objects.filter(team=team, archived_at__isnull=True)
        .filter(unit_id=unit.pk)
        .exists()
        or TeamAssignment.objects.filter(
            team=team, archived_at__isnull=True, include_subtree=True, unit__path__in=paths
        ).exists()
    )


def may_record(user: Any, team: GuidanceTeam) -> bool:
    """A member of the (live) team, or the campaign's office."""
    if team.archived_at is not None:
        return False
    return is_team_member(user, team) or may_manage_teams(user, team.campaign)


def _require_record(actor: Any, team: GuidanceTeam, unit: Unit) -> None:
    if not may_record(actor, team):
        raise PermissionDenied(_("Only the team's members may record its work."))
    if not team_covers(team, unit):
        raise ValidationError(
            {"unit": _("%(unit)s is not assigned to this team.") % {"unit": unit}}
        )


def _clean(value: str, field: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    return value


# --- Role sync -------------------------------------------------------------------------------


def desired_roles(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bool]:
    """For each (user id, unit id): whether any live team grants the user a guidance role on
    the unit, and then whether on its subtree (absent = no team grants it)."""
    pairs = set(pairs)
    if not pairs:
        return {}
    users = {u for u, _unit in pairs}
    units = {unit for _u, unit in pairs}
    member_teams: dict[int, set[int]] = {}
    for team_id, user_id in TeamMembership.objects.filter(
        user_id__in=users, archived_at__isnull=True, team__archived_at__isnull=True
    ).values_list("team_id", "user_id"):
        member_teams.setdefault(user_id, set()).add(team_id)
    team_units: dict[tuple[int, int], bool] = {}
    for team_id, unit_id, subtree in TeamAssignment.objects.filter(
        unit_id__in=units, archived_at__isnull=True, team__archived_at__isnull=True
    ).values_list("team_id", "unit_id", "include_subtree"):
        key = (team_id, unit_id)
        team_units[key] = team_units.get(key, False) or subtree
    out: dict[tuple[int, int], bool] = {}
    for user_id, unit_id in pairs:
        for team_id in member_teams.get(user_id, ()):
            if (team_id, unit_id) in team_units:
                out[(user_id, unit_id)] = (
                    out.get((user_id, unit_id), False) or team_units[(team_id, unit_id)]
                )
    return out


def sync_roles(*, actor: Any, pairs: Iterable[tuple[int, int]]) -> None:
    """Make the guidance role assignments of these (user id, unit id) pairs what the live
    teams say: granted (with the subtree if any team chose it) while at least one team grants
    it, revoked when none does any more. Goes through ``role_assign`` / ``role_revoke``."""
    from chuxin.core.models import User

    pairs = set(pairs)
    if not pairs:
        return
    wanted = desired_roles(pairs)
    existing = {
        (ra.user_id, ra.unit_id): ra
        for ra in RoleAssignment.objects.filter(
            role=Role.GUIDANCE,
            user_id__in={u for u, _x in pairs},
            unit_id__in={x for _u, x in pairs},
        ).select_related("unit", "user")
    }
    users = User.objects.in_bulk({u for u, _x in pairs})
    units = Unit.objects.in_bulk({x for _u, x in pairs})
    for pair in sorted(pairs):
        ra = existing.get(pair)
        if pair in wanted:
            if ra is None or ra.include_subtree != wanted[pair]:
                org_services.role_assign(
                    actor=actor,
                    user=users[pair[0]],
                    role=Role.GUIDANCE,
                    unit=units[pair[1]],
                    include_subtree=wanted[pair],
                )
        elif ra is not None:
            org_services.role_revoke(actor=actor, assignment=ra)
        forget_scope(users[pair[0]])


def _team_pairs(team: GuidanceTeam) -> set[tuple[int, int]]:
    users = TeamMembership.objects.filter(team=team, archived_at__isnull=True).values_list(
        "user_id", flat=True
    )
    units = TeamAssignment.objects.filter(team=team, archived_at__isnull=True).values_list(
        "unit_id", flat=True
    )
    return {(u, x) for u in users for x in units}


# --- Settings --------------------------------------------------------------------------------


@transaction.atomic
def settings_update(
    *,
    actor: Any,
    campaign: Campaign,
    members_review_meetings: bool,
    members_verify_rectification: bool,
) -> GuidanceSettings:
    """Whether the team members are the checkpoint reviewers of their units."""
    _require_office(actor, campaign)
    row, _created = GuidanceSettings.objects.get_or_create(campaign=campaign)
    row.members_review_meetings = bool(members_review_meetings)
    row.members_verify_rectification = bool(members_verify_rectification)
    row.save()
    return row


# --- Teams -----------------------------------------------------------------------------------


@transaction.atomic
def team_create(
    *, actor: Any, campaign: Campaign, name: str, leader: Any, note: str = ""
) -> GuidanceTeam:
    """Set up a guidance team; its leader is its first member."""
    _require_office(actor, campaign)
    name = _clean(name, "name", 200)
    if leader is None or not getattr(leader, "is_active", False):
        raise ValidationError({"leader": _("Choose an active user.")})
    if GuidanceTeam.objects.filter(campaign=campaign, name=name, archived_at__isnull=True).exists():
        raise ValidationError({"name": _("A team of this name exists.")})
    team = GuidanceTeam.objects.create(
        campaign=campaign, name=name, leader=leader, note=note or "", created_by=actor
    )
    TeamMembership.objects.create(team=team, user=leader)
    return team


@transaction.atomic
def team_update(
    *, actor: Any, team: GuidanceTeam, name: str, leader: Any, note: str = ""
) -> GuidanceTeam:
    """Rename the team or change its leader (the new leader becomes a member)."""
    _require_office(actor, team.campaign)
    name = _clean(name, "name", 200)
    if leader is None or not getattr(leader, "is_active", False):
        raise ValidationError({"leader": _("Choose an active user.")})
    clash = GuidanceTeam.objects.filter(
        campaign=team.campaign, name=name, archived_at__isnull=True
    ).exclude(pk=team.pk)
    if clash.exists():
        raise ValidationError({"name": _("A team of this name exists.")})
    team.name, team.leader, team.note = name, leader, note or ""
    team.save()
    if not is_team_member(leader, team):
        TeamMembership.objects.create(team=team, user=leader)
        sync_roles(actor=actor, pairs=_team_pairs(team))
    return team


@transaction.atomic
def team_archive(*, actor: Any, team: GuidanceTeam) -> GuidanceTeam:
    """Stand the team down: its members lose the roles no other team grants them."""
    _require_office(actor, team.campaign)
    pairs = _team_pairs(team)
    team.archived_at = timezone.now()
    team.save()
    sync_roles(actor=actor, pairs=pairs)
    return team


@transaction.atomic
def member_add(*, actor: Any, team: GuidanceTeam, user: Any) -> TeamMembership:
    """Put a user on the team: they get the guidance role on every unit of the team."""
    _require_office(actor, team.campaign)
    if user is None or not getattr(user, "is_active", False):
        raise ValidationError({"user": _("Choose an active user.")})
    if is_team_member(user, team):
        raise ValidationError({"user": _("%(u)s is on the team already.") % {"u": user}})
    membership = TeamMembership.objects.create(team=team, user=user)
    sync_roles(actor=actor, pairs={(p, x) for p, x in _team_pairs(team) if p == user.pk})
    return membership


@transaction.atomic
def member_remove(*, actor: Any, team: GuidanceTeam, user: Any) -> None:
    """Take a user off the team (not its leader): they keep the guidance roles another team
    grants them."""
    _require_office(actor, team.campaign)
    if user.pk == team.leader_id:
        raise ValidationError({"user": _("Choose another leader before removing this one.")})
    membership = TeamMembership.objects.filter(
        team=team, user=user, archived_at__isnull=True
    ).first()
    if membership is None:
        raise ValidationError({"user": _("%(u)s is not on the team.") % {"u": user}})
    units = list(
        TeamAssignment.objects.filter(team=team, archived_at__isnull=True).values_list(
            "unit_id", flat=True
        )
    )
    membership.archived_at = timezone.now()
    membership.save()
    sync_roles(actor=actor, pairs={(user.pk, x) for x in units})


@transaction.atomic
def assignment_add(
    *, actor: Any, team: GuidanceTeam, unit: Unit, include_subtree: bool = False
) -> TeamAssignment:
    """Assign a unit to the team: exactly that unit, or its subtree if chosen."""
    _require_office(actor, team.campaign)
    if not scope_for(actor).allows(unit, Action.MANAGE):
        raise PermissionDenied(_("You may not change %(unit)s.") % {"unit": unit.name})
    root = team.campaign.root_unit
    if not unit.path.startswith(root.path) or unit.archived_at is not None:
        raise ValidationError({"unit": _("The unit is not part of the campaign.")})
    assignment = TeamAssignment.objects.filter(
        team=team, unit=unit, archived_at__isnull=True
    ).first()
    if assignment is not None:
        if assignment.include_subtree == bool(include_subtree):
            raise ValidationError({"unit": _("%(unit)s is assigned already.") % {"unit": unit}})
        assignment.include_subtree = bool(include_subtree)
        assignment.save()
    else:
        assignment = TeamAssignment.objects.create(
            team=team, unit=unit, include_subtree=bool(include_subtree)
        )
    sync_roles(actor=actor, pairs={(u, x) for u, x in _team_pairs(team) if x == unit.pk})
    return assignment


@transaction.atomic
def assignment_remove(*, actor: Any, assignment: TeamAssignment) -> None:
    """Unassign a unit: the members lose the role on it unless another team grants it."""
    team = assignment.team
    _require_office(actor, team.campaign)
    if assignment.archived_at is not None:
        raise ValidationError({"unit": _("The unit is no longer assigned.")})
    pairs = {(u, x) for u, x in _team_pairs(team) if x == assignment.unit_id}
    assignment.archived_at = timezone.now()
    assignment.save()
    sync_roles(actor=actor, pairs=pairs)


# --- Visits, findings, ratings ----------------------------------------------------------------


def _validate_visit(
    date: Any, methods: list[str], rating: str, summary: str, comment: str
) -> tuple[list[str], str]:
    errors: dict[str, str] = {}
    if not isinstance(date, dt.date):
        errors["date"] = _("Enter a valid date.")
    elif date > timezone.localdate():
        errors["date"] = _("A visit cannot be in the future.")
    methods = list(dict.fromkeys(methods or []))
    if not methods:
        errors["methods"] = _("Choose at least one method.")
    elif any(m not in VisitMethod.values for m in methods):
        errors["methods"] = _("Choose one of the listed values.")
    rating = rating or ""
    if rating not in ("", *Rating.values):
        errors["rating"] = _("Choose one of the listed values.")
    if len(summary or "") > 10000:
        errors["summary"] = _("At most %(n)d characters.") % {"n": 10000}
    if len(comment or "") > 2000:
        errors["rating_comment"] = _("At most %(n)d characters.") % {"n": 2000}
    if errors:
        raise ValidationError(errors)
    return methods, rating


@transaction.atomic
def visit_create(
    *,
    actor: Any,
    team: GuidanceTeam,
    unit: Unit,
    date: dt.date,
    methods: list[str],
    summary: str = "",
    rating: str = "",
    rating_comment: str = "",
    findings: list[str] | None = None,
) -> Visit:
    """Record a visit to one of the team's units, with its findings and rating."""
    _require_record(actor, team, unit)
    methods, rating = _validate_visit(date, methods, rating, summary, rating_comment)
    texts = [t.strip() for t in findings or [] if t and t.strip()]
    if any(len(t) > 5000 for t in texts):
        raise ValidationError({"findings": _("At most %(n)d characters.") % {"n": 5000}})
    visit = Visit.objects.create(
        team=team,
        unit=unit,
        date=date,
        methods=methods,
        summary=(summary or "").strip(),
        rating=rating,
        rating_comment=(rating_comment or "").strip(),
        recorded_by=actor,
    )
    Finding.objects.bulk_create([Finding(visit=visit, text=t, recorded_by=actor) for t in texts])
    return visit


@transaction.atomic
def visit_rate(*, actor: Any, visit: Visit, rating: str, rating_comment: str = "") -> Visit:
    """Set or change the visit's rating of the unit."""
    _require_record(actor, visit.team, visit.unit)
    if rating not in Rating.values:
        raise ValidationError({"rating": _("Choose one of the listed values.")})
    if len(rating_comment or "") > 2000:
        raise ValidationError({"rating_comment": _("At most %(n)d characters.") % {"n": 2000}})
    visit.rating, visit.rating_comment = rating, (rating_comment or "").strip()
    visit.save()
    return visit


@transaction.atomic
def finding_add(*, actor: Any, visit: Visit, text: str) -> Finding:
    """Add a finding to a visit."""
    _require_record(actor, visit.team, visit.unit)
    text = _clean(text, "text", 5000)
    return Finding.objects.create(visit=visit, text=text, recorded_by=actor)


@transaction.atomic
def finding_to_problem(
    *,
    actor: Any,
    finding: Finding,
    title: str = "",
    category: str = ProblemCategory.WORK_STYLE,
    severity: str = Severity.MEDIUM,
) -> Problem:
    """Put the finding on the unit's problem list (source: supervision and guidance)."""
    visit = finding.visit
    _require_record(actor, visit.team, visit.unit)
    if finding.problem_id is not None:
        raise ValidationError({"finding": _("This finding is a problem already.")})
    title = (title or "").strip() or finding.text.strip().splitlines()[0][:200]
    problem = problem_services.problem_create(
        actor=actor,
        campaign=visit.team.campaign,
        unit=visit.unit,
        title=title,
        source=ProblemSource.SUPERVISION,
        category=category,
        severity=severity,
        description=finding.text,
        reported_on=visit.date,
    )
    finding.problem = problem
    finding.save(update_fields=["problem", "updated_at"])
    return problem
