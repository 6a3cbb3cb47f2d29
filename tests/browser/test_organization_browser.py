"""A person in a real browser: log in, browse the tree down to a branch, in both languages."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import build_world

pytestmark = pytest.mark.browser


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    page.click("button[type=submit].w-100")
    page.wait_for_url(f"{base}/org/units/")


@pytest.mark.parametrize(
    "locale,labels",
    [
        ("en-US", {"tree": "The organization tree", "members": "Members of this unit"}),
        ("zh-CN", {"tree": "组织树", "members": "本单位党员"}),
    ],
)
def test_browse_from_province_to_branch(
    live_server: Any, transactional_db: Any, open_page: Any, locale: str, labels: dict[str, str]
) -> None:
    build_world()
    page = open_page(locale=locale)
    log_in(page, live_server.url, "office")
    assert labels["tree"] in page.content()
    page.click("#tree-unit-{} > .tree-row .tree-toggle".format(_pk("P")))
    page.wait_for_selector("text=沈阳市")
    page.click("text=沈阳市")
    page.wait_for_selector("h1:has-text('沈阳市')")
    page.click("table >> text=和平区")
    page.click("table >> text=南市场街道")
    page.click("table >> text=南市场社区党支部")
    page.wait_for_selector("h1:has-text('南市场社区党支部')")
    assert labels["members"] in page.content()
    assert page.locator("text=李明").count() >= 1
    page.click("text=李明")
    page.wait_for_selector("h1:has-text('李明')")
    assert page.console_errors == []


def test_language_switch_and_phone_layout(
    live_server: Any, transactional_db: Any, open_page: Any
) -> None:
    build_world()
    page = open_page(locale="zh-CN", phone=True)
    log_in(page, live_server.url, "city_admin")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click(".navbar-toggler")
    page.wait_for_selector("#mainnav.show")
    page.click("button[name=language][value=en]")
    page.wait_for_selector("html[lang=en]")
    assert "The organization tree" in page.content()
    # Nothing overflows sideways on a phone-sized screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert page.console_errors == []


def _pk(code: str) -> int:
    from chuxin.organization.models import Unit

    return Unit.objects.get(code=code).pk
