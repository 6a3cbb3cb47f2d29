"""Who may see and change what: the one place that answers it.

A role is granted on a unit. Office and administrator roles hold for the unit's subtree and
may change what is in it; a guidance team member holds exactly the assigned units (or their
subtrees where the office so chose) to look at; a member sees their own unit. A superuser
sees everything. Every selector and service filters through :func:`scoped`; anything outside
a user's scope answers 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

if TYPE_CHECKING:
    from chuxin.organization.models import Unit

M = TypeVar("M", bound=Model)


class Action(StrEnum):
    VIEW = "view"
    MANAGE = "manage"


@dataclass(frozen=True)
class Grant:
    unit_id: int
    path: str
    subtree: bool
    manage: bool
    role: str

    def covers(self, unit: Unit) -> bool:
        return self.covers_path(unit.path)

    def covers_path(self, path: str) -> bool:
        """Whether the unit at ``path`` is within this grant (paths are unique)."""
        if self.subtree:
            return path.startswith(self.path)
        return path == self.path


class Scope:
    """The units one user may see (and change), computed once per request."""

    def __init__(self, *, everything: bool, grants: list[Grant]) -> None:
        self.everything = everything
        self.grants = grants

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.grants

    def _grants(self, action: Action) -> list[Grant]:
        if action == Action.MANAGE:
            return [g for g in self.grants if g.manage]
        return self.grants

    def units_q(self, unit_field: str = "", action: Action = Action.VIEW) -> Q:
        """A filter on a queryset whose ``unit_field`` (``""`` for Unit itself) is a unit."""
        if self.everything:
            return Q()
        prefix = f"{unit_field}__" if unit_field else ""
        q = Q(pk__in=[]) if not unit_field else Q(**{f"{prefix}pk__in": []})
        for grant in _outermost(self._grants(action)):
            if grant.subtree:
                q |= Q(**{f"{prefix}path__startswith": grant.path})
            else:
                q |= Q(**{f"{prefix}pk": grant.unit_id})
        return q

    def allows(self, unit: Unit, action: Action = Action.VIEW) -> bool:
        if self.everything:
            return True
        return any(g.covers(unit) for g in self._grants(action))

    def top_unit_ids(self) -> list[int]:
        """The units at the top of what this user sees (for the tree browser)."""
        return [g.unit_id for g in _outermost(self.grants)]


def _outermost(grants: list[Grant]) -> list[Grant]:
    """Drop grants that a wider subtree grant already covers (fewer OR terms, same rows)."""
    outer: list[Grant] = []
    for g in sorted((g for g in grants if g.subtree), key=lambda g: g.path):
        if not any(g.path.startswith(o.path) for o in outer):
            outer.append(g)
    exact: dict[int, Grant] = {}
    for g in grants:
        if not g.subtree and not any(g.path.startswith(o.path) for o in outer):
            exact.setdefault(g.unit_id, g)
    return outer + list(exact.values())


_CACHE_ATTR = "_chuxin_scope"


def scope_for(user: Any) -> Scope:
    """The user's scope, cached on the user object for the rest of the request."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user is None or not user.is_authenticated or not user.is_active:
        scope = Scope(everything=False, grants=[])
    elif user.is_superuser:
        scope = Scope(everything=True, grants=[])
    else:
        from chuxin.organization.models import Role, RoleAssignment

        grants = [
            Grant(
                unit_id=unit_id,
                path=path,
                subtree=include_subtree and role != Role.MEMBER,
                manage=role in (Role.OFFICE, Role.UNIT_ADMIN),
                role=role,
            )
            for unit_id, path, include_subtree, role in RoleAssignment.objects.filter(
                user=user, unit__archived_at__isnull=True
            ).values_list("unit_id", "unit__path", "include_subtree", "role")
        ]
        scope = Scope(everything=False, grants=grants)
    if user is not None:
        setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope (after a role changes in the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scoped(
    queryset: QuerySet[M], user: Any, *, unit_field: str = "unit", action: Action = Action.VIEW
) -> QuerySet[M]:
    """The rows of ``queryset`` whose unit lies in the user's scope.

    ``unit_field`` names the unit the row belongs to; ``""`` when the rows are units.
    """
    scope = scope_for(user)
    if scope.everything:
        return queryset
    if scope.is_empty:
        return queryset.none()
    return queryset.filter(scope.units_q(unit_field, action))


def require(user: Any, unit: Unit, action: Action = Action.VIEW) -> None:
    """404 unless the user may see the unit; 403 if they may see but not change it."""
    from django.core.exceptions import PermissionDenied

    scope = scope_for(user)
    if not scope.allows(unit, Action.VIEW):
        raise Http404
    if action == Action.MANAGE and not scope.allows(unit, Action.MANAGE):
        raise PermissionDenied
