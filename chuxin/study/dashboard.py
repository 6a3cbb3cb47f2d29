"""Study's headline figures on the leading group's dashboard (see ``chuxin.oversight.figures``):
coverage of the members study is required of, not yet covered, never recorded, make-up owed."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chuxin.oversight.figures import FigureSpec, Metrics, Provider, metric, ratio, register

from .models import UnitStudyRollup


def _coverage(pk: int) -> str:
    return reverse("study:coverage", args=[pk])


def _dead_ends(pk: int) -> str:
    return reverse("study:dead_ends", args=[pk])


def _sessions(pk: int) -> str:
    return reverse("study:session_list", args=[pk])


def _not_covered(m: Metrics) -> int:
    return int(m.get("required", 0)) - int(m.get("covered", 0))


register(
    Provider(
        key="study",
        label=_("Study"),
        order=20,
        model=UnitStudyRollup,
        metrics=("members", "required", "covered", "never_recorded", "makeup_owing", "sessions"),
        figures=(
            FigureSpec(
                "study.coverage",
                _("Study coverage"),
                ratio("covered", "required"),
                _coverage,
                worse="lower",
                fmt="percent",
                heat=True,
                trend=True,
            ),
            FigureSpec("study.covered", _("Members covered"), metric("covered"), _coverage),
            FigureSpec("study.not_covered", _("Members not yet covered"), _not_covered, _dead_ends),
            FigureSpec(
                "study.never_recorded",
                _("Members never recorded"),
                metric("never_recorded"),
                _dead_ends,
            ),
            FigureSpec(
                "study.makeup_owing",
                _("Members owing make-up study"),
                metric("makeup_owing"),
                _dead_ends,
            ),
            FigureSpec(
                "study.sessions",
                _("Collective sessions held"),
                metric("sessions"),
                _sessions,
                worse="lower",
            ),
        ),
    )
)
