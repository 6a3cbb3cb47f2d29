"""The preparation of a life meeting through the API: soliciting opinions (and turning one into
a problem), heart-to-heart talks, checking materials with their versions and checkpoint
reviews, and the override of the preparation gate."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status

from chuxin.core.scoping import Action

from .. import selectors, services
from ..models import (
    CheckingMaterial,
    HeartTalk,
    LifeMeeting,
    MaterialReview,
    Opinion,
    Solicitation,
)
from .common import detail_of, meeting_participant, participant_of, require_record_view
from .schemas import (
    MaterialIn,
    MaterialOut,
    MeetingDetailOut,
    OpinionProblemIn,
    ProblemRefOut,
    ReasonIn,
    ReviewIn,
    ReviewOut,
    SolicitationIn,
    SolicitationOut,
    TalkIn,
    TalkOut,
    TalksOut,
    VersionOut,
)

router = Router()


# --- Opinions -------------------------------------------------------------------------------


@router.get("/meetings/{meeting_id}/solicitations", response=list[SolicitationOut])
def solicitations_list(request: HttpRequest, meeting_id: int) -> Any:
    meeting = selectors.meeting_get(request.user, meeting_id)
    return meeting.solicitations.prefetch_related("opinions").order_by("held_on", "pk")


@router.post("/meetings/{meeting_id}/solicitations", response={201: SolicitationOut})
def solicitations_create(
    request: HttpRequest, meeting_id: int, payload: SolicitationIn
) -> Status[Solicitation]:
    meeting = selectors.meeting_get(request.user, meeting_id, action=Action.MANAGE)
    row = services.solicitation_add(
        actor=request.user,
        meeting=meeting,
        method=payload.method,
        held_on=payload.held_on,
        respondents=payload.respondents,
        opinions=payload.opinions,
    )
    return Status(201, row)


@router.post("/opinions/{opinion_id}/problem", response={201: ProblemRefOut})
def opinions_to_problem(
    request: HttpRequest, opinion_id: int, payload: OpinionProblemIn
) -> Status[Any]:
    opinion = Opinion.objects.select_related("solicitation").filter(pk=opinion_id).first()
    if opinion is None:
        raise Http404
    meeting = selectors.meeting_get(
        request.user, opinion.solicitation.meeting_id, action=Action.MANAGE
    )
    opinion.solicitation.meeting = meeting
    problem = services.opinion_to_problem(
        actor=request.user,
        opinion=opinion,
        category=payload.category,
        title=payload.title,
        severity=payload.severity,
    )
    return Status(201, problem)


# --- Talks ----------------------------------------------------------------------------------


@router.get("/meetings/{meeting_id}/talks", response=TalksOut)
def talks_list(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    """The talks, and the pairs of participants who have not talked yet."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    matrix = selectors.talk_matrix(meeting)
    notes = selectors.may_see_record(request.user, meeting)
    talks = HeartTalk.objects.filter(meeting=meeting).order_by("talked_on", "pk")
    return {
        "participants": len(matrix.participants),
        "pairs": matrix.pairs,
        "missing": [{"first_id": a.pk, "second_id": b.pk} for a, b in matrix.missing],
        "talks": [
            {
                "id": t.pk,
                "first_id": t.first_id,
                "second_id": t.second_id,
                "talked_on": t.talked_on,
                "note": t.note if notes else None,
            }
            for t in talks
        ],
    }


@router.post("/meetings/{meeting_id}/talks", response={201: TalkOut})
def talks_create(request: HttpRequest, meeting_id: int, payload: TalkIn) -> Status[HeartTalk]:
    meeting = selectors.meeting_get(request.user, meeting_id, action=Action.MANAGE)
    first = meeting_participant(meeting, payload.first_id, "first_id")
    second = meeting_participant(meeting, payload.second_id, "second_id")
    assert first is not None and second is not None
    talk = services.talk_add(
        actor=request.user,
        meeting=meeting,
        first=first,
        second=second,
        talked_on=payload.talked_on,
        note=payload.note,
    )
    return Status(201, talk)


# --- Materials and reviews ------------------------------------------------------------------


@router.get("/meetings/{meeting_id}/materials", response=list[MaterialOut])
def materials_list(request: HttpRequest, meeting_id: int) -> Any:
    """Every participant's material for record viewers; one's own for a participant."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    qs = CheckingMaterial.objects.filter(participant__meeting=meeting).select_related(
        "participant__member"
    )
    if not selectors.may_see_record(request.user, meeting):
        qs = qs.filter(participant__member__user_id=request.user.pk or 0)
    return qs.order_by("participant__order", "pk")


@router.get("/materials/{material_id}", response=MaterialOut)
def materials_detail(request: HttpRequest, material_id: int) -> CheckingMaterial:
    return selectors.material_get(request.user, material_id)


@router.post("/participants/{participant_id}/material", response={201: VersionOut})
def materials_save(request: HttpRequest, participant_id: int, payload: MaterialIn) -> Status[Any]:
    participant = participant_of(request, participant_id)
    version = services.material_save(actor=request.user, participant=participant, text=payload.text)
    return Status(201, version)


@router.post("/materials/{material_id}/submit", response=MaterialOut)
def materials_submit(request: HttpRequest, material_id: int) -> CheckingMaterial:
    material = selectors.material_get(request.user, material_id)
    return services.material_submit(actor=request.user, material=material)


@router.post("/materials/{material_id}/review", response={201: ReviewOut})
def materials_review(request: HttpRequest, material_id: int, payload: ReviewIn) -> Status[Any]:
    material = selectors.material_get(request.user, material_id)
    review = services.material_review(
        actor=request.user, material=material, decision=payload.decision, comments=payload.comments
    )
    return Status(201, review)


@router.get("/meetings/{meeting_id}/reviews", response=list[ReviewOut])
def reviews_list(request: HttpRequest, meeting_id: int) -> Any:
    """Every checkpoint review of the meeting's materials (record viewers only)."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    require_record_view(request, meeting)
    return (
        MaterialReview.objects.filter(material__participant__meeting=meeting)
        .select_related("version", "reviewer")
        .order_by("reviewed_at", "pk")
    )


@router.post("/meetings/{meeting_id}/override", response=MeetingDetailOut)
def gate_override(request: HttpRequest, meeting_id: int, payload: ReasonIn) -> LifeMeeting:
    meeting = selectors.meeting_get(request.user, meeting_id)
    services.gate_override(actor=request.user, meeting=meeting, reason=payload.reason)
    return detail_of(request, meeting_id)
