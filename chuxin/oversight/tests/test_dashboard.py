"""The dashboard: figures from the counters, drill-down, scope, charts' data, red flags, the
JSON API, exports and query bounds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from chuxin.core.exports import read_back_xlsx
from chuxin.oversight import figures, snapshots
from chuxin.rectification.models import UnitRectificationRollup

from .conftest import get_json


def api_url(unit: Any) -> str:
    return f"/api/v1/oversight/units/{unit.pk}/dashboard"


def figure(board: dict[str, Any], key: str) -> Any:
    for section in board["sections"]:
        for f in section["figures"]:
            if f["key"] == key:
                return f
    raise KeyError(key)


def test_root_dashboard_shows_counters_and_sub_units(ow: Any) -> None:
    client = ow.client_for(ow.office)
    board = get_json(client, api_url(ow.province))
    assert figure(board, "org.members")["value"] == 3
    assert figure(board, "rect.problems")["value"] == 2
    assert figure(board, "rect.tasks")["value"] == 1
    assert figure(board, "rect.problems")["url"].endswith(f"?unit={ow.province.pk}")
    assert [c["name"] for c in board["children"]] == ["沈阳市", "大连市"]
    groups = {g["key"]: g for g in board["groups"]}
    by_source = {i["key"]: i["value"] for i in groups["problems_source"]["items"]}
    assert by_source["rect.p_public"] == 1 and by_source["rect.p_self"] == 1
    assert [b["name"] for b in board["breadcrumbs"]] == ["辽宁省"]


def test_page_renders_figures_charts_tables_and_heat_table(ow: Any) -> None:
    client = ow.client_for(ow.office)
    response = client.get(reverse("oversight:unit", args=[ow.province.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="dashboard-data"' in html and 'type="application/json"' in html
    assert "echarts.min.js" in html and "oversight/dashboard.js" in html
    assert 'id="heat-table"' in html
    assert reverse("oversight:unit", args=[ow.city_a.pk]) in html  # drill-down link
    assert "<script>" not in html and ' style="' not in html  # CSP
    assert "Problems by source" in html and "-table" in html


def test_labels_follow_the_users_language(ow: Any) -> None:
    client = ow.client_for(ow.office)
    en = client.get(api_url(ow.province), HTTP_ACCEPT_LANGUAGE="en").json()
    assert figure(en, "rect.problems")["label"] == "Problems"


def test_drill_down_moves_the_dashboard_and_breadcrumbs_lead_back(ow: Any) -> None:
    client = ow.client_for(ow.office)
    board = get_json(client, api_url(ow.county_a))
    assert [b["name"] for b in board["breadcrumbs"]] == ["辽宁省", "沈阳市", "和平区"]
    assert figure(board, "rect.problems")["value"] == 1
    assert [c["name"] for c in board["children"]] == ["南市场街道"]


def test_a_county_user_cannot_move_above_their_county(ow: Any) -> None:
    client = ow.client_for(ow.other_county_admin)
    for unit in (ow.province, ow.city_b, ow.county_a):
        assert client.get(reverse("oversight:unit", args=[unit.pk])).status_code == 404
        assert client.get(api_url(unit)).status_code == 404
    board = get_json(client, api_url(ow.county_b))
    assert [b["name"] for b in board["breadcrumbs"]] == ["中山区"]  # nothing above shown
    assert client.get(reverse("oversight:home")).url == reverse(
        "oversight:unit", args=[ow.county_b.pk]
    )


@pytest.mark.parametrize(
    ("who", "unit", "page", "api"),
    [
        ("office", "province", 200, 200),
        ("city_admin", "province", 404, 404),
        ("city_admin", "city_a", 200, 200),
        ("city_admin", "county_a", 200, 200),
        ("city_admin", "city_b", 404, 404),
        ("other_county_admin", "county_b", 200, 200),
        ("other_county_admin", "city_a", 404, 404),
        ("guidance", "county_a", 200, 200),
        ("guidance", "city_a", 404, 404),
        ("member_user", "branch_a", 404, 404),
        (None, "province", 302, 401),
    ],
)
def test_scope_matrix(ow: Any, who: str | None, unit: str, page: int, api: int) -> None:
    client = ow.client_for(getattr(ow, who) if who else None)
    target = getattr(ow, unit)
    assert client.get(reverse("oversight:unit", args=[target.pk])).status_code == page
    assert client.get(api_url(target)).status_code == api


def test_nonsense_unit_answers_404(ow: Any) -> None:
    client = ow.client_for(ow.office)
    assert client.get("/oversight/units/999999/").status_code == 404
    assert client.get("/api/v1/oversight/units/999999/dashboard").status_code == 404
    assert client.get("/api/v1/oversight/units/abc/dashboard").status_code == 422


def test_red_flags_name_the_units_behind(ow: Any) -> None:
    # City B has no tasks at all; city A's only task is open: raise B's overdue share above.
    UnitRectificationRollup.objects.filter(unit=ow.city_b).update(
        subtree_tasks=4, subtree_overdue=3
    )
    board = get_json(ow.client_for(ow.office), api_url(ow.province))
    flags = {f["key"]: f for f in board["red_flags"]}
    assert [u["name"] for u in flags["rect.overdue_pct"]["units"]] == ["大连市"]
    bars = {c["id"]: c for c in board["charts"]}
    overdue = bars["bars-rect-overdue_pct"]
    assert overdue["categories"][0] == "大连市"  # worst first
    assert overdue["rows"][0]["cells"] == ["75.0%"]
    cells = {c["key"]: c for c in board["children"][1]["cells"]}
    assert cells["rect.overdue_pct"]["level"] == "heat-4"


def test_changes_since_last_week_come_from_the_snapshot(ow: Any) -> None:
    today = timezone.localdate()
    snapshots.take_snapshot(today - dt.timedelta(days=8))
    UnitRectificationRollup.objects.filter(unit=ow.province).update(subtree_problems=5)
    board = get_json(ow.client_for(ow.office), api_url(ow.province))
    assert board["since"] == (today - dt.timedelta(days=8)).isoformat()
    change = {c["key"]: c for c in board["changes"]}["rect.problems"]
    assert (change["before"], change["now"], change["delta"]) == ("2", "5", 3)
    assert figure(board, "rect.problems")["change"] == 3
    lines = {c["id"]: c for c in board["charts"]}["lines-progress"]
    assert lines["categories"] == [(today - dt.timedelta(days=8)).isoformat(), today.isoformat()]


def test_sub_units_export(ow: Any) -> None:
    client = ow.client_for(ow.office)
    response = client.get(reverse("oversight:unit_export", args=[ow.province.pk, "xlsx"]))
    assert response.status_code == 200
    rows = read_back_xlsx(b"".join(response.streaming_content))
    assert [r[0] for r in rows[1:]] == ["辽宁省", "沈阳市", "大连市"]
    csv = b"".join(
        client.get(reverse("oversight:unit_export", args=[ow.city_a.pk, "csv"])).streaming_content
    ).decode("utf-8-sig")
    assert "沈阳市" in csv and "和平区" in csv
    assert (
        client.get(reverse("oversight:unit_export", args=[ow.province.pk, "pdf"])).status_code
        == 404
    )
    other = ow.client_for(ow.other_county_admin)
    assert (
        other.get(reverse("oversight:unit_export", args=[ow.province.pk, "csv"])).status_code == 404
    )


def test_query_bounds(ow: Any, django_assert_max_num_queries: Any) -> None:
    client = ow.client_for(ow.office)
    snapshots.take_snapshot(timezone.localdate() - dt.timedelta(days=7))
    client.get(api_url(ow.province))  # warm the registry
    # A constant number whatever the tree's size: a few per capability, not per sub-unit.
    per_app = 3 * len(figures.providers())
    with django_assert_max_num_queries(10 + per_app):
        assert client.get(api_url(ow.province)).status_code == 200
    with django_assert_max_num_queries(14 + per_app):
        assert client.get(reverse("oversight:unit", args=[ow.province.pk])).status_code == 200
