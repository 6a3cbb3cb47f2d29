"""Reads of promotion conferences, scoped to who asks.

A conference is in sight of whoever sees its organizer unit, whoever sees a unit with a
sub-venue of it (the cities' offices see the province's teleconference), and whoever is on
its record as presiding or attending. Only who manages the organizer changes it.

Participants, sub-venues and speeches taken off the record are archived (``archived_at``); every
read here leaves them out (``.live()``), and they no longer bring a conference into sight.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Campaign, Unit
from chuxin.rectification.models import OPEN_STATUSES, TaskStatus

from .models import (
    Conference,
    ConferencePerson,
    DeployedAssignment,
    DeployedItem,
    Release,
    Speech,
    SubVenue,
)


def conferences_visible(user: Any, *, include_archived: bool = False) -> QuerySet[Conference]:
    """Conferences in the user's sight (see the module's docstring)."""
    qs = Conference.objects.select_related("campaign", "organizer")
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    scope = scope_for(user)
    if scope.everything:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    in_scope = Q()
    if not scope.is_empty:
        venues = SubVenue.objects.live().filter(scope.units_q("unit")).values("conference_id")
        in_scope = scope.units_q("organizer") | Q(pk__in=venues)
    people = (
        ConferencePerson.objects.live()
        .filter(Q(user=user) | Q(member__user=user))
        .values("conference_id")
    )
    return qs.filter(in_scope | Q(pk__in=people)) if in_scope else qs.filter(pk__in=people)


def conferences_filtered(
    user: Any,
    *,
    campaign: Campaign | None = None,
    unit: Unit | None = None,
    venue_unit: Unit | None = None,
) -> QuerySet[Conference]:
    """The conferences in sight (live), of a campaign; organized by ``unit`` or a unit of its
    subtree; with a live sub-venue in ``venue_unit``'s subtree. The units come from
    ``organization.selectors.unit_get`` (in the user's scope, 404 otherwise)."""
    qs = conferences_visible(user)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if unit is not None:
        qs = qs.filter(organizer__path__startswith=unit.path)
    if venue_unit is not None:
        venues = SubVenue.objects.live().filter(unit__path__startswith=venue_unit.path)
        qs = qs.filter(pk__in=venues.values("conference_id"))
    return qs


def may_manage(user: Any, conference: Conference) -> bool:
    return scope_for(user).allows(conference.organizer, Action.MANAGE)


def conference_get(user: Any, pk: int, *, action: Action = Action.VIEW) -> Conference:
    """One conference in sight (404 otherwise); with MANAGE, 403 unless the user manages its
    organizer."""
    conference = get_object_or_404(conferences_visible(user), pk=pk)
    if action == Action.MANAGE and not may_manage(user, conference):
        raise PermissionDenied
    return conference


def conference_detail(user: Any, pk: int) -> Conference:
    """A conference with its live participants, sub-venues and speeches (one query each;
    the archived ones are left out)."""
    return get_object_or_404(
        conferences_visible(user)
        .prefetch_related(
            Prefetch(
                "persons",
                queryset=ConferencePerson.objects.live().order_by("role", "order", "id"),
            )
        )
        .prefetch_related(
            Prefetch("venues", queryset=SubVenue.objects.live().select_related("unit"))
        )
        .prefetch_related(
            Prefetch(
                "speeches",
                queryset=Speech.objects.live().select_related("special", "special__leading_unit"),
            )
        ),
        pk=pk,
    )


def _part_get(model: Any, user: Any, pk: int) -> Any:
    """A live participant, sub-venue or speech of a conference the user may change (404 once
    it is archived)."""
    part = get_object_or_404(model.objects.live().select_related("conference__organizer"), pk=pk)
    conference_get(user, part.conference_id, action=Action.MANAGE)
    return part


def person_get(user: Any, pk: int) -> ConferencePerson:
    return _part_get(ConferencePerson, user, pk)


def venue_get(user: Any, pk: int) -> SubVenue:
    return _part_get(SubVenue, user, pk)


def speech_get(user: Any, pk: int) -> Speech:
    return _part_get(Speech, user, pk)


def campaigns_with_conferences(user: Any) -> QuerySet[Campaign]:
    from chuxin.organization.selectors import campaigns_visible

    return campaigns_visible(user).order_by("-start_date", "pk")


def release_of(conference: Conference) -> Release | None:
    return Release.objects.filter(conference=conference).select_related("published_by").first()


# --- Deployed work and its progress -----------------------------------------------------------


@dataclass
class ItemProgress:
    """A deployed item with its assignments in the user's sight and their tasks' figures."""

    item: DeployedItem
    assignments: list[DeployedAssignment] = field(default_factory=list)
    by_status: Counter[str] = field(default_factory=Counter)

    @property
    def tasks(self) -> int:
        return len(self.assignments)

    @property
    def closed(self) -> int:
        return self.by_status[TaskStatus.VERIFIED]

    @property
    def overdue(self) -> int:
        return sum(1 for a in self.assignments if a.task.is_overdue)

    @property
    def open(self) -> int:
        return sum(n for s, n in self.by_status.items() if s in OPEN_STATUSES)

    @property
    def progress(self) -> int:
        """The mean progress of its tasks, in percent."""
        if not self.assignments:
            return 0
        return sum(a.task.progress for a in self.assignments) // len(self.assignments)

    @property
    def status(self) -> str:
        """done (every task verified), overdue (any), in progress, not started."""
        if not self.assignments:
            return "none"
        if self.closed == self.tasks:
            return "done"
        if self.overdue:
            return "overdue"
        if any(a.task.status != TaskStatus.NOT_STARTED for a in self.assignments):
            return "in_progress"
        return "not_started"


def deployed_progress(user: Any, conference: Conference) -> list[ItemProgress]:
    """The conference's deployed items with the progress of their tasks (2 queries). Who
    manages or sees the organizer sees every assignment; a sub-venue's unit its own."""
    scope = scope_for(user)
    items = {i.pk: ItemProgress(i) for i in conference.deployed_items.order_by("order", "pk")}
    assignments = DeployedAssignment.objects.filter(item__conference=conference).select_related(
        "unit", "task"
    )
    if not scope.allows(conference.organizer, Action.VIEW):
        assignments = assignments.filter(scope.units_q("unit"))
    for a in assignments.order_by("item_id", "unit__path"):
        line = items[a.item_id]
        line.assignments.append(a)
        line.by_status[a.task.status] += 1
    return list(items.values())


def deployed_rows(
    user: Any,
    campaign: Campaign | None,
    *,
    unit: Unit | None = None,
    venue_unit: Unit | None = None,
) -> QuerySet[DeployedAssignment]:
    """Every assignment of deployed work in sight (for the export), conference by conference,
    of the conferences the list shows (:func:`conferences_filtered`)."""
    scope = scope_for(user)
    conferences = conferences_filtered(user, campaign=campaign, unit=unit, venue_unit=venue_unit)
    qs = DeployedAssignment.objects.filter(item__conference__in=conferences).select_related(
        "item__conference", "unit", "task"
    )
    if not scope.everything:
        qs = qs.filter(scope.units_q("unit") | scope.units_q("item__conference__organizer"))
    return qs.order_by("item__conference__ordinal", "item__order", "unit__path")
