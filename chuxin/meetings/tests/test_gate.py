"""The preparation gate: every path to "ready", and every way it stays shut."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chuxin.core.models import Notification
from chuxin.meetings import selectors, services
from chuxin.meetings.models import MaterialStatus, MeetingStatus

from .conftest import MeetingWorld, approve_all, prepare_the_rest


def prepare(mw: MeetingWorld, *, the_rest: bool = True) -> None:
    """Into preparation, with (by default) every checklist item but the materials done."""
    services.meeting_transition(actor=mw.city_admin, meeting=mw.county_meeting, action="prepare")
    if the_rest:
        prepare_the_rest(mw, mw.county_meeting)


def ready(mw: MeetingWorld, actor: object = None) -> object:
    return services.meeting_transition(
        actor=actor or mw.city_admin, meeting=mw.county_meeting, action="ready"
    )


def test_ready_when_every_material_is_approved(mw: MeetingWorld) -> None:
    prepare(mw)
    approve_all(mw, mw.county_meeting, reviewer=mw.guidance)
    meeting = ready(mw)
    assert meeting.status == MeetingStatus.READY
    assert meeting.ready_at is not None


def test_every_checklist_item_gates_a_leading_bodys_meeting(mw: MeetingWorld) -> None:
    from itertools import combinations

    from django.utils import timezone

    from chuxin.study import services as study_services

    prepare(mw, the_rest=False)
    approve_all(mw, mw.county_meeting)
    today = timezone.localdate()

    def refused_for() -> str:
        with pytest.raises(ValidationError) as exc:
            ready(mw)
        return str(exc.value.message_dict["action"])

    message = refused_for()
    assert "no study session" in message and "no opinions" in message
    assert "3 of 3 heart-to-heart talks" in message and "checking materials" not in message
    item = study_services.study_item_create(
        actor=mw.w.root,
        campaign=mw.campaign,
        title="学习党章",
        kind="reading",
        required_levels=["county"],
    )
    session = study_services.study_session_record(
        actor=mw.city_admin,
        unit=mw.county_a,
        item=item,
        date=today,
        host="书记",
        present=[mw.wang.pk, mw.zhang.pk, mw.liu.pk],
    )
    services.study_link(actor=mw.city_admin, meeting=mw.county_meeting, session=session)
    assert "no study session" not in refused_for()
    services.solicitation_add(
        actor=mw.city_admin,
        meeting=mw.county_meeting,
        method="questionnaire",
        held_on=today,
        respondents=5,
    )
    pairs = list(combinations(mw.county_meeting.participants.all(), 2))
    for first, second in pairs[:2]:
        services.talk_add(
            actor=mw.city_admin, meeting=mw.county_meeting, first=first, second=second,
            talked_on=today,
        )  # fmt: skip
    assert "Not ready: 1 of 3 heart-to-heart talks are still to be held." in refused_for()
    first, second = pairs[2]
    services.talk_add(
        actor=mw.city_admin, meeting=mw.county_meeting, first=first, second=second,
        talked_on=today,
    )  # fmt: skip
    assert ready(mw).status == MeetingStatus.READY


def test_a_branch_meeting_needs_no_talk_between_every_pair(mw: MeetingWorld) -> None:
    meeting = mw.branch_meeting
    services.meeting_transition(actor=mw.city_admin, meeting=meeting, action="prepare")
    prepare_the_rest(mw, meeting)
    approve_all(mw, meeting)
    assert not meeting.talks.exists()
    done = services.meeting_transition(actor=mw.city_admin, meeting=meeting, action="ready")
    assert done.status == MeetingStatus.READY


def test_the_override_opens_the_gate_whatever_is_missing(mw: MeetingWorld) -> None:
    prepare(mw, the_rest=False)
    services.gate_override(actor=mw.guidance, meeting=mw.county_meeting, reason="时间紧急")
    assert ready(mw).status == MeetingStatus.READY


def test_not_ready_before_preparation(mw: MeetingWorld) -> None:
    with pytest.raises(ValidationError) as exc:
        ready(mw)
    assert "action" in exc.value.message_dict


def test_not_ready_while_one_material_is_missing(mw: MeetingWorld) -> None:
    prepare(mw)
    for member in (mw.wang, mw.zhang):
        p = mw.participant(mw.county_meeting, member)
        v = services.material_save(actor=mw.city_admin, participant=p, text="材料")
        services.material_submit(actor=mw.city_admin, material=v.material)
        services.material_review(actor=mw.city_admin, material=v.material, decision="approve")
    with pytest.raises(ValidationError) as exc:
        ready(mw)
    assert "2 of 3" in str(exc.value.message_dict["action"])
    mw.county_meeting.refresh_from_db()
    assert mw.county_meeting.status == MeetingStatus.PREPARING


def test_not_ready_while_one_material_is_submitted_or_returned(mw: MeetingWorld) -> None:
    prepare(mw)
    approve_all(mw, mw.county_meeting)
    p = mw.participant(mw.county_meeting, mw.liu)
    # A new version after approval goes back to draft: it must be reviewed again.
    services.material_save(actor=mw.city_admin, participant=p, text="修改后的材料")
    p.material.refresh_from_db()
    assert p.material.status == MaterialStatus.DRAFT
    with pytest.raises(ValidationError):
        ready(mw)
    services.material_submit(actor=mw.city_admin, material=p.material)
    with pytest.raises(ValidationError):
        ready(mw)
    services.material_review(
        actor=mw.guidance, material=p.material, decision="return", comments="查摆问题不够深入"
    )
    with pytest.raises(ValidationError):
        ready(mw)
    assert p.material.versions.count() == 2  # versions kept
    services.material_submit(actor=mw.city_admin, material=p.material)
    services.material_review(actor=mw.guidance, material=p.material, decision="approve")
    assert ready(mw).status == MeetingStatus.READY


def test_ready_by_override_stores_who_when_why(mw: MeetingWorld) -> None:
    prepare(mw)
    services.gate_override(
        actor=mw.guidance, meeting=mw.county_meeting, reason="刘洋同志出国访问\uff0c材料会后补交"
    )
    mw.county_meeting.refresh_from_db()
    assert mw.county_meeting.override_by == mw.guidance
    assert mw.county_meeting.override_at is not None
    assert "出国" in mw.county_meeting.override_reason
    assert ready(mw).status == MeetingStatus.READY
    history = mw.county_meeting.history.filter(override_by=mw.guidance)
    assert history.exists()  # the audit trail keeps it


@pytest.mark.parametrize("who", ["other_county_admin", "member_user", "zhang_user"])
def test_override_only_by_a_reviewer(mw: MeetingWorld, who: str) -> None:
    prepare(mw)
    with pytest.raises(PermissionDenied):
        services.gate_override(actor=getattr(mw, who), meeting=mw.county_meeting, reason="x")


def test_the_unit_itself_cannot_review_its_own_meeting(mw: MeetingWorld) -> None:
    """A city administrator reviews the county's materials, not the city's own meeting."""
    meeting = services.meeting_create(
        actor=mw.office,
        campaign=mw.campaign,
        unit=mw.city_a,
        kind="democratic",
        theme="市委常委班子专题民主生活会",
        planned_on=mw.county_meeting.planned_on,
    )
    assert not selectors.may_review(mw.city_admin, meeting)
    assert selectors.may_review(mw.office, meeting)
    assert selectors.may_review(mw.city_admin, mw.county_meeting)
    assert selectors.may_review(mw.guidance, mw.county_meeting)
    assert not selectors.may_review(mw.guidance, mw.branch_meeting)  # exactly county A
    assert not selectors.may_review(mw.other_county_admin, mw.county_meeting)


def test_override_needs_a_reason(mw: MeetingWorld) -> None:
    prepare(mw)
    with pytest.raises(ValidationError) as exc:
        services.gate_override(actor=mw.guidance, meeting=mw.county_meeting, reason="  ")
    assert "reason" in exc.value.message_dict


def test_no_participants_no_ready_even_with_override(mw: MeetingWorld) -> None:
    meeting = services.meeting_create(
        actor=mw.city_admin,
        campaign=mw.campaign,
        unit=mw.county_a,
        kind="democratic",
        theme="空会",
        planned_on=mw.county_meeting.planned_on,
    )
    services.meeting_transition(actor=mw.city_admin, meeting=meeting, action="prepare")
    services.gate_override(actor=mw.guidance, meeting=meeting, reason="test")
    with pytest.raises(ValidationError):
        services.meeting_transition(actor=mw.city_admin, meeting=meeting, action="ready")


def test_only_reviewers_review_and_returning_needs_comments_and_notifies(
    mw: MeetingWorld,
) -> None:
    prepare(mw)
    p = mw.participant(mw.county_meeting, mw.zhang)
    v = services.material_save(actor=mw.zhang_user, participant=p, text="张伟的材料")
    services.material_submit(actor=mw.zhang_user, material=v.material)
    with pytest.raises(PermissionDenied):
        services.material_review(actor=mw.zhang_user, material=v.material, decision="approve")
    with pytest.raises(ValidationError) as exc:
        services.material_review(actor=mw.guidance, material=v.material, decision="return")
    assert "comments" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.material_review(actor=mw.guidance, material=v.material, decision="maybe")


@pytest.mark.django_db(transaction=True)
def test_return_notifies_the_drafter_once(world: object) -> None:
    from .conftest import build_meeting_world

    mw = build_meeting_world(world)
    prepare(mw)
    p = mw.participant(mw.county_meeting, mw.zhang)
    v = services.material_save(actor=mw.zhang_user, participant=p, text="张伟的材料")
    services.material_submit(actor=mw.zhang_user, material=v.material)
    services.material_review(
        actor=mw.guidance, material=v.material, decision="return", comments="再深入一些"
    )
    notes = Notification.objects.filter(user=mw.zhang_user, kind="meeting_material_returned")
    assert notes.count() == 1
    assert "再深入一些" in notes.get().body
    assert not Notification.objects.filter(user=mw.guidance).exists()


def test_unready_goes_back_to_preparing(mw: MeetingWorld) -> None:
    prepare(mw)
    approve_all(mw, mw.county_meeting)
    ready(mw)
    meeting = services.meeting_transition(
        actor=mw.city_admin, meeting=mw.county_meeting, action="unready"
    )
    assert meeting.status == MeetingStatus.PREPARING


def test_study_sessions_link_only_from_the_unit_or_above(mw: MeetingWorld) -> None:
    from django.utils import timezone

    from chuxin.study.models import StudyItem, StudySession

    today = timezone.localdate()
    item = StudyItem.objects.create(
        campaign=mw.campaign, title="学习党章", kind="reading", applies_from=today
    )

    def session(unit: object) -> StudySession:
        return StudySession.objects.create(unit=unit, item=item, date=today, host="书记")  # type: ignore[misc]

    m = mw.county_meeting
    services.study_link(actor=mw.city_admin, meeting=m, session=session(mw.county_a))
    services.study_link(actor=mw.city_admin, meeting=m, session=session(mw.city_a))
    for wrong in (mw.county_b, mw.branch_a):
        with pytest.raises(ValidationError) as exc:
            services.study_link(actor=mw.city_admin, meeting=m, session=session(wrong))
        assert "session" in exc.value.message_dict
    check = selectors.checklist(selectors.meeting_detail(mw.city_admin, m.pk))
    assert check.study_sessions == 2 and check.study_done


def test_guides_are_reviewers_or_leaders_above(mw: MeetingWorld) -> None:
    from chuxin.organization import services as org_services
    from conftest import make_user

    m = mw.county_meeting
    services.guide_add(actor=mw.city_admin, meeting=m, user=mw.guidance, title="督导组组长")
    leader_user = make_user("city_leader")
    leader = org_services.member_create(
        actor=mw.root,
        unit=mw.city_a,
        member_number="C0001",
        name="市委副书记",
        gender="male",
        cadre_level="bureau",
        is_leading_cadre=True,
    )
    leader.user = leader_user
    leader.save(update_fields=["user"])
    services.guide_add(actor=mw.city_admin, meeting=m, user=leader_user)
    assert m.guides.count() == 2
    for wrong in (mw.member_user, mw.zhang_user, mw.other_county_admin):
        with pytest.raises(ValidationError):
            services.guide_add(actor=mw.city_admin, meeting=m, user=wrong)
    with pytest.raises(ValidationError):
        services.guide_add(actor=mw.city_admin, meeting=m, user=mw.guidance)  # twice
