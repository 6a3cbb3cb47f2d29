"""The demo writes research and mechanisms at every scale (tiny here): most leading cadres lead
a topic, some findings point to research problems, every verified long-term task is linked to
a mechanism (the close rule holds in the demo), and the counters agree with the rows."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from chuxin.core import rollups
from chuxin.investigation import counters
from chuxin.investigation.models import ResearchActivity, ResearchFinding, ResearchTopic
from chuxin.mechanisms import counters as mechanism_counters
from chuxin.mechanisms.models import Mechanism
from chuxin.organization.models import Member
from chuxin.rectification.models import RectificationTask


@pytest.mark.django_db(transaction=True)
def test_tiny_demo_has_research_and_mechanisms_with_true_counters() -> None:
    call_command("demo", scale="tiny", no_progress=True, stdout=io.StringIO())
    cadres = Member.objects.filter(is_leading_cadre=True).count()
    topics = ResearchTopic.objects.count()
    assert 0.6 * cadres < topics < cadres
    assert ResearchActivity.objects.count() > topics // 2
    assert ResearchFinding.objects.exists()
    assert ResearchTopic.objects.filter(status="reported").exists()
    assert not rollups.check(counters.rollup())
    closed_long_term = RectificationTask.objects.filter(task_type="long_term", status="verified")
    assert not closed_long_term.filter(mechanisms__isnull=True).exists()
    assert Mechanism.objects.count() >= closed_long_term.count()
    assert not rollups.check(mechanism_counters.rollup())
