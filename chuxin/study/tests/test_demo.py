"""The demo writes study data with a realistic spread, and every counter agrees with it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from chuxin.organization.models import Unit
from chuxin.study.models import StudyItem, StudyRecord, StudySession, UnitStudyRollup


@pytest.mark.django_db(transaction=True)
def test_county_demo_has_study_data_and_true_counters() -> None:
    call_command("demo", scale="county", no_progress=True, stdout=io.StringIO())
    assert StudyItem.objects.filter(title__contains="四中全会").get().applies_from.month == 11
    records = StudyRecord.objects.count()
    root = UnitStudyRollup.objects.get(unit=Unit.objects.get(depth=1))
    assert 8 * root.subtree_members < records < 12 * root.subtree_members
    assert StudySession.objects.exists()
    coverage = root.subtree_covered / root.subtree_required
    assert 0.8 < coverage < 0.97  # most covered, some lagging
    assert root.subtree_never_recorded > 0  # a few dead ends
    call_command("check_counters", stdout=io.StringIO())
