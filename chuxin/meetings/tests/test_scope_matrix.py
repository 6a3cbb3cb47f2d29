"""The scope matrix of every life meeting page, walked by every named user: inside scope is
allowed; outside answers 404; visible but not changeable answers 403; anonymous visitors are
sent to log in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import MeetingWorld, to_held

USERS = ["office", "city_admin", "other_county_admin", "guidance", "member_user", "anonymous"]

SEE_COUNTY = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 200,
    "member_user": 404,
}
CHANGE_COUNTY = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 403,
    "member_user": 404,
}
SEE_BRANCH = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 404,
    "member_user": 200,
}
CHANGE_BRANCH = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 404,
    "member_user": 403,
}
RECORD_COUNTY = SEE_COUNTY  # record viewers: admins, reviewers (guidance), office
EVERYONE = dict.fromkeys(USERS[:-1], 200)

PAGES: list[tuple[str, Callable[[MeetingWorld], str], dict[str, int]]] = [
    ("unit list", lambda w: f"/meetings/units/{w.county_a.pk}/", SEE_COUNTY),
    ("branch list", lambda w: f"/meetings/units/{w.branch_a.pk}/", SEE_BRANCH),
    ("overview", lambda w: f"/meetings/units/{w.county_a.pk}/overview/", SEE_COUNTY),
    ("ics", lambda w: f"/meetings/units/{w.county_a.pk}/calendar.ics", SEE_COUNTY),
    ("create", lambda w: f"/meetings/units/{w.branch_a.pk}/new/", CHANGE_BRANCH),
    ("create county", lambda w: f"/meetings/units/{w.county_a.pk}/new/", CHANGE_COUNTY),
    ("detail", lambda w: f"/meetings/{w.county_meeting.pk}/", SEE_COUNTY),
    ("branch detail", lambda w: f"/meetings/{w.branch_meeting.pk}/", SEE_BRANCH),
    ("edit", lambda w: f"/meetings/{w.branch_meeting.pk}/edit/", CHANGE_BRANCH),
    ("talks", lambda w: f"/meetings/{w.county_meeting.pk}/talks/", SEE_COUNTY),
    ("report", lambda w: f"/meetings/{w.county_meeting.pk}/report/", RECORD_COUNTY),
    (
        "record",
        lambda w: f"/meetings/participants/{w.participant(w.county_meeting, w.wang).pk}/record/",
        RECORD_COUNTY,
    ),
    (
        "material",
        lambda w: f"/meetings/materials/{w.participant(w.county_meeting, w.wang).material.pk}/",
        RECORD_COUNTY,
    ),
    ("mine", lambda w: "/meetings/mine/", EVERYONE),
]


@pytest.fixture
def held(mw: MeetingWorld) -> MeetingWorld:
    to_held(mw, mw.county_meeting)
    return mw


@pytest.mark.parametrize("who", USERS)
def test_page_scope_matrix(held: MeetingWorld, who: str) -> None:
    user: Any = None if who == "anonymous" else getattr(held, who)
    c = held.client_for(user)
    for name, url, expected in PAGES:
        r = c.get(url(held))
        if who == "anonymous":
            assert r.status_code == 302 and "/accounts/login/" in r["Location"], name
        else:
            assert r.status_code == expected[who], (name, who, r.status_code)


POSTS: list[tuple[str, Callable[[MeetingWorld], str], dict[str, Any], dict[str, int]]] = [
    (
        "transition",
        lambda w: f"/meetings/{w.branch_meeting.pk}/transition/",
        {"action": "prepare"},
        CHANGE_BRANCH,
    ),
    ("participant", lambda w: f"/meetings/{w.branch_meeting.pk}/participants/", {}, CHANGE_BRANCH),
    ("followup", lambda w: f"/meetings/{w.county_meeting.pk}/followup/", {}, CHANGE_COUNTY),
    ("hold", lambda w: f"/meetings/{w.branch_meeting.pk}/hold/", {}, CHANGE_BRANCH),
]


@pytest.mark.parametrize("who", USERS[:-1])
def test_post_scope_matrix(held: MeetingWorld, who: str) -> None:
    c = held.client_for(getattr(held, who))
    for name, url, data, expected in POSTS:
        r = c.post(url(held), data)
        want = expected[who]
        if want == 200:
            assert r.status_code in (200, 302), (name, who, r.status_code)
        else:
            assert r.status_code == want, (name, who, r.status_code)
