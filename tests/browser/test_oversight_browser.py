"""In a real browser, in both languages: the office opens the province's dashboard (charts
drawn by ECharts, no console error), drills down two levels by clicking sub-units, opens a
chart's table view, generates a briefing and downloads it as .docx and PDF. The phone-sized
page does not scroll sideways.

The zh-CN run asserts on element ids and data, not on translated labels."""

from __future__ import annotations

from typing import Any

import pytest

from chuxin.oversight.models import Briefing
from chuxin.rectification.tests.conftest import build_rect_world
from conftest import build_world
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_dashboard_drill_down_table_view_and_briefing(
    live_server: Any, transactional_db: Any, open_page: Any, locale: str
) -> None:
    world = build_world()
    build_rect_world(world)
    base = live_server.url
    page = open_page(locale=locale)
    log_in(page, base, "office")
    page.goto(f"{base}/oversight/")
    page.wait_for_selector("#heat-table")
    assert page.url.endswith(f"/oversight/units/{world.province.pk}/")
    # ECharts drew into the chart boxes (a canvas each) and the tables wait behind a toggle.
    page.wait_for_selector("#group-problems_source canvas")
    assert page.is_hidden("#group-problems_source-table")
    expected_lang = "zh-hans" if locale == "zh-CN" else "en"
    assert page.get_attribute("html", "lang") == expected_lang

    # A chart's table view, for screen readers and printing.
    page.click('.chart-toggle[data-chart="group-problems_source"]')
    assert page.is_visible("#group-problems_source-table")
    assert page.is_hidden("#group-problems_source")
    rows = page.locator("#group-problems_source-table tbody tr")
    assert rows.count() == 7

    # Drill down two levels: province -> city -> county; breadcrumbs say where we are.
    page.click(f'#heat-table a.drill[data-unit="{world.city_a.pk}"]')
    page.wait_for_url(f"**/oversight/units/{world.city_a.pk}/")
    page.click(f'#heat-table a.drill[data-unit="{world.county_a.pk}"]')
    page.wait_for_url(f"**/oversight/units/{world.county_a.pk}/")
    crumbs = page.locator("#breadcrumbs li").all_inner_texts()
    assert crumbs == ["辽宁省", "沈阳市", "和平区"]
    assert page.inner_text("#figure-rect-problems .figure-value") == "1"
    page.click("#breadcrumbs a >> nth=0")
    page.wait_for_url(f"**/oversight/units/{world.province.pk}/")

    # Generate a briefing, then download it.
    page.click("#briefing-generate button[type=submit]")
    page.wait_for_selector("#downloads")
    briefing = Briefing.objects.get()
    assert "辽宁省" in briefing.body_zh
    with page.expect_download() as docx:
        page.click(f'#downloads a[href$="/{briefing.pk}/zh.docx"]')
    assert docx.value.suggested_filename.endswith(".docx")
    with page.expect_download() as pdf:
        page.click(f'#downloads a[href$="/{briefing.pk}/zh.pdf"]')
    path = pdf.value.path()
    with open(path, "rb") as handle:
        assert handle.read(4) == b"%PDF"
    assert page.console_errors == []

    phone = open_page(locale=locale, phone=True)
    log_in(phone, base, "office")
    phone.goto(f"{base}/oversight/units/{world.province.pk}/")
    phone.wait_for_selector("#heat-table")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the phone page scrolls sideways ({width}px)"
