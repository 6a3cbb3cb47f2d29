"""Long-term mechanisms on the leading group's dashboard (see ``chuxin.oversight.figures``),
read from :class:`UnitMechanismRollup`: the rules, systems and plans in force in a subtree."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chuxin.oversight.figures import FigureSpec, Provider, metric, register

from .counters import METRICS
from .models import UnitMechanismRollup


def _list(pk: int) -> str:
    return f"{reverse('mechanisms:list')}?unit={pk}"


register(
    Provider(
        key="mechanisms",
        label=_("Long-term mechanisms"),
        order=70,
        model=UnitMechanismRollup,
        metrics=METRICS,
        figures=(
            FigureSpec(
                "mechanisms.total",
                _("Long-term mechanisms in force"),
                metric("mechanisms"),
                _list,
                worse="lower",
            ),
        ),
    )
)
