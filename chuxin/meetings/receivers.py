"""Writes the demo meetings (units created or moved: ``chuxin.core.receivers``, for every
rollup)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from chuxin.organization.signals import demo_campaign_loaded


@receiver(demo_campaign_loaded, dispatch_uid="meetings.demo_campaign_loaded")
def on_demo_campaign_loaded(
    sender: Any, campaign: Any, seed: int, progress: Any = None, **kwargs: Any
) -> None:
    """`chuxin demo`: write the demo life meetings (the loader rebuilds the counters)."""
    from . import demo

    if progress is None:
        demo.generate(campaign, seed=seed)
        return
    task = progress.add_task("life meetings", total=1)
    demo.generate(campaign, seed=seed)
    progress.advance(task, 1)
