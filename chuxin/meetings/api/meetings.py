"""Life meetings through the API: the list, planning and editing, the transitions, and who
takes part (participants, guides) and which study sessions prepared them."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from chuxin.core.scoping import Action
from chuxin.organization import selectors as org_selectors
from chuxin.study.models import StudySession

from .. import selectors, services
from ..models import LifeMeeting, Participant
from .common import detail_of
from .schemas import (
    GuideIn,
    GuideOut,
    MeetingDetailOut,
    MeetingFilterIn,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    ParticipantIn,
    ParticipantOut,
    StudyIn,
    TransitionIn,
)

router = Router()


@router.get("/meetings", response=list[MeetingOut])
@paginate(LimitOffsetPagination)
def meetings_list(request: HttpRequest, filters: Query[MeetingFilterIn]) -> Any:
    unit = org_selectors.unit_get(request.user, filters.unit) if filters.unit else None
    f = selectors.MeetingFilters(
        unit=unit,
        status=filters.status or "",
        kind=filters.kind or "",
        campaign=filters.campaign,
        late=filters.late,
        q=filters.q,
    )
    return selectors.meetings_filtered(request.user, f).order_by("-planned_on", "pk")


@router.post("/meetings", response={201: MeetingDetailOut})
def meetings_create(request: HttpRequest, payload: MeetingIn) -> Status[LifeMeeting]:
    unit = org_selectors.unit_get(request.user, payload.unit_id, action=Action.MANAGE)
    campaign = org_selectors.campaign_get(request.user, payload.campaign_id)
    members = [org_selectors.member_get(request.user, pk) for pk in payload.member_ids]
    meeting = services.meeting_create(
        actor=request.user,
        campaign=campaign,
        unit=unit,
        kind=payload.kind,
        theme=payload.theme,
        planned_on=payload.planned_on,
        report_due_days=payload.report_due_days,
        members=members,
    )
    return Status(201, detail_of(request, meeting.pk))


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut)
def meetings_detail(request: HttpRequest, meeting_id: int) -> LifeMeeting:
    return detail_of(request, meeting_id)


@router.patch("/meetings/{meeting_id}", response=MeetingDetailOut)
def meetings_update(request: HttpRequest, meeting_id: int, payload: MeetingPatch) -> LifeMeeting:
    meeting = selectors.meeting_get(request.user, meeting_id, action=Action.MANAGE)
    services.meeting_update(actor=request.user, meeting=meeting, **payload.dict(exclude_unset=True))
    return detail_of(request, meeting_id)


@router.post("/meetings/{meeting_id}/transition", response=MeetingDetailOut)
def meetings_transition(
    request: HttpRequest, meeting_id: int, payload: TransitionIn
) -> LifeMeeting:
    meeting = selectors.meeting_get(request.user, meeting_id, action=Action.MANAGE)
    services.meeting_transition(
        actor=request.user, meeting=meeting, action=payload.action, reason=payload.reason
    )
    return detail_of(request, meeting_id)


@router.post("/meetings/{meeting_id}/participants", response={201: ParticipantOut})
def participants_add(
    request: HttpRequest, meeting_id: int, payload: ParticipantIn
) -> Status[Participant]:
    meeting = selectors.meeting_get(request.user, meeting_id, action=Action.MANAGE)
    member = org_selectors.member_get(request.user, payload.member_id)
    return Status(201, services.participant_add(actor=request.user, meeting=meeting, member=member))


@router.post("/meetings/{meeting_id}/guides", response={201: GuideOut})
def guides_add(request: HttpRequest, meeting_id: int, payload: GuideIn) -> Status[Any]:
    meeting = selectors.meeting_get(request.user, meeting_id, action=Action.MANAGE)
    user = get_user_model().objects.filter(pk=payload.user_id, is_active=True).first()
    guide = services.guide_add(actor=request.user, meeting=meeting, user=user, title=payload.title)
    return Status(201, guide)


@router.post("/meetings/{meeting_id}/study", response=MeetingDetailOut)
def study_link(request: HttpRequest, meeting_id: int, payload: StudyIn) -> LifeMeeting:
    meeting = selectors.meeting_get(request.user, meeting_id, action=Action.MANAGE)
    session = StudySession.objects.select_related("unit").filter(pk=payload.session_id).first()
    if session is None:
        raise ValidationError({"session_id": "No such study session."})
    services.study_link(actor=request.user, meeting=meeting, session=session)
    return detail_of(request, meeting_id)
