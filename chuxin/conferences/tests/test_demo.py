"""The demo writes the campaign's promotion conferences: the third a teleconference with a
sub-venue in every city, the special rectifications' leading units speaking, work deployed
to every city as rectification tasks, and the releases generated from the record."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from chuxin.conferences.models import Conference, DeployedAssignment, Release
from chuxin.organization.models import Unit, UnitKind
from chuxin.problems.models import ProblemSource
from chuxin.rectification.models import SpecialRectification


@pytest.mark.django_db(transaction=True)
def test_tiny_demo_has_the_conferences() -> None:
    call_command("demo", scale="tiny", no_progress=True, stdout=io.StringIO())
    cities = Unit.objects.filter(kind=UnitKind.CITY).count()
    assert list(Conference.objects.values_list("ordinal", flat=True)) == [1, 2, 3, 4]
    third = Conference.objects.get(ordinal=3)
    assert third.format == "teleconference" and third.venues.count() == cities > 0
    assert third.speeches.filter(kind="special").count() == SpecialRectification.objects.count()
    assert third.persons.get(role="presiding").name == "陈求发"
    assignments = DeployedAssignment.objects.filter(item__conference=third)
    assert assignments.count() == 3 * cities
    assert all(a.problem.source == ProblemSource.CONFERENCE for a in assignments)
    assert all(a.task.responsible_unit_id == a.unit_id for a in assignments)
    release = Release.objects.get(conference=third)
    assert release.headline_zh == "省委召开主题教育第三次推进会"
    assert "陈求发主持会议并讲话" in release.body_zh
    assert "Chen Qiufa, secretary of the Provincial Party Committee" in release.body_en
    assert "teleconference" in release.body_en and not release.is_published
    call_command("check_counters", stdout=io.StringIO())
