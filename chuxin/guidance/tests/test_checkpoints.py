"""The office's setting decides whether guidance team members are the checkpoint reviewers of
their units: rectification verification and life-meeting checking materials."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from chuxin.core.scoping import forget_scope
from chuxin.guidance import services
from chuxin.meetings import selectors as meeting_selectors
from chuxin.rectification.services import may_verify

from .conftest import GWorld

pytestmark = pytest.mark.django_db


def test_team_members_review_where_the_office_so_configures(g: GWorld) -> None:
    task = SimpleNamespace(responsible_unit=g.county_a)
    meeting = SimpleNamespace(unit=g.county_a)
    other_task = SimpleNamespace(responsible_unit=g.county_b)
    assert may_verify(g.guidance, task) and may_verify(g.leader, task)
    assert meeting_selectors.may_review(g.guidance, meeting)
    assert not may_verify(g.guidance, other_task)
    services.settings_update(
        actor=g.office,
        campaign=g.campaign,
        members_review_meetings=False,
        members_verify_rectification=False,
    )
    forget_scope(g.guidance)
    assert not may_verify(g.guidance, task)
    assert not meeting_selectors.may_review(g.guidance, meeting)
    # the levels above keep their own right to review
    assert may_verify(g.city_admin, task)
    assert meeting_selectors.may_review(g.city_admin, meeting)
    services.settings_update(
        actor=g.office,
        campaign=g.campaign,
        members_review_meetings=True,
        members_verify_rectification=False,
    )
    assert meeting_selectors.may_review(g.guidance, meeting)
    assert not may_verify(g.guidance, task)
