"""`chuxin demo`: the demo campaign's assessment scheme and manual scores."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from chuxin.organization.signals import demo_campaign_loaded


@receiver(demo_campaign_loaded, dispatch_uid="assessment.demo_campaign_loaded")
def on_demo_campaign_loaded(
    sender: Any, campaign: Any, seed: int, progress: Any = None, **kwargs: Any
) -> None:
    """Write the demo scheme (after the guidance teams: their units get manual scores)."""
    from . import demo

    demo.generate(campaign, seed=seed)
