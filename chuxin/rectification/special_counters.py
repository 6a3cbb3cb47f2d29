"""The maintained roll-up of each special rectification per responsible unit.

A programme's task belongs to one of its participating units (or the leading unit), so its
figures per unit are counted at the task's responsible unit. The services' writes reach here
through ``counters.apply_change``: a task's values carry ``special:<id>:<metric>`` keys besides
the unit rollup's metrics, and their deltas land in :class:`~.models.SpecialUnitCount`. The
daily overdue refresh applies its per-(programme, unit) differences the same way; bulk loads
call :func:`refresh`; ``chuxin check_counters`` compares with the raw rows (:func:`drifts`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, F, Q

from chuxin.core import rollups
from chuxin.core.bulk import insert_rows

from .models import OPEN_STATUSES, RectificationTask, SpecialUnitCount, TaskStatus

METRICS = ("tasks", "closed", "on_time", "open", "overdue")
PREFIX = "special:"


def task_keys(task: RectificationTask) -> dict[str, int]:
    """The task's contribution to its programme's count (empty outside a programme)."""
    if not task.special_id:
        return {}
    values = {
        "tasks": 1,
        "closed": int(task.status == TaskStatus.VERIFIED),
        "on_time": int(task.closed_on_time),
        "open": int(task.status in OPEN_STATUSES),
        "overdue": int(task.is_overdue),
    }
    return {f"{PREFIX}{task.special_id}:{k}": v for k, v in values.items() if v}


def split(values: Mapping[str, int]) -> tuple[dict[str, int], dict[tuple[int, str], int]]:
    """(unit rollup values, {(special id, metric): value})."""
    plain: dict[str, int] = {}
    special: dict[tuple[int, str], int] = {}
    for key, value in values.items():
        if key.startswith(PREFIX):
            special_id, metric = key[len(PREFIX) :].split(":")
            special[(int(special_id), metric)] = value
        else:
            plain[key] = value
    return plain, special


def apply(unit_id: int, deltas: Mapping[tuple[int, str], int]) -> None:
    """Add the deltas to the (programme, unit) rows, creating a row at first need."""
    by_special: dict[int, dict[str, int]] = defaultdict(dict)
    for (special_id, metric), delta in deltas.items():
        if delta:
            by_special[special_id][metric] = delta
    for special_id, changes in by_special.items():
        row, _created = SpecialUnitCount.objects.get_or_create(
            special_id=special_id, unit_id=unit_id
        )
        SpecialUnitCount.objects.filter(pk=row.pk).update(
            **{m: F(m) + d for m, d in changes.items()}
        )


def expected() -> dict[tuple[int, int], dict[str, int]]:
    """Every (programme, unit)'s figures from the raw rows: one GROUP BY."""
    on_time = Q(status=TaskStatus.VERIFIED, returned_count=0) & (
        Q(time_limit__isnull=True)
        | Q(submitted_on__isnull=True)
        | Q(submitted_on__lte=F("time_limit"))
    )
    rows = (
        RectificationTask.objects.filter(special__isnull=False)
        .order_by()
        .values("special_id", "responsible_unit_id")
        .annotate(
            tasks=Count("id"),
            closed=Count("id", filter=Q(status=TaskStatus.VERIFIED)),
            on_time=Count("id", filter=on_time),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("id", filter=Q(is_overdue=True)),
        )
    )
    out: dict[tuple[int, int], dict[str, int]] = {}
    for r in rows:
        row: dict[str, Any] = dict(r)
        out[(row["special_id"], row["responsible_unit_id"])] = {m: int(row[m]) for m in METRICS}
    return out


def drifts() -> list[str]:
    want = expected()
    have = {
        (r["special_id"], r["unit_id"]): {m: int(r[m]) for m in METRICS}
        for r in SpecialUnitCount.objects.values("special_id", "unit_id", *METRICS)
    }
    zero = dict.fromkeys(METRICS, 0)
    out = []
    for key in sorted(set(want) | set(have)):
        a, b = have.get(key, zero), want.get(key, zero)
        for m in METRICS:
            if a[m] != b[m]:
                out.append(f"special {key[0]} unit {key[1]} {m}: stored {a[m]}, expected {b[m]}")
    return out


def refresh() -> int:
    """Rewrite every row from the raw rows, set-based; returns how many rows."""
    want = expected()
    SpecialUnitCount.objects.all().delete()
    return insert_rows(
        SpecialUnitCount._meta.db_table,
        ("special_id", "unit_id", *METRICS),
        [(s, u, *(v[m] for m in METRICS)) for (s, u), v in sorted(want.items())],
    )


def fix() -> None:
    refresh()


CHECK = rollups.CounterCheck(name="rectification_specials", drifts=drifts, fix=fix)
