"""One calendar for every capability: each app that has dated events (life meetings, promotion
conferences, ...) provides them through a module ``calendar_events.py`` with a function
``events_for_user(user, start, end) -> Iterable[Event]``; this module gathers them for the
"my upcoming meetings" list and renders any list of events as an iCalendar (.ics) file.

The sources are found by Django's ``autodiscover_modules`` on first use, so an app joins by
adding the module, with nothing to register by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from icalendar import Calendar
from icalendar import Event as IcsEvent

SourceFn = Callable[[Any, dt.datetime, dt.datetime], Iterable["Event"]]


@dataclass(frozen=True)
class Event:
    uid: str  # stable and unique across the system, e.g. "meeting-42@chuxin"
    title: str
    start: dt.datetime | dt.date  # a date for an all-day event
    end: dt.datetime | dt.date | None = None
    location: str = ""
    description: str = ""
    url: str = ""  # a path inside the site ("/meetings/42/") or an absolute URL
    kind: str = ""  # "life_meeting", "conference", ...
    attendees: tuple[str, ...] = field(default_factory=tuple)


_SOURCES: list[SourceFn] = []
_discovered = False


def register(source: SourceFn) -> SourceFn:
    """Add a source of events (usable as a decorator); registering twice is a no-op."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("calendar_events")


def _sort_key(event: Event) -> dt.datetime:
    start = event.start
    if not isinstance(start, dt.datetime):
        start = dt.datetime.combine(start, dt.time.min)
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    return start


def events_for_user(
    user: Any, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> list[Event]:
    """Every source's events for this user between start (default now) and end (default a
    year on), soonest first."""
    _discover()
    start = start or timezone.now()
    end = end or start + dt.timedelta(days=366)
    events: list[Event] = []
    for source in _SOURCES:
        events.extend(source(user, start, end))
    return sorted(events, key=_sort_key)


def to_ics(events: Iterable[Event], *, name: str = "Chuxin", base_url: str = "") -> bytes:
    """The events as an RFC 5545 calendar."""
    calendar = Calendar()
    calendar.add("prodid", "-//Chuxin//Thematic education campaign//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for event in events:
        item = IcsEvent()
        item.add("uid", event.uid)
        item.add("dtstamp", stamp)
        item.add("summary", event.title)
        item.add("dtstart", event.start)
        if event.end is not None:
            item.add("dtend", event.end)
        if event.location:
            item.add("location", event.location)
        if event.description:
            item.add("description", event.description)
        if event.url:
            url = event.url if "://" in event.url else base_url.rstrip("/") + event.url
            item.add("url", url)
        if event.kind:
            item.add("categories", [event.kind])
        calendar.add_component(item)
    return calendar.to_ical()
