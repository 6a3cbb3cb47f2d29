"""Coverage arithmetic against hand-computed numbers, on every write path, with
``check_counters`` (which recomputes everything from the raw rows) after each write."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from chuxin.organization import services as org
from chuxin.organization.models import MemberStatus, Unit
from chuxin.study import services
from chuxin.study.models import (
    MemberStudyProgress,
    StudyItem,
    StudyRecord,
    UnitItemProgress,
    UnitStudyRollup,
)

from .conftest import StudyWorld

TODAY = timezone.localdate


def day(offset: int = 0) -> dt.date:
    return TODAY() + dt.timedelta(days=offset)


def cov(unit: Unit) -> tuple[int, int, int]:
    """(members with study required, covered, never recorded) of the unit's subtree."""
    row = UnitStudyRollup.objects.get(pk=unit.pk)
    return row.subtree_required, row.subtree_covered, row.subtree_never_recorded


def item_done(unit: Unit, item: StudyItem) -> tuple[int, int]:
    row = UnitItemProgress.objects.filter(unit=unit, item=item).first()
    return (row.subtree_required, row.subtree_done) if row else (0, 0)


def counters_true() -> None:
    call_command("check_counters", stdout=open("/dev/null", "w"))  # noqa: SIM115


def checkin(sw: StudyWorld, member: object, item: object, offset: int = -1) -> None:
    services.study_checkin(actor=sw.root, member=member, item=item, date=day(offset))


def test_levels_decide_what_is_required(study_world: StudyWorld) -> None:
    sw = study_world
    assert cov(sw.province) == (3, 0, 3)
    assert item_done(sw.province, sw.reading) == (3, 0)
    assert item_done(sw.province, sw.lecture) == (1, 0)  # only 王芳 is county level
    counters_true()
    checkin(sw, sw.member, sw.reading)
    assert cov(sw.province) == (3, 1, 2)
    assert cov(sw.city_a) == (2, 1, 1)
    assert cov(sw.branch_a) == (1, 1, 0)
    checkin(sw, sw.cadre, sw.reading)
    checkin(sw, sw.cadre, sw.lecture, -2)
    assert cov(sw.county_a) == (2, 1, 0)  # 王芳 has one lecture of two
    assert item_done(sw.county_a, sw.lecture) == (1, 0)
    checkin(sw, sw.cadre, sw.lecture, -1)
    assert cov(sw.county_a) == (2, 2, 0)
    assert cov(sw.province) == (3, 2, 1)
    assert item_done(sw.province, sw.lecture) == (1, 1)
    assert item_done(sw.province, sw.reading) == (3, 2)
    p = MemberStudyProgress.objects.get(member=sw.cadre)
    assert (p.required_items, p.done_items, p.covered, p.recorded) == (2, 2, True, True)
    counters_true()


def test_hours_required(study_world: StudyWorld) -> None:
    sw = study_world
    services.study_item_update(actor=sw.office, item=sw.reading, required_hours="3")
    services.study_checkin(actor=sw.root, member=sw.member, item=sw.reading, date=day(-2), hours=2)
    assert cov(sw.branch_a) == (1, 0, 0)
    services.study_checkin(actor=sw.root, member=sw.member, item=sw.reading, date=day(-1), hours=1)
    assert cov(sw.branch_a) == (1, 1, 0)
    counters_true()


def test_absence_owes_makeup_until_made_up(study_world: StudyWorld) -> None:
    sw = study_world
    checkin(sw, sw.member, sw.reading, -3)
    assert cov(sw.branch_a) == (1, 1, 0)
    services.study_session_record(
        actor=sw.city_admin,
        unit=sw.branch_a,
        item=sw.reading,
        date=day(-1),
        host="支部书记",
        absent={sw.member.pk: "出差"},
    )
    # Covered before, the absence makes him owe make-up: not covered.
    assert cov(sw.branch_a) == (1, 0, 0)
    p = MemberStudyProgress.objects.get(member=sw.member)
    assert (p.makeup_owed, p.makeup_list, p.covered) == (1, f",{sw.reading.pk},", False)
    assert UnitStudyRollup.objects.get(pk=sw.province.pk).subtree_sessions == 1
    assert UnitStudyRollup.objects.get(pk=sw.province.pk).subtree_makeup_owing == 1
    counters_true()
    services.study_makeup_record(
        actor=sw.member_user, member=sw.member, item=sw.reading, date=day()
    )
    assert cov(sw.branch_a) == (1, 1, 0)
    assert MemberStudyProgress.objects.get(member=sw.member).makeup_owed == 0
    counters_true()
    # A second make-up is refused: nothing is owed.
    with pytest.raises(ValidationError):
        services.study_makeup_record(
            actor=sw.member_user, member=sw.member, item=sw.reading, date=day(-1)
        )


def test_present_members_get_a_record(study_world: StudyWorld) -> None:
    sw = study_world
    services.study_session_record(
        actor=sw.city_admin,
        unit=sw.county_a,
        item=sw.lecture,
        date=day(-5),
        host="区委书记",
        present=[sw.cadre.pk],
    )
    services.study_session_record(
        actor=sw.city_admin,
        unit=sw.county_a,
        item=sw.lecture,
        date=day(-4),
        host="区委书记",
        present=[sw.cadre.pk],
    )
    assert item_done(sw.county_a, sw.lecture) == (1, 1)
    assert cov(sw.county_a) == (2, 0, 1)  # the reading is still owed
    checkin(sw, sw.cadre, sw.reading)
    assert cov(sw.county_a) == (2, 1, 1)
    counters_true()


def test_item_added_mid_campaign_applies_from_then_on(study_world: StudyWorld) -> None:
    sw = study_world
    checkin(sw, sw.member, sw.reading)
    checkin(sw, sw.member_b, sw.reading)
    assert cov(sw.province) == (3, 2, 1)
    later = services.study_item_create(
        actor=sw.office,
        campaign=sw.campaign,
        title="学习十九届四中全会精神",
        kind="lecture",
        required_levels=["ordinary"],
        applies_from=day(3),
    )
    assert not later.in_force
    assert cov(sw.province) == (3, 2, 1)  # not yet
    counters_true()
    assert services.study_items_activate_due(on=day(1)) == []
    assert [i.pk for i in services.study_items_activate_due(on=day(3))] == [later.pk]
    assert cov(sw.province) == (3, 0, 1)  # both ordinary members owe it now
    assert item_done(sw.province, later) == (2, 0)
    counters_true()
    special = services.study_item_create(
        actor=sw.office,
        campaign=sw.campaign,
        title="专题研讨",
        kind="seminar",
        required_levels=["county"],
    )
    assert special.in_force  # applies from today
    assert item_done(sw.province, special) == (1, 0)
    counters_true()


def test_transfer_between_units_moves_the_counts(study_world: StudyWorld) -> None:
    sw = study_world
    checkin(sw, sw.member, sw.reading)
    assert cov(sw.city_a) == (2, 1, 1) and cov(sw.city_b) == (1, 0, 1)
    org.member_update(actor=sw.office, member=sw.member, unit=sw.branch_b)
    assert cov(sw.city_a) == (1, 0, 1)
    assert cov(sw.city_b) == (2, 1, 1)
    assert cov(sw.province) == (3, 1, 2)
    assert item_done(sw.city_b, sw.reading) == (2, 1)
    counters_true()


def test_inactive_members_are_not_counted(study_world: StudyWorld) -> None:
    sw = study_world
    checkin(sw, sw.member, sw.reading)
    org.member_update(actor=sw.office, member=sw.member, status=MemberStatus.TRANSFERRED)
    assert cov(sw.province) == (2, 0, 2)
    assert UnitStudyRollup.objects.get(pk=sw.province.pk).subtree_members == 2
    assert item_done(sw.province, sw.reading) == (2, 0)
    counters_true()
    with pytest.raises(ValidationError):
        checkin(sw, sw.member, sw.reading, -2)


def test_level_change_changes_what_is_required(study_world: StudyWorld) -> None:
    sw = study_world
    checkin(sw, sw.member, sw.reading)
    org.member_update(actor=sw.office, member=sw.member, cadre_level="county")
    assert cov(sw.branch_a) == (1, 0, 0)  # now owes the lecture too
    assert item_done(sw.province, sw.lecture) == (2, 0)
    counters_true()


def test_new_member_counts_at_once(study_world: StudyWorld) -> None:
    sw = study_world
    org.member_create(
        actor=sw.office, unit=sw.branch_a, member_number="A0009", name="新人", gender="female"
    )
    assert cov(sw.branch_a) == (2, 0, 2)
    counters_true()


def test_archiving_undoes(study_world: StudyWorld) -> None:
    sw = study_world
    record = services.study_checkin(
        actor=sw.member_user, member=sw.member, item=sw.reading, date=day(-1)
    )
    assert cov(sw.branch_a) == (1, 1, 0)
    services.study_record_archive(actor=sw.city_admin, record=record)
    assert cov(sw.branch_a) == (1, 0, 1)
    counters_true()
    session = services.study_session_record(
        actor=sw.city_admin,
        unit=sw.branch_a,
        item=sw.reading,
        date=day(-1),
        host="书记",
        absent={sw.member.pk: "病假"},
    )
    assert MemberStudyProgress.objects.get(member=sw.member).makeup_owed == 1
    services.study_session_archive(actor=sw.city_admin, session=session)
    assert MemberStudyProgress.objects.get(member=sw.member).makeup_owed == 0
    assert UnitStudyRollup.objects.get(pk=sw.province.pk).subtree_sessions == 0
    counters_true()
    services.study_item_archive(actor=sw.office, item=sw.lecture)
    checkin(sw, sw.cadre, sw.reading)
    assert cov(sw.county_a) == (2, 1, 1)  # 王芳 no longer owes the lecture
    counters_true()


def test_unit_move_carries_study_totals(study_world: StudyWorld) -> None:
    sw = study_world
    checkin(sw, sw.member, sw.reading)
    org.unit_move(actor=sw.office, unit=sw.township_a, new_parent=sw.county_b)
    assert cov(sw.city_b) == (2, 1, 1)
    assert cov(sw.city_a) == (1, 0, 1)
    counters_true()


def test_drift_is_found_and_fixed(study_world: StudyWorld) -> None:
    from django.core.management.base import CommandError

    sw = study_world
    MemberStudyProgress.objects.filter(member=sw.member).update(covered=True)
    UnitStudyRollup.objects.filter(pk=sw.province.pk).update(subtree_covered=7)
    with pytest.raises(CommandError):
        counters_true()
    call_command("check_counters", fix=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    counters_true()
    assert cov(sw.province) == (3, 0, 3)


def test_a_record_whose_item_is_gone_is_reported_not_rewritten(study_world: StudyWorld) -> None:
    """The database does not check a record's references (see ``StudyRecord``): the counters
    check does, and says so rather than pretend to repair it."""
    from django.core.management.base import CommandError

    sw = study_world
    record = services.study_checkin(actor=sw.root, member=sw.member, item=sw.reading, date=day(-1))
    missing = max(StudyItem.objects.values_list("pk", flat=True)) + 100
    StudyRecord.objects.filter(pk=record.pk).update(item_id=missing)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_counters", stdout=out)
    assert f"1 record(s) point to a missing item (records {record.pk})" in out.getvalue()
    out = io.StringIO()
    call_command("check_counters", fix=True, stdout=out)
    assert "study records' references: not rewritten" in out.getvalue()
    assert StudyRecord.objects.filter(pk=record.pk, item_id=missing).exists()
