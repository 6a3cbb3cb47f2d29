"""The meetings world: the shared `world` plus a campaign and two life meetings.

- a democratic life meeting of 和平区 (county A, a leading body): 王芳, 张伟, 刘洋 take part;
  its reviewers are the city administrator (manages the city above) and the guidance team
  member (guidance role on county A), and the office;
- an organizational life meeting of branch A: 李明 (member_user's own record) and 陈静;
  a plain member of branch A (``plain``) sees the meeting but takes no part.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from chuxin.core.models import User
from chuxin.meetings import services
from chuxin.meetings.models import LifeMeeting, Participant
from chuxin.organization import services as org_services
from chuxin.organization.models import Campaign, Member, Role
from conftest import World, make_user


@dataclass
class MeetingWorld:
    w: World
    campaign: Campaign
    county_meeting: LifeMeeting
    branch_meeting: LifeMeeting
    wang: Member
    zhang: Member
    liu: Member
    chen: Member
    plain: User
    zhang_user: User

    def __getattr__(self, name: str) -> Any:
        return getattr(self.w, name)

    def participant(self, meeting: LifeMeeting, member: Member) -> Participant:
        return meeting.participants.get(member=member)


def build_meeting_world(world: World) -> MeetingWorld:
    today = timezone.localdate()
    root = world.root
    campaign = Campaign.objects.create(
        title="不忘初心、牢记使命主题教育",
        theme="不忘初心、牢记使命",
        start_date=today - dt.timedelta(days=90),
        end_date=today + dt.timedelta(days=90),
        root_unit=world.province,
    )
    wang = Member.objects.get(name="王芳")
    zhang = org_services.member_create(
        actor=root,
        unit=world.county_a,
        member_number="A0003",
        name="张伟",
        gender="male",
        cadre_level="county",
        is_leading_cadre=True,
        position="区长",
    )
    liu = org_services.member_create(
        actor=root,
        unit=world.county_a,
        member_number="A0004",
        name="刘洋",
        gender="female",
        cadre_level="county",
        is_leading_cadre=True,
        position="区委副书记",
    )
    chen = org_services.member_create(
        actor=root, unit=world.branch_a, member_number="A0005", name="陈静", gender="female"
    )
    zhang_user = make_user("zhang_user")
    zhang.user = zhang_user
    zhang.save(update_fields=["user"])
    plain = make_user("plain")
    org_services.role_assign(actor=root, user=plain, role=Role.MEMBER, unit=world.branch_a)
    county_meeting = services.meeting_create(
        actor=world.city_admin,
        campaign=campaign,
        unit=world.county_a,
        kind="democratic",
        theme="区委常委班子专题民主生活会",
        planned_on=today + dt.timedelta(days=10),
        members=[wang, zhang, liu],
    )
    branch_meeting = services.meeting_create(
        actor=world.city_admin,
        campaign=campaign,
        unit=world.branch_a,
        kind="organizational",
        theme="南市场社区党支部专题组织生活会",
        planned_on=today + dt.timedelta(days=12),
        members=[world.member, chen],
    )
    return MeetingWorld(
        w=world,
        campaign=campaign,
        county_meeting=county_meeting,
        branch_meeting=branch_meeting,
        wang=wang,
        zhang=zhang,
        liu=liu,
        chen=chen,
        plain=plain,
        zhang_user=zhang_user,
    )


@pytest.fixture
def mw(world: World) -> MeetingWorld:
    return build_meeting_world(world)


def approve_all(mw: MeetingWorld, meeting: LifeMeeting, reviewer: Any = None) -> None:
    """Every participant writes, submits, and gets approved."""
    actor = mw.city_admin
    for participant in meeting.participants.select_related("member"):
        version = services.material_save(
            actor=actor, participant=participant, text=f"{participant.member.name}的对照检查材料"
        )
        services.material_submit(actor=actor, material=version.material)
        services.material_review(
            actor=reviewer or mw.city_admin, material=version.material, decision="approve"
        )


def prepare_the_rest(mw: MeetingWorld, meeting: LifeMeeting) -> None:
    """The checklist's other items: a study session linked, opinions solicited and, for a
    leading body, every pair of participants has talked."""
    from itertools import combinations

    from chuxin.study import services as study_services

    today = timezone.localdate()
    actor = mw.city_admin
    item = study_services.study_item_create(
        actor=mw.w.root,
        campaign=mw.campaign,
        title=f"学习党章 {meeting.pk}",
        kind="reading",
        required_levels=["county", "ordinary"],
    )
    session = study_services.study_session_record(
        actor=actor,
        unit=meeting.unit,
        item=item,
        date=today,
        host="书记",
        present=[p.member_id for p in meeting.participants.all()],
    )
    services.study_link(actor=actor, meeting=meeting, session=session)
    services.solicitation_add(
        actor=actor, meeting=meeting, method="questionnaire", held_on=today, respondents=12
    )
    if meeting.kind == "democratic":
        for first, second in combinations(meeting.participants.all(), 2):
            services.talk_add(
                actor=actor, meeting=meeting, first=first, second=second, talked_on=today
            )


def to_ready(mw: MeetingWorld, meeting: LifeMeeting) -> LifeMeeting:
    if meeting.status == "planned":
        services.meeting_transition(actor=mw.city_admin, meeting=meeting, action="prepare")
    prepare_the_rest(mw, meeting)
    approve_all(mw, meeting)
    services.meeting_transition(actor=mw.city_admin, meeting=meeting, action="ready")
    meeting.refresh_from_db()  # the caller's instance follows
    return meeting


def to_held(mw: MeetingWorld, meeting: LifeMeeting, days_ago: int = 1) -> LifeMeeting:
    to_ready(mw, meeting)
    services.meeting_hold(
        actor=mw.city_admin,
        meeting=meeting,
        held_on=timezone.localdate() - dt.timedelta(days=days_ago),
        place="区委常委会议室",
    )
    meeting.refresh_from_db()
    return meeting
