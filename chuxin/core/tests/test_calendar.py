"""The one calendar: sources gathered per user, the page, the .ics download and the private
feed address."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from chuxin.core import calendar
from chuxin.core.calendar_views import feed_token
from conftest import World


def _source(user: Any, start: dt.datetime, end: dt.datetime) -> list[calendar.Event]:
    """A stand-in for an app's events: two for the member, none for anyone else."""
    if getattr(user, "username", "") != "member_user":
        return []
    soon = timezone.now() + dt.timedelta(days=2)
    later = timezone.now() + dt.timedelta(days=9)
    events = [
        calendar.Event(uid="b@test", title="专题组织生活会", start=later, location="党员活动室"),
        calendar.Event(uid="a@test", title="第三次推进会", start=soon, url="/conferences/3/"),
        calendar.Event(uid="old@test", title="过去的会", start=timezone.now() - dt.timedelta(1)),
    ]
    return [e for e in events if start <= e.start <= end]


@pytest.fixture
def with_source(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The apps' sources join the real list first: a module imported while the stand-in list
    # is in place (by discovery, or by a view that uses it) would register there, once, and be
    # missing for every later test of this process.
    calendar._discover()
    monkeypatch.setattr(calendar, "_SOURCES", [])
    calendar.register(_source)
    calendar.register(_source)  # twice is once
    yield


def test_events_are_gathered_for_the_user_soonest_first(world: World, with_source: None) -> None:
    titles = [e.title for e in calendar.events_for_user(world.member_user)]
    assert titles == ["第三次推进会", "专题组织生活会"]
    assert calendar.events_for_user(world.city_admin) == []


def test_page_lists_my_events_and_nobody_elses(world: World, with_source: None) -> None:
    page = world.client_for(world.member_user).get("/calendar/").content.decode()
    assert "第三次推进会" in page and "专题组织生活会" in page and "过去的会" not in page
    other = world.client_for(world.city_admin).get("/calendar/").content.decode()
    assert "第三次推进会" not in other and "No upcoming meetings." in other


def test_anonymous_is_sent_to_log_in(world: World) -> None:
    response = Client().get("/calendar/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().get("/calendar/mine.ics").status_code == 302


def test_ics_download_parses_with_the_events(world: World, with_source: None) -> None:
    response = world.client_for(world.member_user).get("/calendar/mine.ics")
    assert response["Content-Type"].startswith("text/calendar")
    parsed = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    assert set(events) == {"a@test", "b@test"}
    assert str(events["b@test"]["location"]) == "党员活动室"
    assert str(events["a@test"]["url"]) == "http://testserver/conferences/3/"


def test_private_feed_needs_the_right_token(world: World, with_source: None) -> None:
    token = feed_token(world.member_user)
    good = Client().get(f"/calendar/feed/{token}.ics")
    assert good.status_code == 200
    assert len(Calendar.from_ical(good.content).walk("VEVENT")) == 2
    pk, secret = token.split("-")
    for bad in (f"{pk}-{'0' * 32}", f"{world.city_admin.pk}-{secret}", "x-y", "999999-abc"):
        assert Client().get(f"/calendar/feed/{bad}.ics").status_code == 404, bad


def test_changing_the_password_turns_the_feed_off(world: World, with_source: None) -> None:
    token = feed_token(world.member_user)
    world.member_user.set_password("another-password")
    world.member_user.save()
    assert Client().get(f"/calendar/feed/{token}.ics").status_code == 404
