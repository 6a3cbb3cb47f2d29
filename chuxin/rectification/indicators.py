"""Rectification's computed assessment indicators, over each unit's subtree (tasks count at
their responsible unit), as of the cut-off date, from the task rows (not the live counters, so
that a past cut-off is honoured):

* ``rectification.on_time`` — on-time rectification rate: of the campaign's tasks (other than
  long-term ones) whose time limit falls on or before the cut-off, the share completed by their
  time limit (submitted on or before it and on or before the cut-off, now awaiting
  verification or verified) and never returned: a return counts against on-time completion.
* ``rectification.verified`` — share of tasks verified: of the campaign's tasks created on or
  before the cut-off, the share verified and closed on or before it.

One grouped query per indicator, whatever the number of units: tasks are counted per
responsible unit's path, then added up for every evaluated unit whose path is a prefix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chuxin.assessment.indicators import Indicator, Measure, register
from chuxin.organization.models import Unit

from .models import RectificationTask, TaskStatus, TaskType


def _outermost(paths: Iterable[str]) -> list[str]:
    out: list[str] = []
    for path in sorted(set(paths)):
        if not out or not path.startswith(out[-1]):
            out.append(path)
    return out


def _in_subtrees(qs: QuerySet[RectificationTask], units: Sequence[Any]) -> QuerySet[Any]:
    q = Q(pk__in=[])
    for path in _outermost(u.path for u in units):
        q |= Q(responsible_unit__path__startswith=path)
    return qs.filter(q)


def _sum_up(
    units: Sequence[Any], rows: Iterable[tuple[str, int, int]]
) -> dict[int, tuple[int, int]]:
    """(numerator, denominator) of every unit from counts per responsible unit's path."""
    by_path = {u.path: u.pk for u in units}
    step = Unit.steplen
    totals: dict[int, list[int]] = {u.pk: [0, 0] for u in units}
    for path, num, den in rows:
        for end in range(step, len(path) + 1, step):
            pk = by_path.get(path[:end])
            if pk is not None:
                totals[pk][0] += num
                totals[pk][1] += den
    return {pk: (n, d) for pk, (n, d) in totals.items()}


def _pct(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def on_time_rate(campaign: Any, units: Sequence[Any], cutoff: dt.date) -> dict[int, Measure]:
    due = _in_subtrees(
        RectificationTask.objects.filter(
            campaign=campaign, time_limit__isnull=False, time_limit__lte=cutoff
        ).exclude(task_type=TaskType.LONG_TERM),
        units,
    )
    on_time = Q(
        status__in=[TaskStatus.SUBMITTED, TaskStatus.VERIFIED],
        returned_count=0,
        submitted_on__isnull=False,
        submitted_on__lte=F("time_limit"),
    ) & Q(submitted_on__lte=cutoff)
    rows = (
        due.values("responsible_unit__path")
        .annotate(num=Count("pk", filter=on_time), den=Count("pk"))
        .values_list("responsible_unit__path", "num", "den")
        .order_by()
    )
    out = {}
    for pk, (num, den) in _sum_up(units, rows).items():
        note = (
            _(
                "%(num)d of %(den)d tasks due by the cut-off were completed by their time "
                "limit and never returned"
            )
            % {"num": num, "den": den}
            if den
            else _("No task due by the cut-off")
        )
        out[pk] = Measure(
            value=_pct(num, den), numerator=Decimal(num), denominator=Decimal(den), note=note
        )
    return out


def verified_share(campaign: Any, units: Sequence[Any], cutoff: dt.date) -> dict[int, Measure]:
    tasks = _in_subtrees(
        RectificationTask.objects.filter(campaign=campaign, created_at__date__lte=cutoff), units
    )
    verified = Q(status=TaskStatus.VERIFIED, closed_on__isnull=False, closed_on__lte=cutoff)
    rows = (
        tasks.values("responsible_unit__path")
        .annotate(num=Count("pk", filter=verified), den=Count("pk"))
        .values_list("responsible_unit__path", "num", "den")
        .order_by()
    )
    out = {}
    for pk, (num, den) in _sum_up(units, rows).items():
        note = (
            _("%(num)d of %(den)d tasks were verified and closed by the cut-off")
            % {"num": num, "den": den}
            if den
            else _("No task by the cut-off")
        )
        out[pk] = Measure(
            value=_pct(num, den), numerator=Decimal(num), denominator=Decimal(den), note=note
        )
    return out


register(
    Indicator(
        key="rectification.on_time",
        label=gettext_lazy("On-time rectification rate %"),
        compute=on_time_rate,
        description=gettext_lazy(
            "Tasks due by the cut-off completed by their time limit and never returned, as a "
            "share of the tasks due by the cut-off (long-term tasks aside)."
        ),
    )
)
register(
    Indicator(
        key="rectification.verified",
        label=gettext_lazy("Tasks verified %"),
        compute=verified_share,
        description=gettext_lazy(
            "Tasks verified and closed by the cut-off, as a share of the tasks created by it."
        ),
    )
)
