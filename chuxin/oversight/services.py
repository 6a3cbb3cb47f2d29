"""Writes of the oversight capability: briefings (generate, edit, issue) and their weekly
schedules. Every service checks that the actor manages the unit (the office, or the unit's
administrators); the schedule's background run acts as the user who set the schedule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Campaign, Unit

from . import figures, selectors
from .models import Briefing, BriefingSchedule, BriefingStatus

LANGUAGES = (("zh", "zh-hans"), ("en", "en"))
RESULTS_IN_BRIEFING = 5
MAX_PERIOD_DAYS = 366


def _require_manage(actor: Any, unit: Unit) -> None:
    if not selectors.may_oversee(actor, unit):
        from django.http import Http404

        raise Http404
    if not scope_for(actor).allows(unit, Action.MANAGE):
        raise PermissionDenied(_("You may not write briefings for %(unit)s.") % {"unit": unit.name})


def campaign_for_unit(unit: Unit) -> Campaign | None:
    """The latest campaign whose root is the unit or one of its ancestors."""
    paths = unit.ancestor_paths(include_self=True)
    return Campaign.objects.filter(root_unit__path__in=paths).order_by("-start_date", "-id").first()


def _check_period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    errors = {}
    if start is None:
        errors["period_start"] = _("This field is required.")
    if end is None:
        errors["period_end"] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    assert start is not None and end is not None
    if end < start:
        raise ValidationError({"period_end": _("The period must end on or after its start.")})
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationError({"period_end": _("A briefing covers at most a year.")})
    return start, end


def _labels(spec: figures.FigureSpec) -> dict[str, str]:
    out = {}
    for short, code in LANGUAGES:
        with translation.override(code):
            out[short] = str(spec.label)
    return out


def _results(unit: Unit, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Selected rectification results: tasks verified and closed in the period, latest first."""
    from chuxin.rectification.models import RectificationTask, TaskStatus

    tasks = (
        RectificationTask.objects.filter(
            responsible_unit__path__startswith=unit.path,
            status=TaskStatus.VERIFIED,
            closed_on__gte=start,
            closed_on__lte=end,
        )
        .select_related("responsible_unit")
        .order_by("-closed_on", "-id")[:RESULTS_IN_BRIEFING]
    )
    return [
        {
            "code": t.code,
            "title": t.title,
            "unit": t.responsible_unit.name,
            "closed_on": t.closed_on.isoformat() if t.closed_on else "",
        }
        for t in tasks
    ]


def briefing_data(
    *, actor: Any, unit: Unit, campaign: Campaign | None, start: dt.date, end: dt.date
) -> dict[str, Any]:
    """The facts of a briefing, from the dashboard's figures (so the two always agree), with
    each label in both languages and the comparison with the last issued briefing."""
    board = selectors.dashboard(actor, unit)
    live = selectors.live_values([unit.pk])[unit.pk]
    previous = (
        Briefing.objects.filter(unit=unit, campaign=campaign, status=BriefingStatus.ISSUED)
        .order_by("-number")
        .first()
    )
    before: dict[str, Any] = previous.data.get("values", {}) if previous else {}
    specs = figures.all_specs()
    by_key = {s.key: s for _p, s in specs}
    rows = []
    for _p, spec in specs:
        if not (spec.headline or spec.heat):
            continue
        value, was = live.get(spec.key), before.get(spec.key)
        rows.append(
            {
                "key": spec.key,
                "label": _labels(spec),
                "value": value,
                "display": selectors.display(value, spec.fmt, spec),
                "previous": was,
                "previous_display": selectors.display(was, spec.fmt, spec) if previous else "",
                "delta": (round(value - was, 1) if value is not None and was is not None else None),
                "better": selectors.is_better(spec, was, value) if previous else None,
            }
        )
    behind = [
        {
            "key": flag["key"],
            "label": _labels(by_key[flag["key"]]),
            "units": [
                {"name": u["name"], "display": u["display"], "gap": u["gap"]} for u in flag["units"]
            ],
        }
        for flag in board["red_flags"]
    ]
    chart = next((c for c in board["charts"] if c["kind"] == "bar"), None)
    chart_data = None
    if chart:
        spec = by_key[chart["key"]]
        chart_data = {
            "label": _labels(spec),
            "fmt": chart["fmt"],
            "categories": chart["categories"],
            "values": chart["series"][0]["data"],
        }
    return {
        "values": live,
        "figures": rows,
        "behind": behind,
        "progress": [r["key"] for r in rows if r["better"]],
        "results": _results(unit, start, end),
        "chart": chart_data,
        "previous": (
            {"id": previous.pk, "number": previous.number, "end": previous.period_end.isoformat()}
            if previous
            else None
        ),
        "generated": timezone.localdate().isoformat(),
    }


def _texts(unit: Unit, start: dt.date, end: dt.date, data: dict[str, Any]) -> dict[str, str]:
    """Title and text in both languages, from the data through the briefing templates."""
    out: dict[str, str] = {}
    for short, code in LANGUAGES:
        with translation.override(code):
            context = {
                "unit": unit.name,
                "start": start,
                "end": end,
                "lang": short,
                "figures": [dict(f, label=f["label"][short]) for f in data["figures"]],
                "progress": [
                    dict(f, label=f["label"][short])
                    for f in data["figures"]
                    if f["key"] in data["progress"]
                ],
                "behind": [dict(b, label=b["label"][short]) for b in data["behind"]],
                "results": data["results"],
                "previous": data["previous"],
            }
            out[f"title_{short}"] = render_to_string(
                f"oversight/briefing_title_{short}.txt", context
            ).strip()
            out[f"body_{short}"] = render_to_string(
                f"oversight/briefing_body_{short}.txt", context
            ).strip()
    return out


def _generate(
    *,
    actor: Any,
    unit: Unit,
    campaign: Campaign | None,
    start: dt.date,
    end: dt.date,
    scheduled: bool = False,
) -> Briefing:
    if campaign is None:
        raise ValidationError({"campaign": _("No campaign covers this unit.")})
    data = briefing_data(actor=actor, unit=unit, campaign=campaign, start=start, end=end)
    return Briefing.objects.create(
        campaign=campaign,
        unit=unit,
        period_start=start,
        period_end=end,
        data=data,
        scheduled=scheduled,
        created_by=actor,
        **_texts(unit, start, end, data),
    )


@transaction.atomic
def briefing_generate(
    *,
    actor: Any,
    unit: Unit,
    period_start: dt.date | None,
    period_end: dt.date | None,
    campaign: Campaign | None = None,
) -> Briefing:
    """Generate a draft briefing of the unit for the period from the live figures."""
    _require_manage(actor, unit)
    start, end = _check_period(period_start, period_end)
    return _generate(
        actor=actor, unit=unit, campaign=campaign or campaign_for_unit(unit), start=start, end=end
    )


@transaction.atomic
def briefing_update(
    *,
    actor: Any,
    briefing: Briefing,
    title_zh: str,
    title_en: str,
    body_zh: str,
    body_en: str,
) -> Briefing:
    """Edit a draft's text. An issued briefing is frozen."""
    _require_manage(actor, briefing.unit)
    if briefing.is_issued:
        raise ValidationError({"status": _("An issued briefing cannot be changed.")})
    values = {
        "title_zh": (title_zh or "").strip(),
        "title_en": (title_en or "").strip(),
        "body_zh": (body_zh or "").strip(),
        "body_en": (body_en or "").strip(),
    }
    errors = {k: _("This field is required.") for k, v in values.items() if not v}
    errors |= {
        k: _("At most %(n)d characters.") % {"n": 200}
        for k in ("title_zh", "title_en")
        if len(values[k]) > 200
    }
    if errors:
        raise ValidationError(errors)
    for key, value in values.items():
        setattr(briefing, key, value)
    briefing.save()
    return briefing


def briefing_issue(*, actor: Any, briefing: Briefing) -> Briefing:
    """Issue a draft: it gets the next number (第N期) of its campaign and unit and is frozen."""
    _require_manage(actor, briefing.unit)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                current = Briefing.objects.select_for_update().get(pk=briefing.pk)
                if current.is_issued:
                    raise ValidationError({"status": _("This briefing is already issued.")})
                last = Briefing.objects.filter(
                    campaign_id=current.campaign_id, unit_id=current.unit_id
                ).aggregate(n=Max("number"))["n"]
                current.number = (last or 0) + 1
                current.status = BriefingStatus.ISSUED
                current.issued_at = timezone.now()
                current.issued_by = actor
                current.save()
                return current
        except IntegrityError:
            continue  # someone issued another one at the same moment: take the next number
    raise ValidationError({"status": _("Could not number the briefing; try again.")})


@transaction.atomic
def schedule_set(
    *,
    actor: Any,
    unit: Unit,
    weekday: int | None,
    active: bool = True,
    campaign: Campaign | None = None,
) -> BriefingSchedule:
    """Set (or change, or pause) the unit's weekly briefing."""
    _require_manage(actor, unit)
    if weekday is None or not 0 <= int(weekday) <= 6:
        raise ValidationError({"weekday": _("Choose a day of the week.")})
    campaign = campaign or campaign_for_unit(unit)
    if campaign is None:
        raise ValidationError({"campaign": _("No campaign covers this unit.")})
    schedule, _created = BriefingSchedule.objects.update_or_create(
        campaign=campaign,
        unit=unit,
        defaults={"weekday": int(weekday), "active": active, "created_by": actor},
    )
    return schedule


def scheduled_briefings_run(today: dt.date | None = None) -> list[Briefing]:
    """Generate this day's weekly drafts (once a day per schedule: a second run adds none)."""
    today = today or timezone.localdate()
    made = []
    due = BriefingSchedule.objects.filter(active=True, weekday=today.weekday()).exclude(
        last_run_on=today
    )
    for schedule in due.select_related("unit", "campaign", "created_by"):
        with transaction.atomic():
            claimed = (
                BriefingSchedule.objects.filter(pk=schedule.pk)
                .exclude(last_run_on=today)
                .update(last_run_on=today)
            )
            if not claimed:
                continue
            made.append(
                _generate(
                    actor=schedule.created_by,
                    unit=schedule.unit,
                    campaign=schedule.campaign,
                    start=today - dt.timedelta(days=6),
                    end=today,
                    scheduled=True,
                )
            )
    return made
