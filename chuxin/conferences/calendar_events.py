"""Promotion conferences in the one calendar (``chuxin.core.calendar``): the conferences a
user presides over or attends, and those whose organizer or a sub-venue's unit is in their
scope; and the .ics of a campaign's conferences."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from chuxin.core.calendar import Event, register, to_ics

from .models import Conference, ConferenceFormat, SubVenue

DEFAULT_LENGTH = dt.timedelta(hours=2)


def live_venues() -> Prefetch:
    """The prefetch of a conference's live sub-venues (archived ones are not counted)."""
    return Prefetch("venues", queryset=SubVenue.objects.live())


def event_of(conference: Conference) -> Event:
    """The calendar event of one conference (location: the main venue). The conference comes
    with its live sub-venues prefetched (:func:`live_venues`)."""
    venue_count = len(conference.venues.all())
    lines = [
        conference.get_format_display(),
        _("Organizer: %(unit)s") % {"unit": conference.organizer.name},
    ]
    if conference.format != ConferenceFormat.ON_SITE and venue_count:
        lines.append(_("%(n)d sub-venue(s)") % {"n": venue_count})
    return Event(
        uid=f"conference-{conference.pk}@chuxin",
        title=conference.title,
        start=conference.starts_at,
        end=conference.ends_at or conference.starts_at + DEFAULT_LENGTH,
        location=conference.main_venue,
        description="\n".join(str(line) for line in lines),
        url=reverse("conferences:detail", args=[conference.pk]),
        kind="conference",
    )


@register
def events_for_user(user: Any, start: dt.datetime, end: dt.datetime) -> Iterable[Event]:
    """The user's conferences between start and end."""
    from .selectors import conferences_visible

    qs = (
        conferences_visible(user)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .prefetch_related(live_venues())
        .order_by("starts_at", "pk")
    )
    return [event_of(c) for c in qs[:500]]


def campaign_ics(conferences: Iterable[Conference], *, name: str, base_url: str = "") -> bytes:
    """The .ics file of the given conferences."""
    return to_ics([event_of(c) for c in conferences], name=name, base_url=base_url)
