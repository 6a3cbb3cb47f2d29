"""`chuxin demo`: the demo campaign gets a weekly briefing schedule for its root (the office
sets it), and the day's snapshot is taken once the load has committed and the counters are
rebuilt, so that the dashboard's snapshot-read figures and trend lines have a first point."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from chuxin.organization.signals import demo_campaign_loaded


@receiver(demo_campaign_loaded, dispatch_uid="oversight.demo_campaign_loaded")
def on_demo_campaign_loaded(sender: Any, campaign: Any, seed: int, **kwargs: Any) -> None:
    from chuxin.core.models import User

    from . import snapshots
    from .models import BriefingSchedule

    office = User.objects.filter(username="office").first()
    BriefingSchedule.objects.get_or_create(
        campaign=campaign,
        unit=campaign.root_unit,
        defaults={"weekday": 4, "active": True, "created_by": office},
    )
    transaction.on_commit(lambda: snapshots.take_snapshot())
