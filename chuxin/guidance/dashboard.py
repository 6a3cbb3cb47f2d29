"""Guidance's headline figures on the leading group's dashboard (see
``chuxin.oversight.figures``): visits to the units of a subtree and what they found. Visits are
few (a handful per assigned unit), so they are counted by unit path in one query."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chuxin.oversight.figures import FigureSpec, Provider, metric, register
from chuxin.oversight.subtree import grouped, read_all_for, read_for

from .models import Finding, Visit

METRICS = ("visits", "findings")


def _counts(top: str) -> list[tuple[str, str, int]]:
    visits = Visit.objects.filter(archived_at__isnull=True)
    findings = Finding.objects.filter(visit__archived_at__isnull=True)
    return grouped(visits, "unit__path", "visits", top) + grouped(
        findings, "visit__unit__path", "findings", top
    )


def _home(_pk: int) -> str:
    return reverse("guidance:home")


register(
    Provider(
        key="guidance",
        label=_("Supervision and guidance"),
        order=50,
        metrics=METRICS,
        read=read_for(_counts, METRICS),
        read_all=read_all_for(_counts, METRICS),
        figures=(
            FigureSpec(
                "guidance.visits", _("Guidance visits"), metric("visits"), _home, worse="lower"
            ),
            FigureSpec("guidance.findings", _("Guidance findings"), metric("findings"), _home),
        ),
    )
)
