"""The dashboard's short cache: shared by users of the same grants and language, never across
scopes or languages, off when the setting is 0."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings

from chuxin.organization import services as org_services

from .conftest import get_json
from .test_dashboard import api_url, figure


@pytest.fixture
def cached() -> Iterator[None]:
    cache.clear()
    with override_settings(DASHBOARD_CACHE_SECONDS=30):
        yield
    cache.clear()


def _add_member(ow: Any, number: str) -> None:
    org_services.member_create(
        actor=ow.root, unit=ow.branch_b, member_number=number, name="新党员", gender="male"
    )


def test_a_cached_dashboard_is_served_until_it_expires(ow: Any, cached: None) -> None:
    client = ow.client_for(ow.office)
    before = figure(get_json(client, api_url(ow.province)), "org.members")["value"]
    _add_member(ow, "C0001")
    assert figure(get_json(client, api_url(ow.province)), "org.members")["value"] == before
    cache.clear()  # as when the half minute is over
    assert figure(get_json(client, api_url(ow.province)), "org.members")["value"] == before + 1


def test_the_cache_is_never_shared_across_scopes_or_languages(ow: Any, cached: None) -> None:
    office = get_json(ow.client_for(ow.office), api_url(ow.city_a))
    city = get_json(ow.client_for(ow.city_admin), api_url(ow.city_a))
    # same unit, same figures; but the city's administrator has no way up: breadcrumbs differ
    assert office["sections"] == city["sections"]
    assert [b["name"] for b in office["breadcrumbs"]] == ["辽宁省", "沈阳市"]
    assert [b["name"] for b in city["breadcrumbs"]] == ["沈阳市"]
    _add_member(ow, "C0002")
    # a guidance member holding exactly a county sees no sub-units of it, whatever is cached
    guide = get_json(ow.client_for(ow.guidance), api_url(ow.county_a))
    assert guide["children"] == []
    admin_view = get_json(ow.client_for(ow.city_admin), api_url(ow.county_a))
    assert [c["name"] for c in admin_view["children"]] == ["南市场街道"]
    english = ow.client_for(ow.office)
    chinese = ow.client_for(ow.office)
    chinese.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    en_board = get_json(english, api_url(ow.province))
    zh_board = get_json(chinese, api_url(ow.province))
    assert en_board["sections"][0]["label"] != zh_board["sections"][0]["label"]


def test_no_cache_when_the_setting_is_zero(ow: Any) -> None:
    cache.clear()
    client = ow.client_for(ow.office)
    before = figure(get_json(client, api_url(ow.province)), "org.members")["value"]
    _add_member(ow, "C0003")
    assert figure(get_json(client, api_url(ow.province)), "org.members")["value"] == before + 1
