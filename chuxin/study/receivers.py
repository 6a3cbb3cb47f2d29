"""Keeps the study counters right when members change, units move or are imported.

Units created or moved are handled for every rollup by ``chuxin.core.receivers``; after a move
it calls study's :func:`on_unit_moved` (the ``on_move`` of the study rollup)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q
from django.dispatch import receiver

from chuxin.core.imports import import_applied
from chuxin.organization.importers import UnitCounts
from chuxin.organization.models import Member, Unit
from chuxin.organization.signals import (
    demo_campaign_loaded,
    member_changed,
    members_bulk_changed,
)

from . import progress


@receiver(member_changed, dispatch_uid="study.member_changed")
def on_member_changed(sender: Any, member: Any, **kwargs: Any) -> None:
    """A member was created, moved, transferred out or changed level: what they owe changes."""
    progress.recompute_members([member.pk])


@receiver(members_bulk_changed, dispatch_uid="study.members_bulk_changed")
def on_members_bulk_changed(sender: Any, member_ids: Any, **kwargs: Any) -> None:
    """After a members import: recompute those members' progress set-based."""
    progress.recompute_members(list(member_ids))


@receiver(import_applied, dispatch_uid="study.import_applied")
def on_import_applied(sender: Any, job: Any, counts: Any = None, **kwargs: Any) -> None:
    """After a units import (which may move units): the members under the units it moved may
    owe other items now (items apply to subtrees), so their progress is recomputed, and the
    per-item subtree totals follow. The unit rollups were refreshed by the importer; members
    imports send members_bulk_changed."""
    if job.kind != "units":
        return
    if isinstance(counts, UnitCounts) and counts.moved_unit_ids:
        progress.recompute_members(_members_under(counts.moved_unit_ids))
    progress.refresh_item_units()


# Subtrees asked for in one query (an OR of path prefixes).
_PREFIXES_PER_QUERY = 200


def _members_under(unit_ids: list[int]) -> list[int]:
    """The members anywhere in these units' subtrees (as they stand now), each once."""
    paths = sorted(Unit.objects.filter(pk__in=unit_ids).values_list("path", flat=True))
    # A unit moved inside another moved unit's subtree is covered by that one.
    tops: list[str] = []
    for path in paths:
        if not tops or not path.startswith(tops[-1]):
            tops.append(path)
    members: set[int] = set()
    for start in range(0, len(tops), _PREFIXES_PER_QUERY):
        reach = Q()
        for path in tops[start : start + _PREFIXES_PER_QUERY]:
            reach |= Q(unit__path__startswith=path)
        members.update(Member.objects.filter(reach).values_list("pk", flat=True))
    return sorted(members)


def on_unit_moved(unit: Unit) -> None:
    """A unit moved with its subtree (its study rollup totals already followed it): which items
    its members owe may change (items apply to subtrees), and so do the per-item subtree
    totals above it on both sides."""
    members = Member.objects.filter(unit__path__startswith=unit.path).values_list("pk", flat=True)
    progress.recompute_members(list(members))
    progress.refresh_item_units()


@receiver(demo_campaign_loaded, dispatch_uid="study.demo_campaign_loaded")
def on_demo_campaign_loaded(
    sender: Any, campaign: Any, seed: int, progress: Any = None, **kwargs: Any
) -> None:
    """`chuxin demo`: write the study items, sessions and records of the demo campaign (the
    loader rebuilds the counters afterwards)."""
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
