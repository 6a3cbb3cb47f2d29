"""The maintained mechanism counters of every unit and its subtree: mechanisms in force (not
archived), in all and by kind, at their unit."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from chuxin.core import rollups
from chuxin.core.rollups import OwnValues
from chuxin.organization.models import Unit

from .models import Mechanism, MechanismKind, UnitMechanismRollup

ROLLUP_NAME = "mechanisms"
METRICS = ("mechanisms", *(f"k_{k}" for k in MechanismKind.values))


def rollup() -> rollups.Rollup:
    return rollups.get(ROLLUP_NAME)


def values_of(kind: str, archived: bool) -> dict[str, int]:
    """What one mechanism adds to its unit's row."""
    return {} if archived else {"mechanisms": 1, f"k_{kind}": 1}


def own_values() -> OwnValues:
    own: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    rows = (
        Mechanism.objects.filter(archived_at__isnull=True)
        .order_by()
        .values("unit_id", "kind")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        own[row["unit_id"]]["mechanisms"] += row["n"]
        own[row["unit_id"]][f"k_{row['kind']}"] += row["n"]
    return dict(own)


def apply_change(
    before: tuple[Unit, dict[str, int]] | None, after: tuple[Unit, dict[str, int]] | None
) -> None:
    """Move a mechanism's contribution from ``before`` to ``after`` (unit, values)."""
    if before is not None and after is not None and before[0].pk == after[0].pk:
        deltas = {m: after[1].get(m, 0) - before[1].get(m, 0) for m in METRICS}
        _apply(after[0], deltas)
        return
    if before is not None:
        _apply(before[0], {m: -v for m, v in before[1].items()})
    if after is not None:
        _apply(after[0], after[1])


def _apply(unit: Unit, deltas: dict[str, int]) -> None:
    if not any(deltas.values()):
        return
    _ensure_rows(unit)
    rollups.apply(rollup(), unit, deltas)


def _ensure_rows(unit: Unit) -> None:
    """Give the unit and its ancestors their (zero) rows if they have none yet."""
    ids = set(
        Unit.objects.filter(path__in=unit.ancestor_paths(include_self=True)).values_list(
            "pk", flat=True
        )
    )
    have = set(UnitMechanismRollup.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if ids - have:
        UnitMechanismRollup.objects.bulk_create(
            [UnitMechanismRollup(unit_id=pk) for pk in sorted(ids - have)], ignore_conflicts=True
        )
