"""The navigation: every entry leads to a page that answers, grouped; managers' entries only
for managers."""

from __future__ import annotations

import pytest

from conftest import World


def _entries(page: str) -> set[str]:
    import re

    return set(re.findall(r'data-nav="([a-z_]+)"', page))


def test_office_sees_every_entry(world: World) -> None:
    page = world.client_for(world.office).get("/inbox/").content.decode()
    entries = _entries(page)
    assert {"dashboard", "organization", "units", "imports", "opinions", "meetings"} <= entries


@pytest.mark.parametrize(
    "who", ["office", "city_admin", "other_county_admin", "guidance", "member_user"]
)
def test_every_entry_a_user_sees_answers(world: World, who: str) -> None:
    from django.test import RequestFactory

    from chuxin.core.context_processors import navigation

    user = getattr(world, who)
    client = world.client_for(user)
    request = RequestFactory().get("/inbox/")
    request.user = user
    for item in navigation(request)["nav_items"]:
        for link in item.get("links", [item]):
            response = client.get(link["url"], follow=True)
            assert response.status_code == 200, (link["key"], response.status_code)


def test_a_member_sees_no_managers_entries(world: World) -> None:
    page = world.client_for(world.member_user).get("/inbox/").content.decode()
    entries = _entries(page)
    assert "imports" not in entries and "opinions" not in entries
    assert "dashboard" not in entries  # the dashboard is for managers and guidance teams
    assert {"study", "inbox", "calendar"} <= entries


def test_the_current_section_is_marked(world: World) -> None:
    page = world.client_for(world.office).get("/calendar/").content.decode()
    assert 'data-nav="calendar" aria-current="page"' in page
    assert page.count('aria-current="page"') == 1


def test_anonymous_pages_have_no_navigation(db: object) -> None:
    from django.test import Client

    page = Client().get("/accounts/login/").content.decode()
    assert "data-nav=" not in page


def test_the_login_page_points_the_public_to_the_portal(db: object) -> None:
    from django.test import Client

    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/").content.decode()
    assert 'href="/portal/"' in page
    assert Client().get("/portal/").status_code == 200
