"""The portal's API: public operations without authentication but with the same limits and
challenge as the pages; staff operations through the scope."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from chuxin.portal.models import Opinion, OpinionStatus, SatisfactionRating
from chuxin.rectification.tests.conftest import RectWorld

from .conftest import challenge, opinion_for, verified_task_for

pytestmark = pytest.mark.django_db
API = "/api/v1/portal"


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_public_submit_track_and_rate(pw: RectWorld) -> None:
    client = Client()
    units = client.get(f"{API}/public/units", {"q": "和平"}).json()
    assert [u["id"] for u in units] == [pw.county_a.pk]
    ch = client.get(f"{API}/public/challenge").json()
    a, b = (int(n) for n in re.findall(r"\d+", ch["question"]))
    body = {
        "unit_id": pw.county_a.pk,
        "text": "路灯不亮",
        "contact": {"phone": "13800000000"},
        "challenge_token": ch["token"],
        "challenge_answer": str(a + b),
    }
    response = post(client, f"{API}/public/opinions", body)
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    opinion = Opinion.objects.get(code=code)
    assert opinion.has_contact
    tracked = client.get(f"{API}/public/track/{code.lower()}").json()
    assert tracked["status"] == "new" and tracked["ratable"] is False
    assert "13800000000" not in json.dumps(tracked)
    assert client.get(f"{API}/public/track/ABCDEFGHJK").status_code == 404
    assert client.get(f"{API}/public/track/{'x' * 300}").status_code == 404

    from chuxin.portal import services

    problem = services.opinion_to_problem(
        actor=pw.city_admin, opinion=opinion, title="路灯不亮", category="needs"
    )
    verified_task_for(pw, problem)
    tracked = client.get(f"{API}/public/track/{code}").json()
    assert tracked["ratable"] and tracked["tasks"][0]["status"] == "verified"
    rated = post(client, f"{API}/public/track/{code}/rating", {"level": "very", **challenge()})
    assert rated.status_code == 201 and rated.json()["score"] == 100
    twice = post(client, f"{API}/public/track/{code}/rating", {"level": "very", **challenge()})
    assert twice.status_code == 422 and SatisfactionRating.objects.count() == 1
    assert client.get(f"{API}/public/track/{code}").json()["rating"] == "very"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"challenge_answer": "999"}, "challenge_answer"),
        ({"challenge_token": "forged"}, "challenge_answer"),
        ({"text": "长" * 2001}, "text"),
        ({"text": "  "}, "text"),
        ({"contact": {"email": "nope"}}, "contact_email"),
        ({"unit_id": 999999}, "unit_id"),
    ],
)
def test_public_submit_bad_input(pw: RectWorld, changes: dict[str, Any], field: str) -> None:
    body = {"unit_id": pw.county_a.pk, "text": "路灯不亮", **challenge()} | changes
    response = post(Client(), f"{API}/public/opinions", body)
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert not Opinion.objects.exists()


def test_public_api_is_rate_limited(pw: RectWorld, settings: Any) -> None:
    settings.PORTAL_RATE_LIMITS = {"submit": (2, 600)}
    client = Client()
    for _n in range(2):
        body = {"unit_id": pw.county_a.pk, "text": "路灯不亮", **challenge()}
        assert post(client, f"{API}/public/opinions", body).status_code == 201
    body = {"unit_id": pw.county_a.pk, "text": "路灯不亮", **challenge()}
    flooded = post(client, f"{API}/public/opinions", body)
    assert flooded.status_code == 429 and flooded.json()["retry_after"] == 600
    # the pages count with the API: the same address is past the limit there too
    page = Client().post("/portal/opinions/new/", {"do": "submit"})
    assert page.status_code == 429


@pytest.mark.parametrize(
    ("who", "count", "detail", "contact", "close"),
    [
        ("office", 1, 200, True, 200),
        ("city_admin", 1, 200, True, 200),
        ("other_county_admin", 0, 404, False, 404),
        ("guidance", 1, 200, False, 403),
        ("member_user", 0, 404, False, 404),
        ("anonymous", None, 401, False, 401),
    ],
)
def test_staff_api_scope_matrix(
    pw: RectWorld,
    who: str,
    count: int | None,
    detail: int,
    contact: bool,
    close: int,
    django_assert_max_num_queries: Any,
) -> None:
    opinion = opinion_for(pw.county_a, contact={"phone": "13800000000"})
    client = pw.client_for(None if who == "anonymous" else getattr(pw, who))
    with django_assert_max_num_queries(8):
        listed = client.get(f"{API}/opinions")
    if count is None:
        assert listed.status_code == 401
    else:
        assert listed.json()["count"] == count
    got = client.get(f"{API}/opinions/{opinion.pk}")
    assert got.status_code == detail
    if detail == 200:
        assert (got.json()["contact"] is not None) == contact
    closed = post(client, f"{API}/opinions/{opinion.pk}/close", {"reason": "已解决"})
    assert closed.status_code == close


def test_staff_api_triage_and_bounds(pw: RectWorld, django_assert_max_num_queries: Any) -> None:
    client = pw.client_for(pw.city_admin)
    entered = post(
        client,
        f"{API}/opinions",
        {"unit_id": pw.county_a.pk, "channel": "letter", "text": "老旧小区供暖不达标 来信"},
    )
    assert entered.status_code == 201
    pk = entered.json()["id"]
    assert (
        post(
            client, f"{API}/opinions", {"unit_id": pw.county_b.pk, "channel": "letter", "text": "x"}
        ).status_code
        == 404
    )
    suggestions = client.get(f"{API}/opinions/{pk}/suggestions").json()
    assert suggestions[0]["problem"]["id"] == pw.problem.pk
    bad = post(client, f"{API}/opinions/{pk}/problem", {"title": "", "category": "needs"})
    assert bad.status_code == 422
    made = post(client, f"{API}/opinions/{pk}/problem", {"title": "供暖", "category": "needs"})
    assert made.status_code == 201
    assert Opinion.objects.get(pk=pk).status == OpinionStatus.PROBLEM
    answered = post(client, f"{API}/opinions/{pk}/answer", {"answer": "已立项"})
    assert answered.json()["public_answer"] == "已立项" and answered.json()["status"] == "problem"
    other = opinion_for(pw.county_a)
    merged = post(client, f"{API}/opinions/{other.pk}/merge", {"problem_id": pw.problem.pk})
    assert merged.json()["status"] == "merged"
    for n in range(20):
        opinion_for(pw.branch_a, text=f"意见{n}")
    with django_assert_max_num_queries(8):
        page = client.get(f"{API}/opinions", {"unit": pw.township_a.pk, "status": "new"}).json()
    assert page["count"] == 20
