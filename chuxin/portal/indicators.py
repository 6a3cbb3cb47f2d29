"""The portal's computed assessment indicators (see ``chuxin.assessment.indicators``):

- ``portal.satisfaction`` -- the mean public satisfaction with the rectification of the
  subtree's problems, from the ratings given up to the cut-off, each level mapped onto 0-100:
  very satisfied 100, satisfied 80, basically satisfied 60, dissatisfied 0 (``models.SCORES``:
  the satisfied levels step down evenly; a dissatisfied rating scores nothing, so a unit cannot
  hide a dissatisfied public behind many lukewarm ratings);
- ``portal.public_solved`` -- the share of the problems from the public (source: the public's
  opinions, reported by the cut-off, not merged away) that were solved by the cut-off: every
  one of their rectification tasks verified and closed on or before that date (a problem with
  no task yet is not solved).

Both read one row per rating or problem of the campaign below the units asked about, and add
each row to every asked unit above it (its path's prefixes): one query whatever the number of
units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chuxin.assessment.indicators import Indicator, Measure, register
from chuxin.organization.models import Unit
from chuxin.problems.models import Problem, ProblemSource, ProblemStatus
from chuxin.rectification.models import RectificationTask, TaskStatus

from .models import SatisfactionRating

_MAX_OR_TERMS = 30
_CENT = Decimal("0.01")


def _paths_q(field: str, units: Sequence[Any], campaign: Any) -> Q:
    """A filter on the subtrees of the units asked about (or the campaign's whole tree when
    they are many: then one prefix is cheaper than hundreds of ORs)."""
    paths = sorted({u.path for u in units})
    outer: list[str] = []
    for path in paths:
        if not any(path.startswith(o) for o in outer):
            outer.append(path)
    if len(outer) > _MAX_OR_TERMS:
        outer = [campaign.root_unit.path]
    q = Q(pk__in=[])
    for path in outer:
        q |= Q(**{f"{field}__startswith": path})
    return q


def _accumulate(
    units: Sequence[Any], rows: Iterable[tuple[str, int, int]]
) -> dict[int, tuple[int, int]]:
    """(path, numerator, count) rows summed into every asked unit whose subtree holds them."""
    by_path = {u.path: u.pk for u in units}
    sums = {u.pk: [0, 0] for u in units}
    step = Unit.steplen
    for path, value, count in rows:
        for end in range(step, len(path) + 1, step):
            pk = by_path.get(path[:end])
            if pk is not None:
                sums[pk][0] += value
                sums[pk][1] += count
    return {pk: (s[0], s[1]) for pk, s in sums.items()}


def _end_of(cutoff: dt.date) -> dt.datetime:
    """The first moment after the cut-off day, in the display time zone."""
    return timezone.make_aware(dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time.min))


def satisfaction(campaign: Any, units: Sequence[Any], cutoff: dt.date) -> dict[int, Measure]:
    rows = (
        SatisfactionRating.objects.filter(
            _paths_q("problem__unit__path", units, campaign),
            problem__campaign=campaign,
            created_at__lt=_end_of(cutoff),
        )
        .values_list("problem__unit__path", "score")
        .iterator(chunk_size=5000)
    )
    sums = _accumulate(units, ((path, score, 1) for path, score in rows))
    out = {}
    for pk, (total, count) in sums.items():
        if not count:
            out[pk] = Measure(None, Decimal(0), Decimal(0), _("No ratings by the cut-off."))
            continue
        mean = (Decimal(total) / count).quantize(_CENT, ROUND_HALF_UP)
        out[pk] = Measure(
            mean,
            Decimal(total),
            Decimal(count),
            _(
                "Mean of %(n)d ratings given by the cut-off (very satisfied 100, satisfied 80, "
                "basically satisfied 60, dissatisfied 0): %(total)d / %(n)d."
            )
            % {"n": count, "total": total},
        )
    return out


def public_solved(campaign: Any, units: Sequence[Any], cutoff: dt.date) -> dict[int, Measure]:
    tasks = RectificationTask.objects.filter(problems=OuterRef("pk"))
    unsolved = tasks.filter(
        ~Q(status=TaskStatus.VERIFIED) | Q(closed_on__isnull=True) | Q(closed_on__gt=cutoff)
    )
    rows = (
        Problem.objects.filter(
            _paths_q("unit__path", units, campaign),
            campaign=campaign,
            source=ProblemSource.PUBLIC_OPINION,
            reported_on__lte=cutoff,
        )
        .exclude(status=ProblemStatus.MERGED)
        .annotate(has_task=Exists(tasks), unsolved=Exists(unsolved))
        .values_list("unit__path", "has_task", "unsolved")
        .iterator(chunk_size=5000)
    )
    sums = _accumulate(units, ((path, int(has and not open_), 1) for path, has, open_ in rows))
    out = {}
    for pk, (solved, count) in sums.items():
        if not count:
            out[pk] = Measure(
                None, Decimal(0), Decimal(0), _("No problems from the public by the cut-off.")
            )
            continue
        share = (Decimal(100 * solved) / count).quantize(_CENT, ROUND_HALF_UP)
        out[pk] = Measure(
            share,
            Decimal(solved),
            Decimal(count),
            _(
                "%(solved)d of %(n)d problems from the public reported by the cut-off had every "
                "rectification task verified and closed by then."
            )
            % {"solved": solved, "n": count},
        )
    return out


SATISFACTION = register(
    Indicator(
        key="portal.satisfaction",
        label=gettext_lazy("Mean public satisfaction"),
        compute=satisfaction,
        description=gettext_lazy(
            "The public's ratings of rectified problems, very satisfied 100, satisfied 80, "
            "basically satisfied 60, dissatisfied 0, averaged over the unit's subtree."
        ),
    )
)
PUBLIC_SOLVED = register(
    Indicator(
        key="portal.public_solved",
        label=gettext_lazy("Share of problems from the public solved"),
        compute=public_solved,
        description=gettext_lazy(
            "Problems from the public's opinions whose rectification tasks were all verified "
            "and closed by the cut-off, out of those reported by then."
        ),
    )
)
