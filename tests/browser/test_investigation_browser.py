"""In a real browser, in both languages, on a phone-sized page: a city administrator creates a
research topic of county A led by 王芳, records a field visit with a finding, turns the finding
into a problem in one click and sees it on the topic; the unit's research page counts it. The
page does not scroll sideways.

The zh-CN run asserts on the database and element ids (data), not on translated labels."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from chuxin.investigation.models import ResearchFinding, ResearchTopic
from chuxin.problems.models import Problem
from chuxin.rectification.tests.conftest import build_rect_world
from conftest import build_world
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_topic_activity_finding_into_problem(
    live_server: Any, transactional_db: Any, open_page: Any, locale: str
) -> None:
    world = build_world()
    build_rect_world(world)
    base = live_server.url
    today = timezone.localdate()

    page = open_page(locale=locale, phone=True)
    log_in(page, base, "city_admin")
    page.goto(f"{base}/investigation/units/{world.county_a.pk}/")
    page.click("#new-topic")
    page.fill("#id_title", "背街小巷治理调研")
    page.fill("#id_lead_number", "A0002")
    page.fill("#id_planned_start", (today - dt.timedelta(days=5)).isoformat())
    page.fill("#id_planned_end", (today + dt.timedelta(days=25)).isoformat())
    page.click("#save-topic")
    page.wait_for_selector("#topic-status")
    topic = ResearchTopic.objects.get(title="背街小巷治理调研")
    assert topic.lead.name == "王芳" and topic.status == "planned"

    page.click("#activity-details summary")
    page.fill("#activity-form input[name=date]", today.isoformat())
    page.fill("#activity-form input[name=place]", "南市场街道")
    page.select_option("#activity-form select[name=method]", "visit")
    page.fill("#activity-form input[name=people_reached]", "18")
    page.fill("#activity-form textarea[name=findings]", "背街小巷路灯损坏多")
    page.click("#save-activity")
    page.wait_for_selector("#activities .finding >> text=背街小巷路灯损坏多")
    topic.refresh_from_db()
    assert topic.status == "in_progress"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click("#activities .to-problem >> nth=0")
    page.wait_for_selector("#activities .finding-problem")
    finding = ResearchFinding.objects.get(activity__topic=topic)
    problem = Problem.objects.get(pk=finding.problem_id)
    assert problem.source == "research" and problem.unit_id == world.county_a.pk
    page.wait_for_selector(f"#topic-problems >> text={problem.code}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"{base}/investigation/units/{world.county_a.pk}/")
    assert page.inner_text("#figure-topics") == "1"
    assert page.inner_text("#figure-findings") == "1"
    assert page.inner_text("#figure-people") == "18"
    assert not page.console_errors
