"""Reads of the mechanism register, always through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from chuxin.core.scoping import Action, require, scoped
from chuxin.organization.models import Unit
from chuxin.organization.selectors import units_visible

from .models import Mechanism, MechanismKind, UnitMechanismRollup


def mechanisms_visible(user: Any) -> QuerySet[Mechanism]:
    return scoped(Mechanism.objects.all(), user).select_related("unit", "campaign")


def mechanism_get(user: Any, pk: int, *, action: Action = Action.VIEW) -> Mechanism:
    mechanism = get_object_or_404(mechanisms_visible(user), pk=pk)
    if action == Action.MANAGE:
        require(user, mechanism.unit, Action.MANAGE)
    return mechanism


def mechanisms_filtered(
    user: Any,
    *,
    unit: Unit | None = None,
    kind: str = "",
    q: str = "",
    archived: bool = False,
) -> QuerySet[Mechanism]:
    """The register of a unit's subtree (or all in sight): in force, or the archived ones."""
    qs = mechanisms_visible(user).filter(archived_at__isnull=not archived)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code__iexact=q) | Q(summary__icontains=q))
    return qs.order_by("-issued_on", "-pk")


@dataclass(frozen=True)
class MechanismFigures:
    mechanisms: int = 0
    by_kind: list[tuple[str, Any, int]] = field(default_factory=list)


def _figures(row: Any) -> MechanismFigures:
    if row is None:
        return MechanismFigures(by_kind=[(k, label, 0) for k, label in MechanismKind.choices])
    return MechanismFigures(
        mechanisms=row.subtree_mechanisms,
        by_kind=[(k, label, getattr(row, f"subtree_k_{k}")) for k, label in MechanismKind.choices],
    )


def unit_figures(unit: Unit) -> MechanismFigures:
    """The subtree's mechanisms in force, in all and by kind (one row of the counters)."""
    return _figures(UnitMechanismRollup.objects.filter(pk=unit.pk).first())


def children_figures(user: Any, unit: Unit) -> list[tuple[Unit, MechanismFigures]]:
    """Each visible sub-unit with its subtree's figures (one query)."""
    children = (
        units_visible(user)
        .filter(parent=unit)
        .select_related("mechanism_rollup")
        .order_by("order", "name")
    )
    return [(c, _figures(getattr(c, "mechanism_rollup", None))) for c in children]
