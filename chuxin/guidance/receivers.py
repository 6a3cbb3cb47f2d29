"""`chuxin demo`: the demo campaign's guidance teams, visits and findings."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from chuxin.organization.signals import demo_campaign_loaded


@receiver(demo_campaign_loaded, dispatch_uid="guidance.demo_campaign_loaded")
def on_demo_campaign_loaded(
    sender: Any, campaign: Any, seed: int, progress: Any = None, **kwargs: Any
) -> None:
    """Write the guidance teams of the demo campaign (the loader rebuilds the counters)."""
    from . import demo

    demo.generate(campaign, seed=seed)
