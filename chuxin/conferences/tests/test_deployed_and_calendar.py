"""Work deployed at a conference becomes problems and rectification tasks of the assigned
units, whose progress the conference shows; conferences in the calendar and as .ics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from chuxin.conferences import selectors, services
from chuxin.conferences.calendar_events import events_for_user
from chuxin.core import calendar
from chuxin.problems.models import Problem, ProblemSource
from chuxin.rectification import services as rect_services
from chuxin.rectification.models import RectificationTask, TaskStatus

from .conftest import ConfWorld


def deploy(cw: ConfWorld, **extra: object) -> object:
    values: dict = {
        "actor": cw.office,
        "conference": cw.third,
        "title": "深化专项整治",
        "description": "按照会议部署深化专项整治",
        "units": [cw.city_a, cw.city_b],
        "time_limit": timezone.localdate() + dt.timedelta(days=30),
    } | extra
    return services.deployed_item_create(**values)


def test_deployed_work_creates_a_problem_and_a_task_per_unit(cw: ConfWorld) -> None:
    item = deploy(cw)
    assignments = list(item.assignments.select_related("problem", "task").order_by("unit__path"))
    assert [a.unit for a in assignments] == [cw.city_a, cw.city_b]
    for a in assignments:
        assert a.problem.source == ProblemSource.CONFERENCE
        assert a.problem.unit == a.unit and a.problem.campaign == cw.campaign
        assert a.task.responsible_unit == a.unit
        assert list(a.task.problems.all()) == [a.problem]
        assert a.task.time_limit == item.time_limit and a.task.task_type == "limited"
        assert a.problem.status == "rectifying"
    # The rectification counters count them as conference problems.
    from chuxin.rectification.models import UnitRectificationRollup

    assert UnitRectificationRollup.objects.get(unit=cw.province).subtree_p_conference == 2


def test_progress_follows_the_tasks(cw: ConfWorld) -> None:
    item = deploy(cw)
    line = selectors.deployed_progress(cw.office, cw.third)[0]
    assert (line.tasks, line.closed, line.progress, line.status) == (2, 0, 0, "not_started")
    task_a = item.assignments.get(unit=cw.city_a).task
    rect_services.progress_update_add(actor=cw.city_admin, task=task_a, text="已部署", percent=60)
    line = selectors.deployed_progress(cw.office, cw.third)[0]
    assert (line.progress, line.status) == (30, "in_progress")
    rect_services.task_transition(actor=cw.city_admin, task=task_a, action="submit")
    rect_services.task_transition(actor=cw.office, task=task_a, action="accept")
    task_b = item.assignments.get(unit=cw.city_b).task
    RectificationTask.objects.filter(pk=task_b.pk).update(
        time_limit=timezone.localdate() - dt.timedelta(days=1), is_overdue=True
    )
    line = selectors.deployed_progress(cw.office, cw.third)[0]
    assert (line.closed, line.overdue, line.progress, line.status) == (1, 1, 50, "overdue")
    page = cw.client_for(cw.office).get(reverse("conferences:detail", args=[cw.third.pk]))
    html = page.content.decode()
    assert "1 of 2 tasks closed, 1 overdue" in html
    assert reverse("rectification:task_detail", args=[task_a.pk]) in html
    # A sub-venue's administrator sees their own unit's share only.
    html = (
        cw.client_for(cw.city_admin)
        .get(reverse("conferences:detail", args=[cw.third.pk]))
        .content.decode()
    )
    assert "1 of 1 tasks closed, 0 overdue" in html
    assert reverse("rectification:task_detail", args=[task_b.pk]) not in html
    RectificationTask.objects.filter(pk=task_b.pk).update(status=TaskStatus.VERIFIED)
    line = selectors.deployed_progress(cw.office, cw.third)[0]
    assert line.status == "done"


def test_deploy_bad_input_and_permission(cw: ConfWorld) -> None:
    before = (Problem.objects.count(), RectificationTask.objects.count())
    with pytest.raises(ValidationError) as bad:
        deploy(cw, title=" ", units=[], time_limit=None, category="nonsense")
    assert set(bad.value.message_dict) == {"title", "units", "time_limit", "category"}
    with pytest.raises(ValidationError) as bad:
        deploy(cw, conference=cw.city_conf, actor=cw.city_admin, units=[cw.city_b])
    assert "units" in bad.value.message_dict
    with pytest.raises(PermissionDenied):
        deploy(cw, actor=cw.city_admin)
    assert before == (Problem.objects.count(), RectificationTask.objects.count())


def test_calendar_events_for_each_user(cw: ConfWorld) -> None:
    start = timezone.now() - dt.timedelta(days=60)
    end = timezone.now() + dt.timedelta(days=60)

    def titles(user: object) -> list[str]:
        return [e.title for e in events_for_user(user, start, end)]

    assert titles(cw.office) == [cw.first.title, cw.third.title, cw.city_conf.title]
    assert titles(cw.city_admin) == [cw.third.title, cw.city_conf.title]
    assert titles(cw.member_user) == [cw.third.title]  # attends it
    assert titles(cw.other_county_admin) == []
    assert titles(cw.guidance) == []
    # Through the one calendar too (autodiscovered), soonest first, within the window.
    upcoming = [e for e in calendar.events_for_user(cw.city_admin) if e.kind == "conference"]
    assert [e.title for e in upcoming] == [cw.third.title, cw.city_conf.title]
    event = upcoming[0]
    assert event.uid == f"conference-{cw.third.pk}@chuxin"
    assert event.url == reverse("conferences:detail", args=[cw.third.pk])
    assert event.location == "省委常委会议室"


def test_campaign_ics_parses(cw: ConfWorld) -> None:
    url = reverse("conferences:calendar", args=[cw.campaign.pk])
    response = cw.client_for(cw.city_admin).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    parsed = Calendar.from_ical(response.content)
    events = [c for c in parsed.walk() if c.name == "VEVENT"]
    assert sorted(str(e["summary"]) for e in events) == sorted([cw.third.title, cw.city_conf.title])
    third = next(e for e in events if str(e["summary"]) == cw.third.title)
    assert third.decoded("dtstart") == cw.third.starts_at
    assert str(third["url"]).endswith(reverse("conferences:detail", args=[cw.third.pk]))
    assert "2 sub-venue(s)" in str(third["description"])
    assert cw.client_for(cw.other_county_admin).get(url).status_code == 200  # sees none
    assert cw.client_for(None).get(url).status_code == 302
    assert (
        cw.client_for(cw.office).get(reverse("conferences:calendar", args=[999])).status_code == 404
    )


def test_archived_conference_leaves_lists_and_calendar(cw: ConfWorld) -> None:
    services.conference_archive(actor=cw.office, conference=cw.third)
    start = timezone.now() - dt.timedelta(days=60)
    assert cw.third.title not in [
        e.title for e in events_for_user(cw.office, start, start + dt.timedelta(days=120))
    ]
    with pytest.raises(ValidationError):
        services.conference_update(actor=cw.office, conference=cw.third, title="x")
    # Its number is free again.
    services.conference_create(
        actor=cw.office,
        campaign=cw.campaign,
        organizer=cw.province,
        ordinal=3,
        title="重新召开",
        starts_at=timezone.now(),
    )
