"""The meetings API: a meeting from planning to report, 422 for bad input on every endpoint,
the scope matrix of the routes, query bounds on the lists."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chuxin.core.services import api_token_issue
from chuxin.meetings.models import LifeMeeting, MeetingStatus
from chuxin.rectification.models import RectificationTask

from .conftest import MeetingWorld, to_held

API = "/api/v1/meetings"


class Api:
    def __init__(self, user: Any) -> None:
        headers = {"HTTP_ACCEPT_LANGUAGE": "en"}
        if user is not None:
            _t, raw = api_token_issue(actor=None, user=user, name="t")
            headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        self.c = Client(**headers)

    def get(self, path: str) -> Any:
        return self.c.get(API + path)

    def post(self, path: str, data: Any = None) -> Any:
        return self.c.post(API + path, json.dumps(data or {}), content_type="application/json")

    def patch(self, path: str, data: Any) -> Any:
        return self.c.patch(API + path, json.dumps(data), content_type="application/json")

    def put(self, path: str, data: Any) -> Any:
        return self.c.put(API + path, json.dumps(data), content_type="application/json")


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def test_a_meeting_from_planning_to_report_through_the_api(mw: MeetingWorld) -> None:
    admin, guide = Api(mw.city_admin), Api(mw.guidance)
    today = timezone.localdate()
    m = ok(
        admin.post(
            "/meetings",
            {
                "campaign_id": mw.campaign.pk,
                "unit_id": mw.county_a.pk,
                "kind": "democratic",
                "theme": "区政府党组专题民主生活会",
                "planned_on": (today + dt.timedelta(days=3)).isoformat(),
                "member_ids": [mw.wang.pk, mw.zhang.pk],
            },
        ),
        201,
    )
    mid = m["id"]
    assert m["status"] == "planned" and len(m["participants"]) == 2
    ok(admin.post(f"/meetings/{mid}/participants", {"member_id": mw.liu.pk}), 201)
    ok(
        admin.post(f"/meetings/{mid}/guides", {"user_id": mw.guidance.pk, "title": "督导组组长"}),
        201,
    )
    ok(admin.post(f"/meetings/{mid}/transition", {"action": "prepare"}))
    s = ok(
        admin.post(
            f"/meetings/{mid}/solicitations",
            {
                "method": "questionnaire",
                "held_on": today.isoformat(),
                "respondents": 40,
                "opinions": ["为民服务意识不强"],
            },
        ),
        201,
    )
    problem = ok(
        admin.post(f"/opinions/{s['opinions'][0]['id']}/problem", {"category": "style"}), 201
    )
    assert problem["source"] == "meeting"
    ps = [p["id"] for p in ok(admin.get(f"/meetings/{mid}"))["participants"]]
    ok(
        admin.post(
            f"/meetings/{mid}/talks",
            {"first_id": ps[0], "second_id": ps[1], "talked_on": today.isoformat()},
        ),
        201,
    )
    assert len(ok(admin.get(f"/meetings/{mid}/talks"))["missing"]) == 2
    for pid in ps[:2]:
        v = ok(admin.post(f"/participants/{pid}/material", {"text": "对照检查材料"}), 201)
        assert v["number"] == 1
    materials = ok(admin.get(f"/meetings/{mid}/materials"))
    for material in materials:
        ok(admin.post(f"/materials/{material['id']}/submit"))
        review = ok(guide.post(f"/materials/{material['id']}/review", {"decision": "approve"}), 201)
        assert review["reviewer"] == "guidance"
    r = admin.post(f"/meetings/{mid}/transition", {"action": "ready"})
    assert r.status_code == 422 and "2 of 3" in json.dumps(r.json(), ensure_ascii=False)
    assert Api(mw.zhang_user).post(f"/meetings/{mid}/override", {"reason": "x"}).status_code == 403
    d = ok(guide.post(f"/meetings/{mid}/override", {"reason": "刘洋材料会后补交"}))
    assert d["override"]["by"] == "guidance" and d["checklist"]["gate_open"]
    assert ok(admin.post(f"/meetings/{mid}/transition", {"action": "ready"}))["status"] == "ready"
    d = ok(
        admin.post(
            f"/meetings/{mid}/hold",
            {
                "held_on": today.isoformat(),
                "place": "区政府常务会议室",
                "absences": [{"participant_id": ps[2], "reason": "出差"}],
            },
        )
    )
    assert (
        d["status"] == "held" and d["report_due_on"] == (today + dt.timedelta(days=15)).isoformat()
    )
    ok(admin.patch(f"/participants/{ps[0]}/record", {"self_criticism": "自我批评要点"}))
    ok(
        admin.post(f"/participants/{ps[0]}/criticisms", {"critic_id": ps[1], "text": "批评意见"}),
        201,
    )
    record = ok(admin.get(f"/meetings/{mid}/record"))
    assert record[0]["criticisms"][0]["critic_id"] == ps[1]
    assert record[2]["present"] is False
    f = ok(
        admin.post(
            f"/meetings/{mid}/problems",
            {
                "title": "落实中央八项规定精神不够到位",
                "category": "style",
                "task_title": "开展作风专项整治",
                "time_limit": (today + dt.timedelta(days=30)).isoformat(),
            },
        ),
        201,
    )
    assert RectificationTask.objects.filter(pk__in=f["task_ids"]).count() == 1
    assert len(ok(admin.get(f"/meetings/{mid}/problems"))) == 2
    rep = ok(admin.post(f"/meetings/{mid}/report/generate", {"language": "en"}))
    assert "区政府常务会议室" in rep["text"] and "Report on the special democratic" in rep["text"]
    ok(admin.put(f"/meetings/{mid}/report", {"text": rep["text"] + "\nEdited."}))
    rep = ok(admin.post(f"/meetings/{mid}/report/submit"))
    assert rep["submitted_on"] == today.isoformat() and rep["late"] is False
    rating = ok(guide.post(f"/meetings/{mid}/rating", {"rating": 5, "comment": "质量高"}), 201)
    assert rating["rated_by"] == "guidance"
    assert ok(admin.get(f"/meetings/{mid}"))["status"] == "reported"
    overview = ok(Api(mw.office).get(f"/units/{mw.province.pk}/overview"))
    assert overview["total"]["reported"] == 1 and overview["total"]["planned"] == 2


def test_bad_input_answers_422_and_changes_nothing(mw: MeetingWorld) -> None:
    admin = Api(mw.city_admin)
    m = mw.county_meeting
    mid = m.pk
    pid = mw.participant(m, mw.wang).pk
    today = timezone.localdate().isoformat()
    base = {
        "campaign_id": mw.campaign.pk,
        "unit_id": mw.county_a.pk,
        "kind": "democratic",
        "theme": "t",
        "planned_on": today,
    }
    cases: list[tuple[str, str, Any]] = [
        ("post", "/meetings", base | {"theme": ""}),
        ("post", "/meetings", base | {"kind": "organizational"}),
        ("post", "/meetings", base | {"kind": "party"}),
        ("post", "/meetings", base | {"planned_on": "soon"}),
        ("post", "/meetings", base | {"report_due_days": 0}),
        ("post", "/meetings", base | {"member_ids": [mw.member.pk]}),
        ("post", "/meetings", {"theme": "t"}),
        ("patch", f"/meetings/{mid}", {"theme": ""}),
        ("patch", f"/meetings/{mid}", {"planned_on": "x"}),
        ("post", f"/meetings/{mid}/transition", {"action": "fly"}),
        ("post", f"/meetings/{mid}/transition", {"action": "ready"}),
        ("post", f"/meetings/{mid}/transition", {"action": "archive"}),
        ("post", f"/meetings/{mid}/participants", {"member_id": mw.wang.pk}),
        ("post", f"/meetings/{mid}/participants", {"member_id": "x"}),
        ("post", f"/meetings/{mid}/guides", {"user_id": mw.member_user.pk}),
        ("post", f"/meetings/{mid}/study", {"session_id": 99999}),
        (
            "post",
            f"/meetings/{mid}/solicitations",
            {"method": "tv", "held_on": today, "respondents": 1},
        ),
        (
            "post",
            f"/meetings/{mid}/solicitations",
            {"method": "forum", "held_on": today, "respondents": -1},
        ),
        (
            "post",
            f"/meetings/{mid}/solicitations",
            {"method": "forum", "held_on": today, "respondents": 0, "opinions": ["x"]},
        ),
        ("post", f"/meetings/{mid}/talks", {"first_id": pid, "second_id": pid, "talked_on": today}),
        (
            "post",
            f"/meetings/{mid}/talks",
            {"first_id": pid, "second_id": 99999, "talked_on": today},
        ),
        ("post", f"/participants/{pid}/material", {"text": ""}),
        ("post", f"/meetings/{mid}/override", {"reason": ""}),
        ("post", f"/meetings/{mid}/hold", {"held_on": today, "place": "x"}),  # not ready
        ("post", f"/meetings/{mid}/problems", {"title": "x", "category": "style"}),  # not held
        ("post", f"/meetings/{mid}/problems", {"title": "x", "category": "nope"}),
        ("post", f"/meetings/{mid}/report/generate", {"language": "fr"}),
        ("put", f"/meetings/{mid}/report", {"text": "x"}),  # not held
        ("post", f"/meetings/{mid}/rating", {"rating": 6}),
    ]
    before = LifeMeeting.objects.count()
    for method, path, data in cases:
        r = getattr(admin, method)(path, data)
        assert r.status_code == 422, (method, path, data, r.status_code, r.content)
        assert "detail" in r.json()
    assert LifeMeeting.objects.count() == before
    m.refresh_from_db()
    assert m.status == MeetingStatus.PLANNED and m.theme == "区委常委班子专题民主生活会"
    assert m.participants.count() == 3 and not m.talks.exists() and not m.solicitations.exists()


def test_bad_input_on_held_meeting_and_materials(mw: MeetingWorld) -> None:
    admin, guide = Api(mw.city_admin), Api(mw.guidance)
    m = to_held(mw, mw.county_meeting)
    pid = mw.participant(m, mw.wang).pk
    material = mw.participant(m, mw.wang).material
    cases: list[tuple[Api, str, str, Any]] = [
        (admin, "patch", f"/participants/{pid}/record", {"present": False}),
        (admin, "post", f"/participants/{pid}/criticisms", {"text": "x"}),
        (admin, "post", f"/participants/{pid}/criticisms", {"text": "x", "critic_id": pid}),
        (admin, "post", f"/participants/{pid}/criticisms", {"text": ""}),
        (admin, "post", f"/meetings/{m.pk}/report/submit", None),  # nothing written
        (admin, "put", f"/meetings/{m.pk}/report", {"text": ""}),
        (
            admin,
            "post",
            f"/meetings/{m.pk}/problems",
            {"title": "x", "category": "style", "task_title": "t"},
        ),  # no time limit
        (
            guide,
            "post",
            f"/materials/{material.pk}/review",
            {"decision": "approve"},
        ),  # not preparing
        (guide, "post", f"/materials/{material.pk}/review", {"decision": "maybe"}),
        (guide, "post", f"/meetings/{m.pk}/rating", {"rating": 0}),
        (admin, "post", f"/meetings/{m.pk}/transition", {"action": "ready"}),
    ]
    for client, method, path, data in cases:
        r = getattr(client, method)(path, data)
        assert r.status_code == 422, (path, data, r.status_code, r.content)
    m.refresh_from_db()
    assert m.status == MeetingStatus.HELD and not m.report_text
    assert not m.problems.exists()


USERS = ["office", "city_admin", "other_county_admin", "guidance", "member_user", "anonymous"]
# county A meeting: view / manage / review
VIEW_COUNTY = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 200,
    "member_user": 404,
    "anonymous": 401,
}
MANAGE_COUNTY = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 403,
    "member_user": 404,
    "anonymous": 401,
}
VIEW_BRANCH = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 404,
    "member_user": 200,
    "anonymous": 401,
}
MANAGE_BRANCH = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 404,
    "member_user": 403,
    "anonymous": 401,
}


def client_of(mw: MeetingWorld, who: str) -> Api:
    return Api(None if who == "anonymous" else getattr(mw, who))


@pytest.mark.parametrize("who", USERS)
def test_api_scope_matrix(mw: MeetingWorld, who: str) -> None:
    c = client_of(mw, who)
    cm, bm = mw.county_meeting.pk, mw.branch_meeting.pk
    assert c.get(f"/meetings/{cm}").status_code == VIEW_COUNTY[who]
    assert c.get(f"/meetings/{bm}").status_code == VIEW_BRANCH[who]
    assert c.get(f"/meetings/{cm}/talks").status_code == VIEW_COUNTY[who]
    assert c.get(f"/meetings/{cm}/solicitations").status_code == VIEW_COUNTY[who]
    assert c.get(f"/meetings/{cm}/problems").status_code == VIEW_COUNTY[who]
    assert c.patch(f"/meetings/{cm}", {"theme": "新主题"}).status_code == MANAGE_COUNTY[who]
    assert c.patch(f"/meetings/{bm}", {"theme": "新主题"}).status_code == MANAGE_BRANCH[who]
    status = c.post(f"/meetings/{bm}/transition", {"action": "prepare"}).status_code
    assert status == MANAGE_BRANCH[who]
    created = c.post(
        "/meetings",
        {
            "campaign_id": mw.campaign.pk,
            "unit_id": mw.branch_a.pk,
            "kind": "organizational",
            "theme": "t",
            "planned_on": timezone.localdate().isoformat(),
        },
    )
    assert created.status_code == {200: 201}.get(MANAGE_BRANCH[who], MANAGE_BRANCH[who])
    overview = c.get(f"/units/{mw.county_a.pk}/overview").status_code
    assert overview == {"member_user": 404}.get(who, VIEW_COUNTY[who])
    if who != "anonymous":
        listed = {m["id"] for m in c.get("/meetings?limit=100").json()["items"]}
        assert (cm in listed) == (VIEW_COUNTY[who] == 200)
        assert (bm in listed) == (VIEW_BRANCH[who] == 200)


def test_list_api_filters_and_query_bound(
    mw: MeetingWorld, django_assert_max_num_queries: Any
) -> None:
    from chuxin.meetings import services

    for i in range(8):
        services.meeting_create(
            actor=mw.city_admin,
            campaign=mw.campaign,
            unit=mw.branch_a,
            kind="organizational",
            theme=f"会{i}",
            planned_on=timezone.localdate(),
            members=[mw.member],
        )
    c = Api(mw.office)
    with django_assert_max_num_queries(8):
        data = c.get("/meetings?limit=50").json()
    assert data["count"] == 10
    assert c.get(f"/meetings?unit={mw.county_b.pk}").json()["count"] == 0
    assert c.get("/meetings?kind=democratic").json()["count"] == 1
    assert c.get("/meetings?status=held").json()["count"] == 0
    assert c.get("/meetings?q=会3").json()["count"] == 1
    assert c.get("/meetings?status=bogus").status_code == 422
    assert Api(mw.other_county_admin).get(f"/meetings?unit={mw.county_a.pk}").status_code == 404
    with django_assert_max_num_queries(20):
        assert c.get(f"/meetings/{mw.county_meeting.pk}").status_code == 200


def test_campaign_report_days_setting(mw: MeetingWorld) -> None:
    path = f"/campaigns/{mw.campaign.pk}/settings"
    assert ok(Api(mw.city_admin).get(path))["report_due_days"] == 15
    assert Api(mw.city_admin).put(path, {"report_due_days": 10}).status_code == 403
    assert Api(mw.office).put(path, {"report_due_days": 0}).status_code == 422
    assert ok(Api(mw.office).put(path, {"report_due_days": 10}))["report_due_days"] == 10
    held = to_held(mw, mw.county_meeting, days_ago=0)
    assert held.report_due_on == timezone.localdate() + dt.timedelta(days=10)
    assert Api(mw.other_county_admin).get(path).status_code == 200  # the campaign reaches it


def test_campaign_reminder_days_setting(mw: MeetingWorld) -> None:
    path = f"/campaigns/{mw.campaign.pk}/settings"
    assert ok(Api(mw.office).get(path))["remind_days_before"] == 3
    for bad in (-1, 61):
        body = {"report_due_days": 10, "remind_days_before": bad}
        assert Api(mw.office).put(path, body).status_code == 422
    body = {"report_due_days": 10, "remind_days_before": 0}
    assert ok(Api(mw.office).put(path, body))["remind_days_before"] == 0
    # Left out, the reminder days stay as they are.
    assert ok(Api(mw.office).put(path, {"report_due_days": 12}))["remind_days_before"] == 0
    assert ok(Api(mw.office).get(path)) == {
        "campaign_id": mw.campaign.pk,
        "report_due_days": 12,
        "remind_days_before": 0,
    }
