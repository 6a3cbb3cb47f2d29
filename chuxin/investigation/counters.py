"""The maintained research counters of every unit and its subtree.

Topics, activities, findings and people reached count at the topic's unit; ``reported``
counts topics whose report is in (submitted or archived). Services apply deltas on every
write; ``chuxin check_counters`` recomputes them from the raw rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from django.db import models
from django.db.models import Count, Q, Sum

from chuxin.core import rollups
from chuxin.core.rollups import OwnValues
from chuxin.organization.models import Unit

from .models import (
    ResearchActivity,
    ResearchFinding,
    ResearchTopic,
    TopicStatus,
    UnitResearchRollup,
)

ROLLUP_NAME = "investigation"
METRICS = ("topics", "reported", "activities", "findings", "people")
REPORTED = (TopicStatus.REPORTED, TopicStatus.ARCHIVED)


def rollup() -> rollups.Rollup:
    return rollups.get(ROLLUP_NAME)


def own_values() -> OwnValues:
    own: dict[int, dict[str, int]] = defaultdict(dict)
    topics = (
        ResearchTopic.objects.order_by()
        .values("unit_id")
        .annotate(n=Count("pk"), r=Count("pk", filter=Q(status__in=REPORTED)))
        .values_list("unit_id", "n", "r")
    )
    for unit_id, n, r in topics:
        own[unit_id] |= {"topics": n, "reported": r}
    activities = (
        ResearchActivity.objects.order_by()
        .values("topic__unit_id")
        .annotate(n=Count("pk"), p=Sum("people_reached"))
        .values_list("topic__unit_id", "n", "p")
    )
    for unit_id, n, p in activities:
        own[unit_id] |= {"activities": n, "people": p or 0}
    findings = (
        ResearchFinding.objects.order_by()
        .values("activity__topic__unit_id")
        .annotate(n=Count("pk"))
        .values_list("activity__topic__unit_id", "n")
    )
    for unit_id, n in findings:
        own[unit_id]["findings"] = n
    return own


def apply(unit: Unit, deltas: Mapping[str, int]) -> None:
    """Add ``deltas`` at the unit and up its ancestors (rows made first where missing, e.g.
    for units that existed before this app was installed)."""
    if not any(deltas.values()):
        return
    ensure_rows(UnitResearchRollup, unit)
    rollups.apply(rollup(), unit, deltas)


def ensure_rows(model: type[models.Model], unit: Unit) -> None:
    """Give the unit and its ancestors their (zero) rollup rows if they have none yet."""
    paths = unit.ancestor_paths(include_self=True)
    ids = set(Unit.objects.filter(path__in=paths).values_list("pk", flat=True))
    have = set(model._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
    missing = ids - have
    if missing:
        model._default_manager.bulk_create(
            [model(unit_id=pk) for pk in sorted(missing)], ignore_conflicts=True
        )
