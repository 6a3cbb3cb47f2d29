"""Problems' and rectification's headline figures on the leading group's dashboard (see
``chuxin.oversight.figures``), read from :class:`UnitRectificationRollup`: problems by source
and category, tasks by status, closed on time, overdue, and the rates compared between units."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chuxin.oversight.figures import FigureSpec, Provider, metric, ratio, register
from chuxin.problems.models import ProblemCategory, ProblemSource

from . import counters
from .models import TaskStatus, UnitRectificationRollup


def _problems(**params: str) -> Callable[[int], str]:
    def url(pk: int) -> str:
        return f"{reverse('problems:list')}?{urlencode({'unit': pk, **params})}"

    return url


def _tasks(**params: str) -> Callable[[int], str]:
    def url(pk: int) -> str:
        return f"{reverse('rectification:task_list')}?{urlencode({'unit': pk, **params})}"

    return url


def _unit(pk: int) -> str:
    return reverse("rectification:unit", args=[pk])


register(
    Provider(
        key="rect",
        label=_("Problems and rectification"),
        order=30,
        model=UnitRectificationRollup,
        metrics=counters.METRICS,
        figures=(
            FigureSpec("rect.problems", _("Problems"), metric("problems"), _problems()),
            *(
                FigureSpec(
                    f"rect.p_{value}",
                    label,
                    metric(f"p_{value}"),
                    _problems(source=value),
                    headline=False,
                    group="problems_source",
                )
                for value, label in ProblemSource.choices
            ),
            *(
                FigureSpec(
                    f"rect.c_{value}",
                    label,
                    metric(f"c_{value}"),
                    _problems(category=value),
                    headline=False,
                    group="problems_category",
                )
                for value, label in ProblemCategory.choices
            ),
            FigureSpec("rect.tasks", _("Rectification tasks"), metric("tasks"), _tasks()),
            *(
                FigureSpec(
                    f"rect.t_{value}",
                    label,
                    metric(f"t_{value}"),
                    _tasks(status=value),
                    headline=False,
                    group="tasks_status",
                )
                for value, label in TaskStatus.choices
            ),
            FigureSpec(
                "rect.closed_pct",
                _("Tasks verified and closed"),
                ratio("t_verified", "tasks"),
                _tasks(status=TaskStatus.VERIFIED),
                worse="lower",
                fmt="percent",
                heat=True,
                trend=True,
            ),
            FigureSpec(
                "rect.on_time_pct",
                _("Closed on time"),
                ratio("on_time", "t_verified"),
                _tasks(status=TaskStatus.VERIFIED),
                worse="lower",
                fmt="percent",
                heat=True,
                trend=True,
            ),
            FigureSpec(
                "rect.overdue",
                _("Overdue tasks"),
                metric("overdue"),
                _tasks(due="overdue"),
            ),
            FigureSpec(
                "rect.overdue_pct",
                _("Share of tasks overdue"),
                ratio("overdue", "tasks"),
                _tasks(due="overdue"),
                worse="higher",
                fmt="percent",
                heat=True,
                trend=True,
            ),
        ),
    )
)
