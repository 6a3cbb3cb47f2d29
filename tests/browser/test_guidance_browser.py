"""In a real browser, in both languages: a guidance team member opens the team's page on a
phone (its units by live figures), records a visit to 和平区 with a finding and a rating, and
puts the finding on the unit's problem list (source: supervision). No sideways scrolling.

The zh-CN run asserts on the database and element ids (data), not on translated labels."""

from __future__ import annotations

from typing import Any

import pytest

from chuxin.guidance.models import Finding, Visit
from chuxin.guidance.tests.conftest import build_gworld
from chuxin.problems.models import Problem
from conftest import build_world
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_visit_finding_to_problem(
    live_server: Any, transactional_db: Any, open_page: Any, locale: str
) -> None:
    world = build_world()
    g = build_gworld(world)
    base = live_server.url
    page = open_page(locale=locale, phone=True)
    log_in(page, base, "guidance")
    page.goto(f"{base}/guidance/teams/{g.team.pk}/")
    page.wait_for_selector(f"#team-units >> text={world.county_a.name}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#new-visit")
    page.check("input[name=methods][value=records]")
    page.check("input[name=methods][value=interview]")
    page.fill("#id_findings", "学习台账记录不完整")
    page.select_option("#id_rating", "fair")
    page.click("#save-visit")
    page.wait_for_selector("#add-finding")
    visit = Visit.objects.get()
    assert visit.methods == ["interview", "records"] or set(visit.methods) == {
        "records",
        "interview",
    }
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("form[action$='/problem/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    finding = Finding.objects.get()
    assert finding.problem is not None
    problem = Problem.objects.get()
    assert (problem.source, problem.unit_id) == ("supervision", world.county_a.pk)
    page.wait_for_selector(f"text={problem.code}")
    assert not page.console_errors
