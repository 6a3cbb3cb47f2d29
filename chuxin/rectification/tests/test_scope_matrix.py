"""The scope matrix of every problem and rectification page and API route, walked by every
named user. The problem and the task lie in county A (和平区); 李明 (member_user) is the task's
responsible person, so he sees the task though not county A.

Inside scope is allowed; outside answers 404; visible but not changeable answers 403;
anonymous visitors are sent to log in (pages) or get 401 (API)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from chuxin.core.services import api_token_issue

from .conftest import RectWorld

USERS = ["office", "city_admin", "other_county_admin", "guidance", "member_user", "anonymous"]
EVERYONE = dict.fromkeys(USERS[:-1], 200)
SEE_COUNTY_A = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 200,
    "member_user": 404,
}
CHANGE_COUNTY_A = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 403,
    "member_user": 404,
}
SEE_TASK = SEE_COUNTY_A | {"member_user": 200}
WORK_ON_TASK = CHANGE_COUNTY_A | {"member_user": 200}
SEE_PROVINCE = {
    "office": 200,
    "city_admin": 404,
    "other_county_admin": 404,
    "guidance": 404,
    "member_user": 404,
}


@dataclass(frozen=True)
class Route:
    name: str
    url: Callable[[RectWorld], str]
    expect: dict[str, int]
    method: str = "get"
    body: Callable[[RectWorld], dict[str, object]] | None = None
    api: bool = False


ROUTES = [
    Route("problem list", lambda w: "/problems/", EVERYONE),
    Route("problem detail", lambda w: f"/problems/{w.problem.pk}/", SEE_COUNTY_A),
    Route("problem edit", lambda w: f"/problems/{w.problem.pk}/edit/", CHANGE_COUNTY_A),
    Route("problem create", lambda w: f"/problems/units/{w.county_a.pk}/new/", CHANGE_COUNTY_A),
    Route("task list", lambda w: "/rectification/tasks/", EVERYONE),
    Route("ledger", lambda w: "/rectification/ledger/", EVERYONE),
    Route("ledger export", lambda w: "/rectification/ledger/?format=xlsx", EVERYONE),
    Route("special list", lambda w: "/rectification/specials/", EVERYONE),
    Route("duplicates", lambda w: f"/problems/units/{w.county_a.pk}/duplicates/", SEE_COUNTY_A),
    Route(
        "escalate",
        lambda w: f"/problems/{w.problem.pk}/escalate/",
        {k: (302 if v == 200 else v) for k, v in CHANGE_COUNTY_A.items()},
        method="post",
    ),
    Route("task detail", lambda w: f"/rectification/tasks/{w.task.pk}/", SEE_TASK),
    Route("task edit", lambda w: f"/rectification/tasks/{w.task.pk}/edit/", WORK_ON_TASK),
    Route(
        "task create",
        lambda w: f"/rectification/units/{w.county_a.pk}/tasks/new/",
        CHANGE_COUNTY_A,
    ),
    Route("unit tab", lambda w: f"/rectification/units/{w.county_a.pk}/", SEE_COUNTY_A),
    Route("province tab", lambda w: f"/rectification/units/{w.province.pk}/", SEE_PROVINCE),
    Route(
        "add objective",
        lambda w: f"/rectification/tasks/{w.task.pk}/objectives/",
        WORK_ON_TASK,
        method="post",
        body=lambda w: {"title": "阶段", "due_on": "2030-01-01"},
    ),
    Route(
        "report progress",
        lambda w: f"/rectification/tasks/{w.task.pk}/updates/",
        WORK_ON_TASK,
        method="post",
        body=lambda w: {"text": "进展"},
    ),
    Route("api problems", lambda w: "/api/v1/problems", EVERYONE, api=True),
    Route("api problem", lambda w: f"/api/v1/problems/{w.problem.pk}", SEE_COUNTY_A, api=True),
    Route(
        "api patch problem",
        lambda w: f"/api/v1/problems/{w.problem.pk}",
        CHANGE_COUNTY_A,
        method="patch",
        body=lambda w: {"severity": "low"},
        api=True,
    ),
    Route("api tasks", lambda w: "/api/v1/rectification/tasks", EVERYONE, api=True),
    Route("api task", lambda w: f"/api/v1/rectification/tasks/{w.task.pk}", SEE_TASK, api=True),
    Route(
        "api task updates",
        lambda w: f"/api/v1/rectification/tasks/{w.task.pk}/updates",
        SEE_TASK,
        api=True,
    ),
    Route(
        "api patch task",
        lambda w: f"/api/v1/rectification/tasks/{w.task.pk}",
        WORK_ON_TASK,
        method="patch",
        body=lambda w: {"note": "备注"},
        api=True,
    ),
    Route(
        "api add update",
        lambda w: f"/api/v1/rectification/tasks/{w.task.pk}/updates",
        WORK_ON_TASK | {"office": 201, "city_admin": 201, "member_user": 201},
        method="post",
        body=lambda w: {"text": "进展"},
        api=True,
    ),
    Route(
        "api unit figures",
        lambda w: f"/api/v1/rectification/units/{w.county_a.pk}",
        SEE_COUNTY_A,
        api=True,
    ),
]


def _client(rw: RectWorld, username: str, api: bool) -> Client:
    user = None if username == "anonymous" else getattr(rw, username)
    if not api:
        return rw.client_for(user)
    if user is None:
        return Client()
    _token, raw = api_token_issue(actor=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
@pytest.mark.parametrize("username", USERS)
def test_scope_matrix(rw: RectWorld, route: Route, username: str) -> None:
    client = _client(rw, username, route.api)
    url = route.url(rw)
    body = route.body(rw) if route.body else None
    if route.api:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
        response = getattr(client, route.method)(url, **kwargs)
    else:
        response = getattr(client, route.method)(url, body or {})
    if username == "anonymous":
        assert response.status_code == (401 if route.api else 302)
        return
    assert response.status_code == route.expect[username], (
        route.name,
        username,
        response.content[:300],
    )
