"""The API answers with typed shapes, lists as {items, count}, tokens as Bearer."""

from __future__ import annotations

import json

from django.test import Client

from chuxin.core.services import api_token_issue, api_token_revoke
from conftest import World


def bearer(world: World, user: object) -> Client:
    _token, raw = api_token_issue(actor=None, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_list_shape_and_scope(world: World) -> None:
    client = bearer(world, world.city_admin)
    data = client.get("/api/v1/units").json()
    assert set(data) == {"items", "count"}
    codes = {u["code"] for u in data["items"]}
    assert codes == {"P-A", "P-A-1", "P-A-1-1", "P-A-1-1-1"}
    assert data["count"] == 4


def test_unit_detail_has_rollup_figures(world: World) -> None:
    client = bearer(world, world.office)
    data = client.get(f"/api/v1/units/{world.city_a.pk}").json()
    assert data["figures"] == {
        "members": 0,
        "leading_cadres": 0,
        "subtree_members": 2,
        "subtree_leading_cadres": 1,
        "subtree_units": 3,
        "sub_units": 1,
    }
    assert [a["code"] for a in data["ancestors"]] == ["P"]


def test_revoked_and_wrong_tokens_get_401(world: World) -> None:
    token, raw = api_token_issue(actor=None, user=world.office)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 200
    api_token_revoke(actor=None, token=token)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer cx_nonsense").get("/api/v1/me").status_code == 401
    assert Client().get("/api/v1/me").status_code == 401


def test_create_member_then_filter(world: World) -> None:
    client = bearer(world, world.city_admin)
    response = client.post(
        "/api/v1/members",
        data=json.dumps(
            {
                "unit_id": world.branch_a.pk,
                "member_number": "A0100",
                "name": "陈静",
                "gender": "female",
                "cadre_level": "section",
                "is_leading_cadre": True,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    found = client.get("/api/v1/members", {"q": "陈静"}).json()
    assert found["count"] == 1 and found["items"][0]["unit_name"] == "南市场社区党支部"
    leading = client.get("/api/v1/members", {"unit": world.city_a.pk, "leading": True}).json()
    assert {m["member_number"] for m in leading["items"]} == {"A0002", "A0100"}


def test_bad_input_is_422_naming_the_field(world: World) -> None:
    client = bearer(world, world.office)
    response = client.post(
        "/api/v1/units",
        data=json.dumps(
            {"parent_id": world.city_a.pk, "code": "P-A", "name": "x", "kind": "branch"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "code" in response.json()["detail"]
    response = client.post(
        "/api/v1/members",
        data=json.dumps(
            {"unit_id": world.branch_a.pk, "member_number": "Z", "name": "z", "gender": "unknown"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 422


def test_openapi_schema_and_docs_are_served(world: World) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/units/{unit_id}" in schema["paths"]
    client = world.client_for(world.office)
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    # Swagger UI comes from local static files, never a CDN.
    assert b"https://" not in docs.content and b"//cdn." not in docs.content


def test_list_query_counts_are_bounded(world: World, django_assert_max_num_queries) -> None:
    client = bearer(world, world.office)
    for i in range(30):
        client.post(
            "/api/v1/members",
            data=json.dumps(
                {
                    "unit_id": world.branch_a.pk,
                    "member_number": f"Q{i}",
                    "name": f"成员{i}",
                    "gender": "male",
                }
            ),
            content_type="application/json",
        )
    with django_assert_max_num_queries(6):
        data = client.get("/api/v1/members").json()
    assert data["count"] == 33
    with django_assert_max_num_queries(6):
        client.get("/api/v1/units")
