"""Promotion conferences on the leading group's dashboard: conferences held (and lately), the
sub-venues and their attendance, the work conferences deployed and how much of it is closed or
overdue, for a unit's subtree; on the page and in the API, within the viewer's scope, with a
bounded number of queries, and in the daily snapshot like every other figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chuxin.conferences import services
from chuxin.conferences.models import Conference, DeployedItem
from chuxin.organization.models import Campaign
from chuxin.oversight import figures, selectors, snapshots
from chuxin.rectification import services as rect_services
from chuxin.rectification.models import RectificationTask
from conftest import World

from .conftest import at

KEYS = (
    "conferences.held",
    "conferences.recent",
    "conferences.venues",
    "conferences.attendance",
    "conferences.deployed",
    "conferences.closed",
    "conferences.closed_pct",
    "conferences.overdue",
)


@dataclass
class Board:
    w: World
    campaign: Campaign
    conference: Conference
    item: DeployedItem
    task_closed: RectificationTask
    task_overdue: RectificationTask

    def __getattr__(self, name: str) -> Any:
        return getattr(self.w, name)


def conference(w: World, campaign: Campaign, ordinal: int, days: int, **extra: Any) -> Conference:
    values: dict[str, Any] = {
        "actor": w.office,
        "campaign": campaign,
        "organizer": w.province,
        "ordinal": ordinal,
        "title": f"第{ordinal}次推进会",
        "starts_at": at(days),
    } | extra
    return services.conference_create(**values)


@pytest.fixture
def board(world: World) -> Board:
    """The province held a conference 60 days ago and a teleconference 10 days ago (sub-venues
    in both cities, work deployed to 和平区 and 大连市 with a time limit 3 days ago: 和平区's
    task is verified and closed, 大连市's overdue); 沈阳市 held one 5 days ago. The province's
    next conference (in a week) and an archived one do not count."""
    w = world
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        title="主题教育",
        theme="不忘初心、牢记使命",
        start_date=today - dt.timedelta(days=90),
        end_date=today + dt.timedelta(days=90),
        root_unit=w.province,
    )
    conference(w, campaign, 1, -60)
    tele = conference(w, campaign, 2, -10, format="teleconference")
    services.venue_add(actor=w.office, conference=tele, unit=w.city_a, attendance=120)
    services.venue_add(actor=w.office, conference=tele, unit=w.city_b, attendance=95)
    item = services.deployed_item_create(
        actor=w.office,
        conference=tele,
        title="深化专项整治",
        units=[w.county_a, w.city_b],
        time_limit=today - dt.timedelta(days=3),
    )
    task_closed = item.assignments.get(unit=w.county_a).task
    task_overdue = item.assignments.get(unit=w.city_b).task
    assert task_closed.is_overdue and task_overdue.is_overdue
    rect_services.task_transition(actor=w.city_admin, task=task_closed, action="submit")
    rect_services.task_transition(actor=w.office, task=task_closed, action="accept")
    conference(w, campaign, 3, 7)  # not held yet
    archived = conference(w, campaign, 4, -20, format="teleconference")
    services.venue_add(actor=w.office, conference=archived, unit=w.city_a, attendance=50)
    services.conference_archive(actor=w.office, conference=archived)
    conference(w, campaign, 5, -5, actor=w.city_admin, organizer=w.city_a, title="沈阳市推进会")
    task_closed.refresh_from_db()
    return Board(w, campaign, tele, item, task_closed, task_overdue)


def api_url(unit: Any) -> str:
    return f"/api/v1/oversight/units/{unit.pk}/dashboard"


def section(data: dict[str, Any]) -> dict[str, Any]:
    [found] = [s for s in data["sections"] if s["key"] == "conferences"]
    return {f["key"]: f for f in found["figures"]}


def values(client: Any, unit: Any) -> dict[str, Any]:
    response = client.get(api_url(unit))
    assert response.status_code == 200, response.content[:300]
    return {k: f["value"] for k, f in section(response.json()).items()}


def test_the_office_sees_the_provinces_figures_in_the_api(board: Board) -> None:
    client = board.client_for(board.office)
    data = client.get(api_url(board.province)).json()
    shown = section(data)
    assert tuple(shown) == KEYS
    assert {k: f["value"] for k, f in shown.items()} == {
        "conferences.held": 3,  # 60 and 10 days ago, and 沈阳市's
        "conferences.recent": 2,
        "conferences.venues": 2,
        "conferences.attendance": 215,
        "conferences.deployed": 2,
        "conferences.closed": 1,
        "conferences.closed_pct": 50.0,
        "conferences.overdue": 1,
    }
    assert shown["conferences.held"]["label"] == "Promotion conferences held"
    assert shown["conferences.closed_pct"]["display"] == "50.0%"
    assert shown["conferences.overdue"]["worse"] == "higher"
    assert shown["conferences.held"]["worse"] == "lower"
    # Drill-down: the deployed tasks of the subtree in the task list, filtered.
    tasks = reverse("rectification:task_list")
    pk = board.province.pk
    assert shown["conferences.deployed"]["url"] == f"{tasks}?unit={pk}&source=conference"
    assert shown["conferences.overdue"]["url"] == (
        f"{tasks}?unit={pk}&source=conference&due=overdue"
    )
    # The conferences held: the list of those organized in the subtree; the sub-venues and
    # their attendance: the list of those with a sub-venue there.
    listing = reverse("conferences:list")
    assert shown["conferences.held"]["url"] == f"{listing}?unit={pk}"
    assert shown["conferences.recent"]["url"] == f"{listing}?unit={pk}"
    assert shown["conferences.venues"]["url"] == f"{listing}?venue_unit={pk}"
    assert shown["conferences.attendance"]["url"] == f"{listing}?venue_unit={pk}"
    # The share closed is compared between the cities (heat table, red flags).
    cells = {row["name"]: {c["key"]: c["value"] for c in row["cells"]} for row in data["children"]}
    assert cells["沈阳市"]["conferences.closed_pct"] == 100.0
    assert cells["大连市"]["conferences.closed_pct"] == 0.0
    flags = {f["key"]: [u["name"] for u in f["units"]] for f in data["red_flags"]}
    assert flags["conferences.closed_pct"] == ["大连市"]


def test_figures_add_up_each_subtree(board: Board) -> None:
    client = board.client_for(board.office)
    assert values(client, board.city_a) == {
        "conferences.held": 1,
        "conferences.recent": 1,
        "conferences.venues": 1,
        "conferences.attendance": 120,  # the archived conference's sub-venue is left out
        "conferences.deployed": 1,
        "conferences.closed": 1,
        "conferences.closed_pct": 100.0,
        "conferences.overdue": 0,
    }
    assert values(client, board.county_a)["conferences.deployed"] == 1
    assert values(client, board.township_a) == dict.fromkeys(KEYS, 0) | {
        "conferences.closed_pct": None
    }
    city_b = values(client, board.city_b)
    assert (city_b["conferences.held"], city_b["conferences.attendance"]) == (0, 95)
    assert (city_b["conferences.deployed"], city_b["conferences.overdue"]) == (1, 1)


def test_a_removed_sub_venue_leaves_the_figures(board: Board) -> None:
    client = board.client_for(board.office)
    venue = board.conference.venues.get(unit=board.city_b)
    services.venue_remove(actor=board.office, venue=venue)
    venue.refresh_from_db()
    assert venue.archived_at is not None  # archived, not deleted
    shown = values(client, board.province)
    assert (shown["conferences.venues"], shown["conferences.attendance"]) == (1, 120)
    city_b = values(client, board.city_b)
    assert (city_b["conferences.venues"], city_b["conferences.attendance"]) == (0, 0)
    # The provider read by other pages agrees.
    [provider] = [p for p in figures.providers() if p.key == "conferences"]
    read = provider.values_for([board.province.pk])[board.province.pk]
    assert (read["venues"], read["attendance"]) == (1, 120)


def test_the_drill_down_lists_the_tasks_behind_the_figures(board: Board) -> None:
    client = board.client_for(board.office)
    shown = section(client.get(api_url(board.province)).json())
    html = client.get(shown["conferences.deployed"]["url"]).content.decode()
    closed = reverse("rectification:task_detail", args=[board.task_closed.pk])
    overdue = reverse("rectification:task_detail", args=[board.task_overdue.pk])
    assert closed in html and overdue in html
    html = client.get(shown["conferences.overdue"]["url"]).content.decode()
    assert overdue in html and closed not in html
    html = client.get(shown["conferences.closed"]["url"]).content.decode()
    assert closed in html and overdue not in html


def test_the_conference_figures_link_to_the_units_conferences(board: Board) -> None:
    client = board.client_for(board.office)
    shown = section(client.get(api_url(board.city_a)).json())
    pk = board.city_a.pk
    assert shown["conferences.held"]["url"].endswith(f"?unit={pk}")
    held = client.get(shown["conferences.held"]["url"]).content.decode()
    assert "沈阳市推进会" in held and board.conference.title not in held  # the province's
    venues = client.get(shown["conferences.venues"]["url"]).content.decode()
    assert board.conference.title in venues and "沈阳市推进会" not in venues
    # On the dashboard page too.
    html = client.get(reverse("oversight:unit", args=[board.province.pk])).content.decode()
    listing = reverse("conferences:list")
    assert f"{listing}?unit={board.province.pk}" in html
    assert f"{listing}?venue_unit={board.province.pk}" in html


def test_the_dashboard_page_shows_them(board: Board) -> None:
    client = board.client_for(board.office)
    response = client.get(reverse("oversight:unit", args=[board.province.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for label in (
        "Promotion conferences held",
        "Promotion conferences in the last 30 days",
        "Sub-venues of promotion conferences",
        "Attendance at sub-venues",
        "Tasks deployed by conferences",
        "Deployed tasks verified and closed",
        "Deployed tasks overdue",
    ):
        assert label in html
    assert "Share of deployed tasks closed" in html  # a heat table column
    assert f"{reverse('rectification:task_list')}?unit={board.province.pk}" in html


def test_scope_a_county_admin_of_another_city(board: Board) -> None:
    client = board.client_for(board.other_county_admin)
    for unit in (board.province, board.city_a, board.county_a, board.city_b):
        assert client.get(reverse("oversight:unit", args=[unit.pk])).status_code == 404
        assert client.get(api_url(unit)).status_code == 404
    # Their own county: nothing of the conferences above or beside it.
    assert values(client, board.county_b) == dict.fromkeys(KEYS, 0) | {
        "conferences.closed_pct": None
    }
    # The city administrator sees their city, not the province.
    city = board.client_for(board.city_admin)
    assert client.get(api_url(board.province)).status_code == 404
    assert values(city, board.city_a)["conferences.deployed"] == 1


def test_reading_them_costs_two_queries_whatever_the_rows(
    board: Board, django_assert_num_queries: Any
) -> None:
    [provider] = [p for p in figures.providers() if p.key == "conferences"]
    ids = [board.province.pk, board.city_a.pk, board.city_b.pk]
    with django_assert_num_queries(2):
        provider.values_for(ids)
    client = board.client_for(board.office)
    url = reverse("oversight:unit", args=[board.province.pk])
    client.get(url)  # warm the registry

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = page_queries()
    # More conferences, sub-venues and deployed work in more units: not one query more.
    for n in range(6, 9):
        tele = conference(board.w, board.campaign, n, -n, format="teleconference")
        for unit in (board.county_a, board.township_a, board.county_b):
            services.venue_add(actor=board.office, conference=tele, unit=unit, attendance=n)
        services.deployed_item_create(
            actor=board.office,
            conference=tele,
            title=f"工作{n}",
            units=[board.county_a, board.township_a, board.branch_a, board.county_b],
            time_limit=timezone.localdate() + dt.timedelta(days=30),
        )
    assert values(client, board.province)["conferences.deployed"] == 14
    assert page_queries() == before
    # The oversight tests' bound for the whole page: a few per capability.
    assert before <= 14 + 3 * len(figures.providers())


def test_the_snapshot_keeps_them_like_the_other_figures(board: Board) -> None:
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    snap = snapshots.take_snapshot(week_ago)
    assert {f"conferences.{m}" for m in ("held", "deployed", "closed", "overdue")} <= set(snap.keys)
    units = [board.province.pk, board.city_a.pk, board.city_b.pk, board.county_b.pk]
    stored = selectors.snapshot_values([snap], units)
    live = selectors.live_values(units)
    for pk in units:
        assert {k: stored[(week_ago, pk)][k] for k in KEYS} == {k: live[pk][k] for k in KEYS}
    # A week later: what changed since then is shown as a change of the headline figures.
    task = board.task_overdue
    rect_services.task_transition(actor=board.office, task=task, action="submit")
    rect_services.task_transition(actor=board.office, task=task, action="accept")
    data = board.client_for(board.office).get(api_url(board.province)).json()
    assert data["since"] == week_ago.isoformat()
    changes = {c["key"]: c for c in data["changes"]}
    assert changes["conferences.closed"]["delta"] == 1
    assert changes["conferences.overdue"]["delta"] == -1
    assert changes["conferences.overdue"]["better"] is True
