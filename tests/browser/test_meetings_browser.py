"""In a real browser, in both languages: a life meeting from preparation to report.

The city administrator starts preparation and writes the checking materials; the guidance
team member approves two at the checkpoint and records an override for the third; the
meeting is marked ready, held, recorded and reported upward; a participant finds it on a phone.

The zh-CN run asserts on data and element ids, not on translated labels."""

from __future__ import annotations

from typing import Any

import pytest

from chuxin.meetings.models import LifeMeeting, MeetingStatus
from chuxin.meetings.tests.conftest import build_meeting_world
from conftest import build_world
from tests.browser import helpers

pytestmark = pytest.mark.browser


def log_in(page: Any, base: str, username: str) -> None:
    page.set_default_timeout(60_000)  # a long flow on a busy machine
    helpers.log_in(page, base, username)


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_life_meeting_from_preparation_to_report(
    live_server: Any, transactional_db: Any, open_page: Any, locale: str
) -> None:
    world = build_world()
    mw = build_meeting_world(world)
    meeting = mw.county_meeting
    base = live_server.url
    admin = open_page(locale=locale)
    log_in(admin, base, "city_admin")
    admin.goto(f"{base}/meetings/units/{world.county_a.pk}/")
    admin.click(f"#meeting-list a[href='/meetings/{meeting.pk}/']")
    admin.wait_for_selector("#meeting-status [data-status=planned]")
    admin.click("#action-prepare")
    admin.wait_for_selector("#meeting-status [data-status=preparing]")

    participants = list(meeting.participants.order_by("pk"))
    for p in participants:
        admin.goto(f"{base}/meetings/{meeting.pk}/")
        admin.click(f"#write-material-{p.pk}")
        admin.fill("#id_text", f"{p.member.name}的对照检查材料\uff1a理论学习不够系统")
        admin.click("#save-material")
        admin.wait_for_selector("#material-status[data-status=draft]")
        admin.click("#submit-material")
        admin.wait_for_selector("#material-status[data-status=submitted]")

    guide = open_page(locale=locale)
    log_in(guide, base, "guidance")
    for p in participants[:2]:
        p.refresh_from_db()
        guide.goto(f"{base}/meetings/materials/{p.material.pk}/")
        guide.check("#review-form input[value=approve]")
        guide.click("#save-review")
        guide.wait_for_selector("#material-status[data-status=approved]")
    # The third is returned with comments, then the gate is overridden with a reason.
    third = participants[2]
    third.refresh_from_db()
    guide.goto(f"{base}/meetings/materials/{third.material.pk}/")
    guide.check("#review-form input[value=return]")
    guide.fill("#id_comments", "查摆问题不够具体")
    guide.click("#save-review")
    guide.wait_for_selector("#material-status[data-status=returned]")
    guide.goto(f"{base}/meetings/{meeting.pk}/")
    assert guide.inner_text("#materials-approved").strip() == "2"
    guide.click("#checklist details summary")
    guide.fill("#override-form textarea", "刘洋同志因公出国\uff0c材料会后补交")
    guide.click("#override-form button[type=submit]")
    guide.wait_for_selector("#override-info")

    admin.goto(f"{base}/meetings/{meeting.pk}/")
    admin.click("#action-ready")
    admin.wait_for_selector("#meeting-status [data-status=ready]")
    admin.click("#action-hold")
    admin.fill("#id_place", "区委常委会议室")
    admin.uncheck(f"#present-{third.pk}")
    admin.fill(f"input[name=reason_{third.pk}]", "因公出国")
    admin.click("#save-hold")
    admin.wait_for_selector("#meeting-status [data-status=held]")
    first = participants[0]
    admin.goto(f"{base}/meetings/participants/{first.pk}/record/")
    admin.fill("#id_self_criticism", "调查研究不够深入")
    admin.click("#save-record")
    admin.wait_for_selector("#record-form")
    admin.goto(f"{base}/meetings/{meeting.pk}/")
    assert "调查研究不够深入" in admin.inner_text(f"#record-{first.pk}")
    admin.click("#open-report")
    admin.click("#generate-zh" if locale.startswith("zh") else "#generate-en")
    admin.wait_for_load_state("networkidle")
    text = admin.input_value("#id_text")
    assert "区委常委会议室" in text and "因公出国" in text
    admin.click("#submit-report")
    admin.wait_for_selector("#meeting-status [data-status=reported]")
    assert LifeMeeting.objects.get(pk=meeting.pk).status == MeetingStatus.REPORTED

    guide.goto(f"{base}/meetings/{meeting.pk}/")
    guide.select_option("#id_rating", "4")
    guide.click("#save-rating")
    guide.wait_for_selector("#ratings li:has-text('4/5')")

    phone = open_page(locale=locale, phone=True)
    log_in(phone, base, "zhang_user")
    phone.goto(f"{base}/meetings/")
    phone.wait_for_selector("#my-meetings")
    phone.click(f"#my-meetings a[href='/meetings/{meeting.pk}/']")
    phone.wait_for_selector("#meeting-status [data-status=reported]")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert admin.console_errors == [] and guide.console_errors == []
    assert phone.console_errors == []
