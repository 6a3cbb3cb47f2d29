"""The scope matrix: every page and API route, walked by every named user.

Inside scope is allowed; outside scope answers 404 (never 403, which would leak that the thing
exists); visible but not changeable answers 403; anonymous visitors are sent to log in (pages)
or get 401 (API).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from conftest import World

USERS = ["office", "city_admin", "other_county_admin", "guidance", "member_user", "anonymous"]


@dataclass(frozen=True)
class Route:
    name: str
    url: Callable[[World], str]
    expect: dict[str, int]
    api: bool = False


def _pk(attr: str) -> Callable[[World], int]:
    return lambda w: getattr(w, attr).pk


# What each user may do, as sentences:
# - the office sees and changes the whole province;
# - the city administrator sees and changes city A, not city B;
# - the county administrator of city B sees nothing of city A;
# - the guidance team member sees exactly county A (not its branches) and changes nothing;
# - the member sees their own branch and their own record, nothing else.
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
CHANGE_COUNTY_A = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 403,
    "member_user": 404,
}
CHANGE_BRANCH_A = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 404,
    "member_user": 403,
}
EVERYONE = dict.fromkeys(USERS[:-1], 200)


def page(name: str, url: Callable[[World], str], expect: dict[str, int]) -> Route:
    return Route(name, url, expect | {"anonymous": 302})


def api(name: str, url: Callable[[World], str], expect: dict[str, int]) -> Route:
    return Route(name, url, expect | {"anonymous": 401}, api=True)


ROUTES = [
    page("unit tree", lambda w: "/org/units/", EVERYONE),
    page("unit search", lambda w: "/org/units/search/", EVERYONE),
    page(
        "unit search under county A",
        lambda w: f"/org/units/search/?under={w.county_a.pk}",
        SEE_COUNTY_A,
    ),
    page("unit page of county A", lambda w: f"/org/units/{w.county_a.pk}/", SEE_COUNTY_A),
    page("unit page of branch A", lambda w: f"/org/units/{w.branch_a.pk}/", SEE_BRANCH_A),
    page("children of county A", lambda w: f"/org/units/{w.county_a.pk}/children/", SEE_COUNTY_A),
    page("edit county A", lambda w: f"/org/units/{w.county_a.pk}/edit/", CHANGE_COUNTY_A),
    page(
        "add a unit to county A", lambda w: f"/org/units/{w.county_a.pk}/add-unit/", CHANGE_COUNTY_A
    ),
    page(
        "add a member to branch A",
        lambda w: f"/org/units/{w.branch_a.pk}/add-member/",
        CHANGE_BRANCH_A,
    ),
    page("member list", lambda w: "/org/members/", EVERYONE),
    page("members of county A", lambda w: f"/org/members/?unit={w.county_a.pk}", SEE_COUNTY_A),
    page("member A's page", lambda w: f"/org/members/{w.member.pk}/", SEE_BRANCH_A),
    page("edit member A", lambda w: f"/org/members/{w.member.pk}/edit/", CHANGE_BRANCH_A),
    page(
        "member B's page",
        lambda w: f"/org/members/{w.member_b.pk}/",
        {
            "office": 200,
            "city_admin": 404,
            "other_county_admin": 200,
            "guidance": 404,
            "member_user": 404,
        },
    ),
    page("campaign list", lambda w: "/org/campaigns/", EVERYONE),
    api("API units", lambda w: "/api/v1/units", EVERYONE),
    api("API unit county A", lambda w: f"/api/v1/units/{w.county_a.pk}", SEE_COUNTY_A),
    api("API unit branch A", lambda w: f"/api/v1/units/{w.branch_a.pk}", SEE_BRANCH_A),
    api(
        "API children of county A",
        lambda w: f"/api/v1/units/{w.county_a.pk}/children",
        SEE_COUNTY_A,
    ),
    api("API members", lambda w: "/api/v1/members", EVERYONE),
    api("API members of county A", lambda w: f"/api/v1/members?unit={w.county_a.pk}", SEE_COUNTY_A),
    api("API member A", lambda w: f"/api/v1/members/{w.member.pk}", SEE_BRANCH_A),
    api("API campaigns", lambda w: "/api/v1/campaigns", EVERYONE),
    api("API me", lambda w: "/api/v1/me", EVERYONE),
]


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
@pytest.mark.parametrize("who", USERS)
def test_scope_matrix(world: World, route: Route, who: str) -> None:
    user = None if who == "anonymous" else getattr(world, who)
    response = world.client_for(user).get(route.url(world))
    expected = route.expect[who]
    assert response.status_code == expected, (
        f"{who} on {route.name}: got {response.status_code}, expected {expected}"
    )
    if expected == 302:
        assert "/accounts/login/" in response["Location"]


WRITES = [
    (
        "POST",
        "/api/v1/units",
        lambda w: {"parent_id": w.county_a.pk, "code": "NEW-1", "name": "新支部", "kind": "branch"},
        CHANGE_COUNTY_A,
        201,
    ),
    ("PATCH", "/api/v1/units/{county_a}", lambda w: {"name": "改名"}, CHANGE_COUNTY_A, 200),
    (
        "POST",
        "/api/v1/members",
        lambda w: {
            "unit_id": w.branch_a.pk,
            "member_number": "N-1",
            "name": "新党员",
            "gender": "female",
        },
        CHANGE_BRANCH_A,
        201,
    ),
    ("PATCH", "/api/v1/members/{member}", lambda w: {"position": "组织委员"}, CHANGE_BRANCH_A, 200),
]


@pytest.mark.parametrize(
    "method,url,body,expect,ok", WRITES, ids=[f"{m} {u}" for m, u, *_ in WRITES]
)
@pytest.mark.parametrize("who", USERS)
def test_api_write_matrix(
    world: World,
    method: str,
    url: str,
    body: Callable[[World], dict],
    expect: dict[str, int],
    ok: int,
    who: str,
) -> None:
    from chuxin.core.services import api_token_issue

    url = url.format(county_a=world.county_a.pk, member=world.member.pk)
    headers = {}
    if who != "anonymous":
        _token, raw = api_token_issue(actor=None, user=getattr(world, who))
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    client = world.client_for(None)
    response = client.generic(
        method,
        url,
        data=json.dumps(body(world)),
        content_type="application/json",
        **headers,
    )
    expected = {**expect, "anonymous": 401}[who]
    expected = ok if expected == 200 else expected
    assert response.status_code == expected, (who, response.content)
