"""Every research page and API route walked by every named user. The topic lies in county A
(和平区): office, city_admin (manage) and guidance (view only) see it; other_county_admin and
member_user do not. Outside scope answers 404, visible-but-not-changeable 403, anonymous
visitors are sent to log in (pages) or get 401 (API)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client

from chuxin.core.services import api_token_issue

from .conftest import ResearchWorld

USERS = ["office", "city_admin", "other_county_admin", "guidance", "member_user", "anonymous"]
EVERYONE = dict.fromkeys(USERS[:-1], 200)
SEE = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 200,
    "member_user": 404,
}
CHANGE = SEE | {"guidance": 403}
SEE_PROVINCE = {
    "office": 200,
    "city_admin": 404,
    "other_county_admin": 404,
    "guidance": 404,
    "member_user": 404,
}


def redirected(expect: dict[str, int]) -> dict[str, int]:
    return {k: (302 if v == 200 else v) for k, v in expect.items()}


def created(expect: dict[str, int]) -> dict[str, int]:
    return {k: (201 if v == 200 else v) for k, v in expect.items()}


@dataclass(frozen=True)
class Route:
    name: str
    url: Callable[[ResearchWorld], str]
    expect: dict[str, int]
    method: str = "get"
    body: Callable[[ResearchWorld], dict[str, object]] | None = None
    api: bool = False


ROUTES = [
    Route(
        "home",
        lambda w: "/investigation/",
        {
            **EVERYONE,
            "office": 302,
            "city_admin": 302,
            "other_county_admin": 302,
            "guidance": 302,
            "member_user": 302,
        },
    ),
    Route("unit", lambda w: f"/investigation/units/{w.county_a.pk}/", SEE),
    Route("unit export", lambda w: f"/investigation/units/{w.county_a.pk}/?format=xlsx", SEE),
    Route("province unit", lambda w: f"/investigation/units/{w.province.pk}/", SEE_PROVINCE),
    Route("cadres", lambda w: f"/investigation/units/{w.county_a.pk}/cadres/", SEE),
    Route(
        "cadres export",
        lambda w: f"/investigation/units/{w.county_a.pk}/cadres/?format=xlsx&list=without",
        SEE,
    ),
    Route("topic", lambda w: f"/investigation/topics/{w.topic.pk}/", SEE),
    Route("topic edit", lambda w: f"/investigation/topics/{w.topic.pk}/edit/", CHANGE),
    Route("topic create", lambda w: f"/investigation/units/{w.county_a.pk}/topics/new/", CHANGE),
    Route(
        "add activity",
        lambda w: f"/investigation/topics/{w.topic.pk}/activities/",
        redirected(CHANGE),
        method="post",
        body=lambda w: {
            "date": "2020-01-02",
            "place": "村委会",
            "method": "forum",
            "people_reached": "3",
            "findings": "道路破损",
        },
    ),
    Route(
        "add finding",
        lambda w: f"/investigation/activities/{w.activity.pk}/findings/",
        redirected(CHANGE),
        method="post",
        body=lambda w: {"text": "路灯不亮"},
    ),
    Route(
        "finding to problem",
        lambda w: f"/investigation/findings/{w.activity.findings.first().pk}/problem/",
        redirected(CHANGE),
        method="post",
        body=lambda w: {"category": "needs", "severity": "high"},
    ),
    Route(
        "report",
        lambda w: f"/investigation/topics/{w.topic.pk}/report/",
        redirected(CHANGE),
        method="post",
        body=lambda w: {"text": "调研报告"},
    ),
    Route(
        "transition",
        lambda w: f"/investigation/topics/{w.topic.pk}/transition/",
        redirected(CHANGE),
        method="post",
        body=lambda w: {"action": "archive"},
    ),
    Route("api topics", lambda w: "/api/v1/investigation/topics", EVERYONE, api=True),
    Route("api topic", lambda w: f"/api/v1/investigation/topics/{w.topic.pk}", SEE, api=True),
    Route(
        "api activities",
        lambda w: f"/api/v1/investigation/topics/{w.topic.pk}/activities",
        SEE,
        api=True,
    ),
    Route(
        "api patch topic",
        lambda w: f"/api/v1/investigation/topics/{w.topic.pk}",
        CHANGE,
        method="patch",
        body=lambda w: {"description": "说明"},
        api=True,
    ),
    Route(
        "api add activity",
        lambda w: f"/api/v1/investigation/topics/{w.topic.pk}/activities",
        created(CHANGE),
        method="post",
        body=lambda w: {
            "date": "2020-01-02",
            "place": "村委会",
            "method": "forum",
            "findings": ["道路破损"],
        },
        api=True,
    ),
    Route(
        "api add finding",
        lambda w: f"/api/v1/investigation/activities/{w.activity.pk}/findings",
        created(CHANGE),
        method="post",
        body=lambda w: {"text": "路灯不亮"},
        api=True,
    ),
    Route(
        "api finding to problem",
        lambda w: f"/api/v1/investigation/findings/{w.activity.findings.first().pk}/problem",
        created(CHANGE),
        method="post",
        body=lambda w: {"category": "needs"},
        api=True,
    ),
    Route(
        "api transition",
        lambda w: f"/api/v1/investigation/topics/{w.topic.pk}/transition",
        CHANGE,
        method="post",
        body=lambda w: {"action": "archive"},
        api=True,
    ),
    Route(
        "api rollup",
        lambda w: f"/api/v1/investigation/units/{w.county_a.pk}/rollup",
        SEE,
        api=True,
    ),
    Route(
        "api per cadre",
        lambda w: f"/api/v1/investigation/units/{w.county_a.pk}/per-cadre",
        SEE,
        api=True,
    ),
    Route(
        "api cadres without topic",
        lambda w: f"/api/v1/investigation/units/{w.county_a.pk}/cadres-without-topic",
        SEE,
        api=True,
    ),
]


def _client(sw: ResearchWorld, username: str, api: bool) -> Client:
    user = None if username == "anonymous" else getattr(sw, username)
    if not api:
        return sw.client_for(user)
    if user is None:
        return Client()
    _token, raw = api_token_issue(actor=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


class _Rollback(Exception):
    pass


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_scope_matrix(sw: ResearchWorld, route: Route) -> None:
    """Each user in turn, each in a savepoint rolled back after (a write by one does not
    change what the next one meets)."""
    got: dict[str, int] = {}
    for username in USERS:
        try:
            with transaction.atomic():
                client = _client(sw, username, route.api)
                url = route.url(sw)
                body = route.body(sw) if route.body else None
                if route.api:
                    kwargs = (
                        {"data": json.dumps(body), "content_type": "application/json"}
                        if body
                        else {}
                    )
                    response = getattr(client, route.method)(url, **kwargs)
                else:
                    response = getattr(client, route.method)(url, body or {})
                got[username] = response.status_code
                raise _Rollback
        except _Rollback:
            pass
    anonymous = got.pop("anonymous")
    assert anonymous == (401 if route.api else 302)
    assert got == route.expect, route.name


@pytest.mark.django_db
def test_the_lead_cadre_works_on_the_topic_without_a_role(sw: ResearchWorld) -> None:
    """王芳 logs in: she sees and works on the topic she leads, though not on county A."""
    from conftest import make_user

    user = make_user("wangfang")
    sw.leader.user = user
    sw.leader.save(update_fields=["user"])
    client = sw.client_for(user)
    assert client.get(f"/investigation/topics/{sw.topic.pk}/").status_code == 200
    response = client.post(f"/investigation/topics/{sw.topic.pk}/report/", {"text": "我的调研报告"})
    assert response.status_code == 302
    sw.topic.refresh_from_db()
    assert sw.topic.status == "reported"
    assert client.get(f"/investigation/units/{sw.county_a.pk}/").status_code == 404
