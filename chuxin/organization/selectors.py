"""Reads of the organization, always through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from chuxin.core.scoping import Action, require, scope_for, scoped

from .models import Batch, BatchLink, Campaign, Member, RoleAssignment, Unit


def units_visible(user: Any, *, action: Action = Action.VIEW) -> QuerySet[Unit]:
    return scoped(Unit.objects.filter(archived_at__isnull=True), user, unit_field="", action=action)


def unit_get(user: Any, pk: int, *, action: Action = Action.VIEW) -> Unit:
    """One unit in scope, with its rollup: 404 if out of sight, 403 if seen but not changeable.

    Fetched by key and checked against the scope in Python: the same answer as filtering by
    the scope, with the simplest query (this is the API's hottest path).
    """
    unit = Unit.objects.select_related("rollup").filter(pk=pk, archived_at__isnull=True).first()
    if unit is None:
        raise Http404
    require(user, unit, action)
    return unit


def unit_from_query(user: Any, params: Any, name: str = "unit") -> Unit | None:
    """The unit a page's query parameter names (None when absent); 404 for nonsense or out of
    sight, as for any unit."""
    value = params.get(name, "")
    if not value:
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    return unit_get(user, pk)


def unit_top_units(user: Any) -> QuerySet[Unit]:
    """Where the user's view of the tree starts: the roots, or the units of their roles."""
    scope = scope_for(user)
    qs = Unit.objects.filter(archived_at__isnull=True).select_related("rollup")
    if scope.everything:
        return qs.filter(depth=1).order_by("order", "path")
    return qs.filter(pk__in=scope.top_unit_ids()).order_by("path")


def unit_children(user: Any, unit: Unit) -> QuerySet[Unit]:
    """The sub-units of a unit the user may see, in display order, with their rollups."""
    return (
        units_visible(user)
        .filter(parent=unit)
        .select_related("rollup")
        .order_by("order", "name", "pk")
    )


def unit_breadcrumbs(user: Any, unit: Unit) -> list[Unit]:
    """The unit's ancestors that the user may see, root first, ending with the unit."""
    scope = scope_for(user)
    paths = [
        path
        for path in unit.ancestor_paths(include_self=True)
        if scope.everything or any(g.covers_path(path) for g in scope.grants)
    ]
    return list(Unit.objects.filter(path__in=paths).order_by("depth"))


@dataclass(frozen=True)
class UnitFigures:
    """The headline figures of one unit, read from the maintained rollup (one row by key)."""

    unit_id: int
    members: int
    leading_cadres: int
    subtree_members: int
    subtree_leading_cadres: int
    subtree_units: int
    sub_units: int


def unit_figures(user: Any, unit_id: int) -> UnitFigures:
    """The rollup of a unit in scope: members and sub-units, own and for the subtree."""
    return figures_of(unit_get(user, unit_id))


def figures_of(unit: Unit) -> UnitFigures:
    """The figures of a unit fetched with its rollup (``unit_get`` joins it): no query."""
    row = unit.rollup
    return UnitFigures(
        unit_id=unit.pk,
        members=row.members,
        leading_cadres=row.leading_cadres,
        subtree_members=row.subtree_members,
        subtree_leading_cadres=row.subtree_leading_cadres,
        subtree_units=row.subtree_units - 1,
        sub_units=unit.numchild,
    )


def units_search(
    user: Any, *, under: Unit | None = None, q: str = "", kind: str = ""
) -> QuerySet[Unit]:
    """Units in scope, optionally below a unit, matching a name or code, of a kind."""
    qs = units_visible(user).select_related("rollup", "parent")
    if under is not None:
        qs = qs.filter(path__startswith=under.path)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("path")


def members_visible(user: Any) -> QuerySet[Member]:
    return scoped(Member.objects.all(), user, unit_field="unit")


def members_search(
    user: Any,
    *,
    under: Unit | None = None,
    q: str = "",
    cadre_level: str = "",
    gender: str = "",
    leading: bool | None = None,
    status: str = "active",
    direct_only: bool = False,
) -> QuerySet[Member]:
    """Members in scope, filtered as the member list and its exports filter them."""
    qs = members_visible(user).select_related("unit")
    if under is not None:
        qs = qs.filter(unit=under) if direct_only else qs.filter(unit__path__startswith=under.path)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(member_number=q) | Q(position__icontains=q))
    if cadre_level:
        qs = qs.filter(cadre_level=cadre_level)
    if gender:
        qs = qs.filter(gender=gender)
    if leading is not None:
        qs = qs.filter(is_leading_cadre=leading)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("unit__path", "name", "pk")


def member_get(user: Any, pk: int, *, action: Action = Action.VIEW) -> Member:
    """One member in scope (a member always sees their own record); 403 if not changeable."""
    qs = Member.objects.select_related("unit", "user")
    member = scoped(qs, user).filter(pk=pk).first()
    if member is None and user.is_authenticated:
        member = qs.filter(pk=pk, user=user).first()  # one's own record, whatever the roles
    if member is None:
        raise Http404
    if action == Action.MANAGE:
        require(user, member.unit, Action.MANAGE)
    return member


def unit_roles(user: Any, unit: Unit) -> QuerySet[RoleAssignment]:
    """The roles held on this unit (shown on its page)."""
    scoped_units = units_visible(user)
    return (
        RoleAssignment.objects.filter(unit=unit, unit__in=scoped_units)
        .select_related("user")
        .order_by("role", "user__username")
    )


def campaigns_visible(user: Any) -> QuerySet[Campaign]:
    """Campaigns whose root unit the user can see, or that reach into the user's scope."""
    scope = scope_for(user)
    qs = Campaign.objects.select_related("root_unit")
    if scope.everything:
        return qs
    if scope.is_empty:
        return qs.none()
    q = Q()
    for grant in scope.grants:
        # A campaign concerns a user if its root is at or above one of their units.
        q |= Q(
            root_unit__path__in=[
                grant.path[:i] for i in range(Unit.steplen, len(grant.path) + 1, Unit.steplen)
            ]
        )
    return qs.filter(q)


def campaign_get(user: Any, pk: int) -> Campaign:
    return get_object_or_404(campaigns_visible(user), pk=pk)


def campaign_batches(campaign: Campaign) -> QuerySet[Batch]:
    return campaign.batches.prefetch_related("participations__unit").order_by("number")


def campaign_links(user: Any, campaign: Campaign) -> QuerySet[BatchLink]:
    """Batch links where the user can see at least one side."""
    visible = units_visible(user)
    return (
        campaign.batch_links.filter(Q(upper_unit__in=visible) | Q(lower_unit__in=visible))
        .select_related("upper_unit", "lower_unit")
        .order_by("upper_unit__path", "lower_unit__path")
    )
