"""Holding a life meeting and what follows, through the API: the confidential record
(presence, self-criticism, criticisms, responses), follow-up problems into the problem list,
the report upward, and the members' rating."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from chuxin.core.scoping import Action

from .. import selectors, services
from ..models import Criticism, LifeMeeting, Participant
from .common import detail_of, meeting_participant, participant_of, require_record_view
from .schemas import (
    CriticismIn,
    CriticismOut,
    FollowupIn,
    GenerateIn,
    HoldIn,
    MeetingDetailOut,
    ProblemRefOut,
    RatingIn,
    RatingOut,
    RecordOut,
    RecordPatch,
    ReportIn,
    ReportOut,
)

router = Router()


def _managed_participant(request: HttpRequest, pk: int) -> Participant:
    """A participant whose part of the record the user may write: 403 for one who only sees it."""
    participant = participant_of(request, pk)
    if not selectors.may_manage(request.user, participant.meeting):
        raise PermissionDenied
    return participant


def _record_of(p: Participant, criticisms: list[Criticism]) -> dict[str, Any]:
    return {
        "participant_id": p.pk,
        "name": p.member.name,
        "present": p.present,
        "absence_reason": p.absence_reason,
        "self_criticism": p.self_criticism,
        "response": p.response,
        "criticisms": criticisms,
    }


def _report(meeting: LifeMeeting) -> dict[str, Any]:
    return {
        "meeting_id": meeting.pk,
        "text": meeting.report_text,
        "due_on": meeting.report_due_on,
        "submitted_on": meeting.report_submitted_on,
        "late": meeting.late_on(timezone.localdate()),
    }


def _problem_ref(problem: Any) -> dict[str, Any]:
    return {
        "id": problem.pk,
        "code": problem.code,
        "title": problem.title,
        "source": problem.source,
        "task_ids": [t.pk for t in problem.tasks.all()],
    }


# --- Holding and the record -----------------------------------------------------------------


@router.post("/meetings/{meeting_id}/hold", response=MeetingDetailOut)
def meetings_hold(request: HttpRequest, meeting_id: int, payload: HoldIn) -> LifeMeeting:
    meeting = selectors.meeting_get(request.user, meeting_id, action=Action.MANAGE)
    services.meeting_hold(
        actor=request.user,
        meeting=meeting,
        held_on=payload.held_on,
        place=payload.place,
        absences={a.participant_id: a.reason for a in payload.absences},
    )
    return detail_of(request, meeting_id)


@router.get("/meetings/{meeting_id}/record", response=list[RecordOut])
def record_list(request: HttpRequest, meeting_id: int) -> list[dict[str, Any]]:
    """The confidential record: everyone's for record viewers, one's own for a participant,
    403 for anyone else who sees the meeting."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    qs = meeting.participants.select_related("member").order_by("order", "pk")
    if not selectors.may_see_record(request.user, meeting):
        qs = qs.filter(member__user_id=request.user.pk or 0)
        if not qs.exists():
            raise PermissionDenied
    rows = list(qs)
    criticisms: dict[int, list[Criticism]] = {}
    for c in Criticism.objects.filter(target__in=rows).order_by("pk"):
        criticisms.setdefault(c.target_id, []).append(c)
    return [_record_of(p, criticisms.get(p.pk, [])) for p in rows]


@router.patch("/participants/{participant_id}/record", response=RecordOut)
def record_update(
    request: HttpRequest, participant_id: int, payload: RecordPatch
) -> dict[str, Any]:
    participant = _managed_participant(request, participant_id)
    services.participant_record(
        actor=request.user, participant=participant, **payload.dict(exclude_unset=True)
    )
    return _record_of(participant, list(participant.criticisms.order_by("pk")))


@router.post("/participants/{participant_id}/criticisms", response={201: CriticismOut})
def criticisms_create(
    request: HttpRequest, participant_id: int, payload: CriticismIn
) -> Status[Criticism]:
    participant = _managed_participant(request, participant_id)
    critic = meeting_participant(participant.meeting, payload.critic_id, "critic_id")
    row = services.criticism_add(
        actor=request.user,
        target=participant,
        text=payload.text,
        critic=critic,
        critic_name=payload.critic_name,
    )
    return Status(201, row)


# --- Follow-up, report, rating --------------------------------------------------------------


@router.get("/meetings/{meeting_id}/problems", response=list[ProblemRefOut])
def followup_list(request: HttpRequest, meeting_id: int) -> list[dict[str, Any]]:
    meeting = selectors.meeting_get(request.user, meeting_id)
    return [_problem_ref(p) for p in meeting.problems.prefetch_related("tasks").order_by("pk")]


@router.post("/meetings/{meeting_id}/problems", response={201: ProblemRefOut})
def followup_create(
    request: HttpRequest, meeting_id: int, payload: FollowupIn
) -> Status[dict[str, Any]]:
    meeting = selectors.meeting_get(request.user, meeting_id, action=Action.MANAGE)
    problem, _task = services.followup_add(actor=request.user, meeting=meeting, **payload.dict())
    return Status(201, _problem_ref(problem))


@router.get("/meetings/{meeting_id}/report", response=ReportOut)
def report_get(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    meeting = selectors.meeting_get(request.user, meeting_id)
    require_record_view(request, meeting)
    return _report(meeting)


@router.post("/meetings/{meeting_id}/report/generate", response=ReportOut)
def report_generate(request: HttpRequest, meeting_id: int, payload: GenerateIn) -> dict[str, Any]:
    """Generate the summary from the record and keep it as the draft."""
    meeting = selectors.meeting_get(request.user, meeting_id, action=Action.MANAGE)
    text = services.report_generate(meeting, payload.language)
    return _report(services.report_save(actor=request.user, meeting=meeting, text=text))


@router.put("/meetings/{meeting_id}/report", response=ReportOut)
def report_put(request: HttpRequest, meeting_id: int, payload: ReportIn) -> dict[str, Any]:
    meeting = selectors.meeting_get(request.user, meeting_id, action=Action.MANAGE)
    return _report(services.report_save(actor=request.user, meeting=meeting, text=payload.text))


@router.post("/meetings/{meeting_id}/report/submit", response=ReportOut)
def report_submit(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    meeting = selectors.meeting_get(request.user, meeting_id, action=Action.MANAGE)
    return _report(services.report_submit(actor=request.user, meeting=meeting))


@router.post("/meetings/{meeting_id}/rating", response={201: RatingOut})
def rating_create(request: HttpRequest, meeting_id: int, payload: RatingIn) -> Status[Any]:
    meeting = selectors.meeting_get(request.user, meeting_id)
    row = services.meeting_rate(
        actor=request.user, meeting=meeting, rating=payload.rating, comment=payload.comment
    )
    return Status(201, row)
