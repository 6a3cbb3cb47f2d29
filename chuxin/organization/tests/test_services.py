"""Services keep the tree and the rollups right on every write path."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from chuxin.core import rollups
from chuxin.organization import services
from chuxin.organization.models import MemberStatus, Unit, UnitRollup
from conftest import World


def figures(unit: Unit) -> tuple[int, int, int, int]:
    row = UnitRollup.objects.get(pk=unit.pk)
    return row.members, row.subtree_members, row.subtree_units, row.subtree_leading_cadres


def assert_counters_true() -> None:
    call_command("check_counters")  # raises CommandError on any drift
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_world_counters_match_hand_count(world: World) -> None:
    # 8 units, 3 members (one a leading cadre in county A).
    assert figures(world.province) == (0, 3, 8, 1)
    assert figures(world.city_a) == (0, 2, 4, 1)
    assert figures(world.county_a) == (1, 2, 3, 1)
    assert figures(world.branch_a) == (1, 1, 1, 0)
    assert figures(world.city_b) == (0, 1, 3, 0)
    assert_counters_true()


def test_unit_create_counts_up_to_the_root(world: World) -> None:
    services.unit_create(
        actor=world.city_admin, parent=world.branch_a, code="X1", name="第一党小组", kind="other"
    )
    assert figures(world.province)[2] == 9
    assert figures(world.city_a)[2] == 5
    assert figures(world.city_b)[2] == 3
    assert_counters_true()


def test_member_transfer_between_cities_moves_the_counts(world: World) -> None:
    services.member_update(actor=world.office, member=world.member, unit=world.branch_b)
    assert figures(world.city_a)[1] == 1
    assert figures(world.city_b)[1] == 2
    assert figures(world.province)[1] == 3
    assert_counters_true()


def test_member_transferred_out_no_longer_counts(world: World) -> None:
    services.member_update(
        actor=world.city_admin, member=world.member, status=MemberStatus.TRANSFERRED
    )
    assert figures(world.branch_a)[:2] == (0, 0)
    assert figures(world.province)[1] == 2
    assert_counters_true()


def test_leading_cadre_flag_change_counts(world: World) -> None:
    services.member_update(actor=world.city_admin, member=world.member, is_leading_cadre=True)
    assert figures(world.city_a)[3] == 2
    assert_counters_true()


def test_unit_move_carries_its_subtree_totals(world: World) -> None:
    services.unit_move(actor=world.office, unit=world.township_a, new_parent=world.county_b)
    assert figures(world.city_a)[1:3] == (1, 2)
    assert figures(world.city_b)[1:3] == (2, 5)
    assert figures(world.province)[1:3] == (3, 8)
    moved = Unit.objects.get(pk=world.township_a.pk)
    assert moved.parent_id == world.county_b.pk
    assert moved.path.startswith(world.county_b.path)
    assert Unit.objects.get(pk=world.branch_a.pk).path.startswith(moved.path)
    assert_counters_true()


def test_unit_cannot_move_under_itself(world: World) -> None:
    with pytest.raises(ValidationError):
        services.unit_move(actor=world.office, unit=world.city_a, new_parent=world.branch_a)


def test_unit_archive_needs_an_empty_unit(world: World) -> None:
    with pytest.raises(ValidationError):
        services.unit_archive(actor=world.office, unit=world.branch_a)
    services.member_update(actor=world.office, member=world.member, status=MemberStatus.TRANSFERRED)
    services.unit_archive(actor=world.office, unit=world.branch_a)
    assert figures(world.province)[2] == 7
    assert_counters_true()


def test_outside_scope_writes_are_refused(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.unit_create(
            actor=world.other_county_admin, parent=world.county_a, code="N", name="N", kind="branch"
        )
    with pytest.raises(PermissionDenied):
        services.member_update(actor=world.guidance, member=world.member, name="改")
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=world.office, parent=None, code="R", name="R", kind="province")


def test_bad_input_changes_nothing(world: World) -> None:
    before = figures(world.province)
    for kwargs in (
        {"code": "", "name": "x", "kind": "branch"},
        {"code": "P-A", "name": "dup", "kind": "branch"},
        {"code": "Z", "name": "  ", "kind": "branch"},
        {"code": "Z", "name": "x", "kind": "planet"},
    ):
        with pytest.raises(ValidationError):
            services.unit_create(actor=world.office, parent=world.city_a, **kwargs)
    with pytest.raises(ValidationError):
        services.member_create(
            actor=world.office, unit=world.branch_a, member_number="A0001", name="重", gender="male"
        )
    with pytest.raises(ValidationError):
        services.member_create(
            actor=world.office, unit=world.branch_a, member_number="Q", name="q", gender="x"
        )
    assert figures(world.province) == before
    assert_counters_true()


def test_check_counters_catches_drift(world: World) -> None:
    UnitRollup.objects.filter(pk=world.city_a.pk).update(subtree_members=99)
    with pytest.raises(CommandError):
        call_command("check_counters")
    call_command("check_counters", fix=True)
    assert_counters_true()
    assert rollups.check(rollups.get("membership")) == []


def test_role_assign_office_needs_office(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.role_assign(
            actor=world.city_admin, user=world.guidance, role="office", unit=world.county_a
        )
    assignment = services.role_assign(
        actor=world.city_admin, user=world.guidance, role="unit_admin", unit=world.branch_a
    )
    assert assignment.include_subtree
