"""Promotion conferences' headline figures on the leading group's dashboard (see
``chuxin.oversight.figures``): conferences held by units of a subtree (and in the last 30 days),
the sub-venues its units hosted and how many attended there, and the work conferences deployed
to its units (one rectification task per assigned unit) with how much of it is closed and how
much overdue.

No rollup: the rows are few at any scale (a province holds tens of conferences; sub-venues
and deployed assignments are one per city or county reached, thousands at most), as for
guidance's visits. One ``UNION ALL`` of three grouped queries counts them by unit path
(``chuxin.oversight.subtree``), so a dashboard view costs two queries (the units' paths, the
counts) whatever the tree's size. "Held" and "in the last 30 days" depend on the clock, which
no counter could follow without a daily sweep; counted on read they are always right.

"Overdue" is the task's maintained flag (``RectificationTask.is_overdue``), as in the
rectification figures and the task list the figure links to. Archived conferences leave these
figures as they leave the conference lists; their tasks stay in rectification's figures.
Sub-venues taken off a conference's record (archived) leave the sub-venue and attendance figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlencode

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.oversight.figures import FigureSpec, Provider, metric, ratio, register
from chuxin.oversight.subtree import read_all_for, read_for
from chuxin.problems.models import ProblemSource
from chuxin.rectification.models import TaskStatus

from .models import Conference, DeployedAssignment, SubVenue

RECENT_DAYS = 30
METRICS = ("held", "recent", "venues", "attendance", "deployed", "closed", "overdue")

# Each part of the union: (kind, unit path, three counts); which metrics the counts are.
_PARTS = {
    "c": ("held", "recent", None),
    "v": ("venues", "attendance", None),
    "d": ("deployed", "closed", "overdue"),
}


def _zero() -> Value:
    return Value(0, output_field=IntegerField())


def _counts(top: str) -> list[tuple[str, str, int]]:
    """(unit path, metric, count) rows of the units under ``top`` (all units if empty)."""
    now = timezone.now()
    held = Q(starts_at__lte=now)
    conferences: QuerySet = Conference.objects.filter(held, archived_at__isnull=True)
    venues: QuerySet = SubVenue.objects.live().filter(
        conference__archived_at__isnull=True, conference__starts_at__lte=now
    )
    assignments: QuerySet = DeployedAssignment.objects.filter(
        item__conference__archived_at__isnull=True
    )
    if top:
        conferences = conferences.filter(organizer__path__startswith=top)
        venues = venues.filter(unit__path__startswith=top)
        assignments = assignments.filter(unit__path__startswith=top)
    recent = Q(starts_at__gt=now - dt.timedelta(days=RECENT_DAYS))
    parts = [
        conferences.order_by()
        .values_list(Value("c"), "organizer__path")
        .annotate(a=Count("pk"), b=Count("pk", filter=recent), c=_zero()),
        venues.order_by()
        .values_list(Value("v"), "unit__path")
        .annotate(a=Count("pk"), b=Coalesce(Sum("attendance"), 0), c=_zero()),
        assignments.order_by()
        .values_list(Value("d"), "unit__path")
        .annotate(
            a=Count("pk"),
            b=Count("pk", filter=Q(task__status=TaskStatus.VERIFIED)),
            c=Count("pk", filter=Q(task__is_overdue=True)),
        ),
    ]
    rows: list[tuple[str, str, int]] = []
    for kind, path, *counts in parts[0].union(*parts[1:], all=True):
        for name, n in zip(_PARTS[kind], counts, strict=True):
            if name is not None:
                rows.append((path, name, int(n or 0)))
    return rows


def _list(param: str) -> Callable[[int], str]:
    """The conference list of a unit's subtree: ``unit`` (organized there) for the conferences
    held, ``venue_unit`` (with a sub-venue there) for the sub-venues and their attendance."""

    def url(pk: int) -> str:
        return f"{reverse('conferences:list')}?{urlencode({param: pk})}"

    return url


def _tasks(**params: str) -> Callable[[int], str]:
    """The rectification tasks of a unit's subtree that conferences deployed."""

    def url(pk: int) -> str:
        query = {"unit": pk, "source": ProblemSource.CONFERENCE.value, **params}
        return f"{reverse('rectification:task_list')}?{urlencode(query)}"

    return url


register(
    Provider(
        key="conferences",
        label=_("Promotion conferences"),
        order=45,
        metrics=METRICS,
        read=read_for(_counts, METRICS),
        read_all=read_all_for(_counts, METRICS),
        figures=(
            FigureSpec(
                "conferences.held",
                _("Promotion conferences held"),
                metric("held"),
                _list("unit"),
                worse="lower",
            ),
            FigureSpec(
                "conferences.recent",
                _("Promotion conferences in the last 30 days"),
                metric("recent"),
                _list("unit"),
                worse="lower",
            ),
            FigureSpec(
                "conferences.venues",
                _("Sub-venues of promotion conferences"),
                metric("venues"),
                _list("venue_unit"),
                worse="lower",
            ),
            FigureSpec(
                "conferences.attendance",
                _("Attendance at sub-venues"),
                metric("attendance"),
                _list("venue_unit"),
                worse="lower",
            ),
            FigureSpec(
                "conferences.deployed",
                _("Tasks deployed by conferences"),
                metric("deployed"),
                _tasks(),
            ),
            FigureSpec(
                "conferences.closed",
                _("Deployed tasks verified and closed"),
                metric("closed"),
                _tasks(status=TaskStatus.VERIFIED.value),
                worse="lower",
            ),
            FigureSpec(
                "conferences.closed_pct",
                _("Share of deployed tasks closed"),
                ratio("closed", "deployed"),
                _tasks(status=TaskStatus.VERIFIED.value),
                worse="lower",
                fmt="percent",
                heat=True,
            ),
            FigureSpec(
                "conferences.overdue",
                _("Deployed tasks overdue"),
                metric("overdue"),
                _tasks(due="overdue"),
            ),
        ),
    )
)
