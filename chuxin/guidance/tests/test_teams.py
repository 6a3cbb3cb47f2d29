"""Guidance teams: scope is exactly their units, roles follow membership and assignments,
findings become problems of the unit (source: supervision)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chuxin.core.scoping import Action, forget_scope, scope_for
from chuxin.guidance import selectors, services
from chuxin.guidance.models import CheckpointKind, Finding, Visit
from chuxin.organization.models import Role, RoleAssignment
from chuxin.problems.models import Problem, ProblemSource
from conftest import make_user

from .conftest import GWorld

pytestmark = pytest.mark.django_db


def _guidance_rows(user):
    return {
        (ra.unit_id, ra.include_subtree)
        for ra in RoleAssignment.objects.filter(user=user, role=Role.GUIDANCE)
    }


def test_scope_is_exactly_the_assigned_units(g: GWorld) -> None:
    forget_scope(g.guidance)
    scope = scope_for(g.guidance)
    assert scope.allows(g.county_a)
    for other in (g.province, g.city_a, g.township_a, g.branch_a, g.city_b, g.county_b):
        assert not scope.allows(other), other
    assert not scope.allows(g.county_a, Action.MANAGE)
    # pages: the unit of the team answers, the parent, a child and a sibling do not
    client = g.client_for(g.guidance)
    assert client.get(f"/org/units/{g.county_a.pk}/").status_code == 200
    for other in (g.city_a, g.township_a, g.county_b):
        assert client.get(f"/org/units/{other.pk}/").status_code == 404


def test_subtree_only_when_chosen(g: GWorld) -> None:
    services.assignment_add(actor=g.office, team=g.team, unit=g.city_b, include_subtree=True)
    forget_scope(g.guidance)
    scope = scope_for(g.guidance)
    assert scope.allows(g.city_b) and scope.allows(g.county_b) and scope.allows(g.branch_b)
    assert not scope.allows(g.province)
    assert (g.city_b.pk, True) in _guidance_rows(g.guidance)
    assert (g.county_a.pk, False) in _guidance_rows(g.leader)


def test_roles_follow_members_and_assignments(g: GWorld) -> None:
    newcomer = make_user("newcomer")
    services.member_add(actor=g.office, team=g.team, user=newcomer)
    assert _guidance_rows(newcomer) == {(g.county_a.pk, False)}
    services.member_remove(actor=g.office, team=g.team, user=newcomer)
    assert _guidance_rows(newcomer) == set()
    assignment = g.team.assignments.get(unit=g.county_a)
    services.assignment_remove(actor=g.office, assignment=assignment)
    assert _guidance_rows(g.guidance) == set()
    assert _guidance_rows(g.leader) == set()
    # history is kept: the assignment is archived, not deleted
    assignment.refresh_from_db()
    assert assignment.archived_at is not None


def test_another_teams_grant_survives(g: GWorld) -> None:
    second = services.team_create(
        actor=g.office, campaign=g.campaign, name="第二督导组", leader=g.guidance
    )
    services.assignment_add(actor=g.office, team=second, unit=g.county_a)
    services.assignment_add(actor=g.office, team=second, unit=g.county_b)
    services.assignment_remove(actor=g.office, assignment=g.team.assignments.get(unit=g.county_a))
    assert _guidance_rows(g.guidance) == {(g.county_a.pk, False), (g.county_b.pk, False)}
    assert _guidance_rows(g.leader) == set()
    services.team_archive(actor=g.office, team=second)
    assert _guidance_rows(g.guidance) == set()


def test_only_the_office_sets_up_teams(g: GWorld) -> None:
    for user in (g.city_admin, g.guidance, g.member_user, g.other_county_admin):
        with pytest.raises(PermissionDenied):
            services.team_create(actor=user, campaign=g.campaign, name="x", leader=g.leader)
        with pytest.raises(PermissionDenied):
            services.member_add(actor=user, team=g.team, user=g.member_user)


def test_bad_input(g: GWorld) -> None:
    with pytest.raises(ValidationError) as exc:
        services.team_create(actor=g.office, campaign=g.campaign, name=" ", leader=g.leader)
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.team_create(
            actor=g.office, campaign=g.campaign, name="第一督导组", leader=g.leader
        )
    with pytest.raises(ValidationError) as exc:
        services.member_add(actor=g.office, team=g.team, user=g.guidance)
    assert "user" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.member_remove(actor=g.office, team=g.team, user=g.leader)
    with pytest.raises(ValidationError) as exc:
        services.visit_create(
            actor=g.guidance,
            team=g.team,
            unit=g.county_a,
            date=timezone.localdate() + dt.timedelta(days=2),
            methods=["nonsense"],
            rating="excellent",
        )
    assert set(exc.value.message_dict) == {"date", "methods", "rating"}
    with pytest.raises(ValidationError) as exc:
        services.visit_create(
            actor=g.guidance,
            team=g.team,
            unit=g.county_b,
            date=timezone.localdate(),
            methods=["records"],
        )
    assert "unit" in exc.value.message_dict
    assert not Visit.objects.exists()


def test_findings_become_problems_of_the_unit(g: GWorld) -> None:
    visit = services.visit_create(
        actor=g.guidance,
        team=g.team,
        unit=g.county_a,
        date=timezone.localdate(),
        methods=["records", "interview"],
        rating="fair",
        rating_comment="台账不全",
        findings=["学习台账记录不完整", "  "],
    )
    assert visit.findings.count() == 1
    finding = visit.findings.get()
    problem = services.finding_to_problem(actor=g.guidance, finding=finding)
    assert problem.unit_id == g.county_a.pk
    assert problem.source == ProblemSource.SUPERVISION
    assert problem.title == "学习台账记录不完整"
    finding.refresh_from_db()
    assert finding.problem_id == problem.pk
    # the mandate is not left behind: the member still may not change the unit
    assert not scope_for(g.guidance).allows(g.county_a, Action.MANAGE)
    with pytest.raises(ValidationError):
        services.finding_to_problem(actor=g.guidance, finding=finding)
    outsider = make_user("outsider")
    with pytest.raises(PermissionDenied):
        services.finding_add(actor=outsider, visit=visit, text="x")
    assert Problem.objects.count() == 1


def test_visit_and_problem_through_pages(g: GWorld) -> None:
    client = g.client_for(g.guidance)
    response = client.post(
        f"/guidance/teams/{g.team.pk}/visits/new/",
        {
            "unit": g.county_a.pk,
            "date": timezone.localdate().isoformat(),
            "methods": ["spot_check"],
            "findings": "整改台账缺失",
            "rating": "poor",
        },
    )
    assert response.status_code == 302, response.content[:500]
    visit = Visit.objects.get()
    finding = Finding.objects.get()
    response = client.post(
        f"/guidance/findings/{finding.pk}/problem/", {"category": "style", "severity": "medium"}
    )
    assert response.status_code == 302
    assert Problem.objects.filter(source="supervision", unit=g.county_a).count() == 1
    page = client.get(f"/guidance/visits/{visit.pk}/")
    assert Problem.objects.get().code in page.content.decode()
    bad = client.post(
        f"/guidance/teams/{g.team.pk}/visits/new/", {"unit": g.county_a.pk, "date": "nope"}
    )
    assert bad.status_code == 200 and Visit.objects.count() == 1


def test_reviews_checkpoints_follows_the_setting(g: GWorld) -> None:
    kind = CheckpointKind.RECTIFICATION
    assert selectors.reviews_checkpoints(g.guidance, g.county_a, kind)
    assert not selectors.reviews_checkpoints(g.guidance, g.county_b, kind)
    assert not selectors.reviews_checkpoints(g.guidance, g.township_a, kind)
    assert not selectors.reviews_checkpoints(g.city_admin, g.county_a, kind)
    services.settings_update(
        actor=g.office,
        campaign=g.campaign,
        members_review_meetings=True,
        members_verify_rectification=False,
    )
    assert not selectors.reviews_checkpoints(g.guidance, g.county_a, kind)
    assert selectors.reviews_checkpoints(g.guidance, g.county_a, CheckpointKind.MEETING_MATERIALS)
    with pytest.raises(PermissionDenied):
        services.settings_update(
            actor=g.city_admin,
            campaign=g.campaign,
            members_review_meetings=False,
            members_verify_rectification=False,
        )


def test_team_page_lists_units_furthest_behind_first(
    g: GWorld, django_assert_max_num_queries
) -> None:
    for unit in (g.city_b, g.county_b, g.township_a):
        services.assignment_add(actor=g.office, team=g.team, unit=unit)
    services.visit_create(
        actor=g.leader, team=g.team, unit=g.county_b, date=timezone.localdate(), methods=["records"]
    )
    client = g.client_for(g.leader)
    with django_assert_max_num_queries(20):
        response = client.get(f"/guidance/teams/{g.team.pk}/")
    assert response.status_code == 200
    figures = response.context["figures"]
    assert {f.unit.pk for f in figures} == {
        g.county_a.pk,
        g.city_b.pk,
        g.county_b.pk,
        g.township_a.pk,
    }
    assert [f.last_visit for f in figures if f.unit.pk == g.county_b.pk] == [timezone.localdate()]
    behind = [f.behind for f in figures]
    assert behind == sorted(behind, reverse=True)
    export = client.get(f"/guidance/teams/{g.team.pk}/units.xlsx")
    assert export.status_code == 200
