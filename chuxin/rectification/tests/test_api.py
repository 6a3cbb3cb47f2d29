"""The API as a script uses it: record a problem, give it a task with stage objectives, report
progress, submit, verify; lists answer {"items", "count"} with bounded queries."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chuxin.core.services import api_token_issue

from .conftest import RectWorld

pytestmark = pytest.mark.django_db


def _api(user: Any) -> Client:
    _token, raw = api_token_issue(actor=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_problem_to_verified_task_through_the_api(rw: RectWorld) -> None:
    admin, office = _api(rw.city_admin), _api(rw.office)
    response = _post(
        admin,
        "/api/v1/problems",
        {
            "campaign_id": rw.campaign.pk,
            "unit_id": rw.township_a.pk,
            "title": "农贸市场脏乱",
            "source": "supervision",
            "category": "needs",
        },
    )
    assert response.status_code == 201, response.content
    problem = response.json()
    limit = (timezone.localdate() + dt.timedelta(days=15)).isoformat()
    response = _post(
        admin,
        "/api/v1/rectification/tasks",
        {
            "responsible_unit_id": rw.township_a.pk,
            "title": "整治农贸市场",
            "problem_ids": [problem["id"]],
            "measures": ["清理摊位", "建立保洁制度"],
            "time_limit": limit,
            "responsible_person_id": rw.member.pk,
        },
    )
    assert response.status_code == 201, response.content
    task = response.json()
    assert task["measures"] == ["清理摊位", "建立保洁制度"] and task["light"] == "green"
    base = f"/api/v1/rectification/tasks/{task['id']}"
    objective = _post(admin, f"{base}/objectives", {"title": "清理", "due_on": limit}).json()
    response = _post(
        admin, f"/api/v1/rectification/objectives/{objective['id']}/tick", {"done": True}
    )
    assert response.json()["done_on"] == timezone.localdate().isoformat()
    assert admin.get(base).json()["progress"] == 100
    assert _post(admin, f"{base}/updates", {"text": "完成", "percent": 90}).status_code == 201
    assert admin.get(base).json()["progress"] == 90
    assert _post(admin, f"{base}/transition", {"action": "submit"}).json()["status"] == "submitted"
    response = _post(_api(rw.member_user), f"{base}/transition", {"action": "accept"})
    assert response.status_code == 403
    response = _post(office, f"{base}/transition", {"action": "return"})
    assert response.status_code == 422 and "reason" in response.json()["detail"]
    assert _post(office, f"{base}/transition", {"action": "accept"}).json()["status"] == "verified"
    assert admin.get(f"/api/v1/problems/{problem['id']}").json()["status"] == "rectified"
    figures = admin.get(f"/api/v1/rectification/units/{rw.city_a.pk}").json()
    assert figures["tasks"] == 2 and figures["closed"] == 1 and figures["on_time"] == 1


def test_lists_are_paginated_with_bounded_queries(rw: RectWorld) -> None:
    client = _api(rw.office)
    for url in ("/api/v1/problems", "/api/v1/rectification/tasks"):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url, {"limit": 10}).json()
        assert set(body) == {"items", "count"} and body["count"] == 1
        assert len(ctx.captured_queries) <= 8, url
    body = client.get("/api/v1/rectification/tasks", {"overdue": True}).json()
    assert body["count"] == 0


def test_specials_merge_and_escalation_through_the_api(rw: RectWorld) -> None:
    from chuxin.organization.models import BatchLink

    office, admin = _api(rw.office), _api(rw.city_admin)
    response = _post(
        office,
        "/api/v1/rectification/specials",
        {
            "campaign_id": rw.campaign.pk,
            "name": "整治形式主义",
            "leading_unit_id": rw.city_a.pk,
            "participating_unit_ids": [rw.county_a.pk],
        },
    )
    assert response.status_code == 201, response.content
    special = response.json()
    limit = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    response = _post(
        admin,
        "/api/v1/rectification/tasks",
        {
            "responsible_unit_id": rw.county_a.pk,
            "title": "精简会议",
            "time_limit": limit,
            "special_id": special["id"],
        },
    )
    assert response.json()["special_id"] == special["id"]
    detail = admin.get(f"/api/v1/rectification/specials/{special['id']}").json()
    assert detail["totals"]["tasks"] == 1 and detail["units"][0]["unit_id"] == rw.county_a.pk
    report = _post(
        admin,
        f"/api/v1/rectification/specials/{special['id']}/reports",
        {"period": "十一月", "text": "进展"},
    )
    assert report.status_code == 201 and report.json()["figures"]["tasks"] == 1
    assert admin.get("/api/v1/rectification/specials").json()["count"] == 1

    dup = _post(
        admin,
        "/api/v1/problems",
        {
            "campaign_id": rw.campaign.pk,
            "unit_id": rw.county_a.pk,
            "title": "老旧小区冬季供暖不达标",
            "source": "public",
            "category": "needs",
        },
    ).json()
    found = admin.get(f"/api/v1/problems/{dup['id']}/duplicates").json()
    assert [d["problem"]["id"] for d in found] == [rw.problem.pk]
    merged = _post(admin, f"/api/v1/problems/{dup['id']}/merge", {"into_id": rw.problem.pk})
    assert merged.json()["status"] == "merged" and merged.json()["merged_into_id"] == rw.problem.pk
    assert _post(admin, f"/api/v1/problems/{rw.problem.pk}/escalate", {}).status_code == 422
    BatchLink.objects.create(campaign=rw.campaign, upper_unit=rw.city_b, lower_unit=rw.county_a)
    response = _post(admin, f"/api/v1/problems/{rw.problem.pk}/escalate", {"note": "根在上面"})
    assert response.status_code == 201 and response.json()["unit_id"] == rw.city_b.pk
