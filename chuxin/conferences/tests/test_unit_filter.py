"""The conference list by unit, on the page (with its exports) and in the API: ``unit`` gives
the conferences organized by the unit or a unit below it, ``venue_unit`` those with a
sub-venue there; a unit out of the user's sight is refused (404), as in the other lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from chuxin.conferences import services
from chuxin.core.exports import read_back_xlsx
from chuxin.core.services import api_token_issue

from .conftest import ConfWorld, at

BASE = "/api/v1/conferences/"


def api(user: Any) -> Any:
    from django.test import Client

    _token, raw = api_token_issue(actor=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def county_conf(cw: ConfWorld) -> Any:
    """A conference of 和平区, a county below 沈阳市 (city_a)."""
    return services.conference_create(
        actor=cw.office,
        campaign=cw.campaign,
        organizer=cw.county_a,
        ordinal=9,
        title="和平区推进会",
        starts_at=at(3),
    )


def titles_on_page(cw: ConfWorld, user: Any, query: str) -> set[str]:
    response = cw.client_for(user).get(f"{reverse('conferences:list')}?{query}")
    assert response.status_code == 200, query
    rows = response.context["conferences"]
    return {c.title for c in rows}


def titles_in_api(user: Any, query: str) -> set[str]:
    response = api(user).get(f"{BASE}?{query}")
    assert response.status_code == 200, (query, response.content[:300])
    return {c["title"] for c in response.json()["items"]}


def test_the_unit_filter_gives_the_subtrees_conferences(cw: ConfWorld, county_conf: Any) -> None:
    everything = {cw.third.title, cw.first.title, cw.city_conf.title, county_conf.title}
    city = {cw.city_conf.title, county_conf.title}
    for titles in (
        lambda q: titles_on_page(cw, cw.office, q),
        lambda q: titles_in_api(cw.office, q),
    ):
        assert titles("") == everything
        assert titles(f"unit={cw.province.pk}") == everything
        assert titles(f"unit={cw.city_a.pk}") == city
        assert titles(f"unit={cw.county_a.pk}") == {county_conf.title}
        assert titles(f"unit={cw.city_b.pk}") == set()
        assert titles(f"unit={cw.city_a.pk}&campaign={cw.campaign.pk}") == city
        # With a sub-venue there: the province's teleconference, not the city's own.
        assert titles(f"venue_unit={cw.city_b.pk}") == {cw.third.title}
        assert titles(f"venue_unit={cw.county_a.pk}") == set()
    # The city administrator: their city's conferences, from their own scope.
    assert titles_on_page(cw, cw.city_admin, f"unit={cw.city_a.pk}") == city
    assert titles_in_api(cw.city_admin, f"unit={cw.county_a.pk}") == {county_conf.title}


def test_a_removed_sub_venue_leaves_the_venue_filter(cw: ConfWorld) -> None:
    venue = cw.third.venues.get(unit=cw.city_b)
    services.venue_remove(actor=cw.office, venue=venue)
    assert titles_on_page(cw, cw.office, f"venue_unit={cw.city_b.pk}") == set()
    assert titles_in_api(cw.office, f"venue_unit={cw.city_b.pk}") == set()


@pytest.mark.parametrize("param", ["unit", "venue_unit"])
def test_a_unit_out_of_scope_is_refused(cw: ConfWorld, param: str) -> None:
    page = reverse("conferences:list")
    city = cw.client_for(cw.city_admin)
    other = cw.client_for(cw.other_county_admin)
    # The province and 大连市 are above or beside 沈阳市's administrator.
    assert city.get(f"{page}?{param}={cw.province.pk}").status_code == 404
    assert city.get(f"{page}?{param}={cw.city_b.pk}").status_code == 404
    assert other.get(f"{page}?{param}={cw.city_a.pk}").status_code == 404
    assert city.get(f"{page}?{param}={cw.province.pk}&export=xlsx").status_code == 404
    assert city.get(f"{page}?{param}=abc").status_code == 404
    assert city.get(f"{page}?{param}=999999").status_code == 404
    assert api(cw.city_admin).get(f"{BASE}?{param}={cw.province.pk}").status_code == 404
    assert api(cw.other_county_admin).get(f"{BASE}?{param}={cw.city_a.pk}").status_code == 404
    response = api(cw.city_admin).get(f"{BASE}?{param}=abc")
    assert response.status_code == 422 and param in response.content.decode()


def test_the_page_keeps_the_unit_in_its_form_and_exports(cw: ConfWorld, county_conf: Any) -> None:
    c = cw.client_for(cw.office)
    url = reverse("conferences:list")
    html = c.get(f"{url}?unit={cw.city_a.pk}").content.decode()
    assert f'name="unit" value="{cw.city_a.pk}"' in html
    assert f"?unit={cw.city_a.pk}&amp;export=xlsx" in html
    assert f"?unit={cw.city_a.pk}&amp;export=deployed" in html
    assert "沈阳市" in html.split("</h1>")[0]
    assert "Organized by 沈阳市 or a unit below it." in html
    rows = read_back_xlsx(c.get(f"{url}?unit={cw.city_a.pk}&export=xlsx").getvalue())
    assert sorted(r[2] for r in rows[1:]) == sorted([cw.city_conf.title, county_conf.title])
    # The deployed work of the province's conference is not the city's conferences' work.
    services.deployed_item_create(
        actor=cw.office,
        conference=cw.third,
        title="省里部署的工作",
        units=[cw.city_a],
        time_limit=timezone.localdate() + dt.timedelta(days=30),
    )
    rows = read_back_xlsx(c.get(f"{url}?export=deployed").getvalue())
    assert [r[1] for r in rows[1:]] == ["省里部署的工作"]
    rows = read_back_xlsx(c.get(f"{url}?unit={cw.city_a.pk}&export=deployed").getvalue())
    assert rows[1:] == []
    html = c.get(f"{url}?venue_unit={cw.city_b.pk}&campaign={cw.campaign.pk}").content.decode()
    assert f"campaign={cw.campaign.pk}&amp;venue_unit={cw.city_b.pk}&amp;export=xlsx" in html
    assert "With a sub-venue in 大连市 or a unit below it." in html
    # In Chinese too.
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    html = c.get(f"{url}?unit={cw.city_a.pk}").content.decode()
    assert "主办单位为沈阳市或其下级单位。" in html and "显示所有单位的推进会" in html
