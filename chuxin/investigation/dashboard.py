"""Investigation and research on the leading group's dashboard (see
``chuxin.oversight.figures``), read from :class:`UnitResearchRollup`: research topics, those
with a report, activities (visits, forums), findings and people reached."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chuxin.oversight.figures import FigureSpec, Provider, metric, ratio, register

from .counters import METRICS
from .models import UnitResearchRollup


def _unit(pk: int) -> str:
    return reverse("investigation:unit", args=[pk])


register(
    Provider(
        key="research",
        label=_("Investigation and research"),
        order=35,
        model=UnitResearchRollup,
        metrics=METRICS,
        figures=(
            FigureSpec(
                "research.topics", _("Research topics"), metric("topics"), _unit, worse="lower"
            ),
            FigureSpec(
                "research.reported_pct",
                _("Research topics with a report"),
                ratio("reported", "topics"),
                _unit,
                worse="lower",
                fmt="percent",
            ),
            FigureSpec(
                "research.activities",
                _("Research visits and forums"),
                metric("activities"),
                _unit,
                worse="lower",
            ),
            FigureSpec("research.findings", _("Research findings"), metric("findings"), _unit),
        ),
    )
)
