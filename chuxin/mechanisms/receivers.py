"""Writes the demo register (units created or moved: ``chuxin.core.receivers``, for every
rollup)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from chuxin.organization.signals import demo_campaign_loaded


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
