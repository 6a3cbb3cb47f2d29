"""Research through its pages and API: bad input changes nothing, a finding becomes a problem
once and shows on the topic with its task, the report file is checked, the rollups agree with
hand-computed figures, and list pages answer in a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from chuxin.core import rollups
from chuxin.core.exports import read_back_xlsx
from chuxin.core.services import api_token_issue
from chuxin.investigation import counters, services
from chuxin.investigation.models import ResearchFinding, ResearchTopic, UnitResearchRollup
from chuxin.organization import services as org_services
from chuxin.problems.models import Problem
from chuxin.rectification import services as task_services

from .conftest import ResearchWorld

pytestmark = pytest.mark.django_db


def _api(user: Any) -> Client:
    _token, raw = api_token_issue(actor=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _rollup(unit: Any) -> UnitResearchRollup:
    return UnitResearchRollup.objects.get(pk=unit.pk)


def test_finding_becomes_a_problem_once_and_shows_on_the_topic(sw: ResearchWorld) -> None:
    client = sw.client_for(sw.city_admin)
    finding = sw.activity.findings.order_by("pk").first()
    assert finding is not None
    response = client.post(
        f"/investigation/findings/{finding.pk}/problem/", {"category": "needs", "severity": "high"}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    problem = finding.problem
    assert problem is not None
    assert (problem.source, problem.category, problem.unit_id) == (
        "research",
        "needs",
        sw.county_a.pk,
    )
    assert problem.title == "楼道照明不足"
    # Twice: refused, nothing new.
    before = Problem.objects.count()
    response = client.post(
        f"/investigation/findings/{finding.pk}/problem/", {"category": "needs", "severity": "low"}
    )
    assert "already a problem" in response.content.decode()
    assert Problem.objects.count() == before
    # A task for it: the topic page shows both, with the task's status.
    task = task_services.task_create(
        actor=sw.city_admin,
        campaign=sw.campaign,
        responsible_unit=sw.county_a,
        title="整改楼道照明",
        problems=[problem],
        time_limit=timezone.localdate() + dt.timedelta(days=10),
    )
    page = client.get(f"/investigation/topics/{sw.topic.pk}/").content.decode()
    assert problem.code in page and task.code in page and "not started" in page
    data = _api(sw.office).get(f"/api/v1/investigation/topics/{sw.topic.pk}").json()
    assert [p["id"] for p in data["problems"]] == [problem.pk]
    assert [t["id"] for t in data["tasks"]] == [task.pk]
    assert data["activities"][0]["findings"][0]["problem_id"] == problem.pk


def test_finding_to_problem_through_the_api(sw: ResearchWorld) -> None:
    finding = sw.activity.findings.order_by("pk").last()
    assert finding is not None
    response = _post(
        _api(sw.city_admin),
        f"/api/v1/investigation/findings/{finding.pk}/problem",
        {"category": "risks", "title": "管网老化隐患"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "管网老化隐患"
    again = _post(_api(sw.city_admin), f"/api/v1/investigation/findings/{finding.pk}/problem", {})
    assert again.status_code == 422
    bad = _post(
        _api(sw.city_admin),
        f"/api/v1/investigation/findings/{finding.pk}/problem",
        {"category": "nonsense"},
    )
    assert bad.status_code == 422


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"lead_number": "NOPE"}, "lead_number"),
        ({"lead_number": "A0001"}, "lead_number"),  # 李明 is no leading cadre
        ({"planned_end": "2000-01-01"}, "planned_end"),
        ({"planned_start": "not a date"}, "planned_start"),
    ],
)
def test_topic_form_refuses_bad_input(sw: ResearchWorld, body: dict[str, str], field: str) -> None:
    good = {
        "campaign": str(sw.campaign.pk),
        "title": "新课题",
        "lead_number": "A0002",
        "planned_start": "2019-06-01",
        "planned_end": "2019-07-01",
    }
    before = ResearchTopic.objects.count()
    response = sw.client_for(sw.city_admin).post(
        f"/investigation/units/{sw.county_a.pk}/topics/new/", good | body
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert ResearchTopic.objects.count() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"place": ""}, "place"),
        ({"method": "telepathy"}, "method"),
        ({"people_reached": "-1"}, "people_reached"),
        ({"date": "2999-01-01"}, "date"),
        ({"findings": "\n".join(str(i) for i in range(51))}, "findings"),
    ],
)
def test_activity_form_refuses_bad_input(
    sw: ResearchWorld, body: dict[str, str], field: str
) -> None:
    good = {"date": "2019-07-01", "place": "村委会", "method": "forum", "people_reached": "3"}
    before = (sw.topic.activities.count(), ResearchFinding.objects.count())
    response = sw.client_for(sw.city_admin).post(
        f"/investigation/topics/{sw.topic.pk}/activities/", good | body
    )
    assert response.status_code == 200
    assert response.context["activity_form"].errors.get(field)
    assert (sw.topic.activities.count(), ResearchFinding.objects.count()) == before


def test_api_refuses_bad_input(sw: ResearchWorld) -> None:
    client = _api(sw.city_admin)
    base = {
        "campaign_id": sw.campaign.pk,
        "unit_id": sw.county_a.pk,
        "title": "课题",
        "lead_id": sw.leader.pk,
        "planned_start": "2019-06-01",
        "planned_end": "2019-07-01",
    }
    assert _post(client, "/api/v1/investigation/topics", base).status_code == 201
    bad = [
        base | {"planned_end": "2019-05-01"},
        base | {"lead_id": sw.member.pk},
        base | {"title": ""},
        base | {"unit_id": sw.county_b.pk},
    ]
    codes = [_post(client, "/api/v1/investigation/topics", b).status_code for b in bad]
    assert codes == [422, 422, 422, 404]
    url = f"/api/v1/investigation/topics/{sw.topic.pk}/activities"
    activity = {"date": "2019-07-01", "place": "村", "method": "forum"}
    assert _post(client, url, activity | {"people_reached": -5}).status_code == 422
    assert _post(client, url, activity | {"findings": ["x"] * 51}).status_code == 422
    response = _post(
        client, f"/api/v1/investigation/topics/{sw.topic.pk}/transition", {"action": "explode"}
    )
    assert response.status_code == 422


def test_report_file_is_checked_like_rectification_evidence(sw: ResearchWorld) -> None:
    client = sw.client_for(sw.city_admin)
    url = f"/investigation/topics/{sw.topic.pk}/report/"
    fake = SimpleUploadedFile("report.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(url, {"text": "报告", "file": fake})
    assert response.status_code == 200
    assert "not the kind of file" in str(response.context["report_form"].errors)
    sw.topic.refresh_from_db()
    assert sw.topic.status == "in_progress" and not sw.topic.report_text
    exe = SimpleUploadedFile("tool.exe", b"MZ....", content_type="application/octet-stream")
    response = client.post(url, {"text": "报告", "file": exe})
    assert "only images, PDF and office files" in str(response.context["report_form"].errors)
    good = SimpleUploadedFile("调研报告.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    assert client.post(url, {"text": "报告全文", "file": good}).status_code == 302
    sw.topic.refresh_from_db()
    assert sw.topic.status == "reported" and sw.topic.report_file_name == "调研报告.pdf"
    download = client.get(f"/investigation/topics/{sw.topic.pk}/report/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    other = sw.client_for(sw.other_county_admin)
    assert other.get(f"/investigation/topics/{sw.topic.pk}/report/file/").status_code == 404


def test_rollup_against_hand_computed_figures(sw: ResearchWorld) -> None:
    """County A: 1 topic, 1 activity (25 people, 2 findings). Add a township topic with two
    activities (10 + 5 people, 1 + 0 findings) and report it; archive... then check every
    level by hand and against a recomputation."""
    today = timezone.localdate()
    cadre = org_services.member_create(
        actor=sw.root,
        unit=sw.township_a,
        member_number="A0009",
        name="刘洋",
        gender="male",
        is_leading_cadre=True,
    )
    topic = services.topic_create(
        actor=sw.office,
        campaign=sw.campaign,
        unit=sw.township_a,
        title="集体经济调研",
        lead=cadre,
        planned_start=today,
        planned_end=today,
    )
    for people, findings in ((10, ["村集体收入低"]), (5, [])):
        services.activity_add(
            actor=sw.office,
            topic=topic,
            date=today,
            place="村委会",
            method="forum",
            people_reached=people,
            findings=findings,
        )
    services.report_submit(actor=sw.office, topic=topic, text="报告")
    expect = {
        sw.township_a: (1, 1, 2, 1, 15),
        sw.county_a: (2, 1, 3, 3, 40),
        sw.city_a: (2, 1, 3, 3, 40),
        sw.province: (2, 1, 3, 3, 40),
        sw.city_b: (0, 0, 0, 0, 0),
        sw.branch_a: (0, 0, 0, 0, 0),
    }
    for unit, figures in expect.items():
        row = _rollup(unit)
        got = (
            row.subtree_topics,
            row.subtree_reported,
            row.subtree_activities,
            row.subtree_findings,
            row.subtree_people,
        )
        assert got == figures, unit.name
    assert (_rollup(sw.county_a).topics, _rollup(sw.county_a).findings) == (1, 2)
    assert rollups.check(counters.rollup()) == []
    services.topic_transition(actor=sw.office, topic=topic, action="reopen")
    assert _rollup(sw.province).subtree_reported == 0
    assert rollups.check(counters.rollup()) == []
    page = sw.client_for(sw.office).get(f"/investigation/units/{sw.city_a.pk}/")
    assert page.context["figures"].topics == 2
    api = _api(sw.office).get(f"/api/v1/investigation/units/{sw.county_a.pk}/rollup").json()
    assert api["unit"]["people"] == 40
    assert {c["unit_name"]: c["topics"] for c in api["children"]} == {"南市场街道": 1}


def test_cadres_per_cadre_and_without_a_topic(sw: ResearchWorld) -> None:
    """王芳 leads a topic; 刘洋 (township) and 张伟 (city B) lead none."""
    org_services.member_create(
        actor=sw.root,
        unit=sw.township_a,
        member_number="A0009",
        name="刘洋",
        gender="male",
        is_leading_cadre=True,
    )
    org_services.member_create(
        actor=sw.root,
        unit=sw.city_b,
        member_number="B0009",
        name="张伟",
        gender="male",
        is_leading_cadre=True,
    )
    client = sw.client_for(sw.office)
    page = client.get(f"/investigation/units/{sw.province.pk}/cadres/")
    assert [m.name for m in page.context["page"]] == ["刘洋", "张伟"]
    assert [(r["lead__name"], r["topics"]) for r in page.context["per_cadre"]] == [("王芳", 1)]
    city = sw.client_for(sw.city_admin).get(f"/investigation/units/{sw.city_a.pk}/cadres/")
    assert [m.name for m in city.context["page"]] == ["刘洋"]
    export = client.get(f"/investigation/units/{sw.province.pk}/cadres/?format=xlsx&list=without")
    rows = read_back_xlsx(b"".join(export.streaming_content))
    assert [r[1] for r in rows[1:]] == ["刘洋", "张伟"]
    api = (
        _api(sw.office)
        .get(f"/api/v1/investigation/units/{sw.province.pk}/cadres-without-topic")
        .json()
    )
    assert api["count"] == 2 and [i["name"] for i in api["items"]] == ["刘洋", "张伟"]
    per = _api(sw.office).get(f"/api/v1/investigation/units/{sw.province.pk}/per-cadre").json()
    assert per["items"][0]["name"] == "王芳" and per["items"][0]["people"] == 25


def _more_topics(sw: ResearchWorld, n: int) -> None:
    today = timezone.localdate()
    for i in range(n):
        topic = services.topic_create(
            actor=sw.office,
            campaign=sw.campaign,
            unit=sw.county_a,
            title=f"课题{i}",
            lead=sw.leader,
            planned_start=today,
            planned_end=today,
        )
        services.activity_add(
            actor=sw.office,
            topic=topic,
            date=today,
            place="社区",
            method="interview",
            findings=["甲", "乙"],
        )


def test_list_pages_and_api_lists_answer_in_bounded_queries(
    sw: ResearchWorld, django_assert_max_num_queries: Any
) -> None:
    _more_topics(sw, 12)
    client, api = sw.client_for(sw.office), _api(sw.office)
    urls = [
        f"/investigation/units/{sw.county_a.pk}/",
        f"/investigation/units/{sw.province.pk}/cadres/",
        f"/investigation/topics/{sw.topic.pk}/",
    ]
    for url in urls:
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200
    api_urls = [
        "/api/v1/investigation/topics?limit=100",
        f"/api/v1/investigation/topics/{sw.topic.pk}/activities",
        f"/api/v1/investigation/units/{sw.province.pk}/per-cadre",
        f"/api/v1/investigation/units/{sw.province.pk}/cadres-without-topic",
        f"/api/v1/investigation/units/{sw.province.pk}/rollup",
    ]
    for url in api_urls:
        with django_assert_max_num_queries(12):
            assert api.get(url).status_code == 200


def test_a_guide_of_exactly_one_unit_sees_no_cadres_below_it(sw: ResearchWorld) -> None:
    """A guidance team holds exactly its units: the cadres of county A's township are not in
    the guide's report unless the office chose the subtree."""
    from chuxin.organization.models import RoleAssignment

    org_services.member_create(
        actor=sw.root,
        unit=sw.township_a,
        member_number="A0009",
        name="刘洋",
        gender="male",
        is_leading_cadre=True,
    )
    client = sw.client_for(sw.guidance)
    page = client.get(f"/investigation/units/{sw.county_a.pk}/cadres/")
    assert [m.name for m in page.context["page"]] == []
    RoleAssignment.objects.filter(user=sw.guidance).update(include_subtree=True)
    page = sw.client_for(sw.guidance).get(f"/investigation/units/{sw.county_a.pk}/cadres/")
    assert [m.name for m in page.context["page"]] == ["刘洋"]
