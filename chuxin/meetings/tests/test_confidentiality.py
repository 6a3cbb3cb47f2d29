"""The meeting record is confidential: the unit's administrators, the reviewers above and the
leading group office see it; a participant sees their own part only; other units and plain
members see nothing of it — in the pages and in the API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chuxin.core.services import api_token_issue
from chuxin.meetings import services
from chuxin.meetings.models import LifeMeeting

from .conftest import MeetingWorld, to_held

SECRET_WANG = "王芳自我批评\uff1a调查研究不深入"
SECRET_ZHANG = "张伟自我批评\uff1a担当精神不足"
CRITICISM_OF_WANG = "刘洋批评王芳\uff1a作风不够扎实"
SECRET_LI = "李明自我批评\uff1a学习不够主动"
SECRET_CHEN = "陈静自我批评\uff1a联系群众不够"


def record(mw: MeetingWorld, meeting: LifeMeeting, texts: dict[Any, str]) -> None:
    for member, text in texts.items():
        p = mw.participant(meeting, member)
        services.participant_record(actor=mw.city_admin, participant=p, self_criticism=text)


@pytest.fixture
def held(mw: MeetingWorld) -> MeetingWorld:
    to_held(mw, mw.county_meeting)
    to_held(mw, mw.branch_meeting)
    record(mw, mw.county_meeting, {mw.wang: SECRET_WANG, mw.zhang: SECRET_ZHANG})
    wang = mw.participant(mw.county_meeting, mw.wang)
    services.criticism_add(
        actor=mw.city_admin,
        target=wang,
        critic=mw.participant(mw.county_meeting, mw.liu),
        text=CRITICISM_OF_WANG,
    )
    record(mw, mw.branch_meeting, {mw.member: SECRET_LI, mw.chen: SECRET_CHEN})
    return mw


def user(mw: MeetingWorld, name: str) -> Any:
    return None if name == "anonymous" else getattr(mw, name)


# who: (meeting page status, sees everyone's record, sees own only)
COUNTY = {
    "office": (200, "all"),
    "city_admin": (200, "all"),
    "guidance": (200, "all"),  # reviewer: guidance role on county A
    "zhang_user": (200, "own"),  # participant, no role
    "other_county_admin": (404, None),
    "member_user": (404, None),
    "plain": (404, None),
}
BRANCH = {
    "office": (200, "all"),
    "city_admin": (200, "all"),
    "guidance": (404, None),  # exactly county A, not the branch
    "member_user": (200, "own"),  # 李明 himself
    "plain": (200, "none"),  # a member of the branch who takes no part
    "other_county_admin": (404, None),
    "zhang_user": (404, None),
}


@pytest.mark.parametrize("who", list(COUNTY))
def test_county_record_in_pages(held: MeetingWorld, who: str) -> None:
    mw = held
    status, sees = COUNTY[who]
    c = mw.client_for(user(mw, who))
    r = c.get(f"/meetings/{mw.county_meeting.pk}/")
    assert r.status_code == status
    if status != 200:
        return
    body = r.content.decode()
    if sees == "all":
        assert SECRET_WANG in body and SECRET_ZHANG in body and CRITICISM_OF_WANG in body
    else:
        assert SECRET_ZHANG in body
        assert SECRET_WANG not in body and CRITICISM_OF_WANG not in body
    wang = mw.participant(mw.county_meeting, mw.wang)
    r = c.get(f"/meetings/participants/{wang.pk}/record/")
    assert r.status_code == (200 if sees == "all" else 404)
    report = c.get(f"/meetings/{mw.county_meeting.pk}/report/")
    assert report.status_code == (200 if sees == "all" else 404)


@pytest.mark.parametrize("who", list(BRANCH))
def test_branch_record_in_pages(held: MeetingWorld, who: str) -> None:
    mw = held
    status, sees = BRANCH[who]
    c = mw.client_for(user(mw, who))
    r = c.get(f"/meetings/{mw.branch_meeting.pk}/")
    assert r.status_code == status
    if status != 200:
        return
    body = r.content.decode()
    assert (SECRET_LI in body) == (sees in ("all", "own"))
    assert (SECRET_CHEN in body) == (sees == "all")
    chen = mw.participant(mw.branch_meeting, mw.chen)
    assert c.get(f"/meetings/participants/{chen.pk}/record/").status_code == (
        200 if sees == "all" else 404
    )
    li = mw.participant(mw.branch_meeting, mw.member)
    assert c.get(f"/meetings/participants/{li.pk}/record/").status_code == (
        200 if sees in ("all", "own") else 404
    )
    material = chen.material
    assert c.get(f"/meetings/materials/{material.pk}/").status_code == (
        200 if sees == "all" else 404
    )


def api(mw: MeetingWorld, who: str) -> Any:
    from django.test import Client

    if who == "anonymous":
        return Client()
    _token, raw = api_token_issue(actor=None, user=user(mw, who), name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.parametrize("who", [*COUNTY, "anonymous"])
def test_county_record_in_the_api(held: MeetingWorld, who: str) -> None:
    mw = held
    c = api(mw, who)
    r = c.get(f"/api/v1/meetings/meetings/{mw.county_meeting.pk}/record")
    if who == "anonymous":
        assert r.status_code == 401
        return
    status, sees = COUNTY[who]
    if status == 404:
        assert r.status_code == 404
        return
    assert r.status_code == 200
    names = {row["name"]: row for row in r.json()}
    if sees == "all":
        assert names["王芳"]["self_criticism"] == SECRET_WANG
        assert names["王芳"]["criticisms"][0]["text"] == CRITICISM_OF_WANG
    else:
        assert list(names) == ["张伟"] and names["张伟"]["self_criticism"] == SECRET_ZHANG
    materials = c.get(f"/api/v1/meetings/meetings/{mw.county_meeting.pk}/materials").json()
    assert len(materials) == (3 if sees == "all" else 1)
    reviews = c.get(f"/api/v1/meetings/meetings/{mw.county_meeting.pk}/reviews")
    assert reviews.status_code == (200 if sees == "all" else 403)
    assert SECRET_WANG not in json.dumps(
        c.get(f"/api/v1/meetings/meetings/{mw.county_meeting.pk}").json(), ensure_ascii=False
    )


@pytest.mark.parametrize("who", list(BRANCH))
def test_branch_record_in_the_api(held: MeetingWorld, who: str) -> None:
    mw = held
    status, sees = BRANCH[who]
    r = api(mw, who).get(f"/api/v1/meetings/meetings/{mw.branch_meeting.pk}/record")
    if status == 404:
        assert r.status_code == 404
    elif sees == "none":
        assert r.status_code == 403
    else:
        texts = {row["self_criticism"] for row in r.json()}
        assert texts == ({SECRET_LI, SECRET_CHEN} if sees == "all" else {SECRET_LI})


def test_list_api_does_not_leak_other_units(held: MeetingWorld) -> None:
    r = api(held, "other_county_admin").get("/api/v1/meetings/meetings")
    assert r.json()["count"] == 0
    r = api(held, "plain").get("/api/v1/meetings/meetings")
    assert [m["id"] for m in r.json()["items"]] == [held.branch_meeting.pk]
    r = api(held, "zhang_user").get("/api/v1/meetings/meetings")
    assert [m["id"] for m in r.json()["items"]] == [held.county_meeting.pk]
