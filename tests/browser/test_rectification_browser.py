"""In a real browser, in both languages: a city administrator records a problem, gives it a
task with two stage objectives, reports progress and submits; the province office returns it
with a reason; it is resubmitted and verified. The phone-sized page does not scroll sideways.

The zh-CN run asserts on the database and element ids (data), not on translated labels."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from chuxin.problems.models import Problem
from chuxin.rectification.models import RectificationTask, TaskStatus
from chuxin.rectification.tests.conftest import build_rect_world
from conftest import build_world
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def act(page: Any, action: str) -> None:
    page.click(f"#action-{action}")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_problem_task_progress_return_resubmit_verify(
    live_server: Any, transactional_db: Any, open_page: Any, locale: str
) -> None:
    world = build_world()
    build_rect_world(world)
    base = live_server.url
    soon = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()

    admin = open_page(locale=locale, phone=True)
    log_in(admin, base, "city_admin")
    admin.goto(f"{base}/problems/units/{world.county_a.pk}/new/")
    admin.fill("#id_title", "背街小巷路灯不亮")
    admin.fill("#id_description", "群众夜间出行不便")
    admin.select_option("#id_source", "public")
    admin.select_option("#id_category", "needs")
    admin.select_option("#id_public_point", "difficulty")
    admin.click("#save-problem")
    admin.wait_for_selector("#new-task")
    problem = Problem.objects.get(title="背街小巷路灯不亮")

    admin.click("#new-task")
    admin.fill("#id_direction", "路灯全部亮起")
    admin.fill("#id_measures", "排查线路\n更换灯具")
    admin.fill("#id_time_limit", later)
    admin.fill("#id_person_number", "A0001")
    admin.click("#save-task")
    admin.wait_for_selector("#objective-form")
    task = RectificationTask.objects.get(problems=problem)

    for title in ("排查线路", "更换灯具"):
        admin.fill("#objective-form input[name=title]", title)
        admin.fill("#objective-form input[name=due_on]", soon)
        admin.click("#objective-form button[type=submit]")
        admin.wait_for_selector(f"#objectives >> text={title}")
    admin.click("#objectives .objective-done >> nth=0")
    admin.wait_for_selector("#objectives s")
    admin.fill("#progress-form textarea[name=text]", "已排查全部线路")
    admin.click("#progress-form button[type=submit]")
    admin.wait_for_selector("#updates >> text=已排查全部线路")
    task.refresh_from_db()
    assert task.progress == 50 and task.status == TaskStatus.IN_PROGRESS
    assert admin.evaluate("document.documentElement.scrollWidth") <= 390
    act(admin, "submit")
    admin.wait_for_selector("#action-long_term", state="detached")
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED

    office = open_page(locale=locale)
    log_in(office, base, "office")
    office.goto(f"{base}/rectification/tasks/{task.pk}/")
    office.fill("#transition-reason", "缺少更换灯具的照片")
    act(office, "return")
    office.wait_for_selector("#events >> text=缺少更换灯具的照片")
    task.refresh_from_db()
    assert task.status == TaskStatus.RETURNED and task.returned_count == 1

    admin.reload()
    act(admin, "submit")
    admin.wait_for_selector("#action-long_term", state="detached")
    office.reload()
    act(office, "accept")
    office.wait_for_selector("#action-reopen")
    task.refresh_from_db()
    assert task.status == TaskStatus.VERIFIED and task.progress == 100
    assert admin.console_errors == [] and office.console_errors == []


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_unit_admin_sets_up_the_webhook(
    live_server: Any, transactional_db: Any, open_page: Any, locale: str, settings: Any
) -> None:
    """A city administrator sets the county's webhook on a phone: the secret is shown once,
    a test is sent (the relay here refuses it, so it is logged to be retried), and the
    delivery log lists it."""
    from chuxin.rectification.models import UnitWebhook, WebhookDelivery

    world = build_world()
    build_rect_world(world)
    base = live_server.url
    admin = open_page(locale=locale, phone=True)
    log_in(admin, base, "city_admin")
    admin.goto(f"{base}/rectification/units/{world.county_a.pk}/")
    admin.click("#unit-webhook")
    admin.wait_for_selector("#save-webhook")
    # Nothing listens on port 9 (discard): the test delivery fails and is kept for a retry.
    settings.WEBHOOK_ALLOW_PRIVATE = True  # a relay on 127.0.0.1, over plain http
    admin.fill("#id_url", "http://127.0.0.1:9/relay")
    admin.click("#save-webhook")
    admin.wait_for_selector("#webhook-secret")
    hook = UnitWebhook.objects.get(unit=world.county_a)
    assert admin.text_content("#webhook-secret code") == hook.secret
    assert admin.evaluate("document.documentElement.scrollWidth") <= 390
    admin.click("#send-test")
    admin.wait_for_selector("#webhook-test-result")
    assert admin.locator("#webhook-secret").count() == 0  # shown once only
    delivery = WebhookDelivery.objects.get(hook=hook)
    assert delivery.kind == "test" and delivery.attempts == 1 and delivery.last_error
    admin.click("#delivery-log")
    admin.wait_for_selector("table >> text=test")
    assert admin.evaluate("document.documentElement.scrollWidth") <= 390
    assert admin.console_errors == []
