"""The organization's headline figures on the leading group's dashboard (see
``chuxin.oversight.figures``): members, leading cadres and units of a subtree."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chuxin.oversight.figures import FigureSpec, Provider, metric, register

from .models import UnitRollup


def _members(pk: int) -> str:
    return f"{reverse('organization:member_list')}?unit={pk}"


def _unit(pk: int) -> str:
    return reverse("organization:unit_detail", args=[pk])


register(
    Provider(
        key="org",
        label=_("Organization"),
        order=10,
        model=UnitRollup,
        metrics=("members", "leading_cadres", "units"),
        figures=(
            FigureSpec("org.members", _("Members"), metric("members"), _members),
            FigureSpec(
                "org.leading_cadres", _("Leading cadres"), metric("leading_cadres"), _members
            ),
            FigureSpec("org.units", _("Units"), metric("units"), _unit),
        ),
    )
)
