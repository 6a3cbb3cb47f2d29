"""In a real browser, in both languages: an administrator records a session with an absentee
and sees coverage drop; the member records make-up study on a phone; coverage recovers.

The zh-CN run asserts on figures and element ids (data), not on translated labels."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from chuxin.study import services
from chuxin.study.tests.conftest import build_study_world
from conftest import build_world
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_session_absence_drops_coverage_and_makeup_recovers_it(
    live_server: Any, transactional_db: Any, open_page: Any, locale: str
) -> None:
    world = build_world()
    sw = build_study_world(world)
    services.study_checkin(
        actor=world.root,
        member=world.member,
        item=sw.reading,
        date=timezone.localdate() - dt.timedelta(days=2),
    )
    base = live_server.url
    admin = open_page(locale=locale)
    log_in(admin, base, "city_admin")
    admin.goto(f"{base}/study/units/{world.branch_a.pk}/")
    assert admin.inner_text("#figure-coverage").strip() == "100%"

    admin.click("#record-session")
    admin.wait_for_selector("#session-form")
    admin.select_option("#id_item", str(sw.reading.pk))
    admin.fill("#id_host", "支部书记")
    admin.fill("#id_topic", "学习党章")
    # Quick entry: all present except 李明 (htmx re-renders the roster).
    admin.fill("#quick-except", "李明")
    admin.wait_for_selector(f"#present-{world.member.pk}:not(:checked)")
    admin.fill(f"input[name=reason_{world.member.pk}]", "出差")
    admin.click("#save-session")
    admin.wait_for_selector("#figure-coverage")
    assert admin.inner_text("#figure-coverage").strip() == "0%"
    assert admin.inner_text("#figure-makeup").strip() == "1"
    assert admin.inner_text("#figure-sessions").strip() == "1"
    assert "李明" in admin.inner_text("#uncovered-members")

    phone = open_page(locale=locale, phone=True)
    log_in(phone, base, "member_user")
    phone.goto(f"{base}/study/me/")
    assert "学习党章" in phone.inner_text("#my-items")
    phone.select_option("#id_makeup-item", str(sw.reading.pk))
    phone.click("#makeup-form button[type=submit]")
    phone.wait_for_selector("#my-status.alert-success")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    admin.reload()
    assert admin.inner_text("#figure-coverage").strip() == "100%"
    assert admin.inner_text("#figure-makeup").strip() == "0"
    assert admin.console_errors == [] and phone.console_errors == []
