"""The public's opinions and satisfaction on the leading group's dashboard (see
``chuxin.oversight.figures``): opinions received and answered, ratings and the mean
satisfaction (0-100, the assessment's scale) of a subtree.

The portal keeps no per-unit counters and opinions are many at province scale, so these
figures come from the daily snapshot (``from_snapshot``): once a day one grouped query per
table, never a count on request. They read "as of" the latest snapshot."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chuxin.oversight.figures import FigureSpec, Metrics, Provider, metric, ratio, register
from chuxin.oversight.subtree import read_all_for

from .models import Opinion, SatisfactionRating

METRICS = ("opinions", "answered", "ratings", "score_sum")


def _counts(top: str) -> list[tuple[str, str, int]]:
    opinions = Opinion.objects.all()
    ratings = SatisfactionRating.objects.all()
    if top:
        opinions = opinions.filter(unit__path__startswith=top)
        ratings = ratings.filter(problem__unit__path__startswith=top)
    rows: list[tuple[str, str, int]] = []
    for path, n, answered in (
        opinions.order_by()
        .values_list("unit__path")
        .annotate(n=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    ):
        rows += [(path, "opinions", n), (path, "answered", answered)]
    for path, n, total in (
        ratings.order_by()
        .values_list("problem__unit__path")
        .annotate(n=Count("pk"), s=Sum("score"))
    ):
        rows += [(path, "ratings", n), (path, "score_sum", int(total or 0))]
    return rows


def _mean(m: Metrics) -> float | None:
    n = int(m.get("ratings", 0))
    return round(int(m.get("score_sum", 0)) / n, 1) if n else None


def _opinions(status: str = "") -> Callable[[int], str]:
    def url(pk: int) -> str:
        base = f"{reverse('portal:triage')}?unit={pk}"
        return f"{base}&status={status}" if status else base

    return url


def _ratings(pk: int) -> str:
    return f"{reverse('portal:ratings')}?unit={pk}"


register(
    Provider(
        key="portal",
        label=_("The public's opinions"),
        order=60,
        metrics=METRICS,
        read_all=read_all_for(_counts, METRICS),
        from_snapshot=True,
        figures=(
            FigureSpec("portal.opinions", _("Opinions received"), metric("opinions"), _opinions()),
            FigureSpec(
                "portal.answered",
                _("Opinions answered"),
                metric("answered"),
                _opinions("answered"),
                worse="lower",
            ),
            FigureSpec(
                "portal.answered_pct",
                _("Share of opinions answered"),
                ratio("answered", "opinions"),
                _opinions("answered"),
                worse="lower",
                fmt="percent",
                heat=True,
            ),
            FigureSpec(
                "portal.satisfaction",
                _("Mean satisfaction (0-100)"),
                _mean,
                _ratings,
                worse="lower",
                fmt="rating",
            ),
        ),
    )
)
