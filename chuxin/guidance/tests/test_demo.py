"""The demo's guidance teams: their members hold exactly the guidance roles the teams grant,
visits and findings exist, some findings are problems of the unit; the assessment scheme
evaluates the demo's batch."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from chuxin.assessment import services as assessment_services
from chuxin.assessment.models import ManualScore, Scheme
from chuxin.core.models import User
from chuxin.guidance.models import Finding, GuidanceTeam, TeamAssignment, TeamMembership, Visit
from chuxin.guidance.services import desired_roles
from chuxin.organization.models import Batch, Role, RoleAssignment


@pytest.mark.django_db(transaction=True)
def test_tiny_demo_has_teams_with_synced_roles_and_a_scheme() -> None:
    call_command(
        "demo",
        scale="tiny",
        only="guidance,assessment,rectification",
        no_progress=True,
        stdout=io.StringIO(),
    )
    assert GuidanceTeam.objects.exists()
    pairs = {
        (m.user_id, a.unit_id)
        for m in TeamMembership.objects.all()
        for a in TeamAssignment.objects.filter(team_id=m.team_id)
    }
    wanted = desired_roles(pairs)
    assert set(wanted) == pairs and not any(wanted.values())  # exactly the units
    held = set(RoleAssignment.objects.filter(role=Role.GUIDANCE).values_list("user_id", "unit_id"))
    assert pairs <= held
    guidance = User.objects.get(username="guidance")
    assert TeamMembership.objects.filter(user=guidance).exists()
    assert Visit.objects.exists()
    assert Finding.objects.filter(problem__source="supervision").exists()
    scheme = Scheme.objects.get()
    assert scheme.indicators.filter(method="manual").exists()
    assert ManualScore.objects.exists()
    office = User.objects.get(username="office")
    batch = Batch.objects.get(number=2)
    evaluation = assessment_services.evaluation_start(
        actor=office, scheme=scheme, batch=batch, cutoff=timezone.localdate(), levels=1
    )
    assert evaluation.status == "draft"
    assert evaluation.rows.exists()
    assert evaluation.rows.filter(total__isnull=False).exists()
