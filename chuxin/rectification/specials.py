"""Special rectifications (专项整治): a named programme with a leading unit, participating
units and their tasks; the roll-up per participating unit; the leading unit's periodic
reports with the figures of the day. Services, selectors and figures in one place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Campaign, Unit

from .models import (
    SpecialRectification,
    SpecialReport,
)


def _require_manage(actor: Any, unit: Unit) -> None:
    if not scope_for(actor).allows(unit, Action.MANAGE):
        raise PermissionDenied(_("You may not change %(unit)s.") % {"unit": unit.name})


def _clean(name: str, goals: str) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    if len(name) > 200:
        raise ValidationError({"name": _("At most %(n)d characters.") % {"n": 200}})
    return name, (goals or "").strip()


@transaction.atomic
def special_create(
    *,
    actor: Any,
    campaign: Campaign,
    name: str,
    leading_unit: Unit,
    participating_units: Iterable[Unit] = (),
    goals: str = "",
) -> SpecialRectification:
    """The leading group office (who manages the campaign's root) sets up a programme."""
    _require_manage(actor, campaign.root_unit)
    name, goals = _clean(name, goals)
    special = SpecialRectification.objects.create(
        campaign=campaign, name=name, leading_unit=leading_unit, goals=goals
    )
    special.participating_units.set(list(participating_units))
    return special


@transaction.atomic
def special_update(
    *,
    actor: Any,
    special: SpecialRectification,
    name: str,
    goals: str = "",
    participating_units: Iterable[Unit] | None = None,
) -> SpecialRectification:
    """The office or the leading unit changes the programme (units with tasks stay in)."""
    if not (
        scope_for(actor).allows(special.leading_unit, Action.MANAGE)
        or scope_for(actor).allows(special.campaign.root_unit, Action.MANAGE)
    ):
        raise PermissionDenied(_("You may not change this special rectification."))
    special.name, special.goals = _clean(name, goals)
    special.save()
    if participating_units is not None:
        units = {u.pk: u for u in participating_units}
        with_tasks = set(special.tasks.values_list("responsible_unit_id", flat=True))
        missing = with_tasks - set(units)
        if missing:
            raise ValidationError(
                {"participating_units": _("Units with tasks in the programme must stay in it.")}
            )
        special.participating_units.set(list(units.values()))
    return special


@transaction.atomic
def special_report_add(
    *,
    actor: Any,
    special: SpecialRectification,
    period: str,
    text: str,
    date: dt.date | None = None,
) -> SpecialReport:
    """The leading unit reports for a period; the figures of the day are kept with it."""
    _require_manage(actor, special.leading_unit)
    period, text = (period or "").strip(), (text or "").strip()
    errors = {}
    if not period:
        errors["period"] = _("This field is required.")
    if not text:
        errors["text"] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    totals = special_figures(special).totals
    return SpecialReport.objects.create(
        special=special,
        period=period[:100],
        text=text,
        date=date or timezone.localdate(),
        figures=totals,
        created_by=actor,
    )


def check_task_unit(special: SpecialRectification, unit: Unit) -> None:
    """A programme's tasks belong to its participating units (or the leading unit)."""
    if unit.pk == special.leading_unit_id:
        return
    if not special.participating_units.filter(pk=unit.pk).exists():
        raise ValidationError(
            {"special": _("%(unit)s does not take part in this programme.") % {"unit": unit.name}}
        )


# --- Reads -----------------------------------------------------------------------------------


def specials_visible(user: Any) -> QuerySet[SpecialRectification]:
    """Programmes whose leading unit or one of whose participating units the user sees."""
    scope = scope_for(user)
    qs = SpecialRectification.objects.select_related("leading_unit", "campaign")
    if scope.everything:
        return qs
    if scope.is_empty:
        return qs.none()
    lead = scope.units_q("leading_unit")
    part = scope.units_q("participating_units")
    ids = SpecialRectification.objects.filter(lead | part).values("pk")
    return qs.filter(pk__in=ids)


def special_get(user: Any, pk: int, *, action: Action = Action.VIEW) -> SpecialRectification:
    special = get_object_or_404(specials_visible(user), pk=pk)
    if action == Action.MANAGE and not scope_for(user).allows(special.leading_unit, Action.MANAGE):
        raise PermissionDenied
    return special


@dataclass(frozen=True)
class UnitLine:
    unit: Unit
    tasks: int
    closed: int
    on_time: int
    open: int
    overdue: int

    @property
    def closed_pct(self) -> int | None:
        return self.closed * 100 // self.tasks if self.tasks else None


@dataclass(frozen=True)
class SpecialFigures:
    lines: list[UnitLine]
    totals: dict[str, int]


def special_figures(special: SpecialRectification) -> SpecialFigures:
    """Per participating unit (and the leading unit if it has tasks): the programme's tasks,
    closed, closed on time, open, overdue — what the leading unit's comrade reports. From the
    maintained counts (``special_counters``): one row per unit, however many tasks."""
    from .counters import overdue_current
    from .models import SpecialUnitCount
    from .special_counters import METRICS

    overdue_current()
    rows: dict[int, dict[str, Any]] = {
        r["unit_id"]: r
        for r in SpecialUnitCount.objects.filter(special=special).values("unit_id", *METRICS)
    }
    units = list(special.participating_units.order_by("path"))
    if special.leading_unit_id in rows and special.leading_unit not in units:
        units.insert(0, special.leading_unit)
    empty: dict[str, Any] = {}
    lines = [
        UnitLine(unit=u, **{k: int(rows.get(u.pk, empty).get(k, 0)) for k in METRICS})
        for u in units
    ]
    totals = {k: sum(getattr(line, k) for line in lines) for k in METRICS}
    return SpecialFigures(lines=lines, totals=totals)
