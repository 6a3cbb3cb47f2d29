"""The life meeting pages, driven as people use them: a meeting from planning to report,
bad input on every form, query bounds on the lists, the exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from chuxin.core.exports import read_back_xlsx
from chuxin.meetings import services
from chuxin.meetings.models import (
    CheckingMaterial,
    Criticism,
    HeartTalk,
    LifeMeeting,
    MaterialStatus,
    MeetingStatus,
    Opinion,
)
from chuxin.problems.models import Problem
from chuxin.rectification.models import RectificationTask

from .conftest import MeetingWorld, approve_all, to_held


def msgs(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_plan_a_meeting_through_the_page(mw: MeetingWorld) -> None:
    c = mw.client_for(mw.city_admin)
    url = f"/meetings/units/{mw.branch_a.pk}/new/"
    page = c.get(url)
    assert page.status_code == 200
    response = c.post(
        url,
        {
            "campaign": mw.campaign.pk,
            "kind": "organizational",
            "theme": "第二次专题组织生活会",
            "planned_on": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
            "members": [mw.member.pk, mw.chen.pk],
        },
    )
    assert response.status_code == 302
    meeting = LifeMeeting.objects.get(theme="第二次专题组织生活会")
    assert meeting.participants.count() == 2
    assert response["Location"] == f"/meetings/{meeting.pk}/"


def test_plan_bad_input_changes_nothing(mw: MeetingWorld) -> None:
    c = mw.client_for(mw.city_admin)
    before = LifeMeeting.objects.count()
    url = f"/meetings/units/{mw.branch_a.pk}/new/"
    bad = [
        {
            "campaign": mw.campaign.pk,
            "kind": "organizational",
            "theme": "",
            "planned_on": "2026-01-01",
        },
        {
            "campaign": mw.campaign.pk,
            "kind": "democratic",
            "theme": "x",
            "planned_on": "2026-01-01",
        },
        {"campaign": mw.campaign.pk, "kind": "organizational", "theme": "x", "planned_on": "no"},
        {"campaign": 9999, "kind": "organizational", "theme": "x", "planned_on": "2026-01-01"},
        {
            "campaign": mw.campaign.pk,
            "kind": "organizational",
            "theme": "x",
            "planned_on": "2026-01-01",
            "members": [mw.member_b.pk],
        },
        {
            "campaign": mw.campaign.pk,
            "kind": "organizational",
            "theme": "x",
            "planned_on": "2026-01-01",
            "report_due_days": "0",
        },
    ]
    for data in bad:
        response = c.post(url, data)
        assert response.status_code == 200, data
        assert response.context["form"].errors, data
    assert LifeMeeting.objects.count() == before


def test_meeting_from_preparation_to_report_through_the_pages(mw: MeetingWorld) -> None:
    c = mw.client_for(mw.city_admin)
    m = mw.county_meeting
    base = f"/meetings/{m.pk}/"
    assert c.post(f"{base}transition/", {"action": "prepare"}).status_code == 302
    # Study: a collective session of the county linked from the page.
    from chuxin.study import services as study_services

    item = study_services.study_item_create(
        actor=mw.w.root, campaign=mw.campaign, title="学习党章", kind="reading",
        required_levels=["county"],
    )  # fmt: skip
    session = study_services.study_session_record(
        actor=mw.city_admin, unit=mw.county_a, item=item, date=timezone.localdate(),
        host="书记", present=[mw.wang.pk, mw.zhang.pk, mw.liu.pk],
    )  # fmt: skip
    assert c.post(f"{base}study/", {"session": session.pk}).status_code == 302
    assert m.study_sessions.filter(pk=session.pk).exists()
    # Opinions, one of which becomes a problem.
    c.post(
        f"{base}opinions/",
        {
            "method": "forum",
            "held_on": timezone.localdate().isoformat(),
            "respondents": "25",
            "opinions": "基层调研不够深入\n\n文件会议仍然偏多",
        },
    )
    assert Opinion.objects.filter(solicitation__meeting=m).count() == 2
    opinion = Opinion.objects.get(text="文件会议仍然偏多")
    c.post(f"/meetings/opinions/{opinion.pk}/problem/", {"category": "style"})
    opinion.refresh_from_db()
    assert opinion.problem is not None and opinion.problem.source == "meeting"
    # Talks: all three pairs.
    ps = list(m.participants.order_by("pk"))
    day = timezone.localdate().isoformat()
    for a, b in ((0, 1), (0, 2), (1, 2)):
        r = c.post(f"{base}talks/", {"first": ps[a].pk, "second": ps[b].pk, "talked_on": day})
        assert r.status_code == 302
    assert HeartTalk.objects.filter(meeting=m).count() == 3
    # Materials: written, submitted, approved by the guidance team member.
    g = mw.w.client_for(mw.guidance)
    for p in ps:
        r = c.post(f"/meetings/participants/{p.pk}/material/", {"text": f"{p.member.name}材料"})
        assert r.status_code == 302
        material = CheckingMaterial.objects.get(participant=p)
        c.post(f"/meetings/materials/{material.pk}/submit/")
        g.post(f"/meetings/materials/{material.pk}/review/", {"decision": "approve"})
        material.refresh_from_db()
        assert material.status == MaterialStatus.APPROVED
    c.post(f"{base}transition/", {"action": "ready"})
    m.refresh_from_db()
    assert m.status == MeetingStatus.READY
    # Held, with one absentee.
    page = c.get(f"{base}hold/")
    assert page.status_code == 200
    r = c.post(
        f"{base}hold/",
        {
            "held_on": timezone.localdate().isoformat(),
            "place": "区委常委会议室",
            "present": [ps[0].pk, ps[1].pk],
            f"reason_{ps[2].pk}": "因公出差",
        },
    )
    assert r.status_code == 302, r.context and r.context["form"].errors
    m.refresh_from_db()
    assert (
        m.status == MeetingStatus.HELD
        and m.report_due_on == timezone.localdate() + dt.timedelta(days=15)
    )
    # The record.
    r = c.post(
        f"/meetings/participants/{ps[0].pk}/record/",
        {"present": "on", "self_criticism": "理论学习不够系统", "response": "诚恳接受"},
    )
    assert r.status_code == 302
    r = c.post(
        f"/meetings/participants/{ps[0].pk}/record/",
        {"critic": ps[1].pk, "text": "深入基层调研不够"},
    )
    assert r.status_code == 302
    assert Criticism.objects.filter(target=ps[0]).count() == 1
    # Follow-up: a problem with a task.
    r = c.post(
        f"{base}followup/",
        {
            "title": "调查研究不深入",
            "category": "style",
            "severity": "medium",
            "task_title": "建立领导干部基层联系点制度",
            "task_type": "limited",
            "time_limit": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
        },
    )
    assert r.status_code == 302
    problem = Problem.objects.get(title="调查研究不深入")
    assert problem.source == "meeting"
    assert RectificationTask.objects.filter(problems=problem).exists()
    # The report: generated, edited, submitted.
    page = c.get(f"{base}report/?lang=zh-hans")
    text = page.context["form"].initial["text"]
    assert "区委常委会议室" in text and "调查研究不深入" in text
    r = c.post(f"{base}report/", {"text": text + "\n\uff08已修改\uff09", "submit": "1"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.status == MeetingStatus.REPORTED and m.report_text.endswith("\uff08已修改\uff09")
    # The guidance side rates it.
    g.post(f"{base}rate/", {"rating": "4", "comment": "查摆问题具体"})
    assert m.ratings.get().rating == 4
    detail = c.get(base)
    assert detail.status_code == 200
    assert "理论学习不够系统" in detail.content.decode()


def test_bad_input_on_the_meeting_forms_changes_nothing(mw: MeetingWorld) -> None:
    c = mw.client_for(mw.city_admin)
    m = mw.county_meeting
    base = f"/meetings/{m.pk}/"
    services.meeting_transition(actor=mw.city_admin, meeting=m, action="prepare")
    ps = list(m.participants.order_by("pk"))
    cases = [
        (f"{base}transition/", {"action": "fly"}),
        (f"{base}transition/", {"action": "ready"}),
        (f"{base}transition/", {"action": "archive", "reason": ""}),
        (f"{base}participants/", {"member": mw.member_b.pk}),
        (f"{base}participants/", {"member": mw.wang.pk}),
        (f"{base}guides/", {"username": "member_user"}),
        (f"{base}guides/", {"username": "nobody"}),
        (f"{base}study/", {"session": "999"}),
        (f"{base}opinions/", {"method": "tv", "held_on": "2026-01-01", "respondents": "3"}),
        (f"{base}opinions/", {"method": "forum", "held_on": "x", "respondents": "3"}),
        (f"{base}opinions/", {"method": "forum", "held_on": "2026-01-01", "respondents": "-1"}),
        (f"{base}override/", {"reason": ""}),
        (f"{base}followup/", {"title": "x", "category": "style", "severity": "medium"}),
        (f"{base}rate/", {"rating": "9"}),
    ]
    for url, data in cases:
        r = c.post(url, data, follow=True)
        assert r.status_code == 200, (url, data)
        assert any(m_.level_tag == "error" for m_ in r.context["messages"]), (url, data)
    talk_cases = [
        {"first": ps[0].pk, "second": ps[0].pk, "talked_on": "2026-01-01"},
        {"first": ps[0].pk, "second": ps[1].pk, "talked_on": "2999-01-01"},
        {"first": ps[0].pk, "second": 99999, "talked_on": "2026-01-01"},
        {"first": ps[0].pk, "second": ps[1].pk, "talked_on": "yesterday"},
    ]
    for data in talk_cases:
        r = c.post(f"{base}talks/", data)
        assert r.status_code == 200 and r.context["form"].errors, data
    r = c.post(f"/meetings/participants/{ps[0].pk}/material/", {"text": "   "})
    assert r.status_code == 200 and r.context["form"].errors
    m.refresh_from_db()
    assert m.status == MeetingStatus.PREPARING
    assert m.participants.count() == 3
    assert not HeartTalk.objects.exists() and not CheckingMaterial.objects.exists()
    assert not Opinion.objects.exists() and m.guides.count() == 0
    assert m.override_at is None


def test_bad_input_when_held(mw: MeetingWorld) -> None:
    c = mw.client_for(mw.city_admin)
    m = to_held(mw, mw.county_meeting)
    p = m.participants.order_by("pk").first()
    assert p is not None
    r = c.post(f"/meetings/participants/{p.pk}/record/", {"text": ""})
    assert r.status_code == 200 and r.context["criticism_form"].errors
    r = c.post(f"/meetings/participants/{p.pk}/record/", {"text": "批评", "critic_name": ""})
    assert r.status_code == 200 and r.context["criticism_form"].errors
    r = c.post(f"/meetings/participants/{p.pk}/record/", {"absence_reason": ""})
    assert r.status_code == 200 and r.context["form"].errors
    r = c.post(f"/meetings/{m.pk}/report/", {"text": ""})
    assert r.status_code == 200 and r.context["form"].errors
    r = c.post(f"/meetings/{m.pk}/followup/", {"title": "", "category": "x"}, follow=True)
    assert any(x.level_tag == "error" for x in r.context["messages"])
    assert not Criticism.objects.exists()
    p.refresh_from_db()
    assert p.present is True
    m.refresh_from_db()
    assert m.status == MeetingStatus.HELD and not m.report_text


def test_hold_bad_input(mw: MeetingWorld) -> None:
    from .conftest import to_ready

    m = to_ready(mw, mw.county_meeting)
    c = mw.client_for(mw.city_admin)
    ps = list(m.participants.order_by("pk"))
    for data in (
        {"held_on": "", "place": "x", "present": [p.pk for p in ps]},
        {"held_on": "2999-01-01", "place": "x", "present": [p.pk for p in ps]},
        {"held_on": timezone.localdate().isoformat(), "place": "", "present": [p.pk for p in ps]},
        {"held_on": timezone.localdate().isoformat(), "place": "x", "present": [ps[0].pk]},
    ):
        r = c.post(f"/meetings/{m.pk}/hold/", data)
        assert r.status_code == 200 and r.context["form"].errors, data
    m.refresh_from_db()
    assert m.status == MeetingStatus.READY


def test_unit_list_filters_exports_and_query_bound(
    mw: MeetingWorld, django_assert_max_num_queries: Any
) -> None:
    for i in range(6):
        services.meeting_create(
            actor=mw.city_admin,
            campaign=mw.campaign,
            unit=mw.branch_a,
            kind="organizational",
            theme=f"组织生活会{i}",
            planned_on=timezone.localdate(),
            members=[mw.member],
        )
    c = mw.client_for(mw.office)
    with django_assert_max_num_queries(20):
        r = c.get(f"/meetings/units/{mw.province.pk}/")
    assert r.status_code == 200
    assert len(r.context["page"].object_list) == 8
    r = c.get(f"/meetings/units/{mw.province.pk}/?kind=democratic")
    assert [m.theme for m in r.context["page"].object_list] == ["区委常委班子专题民主生活会"]
    r = c.get(f"/meetings/units/{mw.province.pk}/?status=held")
    assert list(r.context["page"].object_list) == []
    r = c.get(f"/meetings/units/{mw.province.pk}/?status=nonsense")
    assert r.status_code == 200
    x = c.get(f"/meetings/units/{mw.province.pk}/?export=xlsx&kind=organizational")
    rows = read_back_xlsx(b"".join(x.streaming_content))
    assert len(rows) == 1 + 7
    assert rows[0][0] == "Unit"


def test_overview_counts_late_and_exports(
    mw: MeetingWorld, django_assert_max_num_queries: Any
) -> None:
    held = to_held(mw, mw.county_meeting, days_ago=20)  # due 5 days ago: late
    c = mw.client_for(mw.office)
    with django_assert_max_num_queries(20):
        r = c.get(f"/meetings/units/{mw.province.pk}/overview/")
    total = r.context["total"]
    assert (total.planned, total.held, total.reported) == (1, 1, 0)
    assert [m.pk for m in r.context["late"]] == [held.pk]
    services.report_submit(actor=mw.city_admin, meeting=held, text="报告")
    r = c.get(f"/meetings/units/{mw.province.pk}/overview/")
    total = r.context["total"]
    assert (total.held, total.reported, total.reported_late) == (0, 1, 1)
    assert [m.pk for m in r.context["late"]] == [held.pk]  # reported, but late
    x = c.get(f"/meetings/units/{mw.province.pk}/overview/?export=xlsx")
    rows = read_back_xlsx(b"".join(x.streaming_content))
    assert rows[1][0] == "辽宁省" and rows[1][5] == 1 and rows[1][6] == 1
    city_rows = {row[0]: row for row in rows[2:]}
    assert city_rows["沈阳市"][1] == 1 and city_rows["大连市"][1] == 0


def test_ics_export_parses(mw: MeetingWorld) -> None:
    from icalendar import Calendar

    c = mw.client_for(mw.city_admin)
    r = c.get(f"/meetings/units/{mw.city_a.pk}/calendar.ics")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    events = [e for e in cal.walk("VEVENT")]
    assert {str(e["uid"]) for e in events} == {
        f"life-meeting-{mw.county_meeting.pk}@chuxin",
        f"life-meeting-{mw.branch_meeting.pk}@chuxin",
    }
    starts = {e.decoded("dtstart") for e in events}
    assert mw.county_meeting.planned_on in starts
    # Another city's administrator sees none of them.
    r = mw.client_for(mw.other_county_admin).get(f"/meetings/units/{mw.city_a.pk}/calendar.ics")
    assert r.status_code == 404


def test_participant_sees_own_meetings_on_phone_page(
    mw: MeetingWorld, django_assert_max_num_queries: Any
) -> None:
    r = mw.client_for(mw.member_user).get("/meetings/")
    assert r.status_code == 302 and r["Location"] == "/meetings/mine/"
    client = mw.client_for(mw.member_user)
    with django_assert_max_num_queries(10):
        r = client.get("/meetings/mine/")
    assert [m.pk for m in r.context["meetings"]] == [mw.branch_meeting.pk]


def test_archive(mw: MeetingWorld) -> None:
    c = mw.client_for(mw.city_admin)
    c.post(
        f"/meetings/{mw.branch_meeting.pk}/transition/", {"action": "archive", "reason": "重复录入"}
    )
    mw.branch_meeting.refresh_from_db()
    assert mw.branch_meeting.status == MeetingStatus.ARCHIVED
    approve_all  # noqa: B018 - imported for the other tests


def test_office_sets_the_report_days_on_the_overview(mw: MeetingWorld) -> None:
    from chuxin.meetings.models import MeetingSettings

    office = mw.client_for(mw.office)
    page = office.get(f"/meetings/units/{mw.province.pk}/overview/")
    assert f'id="settings-{mw.campaign.pk}"' in page.content.decode()
    url = f"/meetings/campaigns/{mw.campaign.pk}/settings/"
    next_ = f"/meetings/units/{mw.province.pk}/overview/"
    for bad in ("0", "x", "400"):
        r = office.post(url, {"report_due_days": bad, "next": next_}, follow=True)
        assert any(m.level_tag == "error" for m in r.context["messages"])
    assert not MeetingSettings.objects.exists()
    assert office.post(url, {"report_due_days": "10", "next": next_})["Location"] == next_
    assert MeetingSettings.objects.get().report_due_days == 10
    # A city administrator does not manage the campaign's root: no form, and a 403.
    admin = mw.client_for(mw.city_admin)
    page = admin.get(f"/meetings/units/{mw.city_a.pk}/overview/")
    assert "settings-" not in page.content.decode()
    assert admin.post(url, {"report_due_days": "3"}).status_code == 403
    assert MeetingSettings.objects.get().report_due_days == 10


def test_office_sets_the_reminder_days_on_the_overview(mw: MeetingWorld) -> None:
    from chuxin.meetings.models import MeetingSettings

    office = mw.client_for(mw.office)
    page = office.get(f"/meetings/units/{mw.province.pk}/overview/").content.decode()
    assert f'id="remind-days-{mw.campaign.pk}"' in page and 'value="3"' in page
    url = f"/meetings/campaigns/{mw.campaign.pk}/settings/"
    next_ = f"/meetings/units/{mw.province.pk}/overview/"
    for bad in ("-1", "x", "61"):
        body = {"report_due_days": "10", "remind_days_before": bad, "next": next_}
        r = office.post(url, body, follow=True)
        assert any(m.level_tag == "error" for m in r.context["messages"])
    assert not MeetingSettings.objects.exists()
    body = {"report_due_days": "10", "remind_days_before": "5", "next": next_}
    assert office.post(url, body)["Location"] == next_
    row = MeetingSettings.objects.get()
    assert (row.report_due_days, row.remind_days_before) == (10, 5)
