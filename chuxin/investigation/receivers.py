"""Writes the demo research (units created or moved: ``chuxin.core.receivers``, for every
rollup)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from chuxin.organization.signals import demo_campaign_loaded


@receiver(demo_campaign_loaded, dispatch_uid="investigation.demo_campaign_loaded")
def on_demo_campaign_loaded(
    sender: Any, campaign: Any, seed: int, progress: Any = None, **kwargs: Any
) -> None:
    """`chuxin demo`: the research topics, activities and findings of the demo campaign."""
    from chuxin.organization.models import Member

    from . import demo

    if progress is None:
        demo.generate(campaign, seed=seed)
        return
    cadres = Member.objects.filter(is_leading_cadre=True).count()
    task = progress.add_task("research topics", total=demo.expected_rows(cadres))
    demo.generate(campaign, seed=seed, tick=lambda n: progress.advance(task, n))
