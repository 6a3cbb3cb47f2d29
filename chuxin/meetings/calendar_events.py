"""Life meetings in the one calendar (``chuxin.core.calendar``): the meetings a user takes part
in (through ``Member.user``), guides (as a named guide or a guidance team member on the unit) or
administers (holds an administrator or office role on the meeting's own unit), and a unit's
meetings for its .ics export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from chuxin.core.calendar import Event, register
from chuxin.core.scoping import scope_for
from chuxin.organization.models import Role, Unit

from . import selectors
from .models import LifeMeeting, MeetingStatus


def event_of(meeting: LifeMeeting) -> Event:
    """An all-day event on the day held (or planned)."""
    day = meeting.held_on or meeting.planned_on
    return Event(
        uid=f"life-meeting-{meeting.pk}@chuxin",
        title=f"{meeting.get_kind_display()} · {meeting.unit.name}",
        start=day,
        end=day + dt.timedelta(days=1),
        location=meeting.place,
        description=f"{meeting.theme}\n{_('Status')}: {meeting.get_status_display()}",
        url=reverse("meetings:detail", args=[meeting.pk]),
        kind="life_meeting",
    )


def _in_window(qs: QuerySet[LifeMeeting], start: dt.datetime, end: dt.datetime) -> Any:
    first, last = start.date(), end.date()
    return qs.filter(
        Q(held_on__isnull=False, held_on__gte=first, held_on__lte=last)
        | Q(held_on__isnull=True, planned_on__gte=first, planned_on__lte=last)
    )


@register
def events_for_user(user: Any, start: dt.datetime, end: dt.datetime) -> Iterable[Event]:
    """The life meetings this user takes part in, guides or administers, in the window."""
    if not getattr(user, "is_authenticated", False):
        return []
    scope = scope_for(user)
    own_units = [g.unit_id for g in scope.grants if g.manage or g.role == Role.GUIDANCE]
    q = Q(participants__member__user=user) | Q(guides__user=user) | Q(unit_id__in=own_units)
    qs = (
        LifeMeeting.objects.filter(q)
        .exclude(status=MeetingStatus.ARCHIVED)
        .select_related("unit")
        .distinct()
    )
    return [event_of(m) for m in _in_window(qs, start, end).order_by("planned_on", "pk")[:500]]


def unit_events(user: Any, unit: Unit) -> list[Event]:
    """Every live meeting of the unit's subtree that the user sees (for the unit's .ics)."""
    qs = (
        selectors.meetings_visible(user)
        .filter(unit__path__startswith=unit.path)
        .exclude(status=MeetingStatus.ARCHIVED)
        .select_related("unit")
        .order_by("planned_on", "pk")
    )
    return [event_of(m) for m in qs[:5000]]
