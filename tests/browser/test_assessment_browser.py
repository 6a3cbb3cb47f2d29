"""In a real browser, in both languages: the province office defines an assessment scheme
(grade bands, a computed indicator and a hand-scored one), runs an evaluation of batch 2 at
today's cut-off, sees the ranking among peers and publishes it; a guidance team member scores
their unit on the phone-sized scoring page (no sideways scrolling).

The zh-CN run asserts on the database and element ids (data), not on translated labels."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from chuxin.assessment.models import Evaluation, ManualScore, Scheme
from chuxin.assessment.tests.conftest import build_aworld, task
from conftest import build_world
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_define_scheme_run_publish_and_rank(
    live_server: Any, transactional_db: Any, open_page: Any, locale: str
) -> None:
    world = build_world()
    a = build_aworld(world)
    limit = timezone.localdate() - dt.timedelta(days=10)
    task(a.campaign, world.county_a, time_limit=limit, status="submitted", submitted_on=limit)
    task(a.campaign, world.county_b, time_limit=limit, status="in_progress")
    base = live_server.url

    office = open_page(locale=locale)
    log_in(office, base, "office")
    office.goto(f"{base}/assessment/")
    office.click("#new-scheme")
    office.fill("#id_name", "年度考核")
    office.fill("#id_excellent_min", "85")
    office.fill("#id_good_min", "70")
    office.fill("#id_fair_min", "50")
    office.click("#save-scheme")
    office.wait_for_selector("#run-evaluation")
    scheme = Scheme.objects.get(name="年度考核")

    office.click("#add-indicator-toggle")
    office.select_option("#id_method", "computed")
    office.select_option("#id_key", "rectification.on_time")
    office.fill("#id_weight", "70")
    office.click("#add-indicator")
    office.wait_for_selector("#indicators >> text=70.00")
    office.click("#add-indicator-toggle")
    office.select_option("#id_method", "manual")
    office.fill("#id_label", "督导评分")
    office.fill("#id_weight", "30")
    office.click("#add-indicator")
    office.wait_for_selector("#indicators >> text=督导评分")
    assert scheme.indicators.count() == 2

    # a guidance team member scores 和平区 on the phone
    member = open_page(locale=locale, phone=True)
    log_in(member, base, "guidance")
    member.goto(f"{base}/assessment/scoring/")
    manual = scheme.indicators.get(method="manual")
    member.fill(f"#score-{manual.pk}-{world.county_a.pk}", "80")
    member.fill(f"#comment-{manual.pk}-{world.county_a.pk}", "扎实")
    member.click(f"#score-{manual.pk}-{world.county_a.pk} >> xpath=ancestor::form//button")
    member.wait_for_load_state("networkidle")
    assert ManualScore.objects.get(indicator=manual, unit=world.county_a).score == 80
    assert member.evaluate("document.documentElement.scrollWidth") <= 390

    office.select_option("#id_batch", str(a.batch.pk))
    office.select_option("#id_levels", "1")
    office.click("#run-evaluation")
    office.wait_for_selector("#ranking")
    evaluation = Evaluation.objects.get(scheme=scheme)
    assert evaluation.status == "draft"
    # 和平区: 100 * 0.7 + 80 * 0.3 = 94 -> excellent, first of the two counties
    row = evaluation.rows.get(unit=world.county_a)
    assert (str(row.total), row.grade, row.rank) == ("94.00", "excellent", 1)
    assert office.locator("#ranking >> text=94.00").count() == 1
    office.click("#publish")
    office.wait_for_selector("#publish", state="detached")
    evaluation.refresh_from_db()
    assert evaluation.status == "published"
    office.click(f"#ranking >> text={world.county_a.name}")
    office.wait_for_selector("#scorecard")
    assert office.locator("#total").inner_text().strip() == "94.00"
    assert not office.console_errors and not member.console_errors
