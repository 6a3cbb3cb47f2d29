"""Keeps the mechanism counters right when units change, and writes the demo register."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from chuxin.core import rollups
from chuxin.core.imports import import_in_progress
from chuxin.organization.models import Unit
from chuxin.organization.signals import demo_campaign_loaded

from . import counters
from .models import UnitMechanismRollup


@receiver(post_save, sender=Unit, dispatch_uid="mechanisms.unit_saved")
def on_unit_saved(
    sender: Any, instance: Unit, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    """A new unit gets its (zero) row; a moved unit carries its subtree's totals with it."""
    if import_in_progress():
        return  # the import refreshes every registered rollup
    if created:
        UnitMechanismRollup.objects.get_or_create(unit=instance)
    elif update_fields is not None and "parent" in update_fields:
        rollups.refresh(counters.rollup())


@receiver(demo_campaign_loaded, dispatch_uid="mechanisms.demo_campaign_loaded")
def on_demo_campaign_loaded(
    sender: Any, campaign: Any, seed: int, progress: Any = None, **kwargs: Any
) -> None:
    """`chuxin demo`: the mechanisms the demo campaign's long-term tasks produced."""
    from . import demo

    if progress is None:
        demo.generate(campaign, seed=seed)
        return
    task = progress.add_task("long-term mechanisms", total=1)
    demo.generate(campaign, seed=seed)
    progress.advance(task, 1)
