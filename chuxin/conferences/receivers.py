"""The conferences' demo data, written when `chuxin demo` has created the demo campaign."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from chuxin.organization.signals import demo_campaign_loaded


@receiver(demo_campaign_loaded, dispatch_uid="conferences.demo_campaign_loaded")
def on_demo_campaign_loaded(
    sender: Any, campaign: Any, seed: int, progress: Any = None, **kwargs: Any
) -> None:
    """`chuxin demo`: the campaign's promotion conferences (after the special
    rectifications, whose leading units report at the third)."""
    from . import demo

    if progress is None:
        demo.generate(campaign, seed=seed)
        return
    task = progress.add_task("promotion conferences", total=1)
    demo.generate(campaign, seed=seed)
    progress.advance(task)
