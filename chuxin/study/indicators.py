"""Study & education's computed assessment indicator: study coverage of a unit's subtree.

Coverage is the share of members with study required who have done every required item, from
the maintained counters (``UnitStudyRollup``: ``subtree_covered / subtree_required``). The
counters are live, so the measure is the coverage when the evaluation is computed: for a
cut-off of today (the usual case) that is the coverage at the cut-off. For a past cut-off the
same live figure is used and the note says so; replaying every member's required items and
records to a past date is not done (study records are tens of millions of rows at province
scale, and requirements in force change over time). The evaluation freezes the figure it used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chuxin.assessment.indicators import Indicator, Measure, register

from .models import UnitStudyRollup


def study_coverage(campaign: Any, units: Sequence[Any], cutoff: dt.date) -> dict[int, Measure]:
    rollups = dict(
        (unit_id, (covered, required))
        for unit_id, covered, required in UnitStudyRollup.objects.filter(
            unit_id__in=[u.pk for u in units]
        ).values_list("unit_id", "subtree_covered", "subtree_required")
    )
    today = timezone.localdate()
    out: dict[int, Measure] = {}
    for unit in units:
        covered, required = rollups.get(unit.pk, (0, 0))
        if cutoff >= today:
            note = _("%(covered)d of %(required)d members with study required are covered") % {
                "covered": covered,
                "required": required,
            }
        else:
            note = _(
                "%(covered)d of %(required)d members with study required are covered "
                "(live figures of %(today)s; not replayed to the cut-off)"
            ) % {"covered": covered, "required": required, "today": today.isoformat()}
        value = (
            (Decimal(covered) * 100 / Decimal(required)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            if required
            else None
        )
        out[unit.pk] = Measure(
            value=value,
            numerator=Decimal(covered),
            denominator=Decimal(required),
            note=note if required else _("No member with study required"),
        )
    return out


register(
    Indicator(
        key="study.coverage",
        label=gettext_lazy("Study coverage %"),
        compute=study_coverage,
        description=gettext_lazy(
            "Members of the subtree who have done every required study item, as a share of "
            "those with study required."
        ),
    )
)
