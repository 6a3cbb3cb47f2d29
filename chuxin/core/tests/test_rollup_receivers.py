"""Units created and moved keep every registered rollup right (``chuxin.core.receivers``).

Each test ends with ``rollups.check`` of every registered rollup (a recomputation from the raw
rows) and ``chuxin check_counters``; without the receivers, a new unit has no rows and a moved
unit's totals stay with its old ancestors, so each of them fails.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chuxin.core import rollups
from chuxin.core.models import User
from chuxin.organization import services
from chuxin.organization.models import Unit
from conftest import World


def assert_no_drift() -> None:
    """Every registered rollup (and counter check) agrees with the raw rows."""
    drifts = {r.name: rollups.check(r)[:5] for r in rollups.registered()}
    assert drifts == {r.name: [] for r in rollups.registered()}
    call_command("check_counters", stdout=io.StringIO())


def subtree_totals(rollup: rollups.Rollup, unit: Unit) -> dict[str, int]:
    row = rollup.model._default_manager.get(pk=unit.pk)
    return {m: getattr(row, f"subtree_{m}") for m in rollup.metrics}


def all_totals(unit: Unit) -> dict[str, dict[str, int]]:
    return {r.name: subtree_totals(r, unit) for r in rollups.registered()}


def test_every_capability_registers_its_rollup(db: Any) -> None:
    names = {r.name for r in rollups.registered()}
    assert {
        "membership",
        "study",
        "rectification",
        "meetings",
        "investigation",
        "mechanisms",
    } <= names
    assert rollups.get("study").on_move is not None  # the per-item subtree totals follow


def test_a_new_unit_gets_a_zero_row_in_every_rollup(world: World) -> None:
    unit = services.unit_create(
        actor=world.root, parent=world.county_b, code="P-B-1-2", name="新支部", kind="branch"
    )
    for rollup in rollups.registered():
        row = rollup.model._default_manager.get(pk=unit.pk)
        own = {m: getattr(row, m) for m in rollup.metrics}
        expected = {m: int(rollup.name == "membership" and m == "units") for m in rollup.metrics}
        assert own == expected, rollup.name
    assert_no_drift()


def test_a_unit_added_outside_the_services_gets_its_rows_too(world: World) -> None:
    parent = Unit.objects.get(pk=world.county_b.pk)
    unit = Unit.objects.add_child(
        parent,
        create_kwargs={"code": "P-B-1-3", "name": "直接添加", "kind": "branch", "parent": parent},
    )
    for rollup in rollups.registered():
        assert rollup.model._default_manager.filter(pk=unit.pk).exists(), rollup.name


def test_moving_a_unit_with_members_moves_its_totals(world: World) -> None:
    before = {
        name: all_totals(getattr(world, name))
        for name in ("township_a", "county_a", "city_a", "county_b", "city_b", "province")
    }
    moved = before["township_a"]
    assert moved["membership"]["members"] == 1
    assert moved["study"]["members"] == 1

    services.unit_move(actor=world.root, unit=world.township_a, new_parent=world.county_b)

    def shifted(name: str, sign: int) -> dict[str, dict[str, int]]:
        return {
            r: {m: v + sign * moved[r][m] for m, v in totals.items()}
            for r, totals in before[name].items()
        }

    assert all_totals(world.county_a) == shifted("county_a", -1)
    assert all_totals(world.city_a) == shifted("city_a", -1)
    assert all_totals(world.county_b) == shifted("county_b", +1)
    assert all_totals(world.city_b) == shifted("city_b", +1)
    assert all_totals(world.province) == before["province"]  # a common ancestor
    assert all_totals(world.township_a) == moved
    assert_no_drift()


def test_a_parent_saved_without_moving_the_path_rewrites_the_rollups(world: World) -> None:
    """A bare save of ``parent`` (treebeard did not move the subtree): the totals follow the
    paths, which did not change, so nothing may be shifted."""
    unit = Unit.objects.get(pk=world.township_a.pk)
    unit.parent = world.county_b
    unit.save(update_fields=["parent"])
    assert_no_drift()


@pytest.fixture
def demo(db: Any) -> User:
    call_command("demo", scale="tiny", no_progress=True, stdout=io.StringIO())
    return User.objects.create_superuser("mover", "mover@example.org", "pw-mover")


def holds_something_in_every_rollup(unit: Unit) -> bool:
    return all(any(totals.values()) for totals in all_totals(unit).values())


def test_moving_a_demo_subtree_keeps_every_rollup_right(demo: User) -> None:
    """A unit with sub-units and data of every capability moves to another city, then into a
    county of its first city: each move changes only the old and new ancestors."""
    candidates = Unit.objects.filter(depth=3, numchild__gt=0).order_by("path")
    unit = next(u for u in candidates if holds_something_in_every_rollup(u))
    old_parent = Unit.objects.get(pk=unit.parent_id)
    elsewhere = Unit.objects.filter(depth=2).exclude(pk=old_parent.pk).order_by("path").first()
    assert elsewhere is not None
    moved = all_totals(unit)
    old_before = all_totals(old_parent)
    new_before = all_totals(elsewhere)
    rollup_tables = [r.model._meta.db_table for r in rollups.registered()]

    with CaptureQueriesContext(connection) as queries:
        services.unit_move(actor=demo, unit=unit, new_parent=elsewhere)

    rewrites = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("DELETE", "INSERT", "COPY"))
        and any(table in q["sql"] for table in rollup_tables)
    ]
    assert rewrites == []  # two UPDATEs per rollup, no refresh
    for name, totals in moved.items():
        assert all_totals(Unit.objects.get(pk=old_parent.pk))[name] == {
            m: v - totals[m] for m, v in old_before[name].items()
        }
        assert all_totals(elsewhere)[name] == {
            m: v + totals[m] for m, v in new_before[name].items()
        }
    assert all_totals(unit) == moved
    assert_no_drift()

    # Back into its first city, one level deeper: the city is a common ancestor again.
    cousin = (
        Unit.objects.filter(depth=3, path__startswith=old_parent.path)
        .exclude(pk=unit.pk)
        .order_by("path")
        .first()
    )
    assert cousin is not None
    services.unit_move(actor=demo, unit=Unit.objects.get(pk=unit.pk), new_parent=cousin)
    assert all_totals(Unit.objects.get(pk=old_parent.pk)) == old_before
    assert_no_drift()
