"""Who may see and change guidance teams, through pages and the API."""

from __future__ import annotations

import pytest
from django.utils import timezone

from chuxin.guidance import services

from .conftest import GWorld

pytestmark = pytest.mark.django_db

# user -> (team page, API team detail, record a visit page, settings page)
MATRIX = {
    "office": (200, 200, 200, 200),
    "city_admin": (404, 404, 404, 403),
    "other_county_admin": (404, 404, 404, 403),
    "guidance": (200, 200, 200, 403),
    "member_user": (404, 404, 404, 403),
    None: (302, 401, 302, 302),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_scope_matrix(g: GWorld, who: str | None) -> None:
    user = getattr(g, who) if who else None
    client = g.client_for(user)
    visit = services.visit_create(
        actor=g.leader, team=g.team, unit=g.county_a, date=timezone.localdate(), methods=["records"]
    )
    page, api, record, settings_ = MATRIX[who]
    assert client.get(f"/guidance/teams/{g.team.pk}/").status_code == page
    assert client.get(f"/api/v1/guidance/teams/{g.team.pk}").status_code == api
    assert client.get(f"/guidance/teams/{g.team.pk}/visits/new/").status_code == record
    assert client.get(f"/guidance/campaigns/{g.campaign.pk}/settings/").status_code == settings_
    assert client.get(f"/api/v1/guidance/visits/{visit.pk}").status_code == api
    listing = client.get("/api/v1/guidance/teams")
    if who in ("office", "guidance"):
        assert listing.json()["count"] == 1
    elif who is None:
        assert listing.status_code == 401
    else:
        assert listing.json()["count"] == 0


def test_api_flow_and_bad_input(g: GWorld, django_assert_max_num_queries) -> None:
    office = g.client_for(g.office)
    r = office.post(
        "/api/v1/guidance/teams",
        {"campaign_id": g.campaign.pk, "name": "第三督导组", "leader": "guidance"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    team_id = r.json()["id"]
    r = office.post(
        f"/api/v1/guidance/teams/{team_id}/assignments",
        {"unit_id": g.county_b.pk},
        content_type="application/json",
    )
    assert r.status_code == 201
    bad = office.post(
        f"/api/v1/guidance/teams/{team_id}/members",
        {"username": "nobody"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "username" in bad.json()["detail"]
    member = g.client_for(g.guidance)
    r = member.post(
        f"/api/v1/guidance/teams/{team_id}/visits",
        {
            "unit_id": g.county_b.pk,
            "date": timezone.localdate().isoformat(),
            "methods": ["questionnaire"],
            "findings": ["问卷满意度低"],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    finding_id = r.json()["findings"][0]["id"]
    r = member.post(
        f"/api/v1/guidance/findings/{finding_id}/problem", {}, content_type="application/json"
    )
    assert r.status_code == 201
    bad = member.post(
        f"/api/v1/guidance/teams/{team_id}/visits",
        {"unit_id": g.county_b.pk, "date": timezone.localdate().isoformat(), "methods": []},
        content_type="application/json",
    )
    assert bad.status_code == 422
    forbidden = g.client_for(g.city_admin).post(
        "/api/v1/guidance/teams",
        {"campaign_id": g.campaign.pk, "name": "x", "leader": "guidance"},
        content_type="application/json",
    )
    assert forbidden.status_code == 403
    with django_assert_max_num_queries(10):
        assert member.get(f"/api/v1/guidance/teams/{team_id}/visits").status_code == 200
    with django_assert_max_num_queries(12):
        assert member.get(f"/api/v1/guidance/teams/{team_id}/units").status_code == 200
