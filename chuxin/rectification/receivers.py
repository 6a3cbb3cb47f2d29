"""Keeps the rectification counters right when problems and units change under them."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from chuxin.core import rollups
from chuxin.core.imports import import_in_progress
from chuxin.organization.models import Unit
from chuxin.organization.signals import demo_campaign_loaded
from chuxin.problems.signals import problem_changed

from . import counters
from .models import UnitRectificationRollup


@receiver(problem_changed, dispatch_uid="rectification.problem_changed")
def on_problem_changed(sender: Any, before: Any, after: Any, **kwargs: Any) -> None:
    counters.apply_change(
        (before.unit_id, counters.problem_values(before)) if before else None,
        (after.unit_id, counters.problem_values(after)) if after else None,
    )


@receiver(post_save, sender=Unit, dispatch_uid="rectification.unit_saved")
def on_unit_saved(
    sender: Any, instance: Unit, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    """A new unit gets its (zero) row; a moved unit carries its subtree's totals with it."""
    if import_in_progress():
        return  # the import refreshes every registered rollup
    if created:
        UnitRectificationRollup.objects.get_or_create(unit=instance)
    elif update_fields is not None and "parent" in update_fields:
        rollups.refresh(counters.rollup())


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
