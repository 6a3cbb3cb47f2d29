"""The study API: typed shapes, lists as {items, count}, bad input as 422 naming the field."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client
from django.utils import timezone

from chuxin.core.services import api_token_issue
from chuxin.study.models import StudyRecord

from .conftest import StudyWorld


def bearer(user: object) -> Client:
    _token, raw = api_token_issue(actor=None, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, url: str, body: dict) -> object:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def test_items_list_and_create(study_world: StudyWorld) -> None:
    sw = study_world
    data = bearer(sw.member_user).get("/api/v1/study/items").json()
    assert data["count"] == 2 and {i["title"] for i in data["items"]} == {"学习党章", "专题党课"}
    office = bearer(sw.office)
    response = post(
        office,
        "/api/v1/study/items",
        {
            "campaign_id": sw.campaign.pk,
            "title": "学习十九届四中全会精神",
            "kind": "lecture",
            "required_levels": ["ordinary", "county"],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["in_force"] is True
    cov = office.get(f"/api/v1/study/units/{sw.province.pk}/coverage").json()
    assert {i["title"] for i in cov["items"]} >= {"学习十九届四中全会精神"}
    # Only the office defines items; bad input names the field.
    assert (
        post(
            bearer(sw.city_admin),
            "/api/v1/study/items",
            {
                "campaign_id": sw.campaign.pk,
                "title": "x",
                "kind": "lecture",
                "required_levels": ["ordinary"],
            },
        ).status_code
        == 403
    )
    bad = post(
        office,
        "/api/v1/study/items",
        {"campaign_id": sw.campaign.pk, "title": "x", "kind": "nap", "required_levels": []},
    )
    assert bad.status_code == 422


def test_session_with_absentees_then_makeup(study_world: StudyWorld) -> None:
    sw = study_world
    admin = bearer(sw.city_admin)
    response = post(
        admin,
        "/api/v1/study/sessions",
        {
            "unit_id": sw.branch_a.pk,
            "item_id": sw.reading.pk,
            "date": ago(1),
            "host": "书记",
            "absent": [{"member_id": sw.member.pk, "reason": "出差"}],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["attendance"] == [
        {"member_id": sw.member.pk, "present": False, "absence_reason": "出差"}
    ]
    cov = admin.get(f"/api/v1/study/units/{sw.branch_a.pk}/coverage").json()
    assert (cov["required"], cov["covered"], cov["makeup_owing"], cov["sessions"]) == (1, 0, 1, 1)
    uncovered = admin.get(f"/api/v1/study/units/{sw.city_a.pk}/uncovered").json()
    assert uncovered["count"] == 2
    li = next(u for u in uncovered["items"] if u["member_id"] == sw.member.pk)
    assert [m["title"] for m in li["makeup"]] == ["学习党章"]
    mine = bearer(sw.member_user)
    assert mine.get("/api/v1/study/me").json()["makeup_owed"] == 1
    response = post(
        mine,
        "/api/v1/study/records",
        {"member_id": sw.member.pk, "item_id": sw.reading.pk, "date": ago(0), "makeup": True},
    )
    assert response.status_code == 201, response.content
    cov = admin.get(f"/api/v1/study/units/{sw.branch_a.pk}/coverage").json()
    assert (cov["covered"], cov["percent"]) == (1, 100)
    sessions = admin.get(f"/api/v1/study/sessions?unit={sw.branch_a.pk}").json()
    assert sessions["count"] == 1


def test_session_bad_input(study_world: StudyWorld) -> None:
    sw = study_world
    admin = bearer(sw.city_admin)
    base = {"unit_id": sw.branch_a.pk, "item_id": sw.reading.pk, "date": ago(1), "host": "书记"}
    cases = [
        ({**base, "present": [sw.member_b.pk]}, "present"),  # not on the roster
        ({**base, "present": []}, "present"),  # nobody marked
        ({**base, "present": [sw.member.pk], "date": ago(-3)}, "date"),  # future
        ({**base, "present": [sw.member.pk], "host": " "}, "host"),
    ]
    for body, field in cases:
        response = post(admin, "/api/v1/study/sessions", body)
        assert response.status_code == 422, (body, response.content)
        assert field in response.json()["detail"], response.json()
    assert StudyRecord.objects.count() == 0


def test_records_list_filters_and_bulk(study_world: StudyWorld) -> None:
    sw = study_world
    office = bearer(sw.office)
    body = {
        "records": [
            {"member_number": "A0001", "item": "学习党章", "date": ago(2), "hours": "1.5"},
            {"member_number": "A0002", "item": str(sw.lecture.pk), "date": ago(2)},
            {"member_number": "A0002", "item": "专题党课", "date": ago(1)},
        ]
    }
    response = post(office, "/api/v1/study/records/bulk", body)
    assert response.status_code == 201, response.content
    assert response.json() == {"created": 3, "unchanged": 0}
    assert post(office, "/api/v1/study/records/bulk", body).json() == {"created": 0, "unchanged": 3}
    listed = office.get(f"/api/v1/study/records?unit={sw.province.pk}&item={sw.lecture.pk}").json()
    assert listed["count"] == 2
    assert office.get(f"/api/v1/study/records?member={sw.member.pk}").json()["count"] == 1
    bad = post(
        office,
        "/api/v1/study/records/bulk",
        {
            "records": [
                {"member_number": "NOPE", "item": "学习党章", "date": ago(2)},
                {"member_number": "A0001", "item": "学习党章", "date": ago(3)},
                {"member_number": "A0001", "item": "没有", "date": ago(3)},
            ]
        },
    )
    assert bad.status_code == 422
    assert set(bad.json()["detail"]) == {"records[0].member_number", "records[2].item"}
    assert StudyRecord.objects.count() == 3
    # The city administrator may not write for city B's members.
    out = post(
        bearer(sw.city_admin),
        "/api/v1/study/records/bulk",
        {"records": [{"member_number": "B0001", "item": "学习党章", "date": ago(2)}]},
    )
    assert out.status_code == 422


def test_dead_ends(study_world: StudyWorld) -> None:
    sw = study_world
    office = bearer(sw.office)
    data = office.get(f"/api/v1/study/units/{sw.province.pk}/dead-ends").json()
    assert data["count"] == 3  # the three units holding members: nothing done, no sessions
    assert {d["code"] for d in data["items"]} == {"P-A-1-1-1", "P-A-1", "P-B-1-1"}
    branch_a = next(d for d in data["items"] if d["code"] == "P-A-1-1-1")
    assert branch_a["administrators"] == ["city_admin"]
    assert (
        office.get(f"/api/v1/study/units/{sw.province.pk}/dead-ends?threshold=0").status_code == 422
    )
