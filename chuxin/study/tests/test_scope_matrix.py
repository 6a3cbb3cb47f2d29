"""The scope matrix of every study page and API route, walked by every named user.

Inside scope is allowed; outside answers 404; visible but not changeable answers 403;
anonymous visitors are sent to log in (pages) or get 401 (API)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from chuxin.core.services import api_token_issue
from chuxin.study import services
from chuxin.study.models import StudySession

from .conftest import StudyWorld

USERS = ["office", "city_admin", "other_county_admin", "guidance", "member_user", "anonymous"]
EVERYONE = dict.fromkeys(USERS[:-1], 200)
SEE_COUNTY_A = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 200,
    "member_user": 404,
}
SEE_BRANCH_A = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 404,
    "member_user": 200,
}
CHANGE_BRANCH_A = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 404,
    "member_user": 403,
}
CHANGE_COUNTY_A = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 403,
    "member_user": 404,
}
OFFICE_ONLY = {
    "office": 200,
    "city_admin": 403,
    "other_county_admin": 403,
    "guidance": 403,
    "member_user": 403,
}
SEE_MEMBER_B = {
    "office": 200,
    "city_admin": 404,
    "other_county_admin": 200,
    "guidance": 404,
    "member_user": 404,
}
ONLY_THE_MEMBER = {
    "office": 404,
    "city_admin": 404,
    "other_county_admin": 404,
    "guidance": 404,
    "member_user": 200,
}


@dataclass(frozen=True)
class Route:
    name: str
    url: Callable[[StudyWorld, StudySession], str]
    expect: dict[str, int]
    api: bool = False


def page(name: str, url: Callable[..., str], expect: dict[str, int]) -> Route:
    return Route(name, url, expect | {"anonymous": 302})


def api(name: str, url: Callable[..., str], expect: dict[str, int]) -> Route:
    return Route(name, url, expect | {"anonymous": 401}, api=True)


ROUTES = [
    page("items", lambda w, s: "/study/items/", EVERYONE),
    page("new item", lambda w, s: "/study/items/new/", OFFICE_ONLY),
    page("edit item", lambda w, s: f"/study/items/{w.reading.pk}/edit/", OFFICE_ONLY),
    page("coverage of county A", lambda w, s: f"/study/units/{w.county_a.pk}/", SEE_COUNTY_A),
    page("coverage of branch A", lambda w, s: f"/study/units/{w.branch_a.pk}/", SEE_BRANCH_A),
    page(
        "uncovered export of county A",
        lambda w, s: f"/study/units/{w.county_a.pk}/?format=xlsx",
        SEE_COUNTY_A,
    ),
    page(
        "dead ends of county A",
        lambda w, s: f"/study/units/{w.county_a.pk}/dead-ends/",
        SEE_COUNTY_A,
    ),
    page(
        "dead ends export of county A",
        lambda w, s: f"/study/units/{w.county_a.pk}/dead-ends/?format=xlsx",
        SEE_COUNTY_A,
    ),
    page(
        "sessions of branch A", lambda w, s: f"/study/units/{w.branch_a.pk}/sessions/", SEE_BRANCH_A
    ),
    page(
        "record a session in branch A",
        lambda w, s: f"/study/units/{w.branch_a.pk}/sessions/new/",
        CHANGE_BRANCH_A,
    ),
    page(
        "record a session in county A",
        lambda w, s: f"/study/units/{w.county_a.pk}/sessions/new/",
        CHANGE_COUNTY_A,
    ),
    page(
        "roster of branch A",
        lambda w, s: f"/study/units/{w.branch_a.pk}/sessions/roster/?except=李明",
        CHANGE_BRANCH_A,
    ),
    page("a session of branch A", lambda w, s: f"/study/sessions/{s.pk}/", SEE_BRANCH_A),
    page("my study", lambda w, s: "/study/me/", EVERYONE),
    page("member A's study", lambda w, s: f"/study/members/{w.member.pk}/", SEE_BRANCH_A),
    page("member B's study", lambda w, s: f"/study/members/{w.member_b.pk}/", SEE_MEMBER_B),
    page("inbox", lambda w, s: "/inbox/", EVERYONE),
    api("API items", lambda w, s: "/api/v1/study/items", EVERYONE),
    api("API item", lambda w, s: f"/api/v1/study/items/{w.reading.pk}", EVERYONE),
    api(
        "API coverage of county A",
        lambda w, s: f"/api/v1/study/units/{w.county_a.pk}/coverage",
        SEE_COUNTY_A,
    ),
    api(
        "API uncovered of county A",
        lambda w, s: f"/api/v1/study/units/{w.county_a.pk}/uncovered",
        SEE_COUNTY_A,
    ),
    api(
        "API dead ends of county A",
        lambda w, s: f"/api/v1/study/units/{w.county_a.pk}/dead-ends",
        SEE_COUNTY_A,
    ),
    api(
        "API sessions of branch A",
        lambda w, s: f"/api/v1/study/sessions?unit={w.branch_a.pk}",
        SEE_BRANCH_A,
    ),
    api("API a session", lambda w, s: f"/api/v1/study/sessions/{s.pk}", SEE_BRANCH_A),
    api(
        "API records of county A",
        lambda w, s: f"/api/v1/study/records?unit={w.county_a.pk}",
        SEE_COUNTY_A,
    ),
    api(
        "API records of member A",
        lambda w, s: f"/api/v1/study/records?member={w.member.pk}",
        SEE_BRANCH_A,
    ),
    api("API my study", lambda w, s: "/api/v1/study/me", ONLY_THE_MEMBER),
]


def a_session(sw: StudyWorld) -> StudySession:
    return services.study_session_record(
        actor=sw.root,
        unit=sw.branch_a,
        item=sw.reading,
        date=timezone.localdate() - dt.timedelta(days=1),
        host="书记",
        present=[sw.member.pk],
    )


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
@pytest.mark.parametrize("who", USERS)
def test_scope_matrix(study_world: StudyWorld, route: Route, who: str) -> None:
    sw = study_world
    session = a_session(sw)
    user = None if who == "anonymous" else getattr(sw, who)
    response = sw.client_for(user).get(route.url(sw, session))
    expected = route.expect[who]
    assert response.status_code == expected, (
        f"{who} on {route.name}: got {response.status_code}, expected {expected}"
    )
    if expected == 302:
        assert "/accounts/login/" in response["Location"]


def _ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


WRITES = [
    (
        "create an item",
        "/api/v1/study/items",
        lambda w: {
            "campaign_id": w.campaign.pk,
            "title": "新项目",
            "kind": "online",
            "required_levels": ["ordinary"],
        },
        OFFICE_ONLY,
    ),
    (
        "record a session in branch A",
        "/api/v1/study/sessions",
        lambda w: {
            "unit_id": w.branch_a.pk,
            "item_id": w.reading.pk,
            "date": _ago(1),
            "host": "书记",
            "present": [w.member.pk],
        },
        CHANGE_BRANCH_A,
    ),
    (
        "check in for member A",
        "/api/v1/study/records",
        lambda w: {"member_id": w.member.pk, "item_id": w.reading.pk, "date": _ago(1)},
        CHANGE_BRANCH_A | {"member_user": 200},
    ),
]


@pytest.mark.parametrize("name,url,body,expect", WRITES, ids=[w[0] for w in WRITES])
@pytest.mark.parametrize("who", USERS)
def test_api_write_matrix(
    study_world: StudyWorld,
    name: str,
    url: str,
    body: Callable[[StudyWorld], dict],
    expect: dict[str, int],
    who: str,
) -> None:
    sw = study_world
    headers = {}
    if who != "anonymous":
        _token, raw = api_token_issue(actor=None, user=getattr(sw, who))
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    response = sw.client_for(None).post(
        url, data=json.dumps(body(sw)), content_type="application/json", **headers
    )
    expected = {**expect, "anonymous": 401}[who]
    expected = 201 if expected == 200 else expected
    assert response.status_code == expected, (who, response.content)


PAGE_POSTS = [
    ("archive an item", lambda w, s: f"/study/items/{w.reading.pk}/archive/", OFFICE_ONLY),
    ("archive a session", lambda w, s: f"/study/sessions/{s.pk}/archive/", CHANGE_BRANCH_A),
]


@pytest.mark.parametrize("name,url,expect", PAGE_POSTS, ids=[p[0] for p in PAGE_POSTS])
@pytest.mark.parametrize("who", USERS[:-1])
def test_page_post_matrix(
    study_world: StudyWorld, name: str, url: Callable[..., str], expect: dict[str, int], who: str
) -> None:
    sw = study_world
    session = a_session(sw)
    response = sw.client_for(getattr(sw, who)).post(url(sw, session))
    expected = 302 if expect[who] == 200 else expect[who]
    assert response.status_code == expected, (who, name, response.status_code)
