"""Keeps the rectification counters right when problems change, and writes the demo problems
(units created or moved: ``chuxin.core.receivers``, for every rollup)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from chuxin.organization.models import Unit
from chuxin.organization.signals import demo_campaign_loaded
from chuxin.problems.signals import problem_changed

from . import counters


@receiver(problem_changed, dispatch_uid="rectification.problem_changed")
def on_problem_changed(sender: Any, before: Any, after: Any, **kwargs: Any) -> None:
    counters.apply_change(
        (before.unit_id, counters.problem_values(before)) if before else None,
        (after.unit_id, counters.problem_values(after)) if after else None,
    )


@receiver(demo_campaign_loaded, dispatch_uid="rectification.demo_campaign_loaded")
def on_demo_campaign_loaded(
    sender: Any, campaign: Any, seed: int, progress: Any = None, **kwargs: Any
) -> None:
    """`chuxin demo`: write the problems, tasks and special rectifications of the demo
    campaign (the loader rebuilds the counters afterwards)."""
    from . import demo

    if progress is None:
        demo.generate(campaign, seed=seed)
        return
    units = Unit.objects.filter(path__startswith=campaign.root_unit.path).count()
    task = progress.add_task("problems and tasks", total=demo.expected_rows(units))
    demo.generate(campaign, seed=seed, tick=lambda n: progress.advance(task, n))
