"""Demo data of the portal for the demo campaign."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from chuxin.organization.signals import demo_campaign_loaded


@receiver(demo_campaign_loaded, dispatch_uid="portal.demo_campaign_loaded")
def on_demo_campaign_loaded(
    sender: Any, campaign: Any, seed: int, progress: Any = None, **kwargs: Any
) -> None:
    """`chuxin demo`: the opinions of the public and the satisfaction ratings (after the
    rectification demo, whose problems from the public they come from)."""
    from chuxin.problems.models import Problem

    from . import demo

    if progress is None:
        demo.generate(campaign, seed=seed)
        return
    public = Problem.objects.filter(campaign=campaign, source="public").count()
    task = progress.add_task("opinions and ratings", total=demo.expected_rows(public))
    demo.generate(campaign, seed=seed, tick=lambda n: progress.advance(task, n))
