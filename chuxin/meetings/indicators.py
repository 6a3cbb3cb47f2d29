"""The life meetings' computed assessment indicator: the share of a subtree's life meetings of
the campaign that were held and reported upward on time, as of a cut-off date.

Counted (the denominator): the campaign's meetings in the unit's subtree, not archived,
planned on or before the cut-off, except those held by the cut-off whose report is not yet
due then and not yet submitted (they are still within their time). Met (the numerator): held
on or before the cut-off, with the report submitted on or before both the due date and the
cut-off. Everything is read from the dates, so a later cut-off never changes an earlier
answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chuxin.assessment.indicators import Indicator, Measure, register
from chuxin.organization.models import Unit

from .models import LifeMeeting, MeetingStatus


def _outcome(row: tuple[Any, ...], cutoff: dt.date) -> tuple[bool, bool]:
    """(counted, met) of one meeting as of the cut-off."""
    _path, held_on, due_on, submitted_on = row
    held = held_on is not None and held_on <= cutoff
    submitted = submitted_on is not None and submitted_on <= cutoff
    if held and not submitted and due_on is not None and due_on >= cutoff:
        return False, False  # still within its time
    met = held and submitted and due_on is not None and submitted_on <= due_on
    return True, met


def compute(campaign: Any, units: Sequence[Any], cutoff: dt.date) -> dict[int, Measure]:
    """For each unit, the on-time share of its subtree's meetings as of ``cutoff``."""
    if not units:
        return {}
    paths = sorted({u.path for u in units})
    outer: list[str] = []
    for path in paths:
        if not any(path.startswith(o) for o in outer):
            outer.append(path)
    where = Q()
    for path in outer:
        where |= Q(unit__path__startswith=path)
    rows = list(
        LifeMeeting.objects.filter(where, campaign=campaign, planned_on__lte=cutoff)
        .exclude(status=MeetingStatus.ARCHIVED)
        .values_list("unit__path", "held_on", "report_due_on", "report_submitted_on")
    )
    # Add each meeting to every ancestor path once: O(meetings x depth), whatever the units.
    wanted = {u.path for u in units}
    totals: dict[str, list[int]] = {}
    for row in rows:
        is_counted, is_met = _outcome(row, cutoff)
        if not is_counted:
            continue
        path = row[0]
        for end in range(Unit.steplen, len(path) + 1, Unit.steplen):
            prefix = path[:end]
            if prefix in wanted:
                pair = totals.setdefault(prefix, [0, 0])
                pair[0] += 1
                pair[1] += int(is_met)
    note = _("meetings held and reported on time / meetings due by the cut-off")
    result: dict[int, Measure] = {}
    for unit in units:
        counted, met = totals.get(unit.path, [0, 0])
        if counted == 0:
            result[unit.pk] = Measure(
                value=None, numerator=Decimal(0), denominator=Decimal(0), note=note
            )
            continue
        value = (Decimal(100) * met / counted).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        result[unit.pk] = Measure(
            value=value, numerator=Decimal(met), denominator=Decimal(counted), note=note
        )
    return result


INDICATOR = register(
    Indicator(
        key="meetings.held_reported_on_time",
        label=gettext_lazy("Life meetings held and reported on time"),
        compute=compute,
        description=gettext_lazy(
            "The share of the subtree's life meetings planned by the cut-off that were held "
            "and whose report was submitted upward by its due date (meetings still within "
            "their reporting time are not counted)."
        ),
    )
)
