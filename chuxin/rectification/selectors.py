"""Reads of rectification, always through the user's scope; unit figures come from the
maintained counters, never from adding up tasks on request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from chuxin.core.scoping import Action, scope_for, scoped
from chuxin.organization.models import Member, Unit
from chuxin.problems.models import ProblemCategory, ProblemSource

from . import counters, services
from .models import (
    OPEN_STATUSES,
    Evidence,
    ProgressUpdate,
    RectificationTask,
    StageObjective,
    TaskStatus,
    UnitRectificationRollup,
)

DUE_SOON_DAYS = 7


def tasks_visible(user: Any) -> QuerySet[RectificationTask]:
    """Tasks whose responsible unit the user can see, or where they are the person in charge.

    One filter, no subquery: the scope's path prefixes OR the user's own member ids (a user is
    at most one member), so the planner can use the indexes at a million tasks."""
    qs = RectificationTask.objects.select_related(
        "responsible_unit", "responsible_leader", "responsible_person", "campaign"
    )
    scope = scope_for(user)
    if scope.everything:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    q = scope.units_q("responsible_unit") if not scope.is_empty else Q(pk__in=[])
    mine = list(Member.objects.filter(user=user).values_list("pk", flat=True))
    if mine:
        q |= Q(responsible_person_id__in=mine) | Q(responsible_leader_id__in=mine)
    return qs.filter(q)


def task_get(user: Any, pk: int, *, action: Action = Action.VIEW) -> RectificationTask:
    """One task in sight (404 otherwise); with ``MANAGE``, 403 unless the user may work on it."""
    from django.core.exceptions import PermissionDenied

    task = get_object_or_404(tasks_visible(user), pk=pk)
    if action == Action.MANAGE and not services.may_work(user, task):
        raise PermissionDenied
    return task


def task_detail(user: Any, pk: int) -> RectificationTask:
    return get_object_or_404(
        tasks_visible(user)
        .select_related("upper_task__responsible_unit")
        .prefetch_related(
            "problems__unit",
            "co_units",
            "lower_tasks__responsible_unit",
            Prefetch(
                "stage_objectives",
                queryset=StageObjective.objects.order_by("order", "id").prefetch_related("files"),
            ),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.filter(file="").order_by("id"),
                to_attr="evidence_notes",
            ),
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.select_related("created_by").prefetch_related(
                    "files"
                ),
            ),
            "events__by",
        ),
        pk=pk,
    )


def objective_get(user: Any, pk: int) -> StageObjective:
    objective = get_object_or_404(StageObjective.objects.select_related("task"), pk=pk)
    objective.task = task_get(user, objective.task_id)
    return objective


def evidence_get(user: Any, pk: int) -> Evidence:
    """An evidence file of a task the user can see (404 otherwise)."""
    evidence = get_object_or_404(Evidence.objects.exclude(file=""), pk=pk)
    if evidence.task_id is None:
        raise Http404
    task_get(user, evidence.task_id)
    return evidence


@dataclass(frozen=True)
class TaskFilters:
    unit: Unit | None = None
    status: str = ""
    task_type: str = ""
    overdue: bool = False
    due_soon: bool = False
    q: str = ""
    source: str = ""
    category: str = ""
    batch: int | None = None
    special: int | None = None


def tasks_filtered(user: Any, f: TaskFilters) -> QuerySet[RectificationTask]:
    """The visible tasks matching the list filters. "Overdue" is right from midnight: the
    flags are brought up to today first (``counters.overdue_current``)."""
    counters.overdue_current()
    qs = tasks_visible(user)
    if f.unit is not None:
        qs = qs.filter(responsible_unit__path__startswith=f.unit.path)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.task_type:
        qs = qs.filter(task_type=f.task_type)
    if f.overdue:
        qs = qs.filter(is_overdue=True)
    if f.due_soon:
        today = timezone.localdate()
        qs = qs.filter(
            status__in=OPEN_STATUSES,
            time_limit__gte=today,
            time_limit__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
        )
    if f.source:
        qs = qs.filter(problems__source=f.source).distinct()
    if f.category:
        qs = qs.filter(problems__category=f.category).distinct()
    if f.batch:
        qs = qs.filter(batch_q(f.batch, "responsible_unit"))
    if f.special:
        qs = qs.filter(special_id=f.special)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(code__iexact=f.q))
    return qs


def batch_q(batch_id: int, unit_field: str) -> Q:
    """Rows whose unit lies in a subtree of one of the batch's units."""
    from chuxin.organization.models import BatchParticipation

    paths = BatchParticipation.objects.filter(batch_id=batch_id).values_list(
        "unit__path", flat=True
    )
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{unit_field}__path__startswith": path})
    return q


def light(task: RectificationTask, today: dt.date | None = None) -> str:
    """red (overdue), yellow (due within 7 days) or green (on track / closed)."""
    today = today or timezone.localdate()
    if task.status not in OPEN_STATUSES or task.time_limit is None:
        return "green"
    if task.time_limit < today:
        return "red"
    if task.time_limit <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return "yellow"
    return "green"


def objective_light(objective: StageObjective, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    if objective.done_on is not None:
        return "green"
    if objective.due_on < today:
        return "red"
    if objective.due_on <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return "yellow"
    return "green"


# --- Unit figures (from the maintained counters) --------------------------------------------


@dataclass(frozen=True)
class UnitFigures:
    problems: int
    by_source: list[tuple[str, Any, int]]
    by_category: list[tuple[str, Any, int]]
    tasks: int
    by_status: list[tuple[str, Any, int]]
    closed: int
    on_time: int
    on_time_pct: int | None
    overdue: int


def unit_figures(unit: Unit) -> UnitFigures:
    """The subtree totals of the unit: one row read (after making overdue current)."""
    counters.overdue_current()
    row = UnitRectificationRollup.objects.filter(pk=unit.pk).first() or UnitRectificationRollup(
        unit=unit
    )

    def v(name: str) -> int:
        return int(getattr(row, f"subtree_{name}"))

    closed = v("t_verified")
    return UnitFigures(
        problems=v("problems"),
        by_source=[(s.value, s.label, v(f"p_{s.value}")) for s in ProblemSource],
        by_category=[(c.value, c.label, v(f"c_{c.value}")) for c in ProblemCategory],
        tasks=v("tasks"),
        by_status=[(s.value, s.label, v(f"t_{s.value}")) for s in TaskStatus],
        closed=closed,
        on_time=v("on_time"),
        on_time_pct=v("on_time") * 100 // closed if closed else None,
        overdue=v("overdue"),
    )


def children_figures(user: Any, unit: Unit) -> list[tuple[Unit, UnitRectificationRollup]]:
    """The unit's visible children with their rows (for the drill-down)."""
    children = scoped(
        Unit.objects.filter(parent=unit, archived_at__isnull=True), user, unit_field=""
    )
    rows = {r.pk: r for r in UnitRectificationRollup.objects.filter(unit__in=children.values("pk"))}
    return [
        (child, rows.get(child.pk) or UnitRectificationRollup(unit=child))
        for child in children.order_by("order", "name")[:200]
    ]


def counted_total(user: Any, f: TaskFilters) -> int | None:
    """The number of tasks matching ``f`` from the maintained counters, when they can say it:
    a unit's whole subtree in the user's sight, filtered by nothing but overdue or a status.
    None otherwise (the caller counts the rows). Saves the count over every overdue task of a
    city, the slow part of the ledger's first page at a million tasks."""
    if f.unit is None or f.task_type or f.due_soon or f.q or f.source or f.category:
        return None
    if f.batch or f.special or (f.overdue and f.status):
        return None
    scope = scope_for(user)
    covered = scope.everything or any(
        g.subtree and f.unit.path.startswith(g.path) for g in scope.grants
    )
    if not covered:
        return None
    row = UnitRectificationRollup.objects.filter(pk=f.unit.pk).first()
    if row is None:
        return None
    if f.overdue:
        return int(row.subtree_overdue)
    if f.status:
        return int(getattr(row, f"subtree_t_{f.status}"))
    return int(row.subtree_tasks)


def paginate_tasks(request_page: Any, qs: Any, total: int | None, per_page: int = 50) -> Any:
    """A page of tasks; with a known total the paginator does not count the rows."""
    from django.core.paginator import Paginator

    paginator = Paginator(qs, per_page)
    if total is not None:
        paginator.__dict__["count"] = total
    return paginator.get_page(request_page)
