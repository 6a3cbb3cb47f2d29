"""Keeps the study counters right when the organization changes under them."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models.signals import post_save
from django.dispatch import receiver

from chuxin.core import rollups
from chuxin.core.imports import import_applied, import_in_progress
from chuxin.organization.models import Unit
from chuxin.organization.signals import (
    demo_campaign_loaded,
    member_changed,
    members_bulk_changed,
)

from . import progress
from .models import UnitStudyRollup


@receiver(member_changed, dispatch_uid="study.member_changed")
def on_member_changed(sender: Any, member: Any, **kwargs: Any) -> None:
    """A member was created, moved, transferred out or changed level: what they owe changes."""
    progress.recompute_members([member.pk])


@receiver(members_bulk_changed, dispatch_uid="study.members_bulk_changed")
def on_members_bulk_changed(sender: Any, member_ids: Any, **kwargs: Any) -> None:
    """After a members import: recompute those members' progress set-based."""
    progress.recompute_members(list(member_ids))


@receiver(import_applied, dispatch_uid="study.import_applied")
def on_import_applied(sender: Any, job: Any, **kwargs: Any) -> None:
    """After a units import (which may move units): the per-item subtree totals follow. The
    unit rollups were refreshed by the importer; members imports send members_bulk_changed."""
    if job.kind == "units":
        progress.refresh_item_units()


@receiver(post_save, sender=Unit, dispatch_uid="study.unit_saved")
def on_unit_saved(
    sender: Any, instance: Unit, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    """A new unit gets its (zero) study row; a unit moved under another parent carries its
    subtree's totals with it, so the unit counters are refreshed from the progress rows."""
    if import_in_progress():
        return  # the import refreshes every rollup, then sends import_applied
    if created:
        UnitStudyRollup.objects.get_or_create(unit=instance)
    elif update_fields is not None and "parent" in update_fields:
        rollups.refresh(rollups.get(progress.ROLLUP_NAME))
        progress.refresh_item_units()


@receiver(demo_campaign_loaded, dispatch_uid="study.demo_campaign_loaded")
def on_demo_campaign_loaded(
    sender: Any, campaign: Any, seed: int, progress: Any = None, **kwargs: Any
) -> None:
    """`chuxin demo`: write the study items, sessions and records of the demo campaign (the
    loader rebuilds the counters afterwards)."""
    from chuxin.organization.models import Member

    from . import demo

    if progress is None:
        demo.generate(campaign, seed=seed)
    else:
        total = demo.expected_records(Member.objects.count())
        task = progress.add_task("study records", total=total)
        demo.generate(campaign, seed=seed, tick=lambda n: progress.advance(task, n))
    if connection.vendor == "postgresql":
        from .progress_sql import analyze

        analyze()
