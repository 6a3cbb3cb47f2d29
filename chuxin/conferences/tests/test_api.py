# ruff: noqa: RUF001 - Chinese text uses full-width punctuation
"""The API as a script uses it: record a conference with its people, sub-venues and
speeches, deploy work (tasks), generate, edit and publish the release, download the .docx;
scope matrix, 422 on bad input, bounded queries on lists."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chuxin.conferences.models import Conference, ConferencePerson, Speech, SubVenue
from chuxin.core.services import api_token_issue
from chuxin.rectification.models import RectificationTask

from .conftest import ConfWorld

BASE = "/api/v1/conferences/"
USERS = ["office", "city_admin", "other_county_admin", "guidance", "member_user", None]


def api(cw: ConfWorld, name: str | None) -> Client:
    if name is None:
        return Client()
    user = getattr(cw, name)
    _token, raw = api_token_issue(actor=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(
        url, data=json.dumps(body) if body is not None else None, content_type="application/json"
    )


def test_a_conference_through_the_api(cw: ConfWorld) -> None:
    c = api(cw, "city_admin")
    r = send(
        c,
        "post",
        BASE,
        {
            "campaign_id": cw.campaign.pk,
            "organizer_id": cw.city_a.pk,
            "ordinal": 8,
            "title": "沈阳市第八次推进会",
            "starts_at": (timezone.now() + dt.timedelta(days=3)).isoformat(),
            "format": "teleconference",
            "main_venue": "市委礼堂",
            "organizer_label": "沈阳市委",
        },
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = send(c, "post", f"{BASE}{pk}/persons", {"role": "presiding", "name": "张书记",
             "position": "市委书记，市委主题教育领导小组组长"})  # fmt: skip
    assert r.status_code == 201
    assert send(c, "post", f"{BASE}{pk}/persons", {"role": "attendee", "member_id":
                cw.member.pk}).json()["name"] == "李明"  # fmt: skip
    r = send(c, "post", f"{BASE}{pk}/venues", {"unit_id": cw.county_a.pk, "attendance": 66,
             "chaired_by": "区委书记"})  # fmt: skip
    assert r.status_code == 201 and r.json()["unit"] == "和平区"
    venue_id = r.json()["id"]
    assert (
        send(c, "patch", f"{BASE}venues/{venue_id}", {"attendance": 70}).json()["attendance"] == 70
    )
    r = send(c, "post", f"{BASE}{pk}/speeches", {"kind": "main", "speaker_name": "张书记",
             "key_points": ["抓学习", "抓整改"]})  # fmt: skip
    assert r.status_code == 201
    r = send(c, "post", f"{BASE}{pk}/speeches", {"kind": "special",
             "special_id": cw.special.pk})  # fmt: skip
    assert r.status_code == 201 and r.json()["position"] == "大连市"
    assert r.json()["topic"] == "整治形式主义为基层减负"
    speech_id = r.json()["id"]
    r = send(c, "patch", f"{BASE}speeches/{speech_id}", {"position": "大连市委"})
    assert r.json()["position"] == "大连市委"
    r = send(c, "post", f"{BASE}{pk}/deployed", {"title": "开展回头看",
             "unit_ids": [cw.county_a.pk, cw.township_a.pk],
             "time_limit": str(timezone.localdate() + dt.timedelta(days=20))})  # fmt: skip
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["tasks"] == 2 and body["status"] == "not_started"
    assert RectificationTask.objects.filter(pk__in=[a["task_id"] for a in body["assignments"]])
    detail = send(c, "get", f"{BASE}{pk}").json()
    assert [p["name"] for p in detail["persons"]] == ["李明", "张书记"] or [
        p["name"] for p in detail["persons"]
    ] == ["张书记", "李明"]
    assert len(detail["venues"]) == 1 and len(detail["speeches"]) == 2
    assert detail["deployed_items"][0]["title"] == "开展回头看"
    assert send(c, "get", f"{BASE}{pk}/release").status_code == 404
    r = send(c, "post", f"{BASE}{pk}/release/generate")
    assert r.status_code == 200
    release = r.json()
    assert release["headline_zh"] == "沈阳市委召开主题教育第八次推进会"
    assert "张书记指出，抓学习。" in release["body_zh"]
    assert "大连市委（整治形式主义为基层减负）" in release["body_zh"]
    assert release["headline_en"].endswith(
        "Holds Eighth Promotion Conference on Thematic Education"
    )
    edited = release | {"headline_en": "Shenyang Holds Its Eighth Promotion Conference"}
    payload = {k: edited[k] for k in ("headline_zh", "body_zh", "headline_en", "body_en")}
    assert send(c, "put", f"{BASE}{pk}/release", payload).status_code == 200
    r = send(c, "post", f"{BASE}{pk}/release/publish")
    assert r.json()["is_published"] and r.json()["published_by"] == "city_admin"
    assert send(c, "put", f"{BASE}{pk}/release", payload).status_code == 422
    assert send(c, "post", f"{BASE}{pk}/release/generate").status_code == 422
    r = c.get(f"{BASE}{pk}/release/docx?lang=en")
    from docx import Document

    doc = Document(io.BytesIO(r.content))
    assert doc.paragraphs[0].text == "Shenyang Holds Its Eighth Promotion Conference"
    assert c.get(f"{BASE}{pk}/release/docx?lang=fr").status_code == 422
    # Removing parts (the history keeps them).
    assert send(c, "delete", f"{BASE}venues/{venue_id}").status_code == 204
    assert send(c, "delete", f"{BASE}speeches/{speech_id}").status_code == 204
    person_id = detail["persons"][0]["id"]
    assert send(c, "delete", f"{BASE}persons/{person_id}").status_code == 204
    assert send(c, "post", f"{BASE}{pk}/archive").status_code == 204
    assert send(c, "get", f"{BASE}{pk}").status_code == 404


def _live_counts() -> tuple[int, int, int]:
    """Live participants, sub-venues and speeches (removing archives; it deletes nothing)."""
    return (
        ConferencePerson.objects.live().count(),
        SubVenue.objects.live().count(),
        Speech.objects.live().count(),
    )


@pytest.mark.parametrize("user", USERS)
def test_scope_matrix_of_the_api(cw: ConfWorld, user: str | None) -> None:
    from chuxin.conferences import services

    services.release_generate(actor=cw.office, conference=cw.third)
    c = api(cw, user)
    view = {"office": 200, "city_admin": 200, "member_user": 200, None: 401}.get(user, 404)
    manage = {"office": 200, "city_admin": 403, "member_user": 403, None: 401}.get(user, 404)
    pk = cw.third.pk
    for path in ("", "/persons", "/venues", "/speeches", "/deployed", "/release",
                 "/release/docx"):  # fmt: skip
        assert send(c, "get", f"{BASE}{pk}{path}").status_code == view, path
    assert send(c, "patch", f"{BASE}{pk}", {"title": "改"}).status_code == manage
    speech = cw.third.speeches.first()
    assert send(c, "patch", f"{BASE}speeches/{speech.pk}", {"topic": "改"}).status_code == manage
    venue = cw.third.venues.first()
    assert send(c, "patch", f"{BASE}venues/{venue.pk}", {"attendance": 1}).status_code == manage
    before = _live_counts()
    if manage != 200:
        expect = 404 if manage == 404 else manage
        assert send(c, "post", f"{BASE}{pk}/persons", {"role": "attendee", "name": "x"}
                    ).status_code == expect  # fmt: skip
        assert send(c, "delete", f"{BASE}venues/{venue.pk}").status_code == expect
        assert send(c, "post", f"{BASE}{pk}/release/publish").status_code == expect
        assert send(c, "post", f"{BASE}{pk}/archive").status_code == expect
    after = _live_counts()
    assert before == after
    listed = send(c, "get", BASE)
    if user is None:
        assert listed.status_code == 401
    else:
        ids = {item["id"] for item in listed.json()["items"]}
        assert (cw.third.pk in ids) == (view == 200)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("", {"ordinal": 3}, "ordinal"),
        ("", {"ordinal": 0}, None),
        ("", {"format": "fax"}, None),
        ("", {"title": ""}, None),
        ("", {"starts_at": "tomorrow"}, None),
        ("", {"ends_at": "2000-01-01T00:00:00Z"}, "ends_at"),
        ("/persons", {"role": "presiding", "name": "第二位"}, "role"),
        ("/persons", {"role": "attendee", "name": ""}, "name"),
        ("/persons", {"role": "king", "name": "x"}, None),
        ("/venues", {"unit_id": "city"}, None),
        ("/venues", {"attendance": -1}, None),
        ("/speeches", {"kind": "main", "speaker_name": "x", "key_points": []}, "key_points"),
        ("/speeches", {"kind": "main", "speaker_name": "x", "key_points": "abc"}, None),
        ("/speeches", {"kind": "deployment", "speaker_name": "x"}, "topic"),
        ("/speeches", {"kind": "other", "speaker_name": "x", "special_id": "abc"}, None),
        ("/deployed", {"title": "x", "unit_ids": [], "time_limit": "2099-01-01"}, None),
        ("/deployed", {"title": "x", "unit_ids": [1], "time_limit": "2001-01-01"}, "time_limit"),
        ("/deployed", {"title": "x", "unit_ids": [1], "time_limit": "2099-01-01",
                       "category": "bad"}, None),
        ("/release", {"headline_zh": ""}, None),
    ],
)  # fmt: skip
def test_bad_input_answers_422_and_changes_nothing(
    cw: ConfWorld, path: str, body: dict[str, Any], field: str | None
) -> None:
    c = api(cw, "office")
    pk = cw.third.pk
    if path == "":
        method, url = "post", BASE
        body = {
            "campaign_id": cw.campaign.pk,
            "organizer_id": cw.province.pk,
            "ordinal": 9,
            "title": "t",
            "starts_at": timezone.now().isoformat(),
        } | body
    elif path == "/venues":
        method, url = "post", f"{BASE}{pk}{path}"
        body = {"unit_id": cw.county_b.pk} | body
    elif path == "/release":
        method, url = "put", f"{BASE}{pk}{path}"
    else:
        method, url = "post", f"{BASE}{pk}{path}"
        if path == "/deployed" and body["unit_ids"]:
            body["unit_ids"] = [cw.city_a.pk]
    counts = [m.objects.count() for m in (Conference, ConferencePerson, SubVenue, Speech)]
    tasks = RectificationTask.objects.count()
    response = send(c, method, url, body)
    assert response.status_code == 422, response.content
    if field is not None:
        assert field in response.json()["detail"]
    assert counts == [m.objects.count() for m in (Conference, ConferencePerson, SubVenue, Speech)]
    assert tasks == RectificationTask.objects.count()


def test_unknown_ids(cw: ConfWorld) -> None:
    c = api(cw, "office")
    assert send(c, "get", f"{BASE}99999").status_code == 404
    assert send(c, "post", f"{BASE}{cw.third.pk}/venues", {"unit_id": 99999}).status_code == 404
    assert send(c, "post", f"{BASE}{cw.third.pk}/speeches", {"kind": "special",
                "special_id": 99999}).status_code == 404  # fmt: skip
    r = send(c, "post", BASE, {"campaign_id": 99999, "organizer_id": cw.province.pk,
             "ordinal": 9, "title": "t", "starts_at": timezone.now().isoformat()})  # fmt: skip
    assert r.status_code == 404


def test_list_query_bound(cw: ConfWorld, django_assert_max_num_queries: Any) -> None:
    from chuxin.conferences import services

    for n in range(10, 30):
        services.conference_create(
            actor=cw.office,
            campaign=cw.campaign,
            organizer=cw.province,
            ordinal=n,
            title=f"第{n}次",
            starts_at=timezone.now(),
        )
    c = api(cw, "city_admin")
    with django_assert_max_num_queries(8):
        r = send(c, "get", f"{BASE}?campaign={cw.campaign.pk}&limit=100")
    assert r.json()["count"] == 2
    c = api(cw, "office")
    with django_assert_max_num_queries(8):
        r = send(c, "get", f"{BASE}?limit=100")
    assert r.json()["count"] == 23
    with django_assert_max_num_queries(14):
        assert send(c, "get", f"{BASE}{cw.third.pk}").status_code == 200
