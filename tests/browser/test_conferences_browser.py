# ruff: noqa: RUF001 - Chinese text uses full-width punctuation
"""In a real browser, in both languages: the province office records a teleconference,
adds a sub-venue, the presiding person and the main speech, generates the news release,
sees it in Chinese and English side by side, and downloads the English .docx. The
phone-sized conference page does not scroll sideways.

The zh-CN run asserts on the database, element ids and the release text (which is in both
languages whatever the UI language), not on translated labels."""

from __future__ import annotations

import io
from typing import Any

import pytest

from chuxin.conferences.models import Conference, Release
from chuxin.conferences.tests.conftest import build_conf_world
from conftest import build_world
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def submit(page: Any, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_conference_to_release_in_both_languages(
    live_server: Any, transactional_db: Any, open_page: Any, locale: str
) -> None:
    from docx import Document

    world = build_world()
    build_conf_world(world)
    base = live_server.url

    page = open_page(locale=locale, phone=True)
    log_in(page, base, "office")
    page.goto(f"{base}/conferences/")
    page.click("#new-conference")
    page.wait_for_selector("#save-conference")
    page.fill("#id_organizer", "P")
    page.fill("#id_ordinal", "5")
    page.fill("#id_title", "省委主题教育第五次推进会")
    page.fill("#id_starts_at", "2026-12-28T15:00")
    page.select_option("#id_format", "teleconference")
    page.fill("#id_main_venue", "省委常委会议室")
    page.fill("#id_organizer_label", "省委")
    page.fill("#id_organizer_label_en", "the provincial party committee")
    submit(page, "#save-conference")
    page.wait_for_selector("#conference-title")
    conference = Conference.objects.get(ordinal=5)
    assert page.text_content("#conference-title") == "省委主题教育第五次推进会"

    page.click("#venues summary")
    page.fill("#id_venue-unit_code", "P-A")
    page.fill("#id_venue-attendance", "150")
    page.fill("#id_venue-chaired_by", "张国清")
    page.fill("#id_venue-label_en", "Shenyang")
    submit(page, "#save-venue")
    page.wait_for_selector("#venues >> text=沈阳市")

    page.click("#persons summary")
    page.select_option("#id_person-role", "presiding")
    page.fill("#id_person-name", "陈求发")
    page.fill("#id_person-position", "省委书记")
    page.fill("#id_person-name_en", "Chen Qiufa")
    page.fill("#id_person-position_en", "secretary of the Provincial Party Committee")
    submit(page, "#save-person")
    page.wait_for_selector("#persons >> text=陈求发")

    page.click("#speeches summary")
    page.select_option("#id_speech-kind", "main")
    page.fill("#id_speech-speaker_name", "陈求发")
    page.fill("#id_speech-key_points", "全年工作进展顺利\n要巩固成果\n要建立长效机制")
    page.fill("#id_speech-speaker_name_en", "Chen Qiufa")
    page.fill(
        "#id_speech-key_points_en",
        "The work of the year went well\nWe should consolidate the results\n"
        "We should build long-term mechanisms",
    )
    submit(page, "#save-speech")
    page.wait_for_selector("#speeches >> text=要巩固成果")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert conference.venues.count() == 1 and conference.speeches.count() == 1

    page.click("#open-release")
    page.wait_for_selector("#generate-release")
    submit(page, "#generate-release")
    page.wait_for_selector("#preview-zh")
    zh = page.text_content("#preview-zh")
    en = page.text_content("#preview-en")
    assert "省委召开主题教育第五次推进会" in zh
    assert "省委书记陈求发主持会议并讲话" in zh
    assert "一是要巩固成果。二是要建立长效机制。" in zh
    assert "沈阳市设分会场，各分会场共150人参加会议" in zh
    assert "Provincial Party Committee Holds Fifth Promotion Conference" in en
    assert "Chen Qiufa, secretary of the Provincial Party Committee, presided over" in en
    assert "First, we should consolidate the results. Second, we should build" in en
    assert "sub-venues in Shenyang, where 150 people attended" in en
    assert "唐一军" not in zh and "Tang Yijun" not in en  # of another conference
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    with page.expect_download() as download_info:
        page.click("#docx-en")
    path = download_info.value.path()
    with open(path, "rb") as handle:
        doc = Document(io.BytesIO(handle.read()))
    release = Release.objects.get(conference=conference)
    assert doc.paragraphs[0].text == release.headline_en
    assert "presided over the meeting" in "\n".join(p.text for p in doc.paragraphs)

    page.click("#print-zh")
    page.wait_for_selector("#print-button")
    assert page.text_content("h1") == release.headline_zh
    page.go_back()
    page.wait_for_selector("#publish-release")
    submit(page, "#publish-release")
    page.wait_for_selector("#release-status.text-bg-success")
    release.refresh_from_db()
    assert release.is_published
    assert page.console_errors == []
