"""Reads of the oversight capability, scoped: the dashboard of a unit (headline figures, charts,
heat table, red flags, changes since last week) built from the maintained counters and the
snapshots only, the same for the page and the JSON API.

Who may look: the office, unit administrators and guidance team members, for the units their
roles cover. A member's own-unit grant does not open the dashboard; anything else answers 404.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Role, Unit

from . import figures, snapshots
from .figures import FigureSpec, Number, Provider
from .models import Briefing, BriefingSchedule, SnapshotDay

RED_FLAGS_PER_FIGURE = 3
CHART_UNITS = 30
# Percentage points behind the unit above at which the heat table's colour steps up.
HEAT_STEPS = (0.0, 5.0, 10.0, 20.0)


def _oversight_grants(user: Any) -> list[Any]:
    return [g for g in scope_for(user).grants if g.role != Role.MEMBER]


def may_oversee(user: Any, unit: Unit) -> bool:
    scope = scope_for(user)
    if scope.everything:
        return True
    return any(g.covers(unit) for g in _oversight_grants(user))


def oversight_units(user: Any) -> QuerySet[Unit]:
    """The units whose dashboard the user may open."""
    scope = scope_for(user)
    qs = Unit.objects.filter(archived_at__isnull=True)
    if scope.everything:
        return qs
    grants = _oversight_grants(user)
    if not grants:
        return qs.none()
    from django.db.models import Q

    q = Q(pk__in=[])
    for g in grants:
        q |= Q(path__startswith=g.path) if g.subtree else Q(pk=g.unit_id)
    return qs.filter(q)


def oversight_unit(user: Any, pk: int, *, action: Action = Action.VIEW) -> Unit:
    """A unit whose dashboard the user may open: 404 otherwise (as if it did not exist)."""
    unit = Unit.objects.filter(pk=pk, archived_at__isnull=True).first()
    if unit is None or not may_oversee(user, unit):
        raise Http404
    if action == Action.MANAGE and not scope_for(user).allows(unit, Action.MANAGE):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return unit


def home_unit(user: Any) -> Unit | None:
    """Where the user's dashboard starts: the root for the office, else their highest unit."""
    scope = scope_for(user)
    if scope.everything:
        return Unit.objects.filter(depth=1, archived_at__isnull=True).order_by("path").first()
    grants = sorted(_oversight_grants(user), key=lambda g: (len(g.path), g.path))
    if not grants:
        return None
    return Unit.objects.filter(pk=grants[0].unit_id, archived_at__isnull=True).first()


def breadcrumbs(user: Any, unit: Unit) -> list[Unit]:
    """The unit's ancestors whose dashboard the user may open, root first, ending with it."""
    scope = scope_for(user)
    grants = _oversight_grants(user)
    paths = [
        path
        for path in unit.ancestor_paths(include_self=True)
        if scope.everything or any(g.covers_path(path) for g in grants)
    ]
    return list(Unit.objects.filter(path__in=paths).order_by("depth").only("pk", "name", "path"))


def children(user: Any, unit: Unit) -> list[Unit]:
    return list(
        oversight_units(user)
        .filter(parent=unit)
        .order_by("order", "path")
        .only("pk", "name", "path", "kind", "numchild")
    )


# --- Formatting ------------------------------------------------------------------------------

_SENTINEL = 987654321


class Links:
    """URLs by unit, each pattern reversed once per request (``reverse`` costs more than the
    rest of a heat-table cell)."""

    def __init__(self) -> None:
        self._patterns: dict[str, str] = {}

    def _pattern(self, key: str, make: Any) -> str:
        pattern = self._patterns.get(key)
        if pattern is None:
            pattern = self._patterns[key] = make(_SENTINEL)
        return pattern

    def figure(self, spec: FigureSpec, pk: int) -> str:
        return self._pattern(spec.key, spec.url).replace(str(_SENTINEL), str(pk))

    def unit(self, pk: int) -> str:
        make = lambda p: reverse("oversight:unit", args=[p])  # noqa: E731
        return self._pattern("", make).replace(str(_SENTINEL), str(pk))


def display(value: Number | None, fmt: str, spec: FigureSpec | None = None) -> str:
    if spec is not None and spec.show is not None:
        return spec.show(value)
    if value is None:
        return "—"
    if fmt == "percent":
        return f"{number_format(value, 1)}%"
    if fmt == "rating":
        return number_format(value, 2)
    return number_format(value, 0, force_grouping=True)


def is_better(spec: FigureSpec, before: Number | None, now: Number | None) -> bool | None:
    if before is None or now is None or before == now:
        return None
    return (now < before) if spec.worse == "higher" else (now > before)


def gap(spec: FigureSpec, value: Number | None, reference: Number | None) -> float | None:
    """How far behind ``reference`` (the unit above) the value is, in its own units."""
    if value is None or reference is None:
        return None
    return float(reference - value) if spec.worse == "lower" else float(value - reference)


def heat_level(g: float | None) -> str:
    if g is None:
        return "heat-na"
    level = sum(1 for step in HEAT_STEPS if g > step)
    return f"heat-{level}"


# --- The dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitValues:
    """Every provider's figures of one unit: {figure key: value}."""

    unit_id: int
    values: dict[str, Number | None]


def _values(
    providers: Sequence[Provider], metrics: Mapping[str, Mapping[int, Mapping[str, int]]], pk: int
) -> dict[str, Number | None]:
    out: dict[str, Number | None] = {}
    for provider in providers:
        out.update(figures.figure_values(provider, metrics.get(provider.key, {}).get(pk)))
    return out


def live_values(
    unit_ids: Sequence[int], latest: SnapshotDay | bool | None = True
) -> dict[int, dict[str, Number | None]]:
    """Every figure of these units from the maintained counters: one query per provider
    (and, for providers read from the snapshot, one for the latest day's rows)."""
    providers = figures.providers()
    metrics = {p.key: p.values_for(unit_ids) for p in providers if not p.from_snapshot}
    stored = [p for p in providers if p.from_snapshot]
    if stored:
        if latest is True:
            latest = SnapshotDay.objects.order_by("-day").defer("extras").first()
        assert latest is None or isinstance(latest, SnapshotDay)
        rows = snapshots.unit_metrics([latest], unit_ids) if latest else {}
        for p in stored:
            if latest is None or not _had(latest, p):
                metrics[p.key] = {}
                continue
            metrics[p.key] = {pk: rows.get((latest.day, pk), {}).get(p.key, {}) for pk in unit_ids}
    out = {pk: _values(providers, metrics, pk) for pk in unit_ids}
    for p in stored:
        if not metrics[p.key]:  # no snapshot yet: nothing to show rather than zeros
            for values in out.values():
                values.update(dict.fromkeys((s.key for s in p.figures), None))
    return out


def snapshot_values(
    days: Sequence[SnapshotDay], unit_ids: Sequence[int]
) -> dict[tuple[dt.date, int], dict[str, Number | None]]:
    providers = figures.providers()
    stored = snapshots.unit_metrics(days, unit_ids)
    out: dict[tuple[dt.date, int], dict[str, Number | None]] = {}
    for day in days:
        for pk in unit_ids:
            m = stored.get((day.day, pk), {})
            # A provider absent that day (its app came later) has no figures then.
            out[(day.day, pk)] = {
                spec.key: (spec.compute(m.get(p.key, {})) if _had(day, p) else None)
                for p in providers
                for spec in p.figures
            }
    return out


def _had(day: SnapshotDay, provider: Provider) -> bool:
    prefix = f"{provider.key}."
    return any(k.startswith(prefix) for k in day.keys)


def _figure_json(
    spec: FigureSpec,
    pk: int,
    value: Number | None,
    before: Number | None,
    since: bool,
    links: Links,
) -> dict[str, Any]:
    delta = None if (before is None or value is None or not since) else round(value - before, 1)
    return {
        "key": spec.key,
        "slug": spec.key.replace(".", "-"),
        "label": str(spec.label),
        "value": value,
        "display": display(value, spec.fmt, spec),
        "fmt": spec.fmt,
        "worse": spec.worse,
        "url": links.figure(spec, pk),
        "change": delta,
        "better": is_better(spec, before, value) if since else None,
    }


def scope_fingerprint(user: Any) -> str:
    """Users with the same grants see the same dashboard of a unit (which sub-units it shows
    depends on the grants, nothing else): a short digest of them names that view."""
    scope = scope_for(user)
    grants = sorted((g.path, g.subtree, g.manage, g.role) for g in scope.grants)
    return hashlib.sha256(repr((scope.everything, grants)).encode()).hexdigest()[:20]


def _dashboard_key(user: Any, unit: Unit, what: str) -> str:
    today = timezone.localdate()
    return f"oversight:{what}:{unit.pk}:{get_language()}:{today}:{scope_fingerprint(user)}"


def dashboard_cached(user: Any, unit: Unit) -> dict[str, Any]:
    """``dashboard`` for today, shared for ``settings.DASHBOARD_CACHE_SECONDS`` by every user
    with the same grants and language (0 turns the cache off)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return dashboard(user, unit)
    key = _dashboard_key(user, unit, "dashboard")
    data = cache.get(key)
    if data is None:
        data = dashboard(user, unit)
        cache.set(key, data, seconds)
    return data


def dashboard_json(user: Any, unit: Unit) -> bytes:
    """The dashboard as the API's JSON body, cached as bytes like ``dashboard_cached``: a hit
    costs neither the figures nor their serialization."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    key = _dashboard_key(user, unit, "dashboard-json")
    body = cache.get(key) if seconds > 0 else None
    if body is None:
        body = json.dumps(dashboard(user, unit), cls=DjangoJSONEncoder, ensure_ascii=False).encode()
        if seconds > 0:
            cache.set(key, body, seconds)
    return body


def dashboard(user: Any, unit: Unit, *, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the dashboard shows for ``unit`` (whose scope the caller has checked), as
    plain data: the page renders it and the API returns it."""
    today = today or timezone.localdate()
    providers = figures.providers()
    specs = [(p, s) for p in providers for s in p.figures]
    heat_specs = [s for _p, s in specs if s.heat]
    links = Links()
    kids = children(user, unit)
    ids = [unit.pk, *(c.pk for c in kids)]
    days = snapshots.weekly_days(today)
    live = live_values(ids, days[-1] if days else None)
    mine = live[unit.pk]

    history = snapshot_values(days, [unit.pk])
    week_ago = next((d for d in reversed(days) if (today - d.day).days >= 7), None)
    before = history.get((week_ago.day, unit.pk), {}) if week_ago else {}

    sections = []
    for provider in providers:
        shown = [s for s in provider.figures if s.headline]
        if shown:
            sections.append(
                {
                    "key": provider.key,
                    "label": str(provider.label),
                    "figures": [
                        _figure_json(
                            s, unit.pk, mine[s.key], before.get(s.key), bool(week_ago), links
                        )
                        for s in shown
                    ],
                }
            )
    groups: dict[str, dict[str, Any]] = {}
    group_labels = {
        "problems_source": _("Problems by source"),
        "problems_category": _("Problems by category"),
        "tasks_status": _("Tasks by status"),
    }
    for _p, s in specs:
        if s.group:
            group = groups.setdefault(
                s.group, {"key": s.group, "label": group_labels.get(s.group, s.group), "items": []}
            )
            group["items"].append(
                {
                    "key": s.key,
                    "label": str(s.label),
                    "value": mine[s.key],
                    "url": links.figure(s, unit.pk),
                }
            )

    child_rows = []
    for child in kids:
        values = live[child.pk]
        child_rows.append(
            {
                "id": child.pk,
                "name": child.name,
                "url": links.unit(child.pk),
                "has_children": bool(child.numchild),
                "cells": [
                    {
                        "key": s.key,
                        "value": values[s.key],
                        "display": display(values[s.key], s.fmt, s),
                        "level": heat_level(gap(s, values[s.key], mine[s.key])),
                        "url": links.figure(s, child.pk),
                    }
                    for s in heat_specs
                ],
            }
        )
    heat_columns = [
        {
            "key": s.key,
            "label": str(s.label),
            "fmt": s.fmt,
            "worse": s.worse,
            "reference": mine[s.key],
            "reference_display": display(mine[s.key], s.fmt),
        }
        for s in heat_specs
    ]

    red_flags = []
    for s in heat_specs:
        behind = [
            (gap(s, live[c.pk][s.key], mine[s.key]), c)
            for c in kids
            if live[c.pk][s.key] is not None
        ]
        worst = sorted(
            ((g, c) for g, c in behind if g is not None and g > 0), key=lambda x: (-x[0], x[1].pk)
        )[:RED_FLAGS_PER_FIGURE]
        if worst:
            red_flags.append(
                {
                    "key": s.key,
                    "label": str(s.label),
                    "units": [
                        {
                            "id": c.pk,
                            "name": c.name,
                            "url": links.unit(c.pk),
                            "value": live[c.pk][s.key],
                            "display": display(live[c.pk][s.key], s.fmt, s),
                            "gap": round(g, 1),
                        }
                        for g, c in worst
                    ],
                }
            )

    changes = []
    if week_ago:
        for _p, s in specs:
            if not (s.headline or s.heat):
                continue
            was, now = before.get(s.key), mine[s.key]
            if was is None or now is None or was == now:
                continue
            changes.append(
                {
                    "key": s.key,
                    "label": str(s.label),
                    "before": display(was, s.fmt, s),
                    "now": display(now, s.fmt, s),
                    "delta": round(now - was, 1),
                    "better": is_better(s, was, now),
                }
            )

    charts = _charts(unit, specs, heat_specs, mine, kids, live, days, history, today, links)
    return {
        "unit": {"id": unit.pk, "name": unit.name, "kind": unit.kind},
        "breadcrumbs": [
            {"id": u.pk, "name": u.name, "url": links.unit(u.pk)} for u in breadcrumbs(user, unit)
        ],
        "today": today.isoformat(),
        "since": week_ago.day.isoformat() if week_ago else None,
        "sections": sections,
        "groups": list(groups.values()),
        "heat_columns": heat_columns,
        "children": child_rows,
        "red_flags": red_flags,
        "changes": changes,
        "charts": charts,
        "specials": _specials(unit, days),
    }


def _charts(
    unit: Unit,
    specs: Sequence[tuple[Provider, FigureSpec]],
    heat_specs: Sequence[FigureSpec],
    mine: Mapping[str, Number | None],
    kids: Sequence[Unit],
    live: Mapping[int, Mapping[str, Number | None]],
    days: Sequence[SnapshotDay],
    history: Mapping[tuple[dt.date, int], Mapping[str, Number | None]],
    today: dt.date,
    links: Links,
) -> list[dict[str, Any]]:
    charts: list[dict[str, Any]] = []
    for s in heat_specs:
        rows = [(live[c.pk][s.key], c) for c in kids if live[c.pk][s.key] is not None]
        # Worst first: the lowest coverage, the highest overdue share.
        rows.sort(key=lambda r: (r[0] if s.worse == "lower" else -(r[0] or 0), r[1].pk))
        rows = rows[:CHART_UNITS]
        if not rows:
            continue
        charts.append(
            {
                "id": f"bars-{s.key.replace('.', '-')}",
                "key": s.key,
                "kind": "bar",
                "title": _("%(figure)s by sub-unit, worst first") % {"figure": s.label},
                "fmt": s.fmt,
                "categories": [c.name for _v, c in rows],
                "links": [links.unit(c.pk) for _v, c in rows],
                "series": [{"name": str(s.label), "data": [v for v, _c in rows]}],
            }
        )
    trend = [s for _p, s in specs if s.trend]
    if trend:
        points = [(d.day, history.get((d.day, unit.pk), {})) for d in days if d.day < today]
        points.append((today, mine))
        charts.append(
            {
                "id": "lines-progress",
                "kind": "line",
                "title": _("Progress over time (weekly)"),
                "fmt": "percent",
                "categories": [day.isoformat() for day, _v in points],
                "links": [],
                "series": [
                    {"name": str(s.label), "data": [v.get(s.key) for _d, v in points]}
                    for s in trend
                ],
            }
        )
    grouped: dict[str, list[FigureSpec]] = {}
    for _p, s in specs:
        if s.group:
            grouped.setdefault(s.group, []).append(s)
    titles = {
        "problems_source": _("Problems by source"),
        "problems_category": _("Problems by category"),
        "tasks_status": _("Tasks by status"),
    }
    for group, members in grouped.items():
        charts.append(
            {
                "id": f"group-{group}",
                "kind": "hbar",
                "title": titles.get(group, group),
                "fmt": "count",
                "categories": [str(s.label) for s in members],
                "links": [links.figure(s, unit.pk) for s in members],
                "series": [{"name": _("Number"), "data": [mine[s.key] for s in members]}],
            }
        )
    for chart in charts:
        chart["rows"] = [
            {
                "label": label,
                "link": chart["links"][i] if i < len(chart["links"]) else "",
                "cells": [display(series["data"][i], chart["fmt"]) for series in chart["series"]],
            }
            for i, label in enumerate(chart["categories"])
        ]
    return charts


def _specials(unit: Unit, days: Sequence[SnapshotDay]) -> list[dict[str, Any]]:
    """Special rectifications led from this subtree, with their progress as of the last
    snapshot (a programme's tasks are not per-unit counters)."""
    from chuxin.rectification.models import SpecialRectification

    latest = days[-1] if days else None
    rows = list(
        SpecialRectification.objects.filter(leading_unit__path__startswith=unit.path).values_list(
            "pk", "name"
        )
    )
    progress = (latest.extras or {}).get("specials", {}) if latest and rows else {}
    out = []
    for pk, name in rows:
        tasks, closed, overdue = (progress.get(str(pk)) or [0, 0, 0])[:3]
        out.append(
            {
                "id": pk,
                "name": name,
                "tasks": tasks,
                "closed": closed,
                "overdue": overdue,
                "closed_pct": figures.pct(closed, tasks),
                "as_of": latest.day.isoformat() if latest else None,
                "url": reverse("rectification:special_detail", args=[pk]),
            }
        )
    return out


# --- Briefings -------------------------------------------------------------------------------


def briefings_visible(user: Any) -> QuerySet[Briefing]:
    return Briefing.objects.filter(unit__in=oversight_units(user)).select_related("unit")


def briefing_get(user: Any, pk: int) -> Briefing:
    briefing = briefings_visible(user).select_related("campaign").filter(pk=pk).first()
    if briefing is None:
        raise Http404
    return briefing


def schedules_visible(user: Any) -> QuerySet[BriefingSchedule]:
    return BriefingSchedule.objects.filter(unit__in=oversight_units(user)).select_related(
        "unit", "campaign"
    )
