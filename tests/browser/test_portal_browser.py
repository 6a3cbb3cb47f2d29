"""In a real browser, in both languages, the public's loop: a citizen (on a phone; in one of
the runs with JavaScript switched off) finds the unit with the picker and submits an opinion,
answering the small sum, and gets a tracking code; the city office turns it into a public
problem; a rectification task for it is verified; the citizen rates the result with the
code; the rating shows on the public page, and the unit's assessment changes: the mean
public satisfaction indicator, and the total of an evaluation under a scheme that weighs it.

The zh-CN run asserts on the database and element ids (data), not on translated labels."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from chuxin.assessment import services as assessment
from chuxin.assessment.indicators import get as indicator
from chuxin.organization.models import Batch, BatchParticipation
from chuxin.portal.models import Opinion, OpinionStatus, SatisfactionRating
from chuxin.rectification import services as rect_services
from chuxin.rectification.tests.conftest import build_rect_world
from conftest import build_world
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def answer_the_sum(page: Any) -> None:
    a, b = (int(n) for n in re.findall(r"\d+", page.inner_text("#challenge-question")))
    page.fill("input[name=challenge_answer]", str(a + b))


def citizen_page(chromium: Any, open_page: Any, locale: str, javascript: bool) -> Any:
    if javascript:
        return open_page(locale=locale, phone=True)
    context = chromium.new_context(
        locale=locale, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.console_errors = []
    return page


@pytest.mark.parametrize(("locale", "javascript"), [("en-US", True), ("zh-CN", False)])
def test_opinion_to_problem_to_verified_task_to_rating(
    live_server: Any,
    transactional_db: Any,
    chromium: Any,
    open_page: Any,
    locale: str,
    javascript: bool,
) -> None:
    cache.clear()
    world = build_world()
    rw = build_rect_world(world)
    base = live_server.url
    today = timezone.localdate()
    batch = Batch.objects.create(
        campaign=rw.campaign,
        number=2,
        name="第二批",
        start_date=today - dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=60),
    )
    BatchParticipation.objects.create(batch=batch, unit=world.county_a)
    scheme = assessment.scheme_create(actor=world.office, campaign=rw.campaign, name="群众满意度")
    assessment.indicator_add(
        actor=world.office,
        scheme=scheme,
        label="群众满意度",
        method="computed",
        key="portal.satisfaction",
        weight=100,
    )
    satisfaction = indicator("portal.satisfaction")
    assert (
        satisfaction.compute(rw.campaign, [world.county_a], today)[world.county_a.pk].value is None
    )
    before = assessment.evaluation_start(
        actor=world.office, scheme=scheme, batch=batch, cutoff=today
    )
    row_before = before.rows.get(unit=world.county_a)

    # The citizen, on a phone: find the unit, write, answer the sum, submit.
    citizen = citizen_page(chromium, open_page, locale, javascript)
    citizen.goto(f"{base}/portal/")
    citizen.click("#give-opinion")
    citizen.fill(
        "#id_text", "南市场附近背街小巷的路灯坏了半年,晚上出行很危险。<script>alert(1)</script>"
    )
    citizen.fill("#id_unit_q", "和平")
    citizen.click("#find-unit")
    citizen.check(f"#unit-{world.county_a.pk}")
    citizen.fill("#id_contact_phone", "13800000000")
    answer_the_sum(citizen)
    citizen.click("#submit-opinion")
    citizen.wait_for_selector("#tracking-code")
    code = citizen.inner_text("#tracking-code").strip()
    opinion = Opinion.objects.get(code=code)
    assert opinion.unit == world.county_a and opinion.has_contact
    assert citizen.get_attribute("#opinion-status", "data-status") == OpinionStatus.NEW
    assert "<script>" in citizen.inner_text(".portal-text")  # shown as text, not run
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 390

    # The city office turns it into a public problem.
    office = open_page(locale=locale)
    log_in(office, base, "city_admin")
    office.goto(f"{base}/portal/staff/")
    office.click(f"a[href='/portal/staff/opinions/{opinion.pk}/']")
    assert "13800000000" in office.inner_text("#contact")
    office.fill("#id_title", "背街小巷路灯不亮")
    office.select_option("#id_category", "needs")
    office.fill("#id_answer", "已列入整改,感谢监督")
    office.click("#to-problem")
    office.wait_for_selector("#opinion-problem")
    opinion.refresh_from_db()
    problem = opinion.problem
    assert problem is not None and problem.is_public and problem.source == "public"

    # A rectification task for it, submitted and verified.
    task = rect_services.task_create(
        actor=world.city_admin,
        campaign=rw.campaign,
        responsible_unit=world.county_a,
        title="整改背街小巷路灯",
        problems=[problem],
        responsible_person=world.member,
        time_limit=today + dt.timedelta(days=5),
    )
    rect_services.task_transition(actor=world.city_admin, task=task, action="submit")
    rect_services.task_transition(actor=world.office, task=task, action="accept")

    # The citizen follows the code and rates the result.
    citizen.goto(f"{base}/portal/")
    citizen.fill("#id_code", code.lower())
    citizen.click("#track-form button[type=submit]")
    citizen.wait_for_selector("#rating-form")
    assert citizen.get_attribute("#problem-status", "data-status") == "rectified"
    assert "已列入整改" in citizen.inner_text("#public-answer")
    citizen.check("#rating-form input[value=very]")
    citizen.fill("#rating-form textarea[name=comment]", "修好了,谢谢")
    answer_the_sum(citizen)
    citizen.click("#submit-rating")
    citizen.wait_for_selector("#my-rating")
    rating = SatisfactionRating.objects.get()
    assert (rating.opinion, rating.problem, rating.score) == (opinion, problem, 100)

    # The rating shows on the public page; the public page names no person.
    citizen.goto(f"{base}/portal/units/{world.county_a.pk}/")
    assert citizen.inner_text("#fig-satisfaction").strip() == "100.0"
    citizen.click(f"a[href='/portal/problems/{problem.pk}/']")
    assert citizen.inner_text("[data-level=very] .rating-count").strip() == "1"
    body = citizen.inner_text("body")
    for private in ("李明", "13800000000", "city_admin"):
        assert private not in body
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 390

    # The unit's assessment changes.
    measure = satisfaction.compute(rw.campaign, [world.county_a], today)[world.county_a.pk]
    assert measure.value == Decimal("100.00")
    after = assessment.evaluation_start(
        actor=world.office, scheme=scheme, batch=batch, cutoff=today
    )
    row_after = after.rows.get(unit=world.county_a)
    assert row_after.total == Decimal("100.00") and row_after.total != row_before.total
    assert citizen.console_errors == [] and office.console_errors == []
