"""In a real browser, in both languages: a city administrator records a long-term mechanism of
county A; a long-term task awaiting verification cannot be closed without a mechanism or a
reason, and closes when its verifier gives the mechanism's number, which links them.

The zh-CN run asserts on the database and element ids (data), not on translated labels."""

from __future__ import annotations

from typing import Any

import pytest

from chuxin.mechanisms.models import Mechanism
from chuxin.rectification import services as task_services
from chuxin.rectification.models import TaskStatus
from chuxin.rectification.tests.conftest import build_rect_world
from conftest import build_world
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_mechanism_and_the_close_rule(
    live_server: Any, transactional_db: Any, open_page: Any, locale: str
) -> None:
    world = build_world()
    rw = build_rect_world(world)
    task = task_services.task_create(
        actor=world.city_admin,
        campaign=rw.campaign,
        responsible_unit=world.county_a,
        title="供暖保障长期坚持",
        problems=[rw.problem],
        task_type="long_term",
    )
    task_services.task_transition(actor=world.city_admin, task=task, action="submit")
    base = live_server.url

    page = open_page(locale=locale, phone=True)
    log_in(page, base, "city_admin")
    page.goto(f"{base}/mechanisms/?unit={world.county_a.pk}")
    page.click("#new-mechanism")
    page.fill("#id_title", "老旧小区供暖保障制度")
    page.select_option("#id_kind", "system")
    page.fill("#id_problem_codes", rw.problem.code)
    page.click("#save-mechanism")
    page.wait_for_selector("#origin-problems")
    mechanism = Mechanism.objects.get(title="老旧小区供暖保障制度")
    assert list(mechanism.problems.all()) == [rw.problem]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"{base}/rectification/tasks/{task.pk}/")
    page.click("#action-accept")
    page.wait_for_selector(".alert-danger")
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    page.fill("#close-mechanism", mechanism.code)
    page.click("#action-accept")
    page.wait_for_selector("#action-reopen")
    task.refresh_from_db()
    assert task.status == TaskStatus.VERIFIED
    assert list(mechanism.tasks.all()) == [task]
    page.goto(f"{base}/mechanisms/{mechanism.pk}/")
    page.wait_for_selector(f"#origin-tasks >> text={task.code}")
    assert not page.console_errors
