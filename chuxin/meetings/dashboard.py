"""Life meetings' headline figures on the leading group's dashboard (see
``chuxin.oversight.figures``), read from :class:`UnitMeetingRollup`: meetings planned, held
and reported upward, reported late, and the share held (compared between units)."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chuxin.oversight.figures import FigureSpec, Metrics, Provider, metric, pct, register

from .counters import METRICS
from .models import UnitMeetingRollup

STATUSES = ("planned", "preparing", "ready", "held", "reported")


def _meetings(status: str = "") -> Callable[[int], str]:
    def url(pk: int) -> str:
        base = reverse("meetings:unit", args=[pk])
        return f"{base}?status={status}" if status else base

    return url


def _total(m: Metrics) -> int:
    return sum(int(m.get(s, 0)) for s in STATUSES)


def _held(m: Metrics) -> int:
    return int(m.get("held", 0)) + int(m.get("reported", 0))


def _held_pct(m: Metrics) -> float | None:
    return pct(_held(m), _total(m))


register(
    Provider(
        key="meetings",
        label=_("Life meetings"),
        order=40,
        model=UnitMeetingRollup,
        metrics=METRICS,
        figures=(
            FigureSpec("meetings.total", _("Life meetings planned"), _total, _meetings()),
            FigureSpec("meetings.held", _("Life meetings held"), _held, _meetings("held")),
            FigureSpec(
                "meetings.reported",
                _("Life meetings reported upward"),
                metric("reported"),
                _meetings("reported"),
                worse="lower",
            ),
            FigureSpec(
                "meetings.reported_late",
                _("Life meetings reported late"),
                metric("reported_late"),
                _meetings("reported"),
            ),
            FigureSpec(
                "meetings.held_pct",
                _("Share of life meetings held"),
                _held_pct,
                _meetings("held"),
                worse="lower",
                fmt="percent",
                heat=True,
                trend=True,
            ),
        ),
    )
)
