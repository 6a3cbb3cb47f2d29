"""The demo writes life meetings with a realistic spread, and the counters agree with them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from chuxin.core import rollups
from chuxin.meetings import counters, selectors
from chuxin.meetings.models import (
    CheckingMaterial,
    HeartTalk,
    LifeMeeting,
    MaterialVersion,
    Participant,
    UnitMeetingRollup,
)
from chuxin.organization.models import Unit


@pytest.mark.django_db(transaction=True)
def test_demo_has_meetings_at_every_stage_and_true_counters() -> None:
    call_command(
        "demo",
        scale="county",
        only="rectification,meetings",
        no_progress=True,
        stdout=io.StringIO(),
    )
    meetings = LifeMeeting.objects.all()
    total = meetings.count()
    assert total > 20
    by_status = {s: meetings.filter(status=s).count() for s in counters.METRICS[:5]}
    assert by_status["reported"] > total / 2  # most held and reported
    assert by_status["preparing"] > 0 and by_status["planned"] > 0 and by_status["held"] > 0
    today = timezone.localdate()
    late = [m for m in meetings if m.late_on(today)]
    assert 0 < len(late) < total / 3  # some late
    assert meetings.filter(kind="democratic").exists()
    assert meetings.filter(kind="organizational").exists()
    assert Participant.objects.count() >= 2 * total
    assert HeartTalk.objects.exists() and MaterialVersion.objects.count() >= (
        CheckingMaterial.objects.count()
    )
    root = Unit.objects.get(depth=1)
    row = UnitMeetingRollup.objects.get(unit=root)
    assert row.subtree_reported == by_status["reported"]
    assert rollups.check(counters.ROLLUP) == []
    # Every meeting's participants belong to its unit.
    assert not Participant.objects.exclude(member__unit_id=F("meeting__unit_id")).exists()
    # The office overview works on the demo.
    from chuxin.core.models import User

    office = User.objects.get(username="office")
    total_line, _children = selectors.overview(office, root)
    assert total_line.reported == by_status["reported"]
