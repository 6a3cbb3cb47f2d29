"""Special rectifications: set up by the office, tasks only for participating units, the
roll-up per unit that the leading unit reports, reports with the day's figures, scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from chuxin.rectification import services, specials
from chuxin.rectification.models import RectificationTask, SpecialRectification

from .conftest import RectWorld

pytestmark = pytest.mark.django_db


def _special(rw: RectWorld) -> SpecialRectification:
    return specials.special_create(
        actor=rw.office,
        campaign=rw.campaign,
        name="整治形式主义为基层减负",
        leading_unit=rw.city_a,
        participating_units=[rw.county_a, rw.county_b],
        goals="文件会议减少三分之一",
    )


def test_only_the_office_sets_one_up(rw: RectWorld) -> None:
    with pytest.raises(PermissionDenied):
        specials.special_create(
            actor=rw.city_admin, campaign=rw.campaign, name="x", leading_unit=rw.city_a
        )
    with pytest.raises(ValidationError):
        specials.special_create(
            actor=rw.office, campaign=rw.campaign, name=" ", leading_unit=rw.city_a
        )


def test_tasks_belong_to_participating_units_and_roll_up(rw: RectWorld) -> None:
    special = _special(rw)
    limit = timezone.localdate() + dt.timedelta(days=10)
    with pytest.raises(ValidationError):
        services.task_create(
            actor=rw.city_admin,
            campaign=rw.campaign,
            responsible_unit=rw.township_a,
            title="不参加的单位",
            time_limit=limit,
            special=special,
        )
    a = services.task_create(
        actor=rw.city_admin,
        campaign=rw.campaign,
        responsible_unit=rw.county_a,
        title="精简会议",
        time_limit=limit,
        special=special,
    )
    services.task_create(
        actor=rw.other_county_admin,
        campaign=rw.campaign,
        responsible_unit=rw.county_b,
        title="精简文件",
        time_limit=timezone.localdate() - dt.timedelta(days=1),
        special=special,
    )
    services.task_transition(actor=rw.city_admin, task=a, action="submit")
    services.task_transition(actor=rw.office, task=a, action="accept")
    figures = specials.special_figures(special)
    by_unit = {line.unit.code: line for line in figures.lines}
    assert by_unit["P-A-1"].closed == 1 and by_unit["P-A-1"].on_time == 1
    assert by_unit["P-B-1"].overdue == 1 and by_unit["P-B-1"].open == 1
    assert figures.totals == {"tasks": 2, "closed": 1, "on_time": 1, "open": 1, "overdue": 1}
    # The leading unit's comrade reports; the figures of the day are kept with the report.
    with pytest.raises(PermissionDenied):
        specials.special_report_add(
            actor=rw.other_county_admin, special=special, period="第一阶段", text="x"
        )
    report = specials.special_report_add(
        actor=rw.city_admin, special=special, period="第一阶段", text="会议减少40%"
    )
    assert report.figures["tasks"] == 2
    # Units with tasks stay in the programme.
    with pytest.raises(ValidationError):
        specials.special_update(
            actor=rw.office, special=special, name=special.name, participating_units=[rw.county_a]
        )


def test_pages_and_scope(rw: RectWorld) -> None:
    special = _special(rw)
    services.task_create(
        actor=rw.other_county_admin,
        campaign=rw.campaign,
        responsible_unit=rw.county_b,
        title="精简文件",
        time_limit=timezone.localdate() + dt.timedelta(days=3),
        special=special,
    )
    url = reverse("rectification:special_detail", args=[special.pk])
    assert rw.client_for(rw.office).get(url).status_code == 200
    response = rw.client_for(rw.other_county_admin).get(url)
    assert response.status_code == 200  # a participating unit sees the programme
    assert response.context["figures"].totals["tasks"] == 1
    assert rw.client_for(rw.member_user).get(url).status_code == 404
    report_url = reverse("rectification:special_report", args=[special.pk])
    assert (
        rw.client_for(rw.other_county_admin).post(report_url, {"period": "p", "text": "t"})
    ).status_code == 403
    response = rw.client_for(rw.city_admin).post(report_url, {"period": "十月", "text": "进展顺利"})
    assert response.status_code == 302 and special.reports.count() == 1
    # Set one up through the page.
    response = rw.client_for(rw.office).post(
        reverse("rectification:special_create"),
        {
            "campaign": rw.campaign.pk,
            "name": "整治群众身边腐败",
            "leading_unit": "P-B",
            "participating": "P-B-1\nP-A-1",
        },
    )
    assert response.status_code == 302
    created = SpecialRectification.objects.get(name="整治群众身边腐败")
    assert {u.code for u in created.participating_units.all()} == {"P-B-1", "P-A-1"}
    assert (
        rw.client_for(rw.city_admin).get(reverse("rectification:special_create")).status_code == 403
    )
    # A task for the programme from its page.
    response = rw.client_for(rw.city_admin).post(
        reverse("rectification:task_create", args=[rw.county_a.pk]) + f"?special={special.pk}",
        {
            "title": "清理督查检查考核",
            "task_type": "limited",
            "time_limit": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
            "special": special.pk,
        },
    )
    assert response.status_code == 302
    assert RectificationTask.objects.get(title="清理督查检查考核").special == special
    listing = rw.client_for(rw.office).get(reverse("rectification:special_list"))
    assert len(listing.context["items"]) == 2


def test_the_programme_counts_are_maintained_and_checked(rw: RectWorld) -> None:
    """Every write keeps the per-unit counts of a programme right (checked against the raw
    rows as ``chuxin check_counters`` does), including overdue from the date alone."""
    from chuxin.rectification import counters, special_counters
    from chuxin.rectification.models import SpecialUnitCount
    from chuxin.rectification.specials import special_figures

    special = SpecialRectification.objects.create(
        campaign=rw.campaign, name="整治形式主义", leading_unit=rw.city_a
    )
    special.participating_units.set([rw.county_a, rw.township_a])
    today = timezone.localdate()
    tasks = [
        services.task_create(
            actor=rw.city_admin,
            campaign=rw.campaign,
            responsible_unit=unit,
            title=f"专项任务{i}",
            time_limit=today + dt.timedelta(days=2),
            special=special,
        )
        for i, unit in enumerate([rw.county_a, rw.county_a, rw.township_a])
    ]
    assert not special_counters.drifts()
    services.task_transition(actor=rw.city_admin, task=tasks[0], action="submit")
    services.task_transition(actor=rw.city_admin, task=tasks[0], action="accept")
    services.task_transition(actor=rw.city_admin, task=tasks[1], action="submit")
    services.task_transition(actor=rw.city_admin, task=tasks[1], action="return", reason="不够")
    assert not special_counters.drifts()
    counters.overdue_refresh(today + dt.timedelta(days=3))  # the other two are now overdue
    assert not special_counters.drifts()
    overdue = dict(SpecialUnitCount.objects.values_list("unit_id", "overdue"))
    assert overdue == {rw.county_a.pk: 1, rw.township_a.pk: 1}
    # Read today, they are not overdue (yet): the figures bring the flags back to today.
    figures = special_figures(special)
    assert figures.totals == {"tasks": 3, "closed": 1, "on_time": 1, "open": 2, "overdue": 0}
    assert not special_counters.drifts()
    by_unit = {line.unit.pk: line for line in figures.lines}
    assert by_unit[rw.township_a.pk].tasks == 1 and by_unit[rw.county_a.pk].tasks == 2
    # Drift is found and fixed set-based.
    SpecialUnitCount.objects.filter(unit=rw.county_a).update(tasks=9)
    assert special_counters.drifts()
    special_counters.refresh()
    assert not special_counters.drifts()
