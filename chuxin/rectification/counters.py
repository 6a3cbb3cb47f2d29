"""The maintained rectification counters of every unit and its subtree.

Problems count at their unit (by source and category; merged ones no more); tasks at their
responsible unit (by status, closed on time, overdue). Services apply deltas on every write.
"Overdue" also changes with the date alone: :func:`overdue_refresh` (daily, in the reminder
sweep, and from ``chuxin rectification_daily``) flips ``is_overdue`` set-based and applies the
differences per unit, so the counters are exact again each morning.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from chuxin.core import rollups
from chuxin.organization.models import Unit
from chuxin.problems.models import Problem, ProblemCategory, ProblemSource, ProblemStatus
from chuxin.problems.signals import ProblemState

from . import special_counters
from .models import OPEN_STATUSES, OverdueMark, RectificationTask, TaskStatus

ROLLUP_NAME = "rectification"

PROBLEM_METRICS = (
    "problems",
    *(f"p_{s}" for s in ProblemSource.values),
    *(f"c_{c}" for c in ProblemCategory.values),
)
TASK_METRICS = (
    "tasks",
    *(f"t_{s}" for s in TaskStatus.values),
    "on_time",
    "overdue",
)
METRICS = (*PROBLEM_METRICS, *TASK_METRICS)

# Past this many units with a change, one set-based rewrite beats per-unit path updates.
BULK_UNITS = 2000
UPDATE_CHUNK = 5000


def rollup() -> rollups.Rollup:
    return rollups.get(ROLLUP_NAME)


def problem_values(state: ProblemState | None) -> dict[str, int]:
    if state is None or not state.counted:
        return {}
    return {"problems": 1, f"p_{state.source}": 1, f"c_{state.category}": 1}


def problem_state(problem: Problem) -> ProblemState:
    return ProblemState(
        unit_id=problem.unit_id,
        source=problem.source,
        category=problem.category,
        counted=problem.status != ProblemStatus.MERGED,
    )


def task_values(task: RectificationTask | None) -> dict[str, int]:
    """The task's contribution to its unit's rollup, and (``special:`` keys) to its special
    rectification's count (``special_counters``)."""
    if task is None:
        return {}
    from .special_counters import task_keys

    return {
        "tasks": 1,
        f"t_{task.status}": 1,
        "on_time": int(task.closed_on_time),
        "overdue": int(task.is_overdue),
    } | task_keys(task)


def _apply(unit_id: int, deltas: Mapping[str, int]) -> None:
    from . import special_counters

    plain, special = special_counters.split({k: v for k, v in deltas.items() if v})
    if plain:
        rollups.apply(rollup(), Unit.objects.only("pk", "path").get(pk=unit_id), plain)
    if special:
        special_counters.apply(unit_id, special)


def apply_change(
    before: tuple[int, Mapping[str, int]] | None, after: tuple[int, Mapping[str, int]] | None
) -> None:
    """Move a row's contribution from (unit, values) before to (unit, values) after."""
    if before and after and before[0] == after[0]:
        keys = set(before[1]) | set(after[1])
        _apply(after[0], {k: after[1].get(k, 0) - before[1].get(k, 0) for k in keys})
        return
    if before:
        _apply(before[0], {k: -v for k, v in before[1].items()})
    if after:
        _apply(after[0], after[1])


def is_overdue(task: RectificationTask, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return task.is_open and task.time_limit is not None and task.time_limit < today


def own_values() -> dict[int, dict[str, int]]:
    """Every unit's own values, from the raw rows (for refresh and check)."""
    own: dict[int, dict[str, int]] = defaultdict(dict)
    problems = (
        Problem.objects.exclude(status=ProblemStatus.MERGED)
        .order_by()
        .values_list("unit_id", "source", "category")
        .annotate(n=Count("id"))
    )
    for unit_id, source, category, n in problems:
        row = own[unit_id]
        row["problems"] = row.get("problems", 0) + n
        row[f"p_{source}"] = row.get(f"p_{source}", 0) + n
        row[f"c_{category}"] = row.get(f"c_{category}", 0) + n
    on_time = Q(status=TaskStatus.VERIFIED, returned_count=0) & (
        Q(time_limit__isnull=True)
        | Q(submitted_on__isnull=True)
        | Q(submitted_on__lte=F("time_limit"))
    )
    tasks = (
        RectificationTask.objects.order_by()
        .values_list("responsible_unit_id", "status")
        .annotate(
            n=Count("id"),
            on_time=Count("id", filter=on_time),
            overdue=Count("id", filter=Q(is_overdue=True)),
        )
    )
    for unit_id, status, n, n_on_time, n_overdue in tasks:
        row = own[unit_id]
        row["tasks"] = row.get("tasks", 0) + n
        row[f"t_{status}"] = row.get(f"t_{status}", 0) + n
        row["on_time"] = row.get("on_time", 0) + n_on_time
        row["overdue"] = row.get("overdue", 0) + n_overdue
    return dict(own)


def overdue_refresh(today: dt.date | None = None) -> int:
    """Flip ``is_overdue`` where the date alone changed it; apply the per-unit differences.
    Returns how many tasks changed. Idempotent: a second run the same day changes nothing.

    Safe when two run at once (the sweep and a page that found the flags stale): the rows to
    flip are locked and re-checked, and each run counts only the rows it flipped itself."""
    today = today or timezone.localdate()
    should = Q(status__in=OPEN_STATUSES, time_limit__lt=today)
    changed = 0
    refresh_needed = False
    with transaction.atomic():
        for condition, value in (
            (should & Q(is_overdue=False), True),
            (~should & Q(is_overdue=True), False),
        ):
            rows = list(
                RectificationTask.objects.select_for_update()
                .filter(condition)
                .order_by()
                .values_list("pk", "responsible_unit_id", "special_id")
            )
            if not rows:
                continue
            per_unit: dict[int, int] = defaultdict(int)
            per_special: dict[tuple[int, int], int] = defaultdict(int)
            for start in range(0, len(rows), UPDATE_CHUNK):
                chunk = rows[start : start + UPDATE_CHUNK]
                RectificationTask.objects.filter(pk__in=[pk for pk, *_rest in chunk]).update(
                    is_overdue=value
                )
                for _pk, unit_id, special_id in chunk:
                    per_unit[unit_id] += 1
                    if special_id:
                        per_special[(special_id, unit_id)] += 1
            changed += len(rows)
            if len(per_unit) > BULK_UNITS:
                refresh_needed = True
                continue
            sign = 1 if value else -1
            for unit_id, n in per_unit.items():
                _apply(unit_id, {"overdue": sign * n})
            for (special_id, unit_id), n in per_special.items():
                special_counters.apply(unit_id, {(special_id, "overdue"): sign * n})
        if refresh_needed:
            rollups.refresh(rollup())
            special_counters.refresh()
        _mark(today)
    return changed


# The day this process last saw the flags current. Within a day they stay so (services keep
# them right on every write; only midnight makes them stale), so the mark is read once a day
# per process, not on every request. Per process, nothing to share between servers.
_current_on: dict[str, dt.date] = {}


def _remember(today: dt.date) -> None:
    transaction.on_commit(lambda: _current_on.__setitem__("day", today))


def forget_current() -> None:
    """For tests: read the mark again."""
    _current_on.clear()


def _mark(today: dt.date) -> None:
    if not OverdueMark.objects.filter(pk=1).update(on=today, refreshed_at=timezone.now()):
        OverdueMark.objects.get_or_create(pk=1, defaults={"on": today})


def overdue_stale(today: dt.date | None = None) -> bool:
    """Whether the overdue flags may be behind the date: the last refresh was for another
    day (from midnight until the daily sweep, the tasks whose limit was yesterday). One
    primary-key read. (Services keep the flags right on every write; only the date moving on
    makes them stale, which a query for "open, unflagged, past its limit" cannot show cheaply:
    the planner cannot know such rows are rare and scans the table.)"""
    today = today or timezone.localdate()
    mark = OverdueMark.objects.filter(pk=1).values_list("on", flat=True).first()
    return mark != today


def overdue_current(today: dt.date | None = None) -> int:
    """Make the overdue flags and counters right for today before they are read: usually one
    primary-key read; the first read after midnight (before the sweep) refreshes the tasks
    whose limit just passed. Returns how many tasks changed.

    Why on read as well as in the sweep: "overdue" changes with the date alone, and a list or
    count shown at 00:01 must not wait for a scheduled job. The flag (not the date) stays what
    the lists filter and the counters count, so the indexed overdue list and the maintained
    counters keep their speed and always agree with each other."""
    today = today or timezone.localdate()
    if _current_on.get("day") == today:
        return 0
    if not overdue_stale(today):
        _remember(today)
        return 0
    try:
        with transaction.atomic():
            changed = overdue_refresh(today)
        _remember(today)
        return changed
    except (OperationalError, IntegrityError):
        # Another connection is refreshing at the same moment (SQLite: it holds the write
        # lock); the read goes on with the flags of a moment ago rather than fail.
        return 0
