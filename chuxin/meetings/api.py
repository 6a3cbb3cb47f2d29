"""Life meetings through the JSON API (/api/v1/meetings/...): meetings with their transitions,
participants and guides, preparation (study, opinions, talks, checking materials with versions
and reviews, the gate override), the confidential record, follow-up problems, the report and
the rating, and a subtree's overview from the counters."""

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from chuxin.core.scoping import Action
from chuxin.organization import selectors as org_selectors
from chuxin.problems.models import ProblemCategory, Severity
from chuxin.rectification.models import TaskType
from chuxin.study.models import StudySession

from . import selectors, services
from .models import (
    DEFAULT_REPORT_DAYS,
    CheckingMaterial,
    Criticism,
    HeartTalk,
    LifeMeeting,
    MaterialReview,
    MaterialStatus,
    MeetingKind,
    MeetingSettings,
    MeetingStatus,
    Opinion,
    OpinionMethod,
    Participant,
    ReviewDecision,
    Solicitation,
)

router = Router(tags=["meetings"])


# --- Schemas --------------------------------------------------------------------------------


class MeetingOut(Schema):
    id: int
    campaign_id: int
    unit_id: int
    unit: str = Field(alias="unit.name")
    kind: MeetingKind
    theme: str
    planned_on: dt.date
    status: MeetingStatus
    held_on: dt.date | None
    place: str
    report_due_days: int | None
    report_due_on: dt.date | None
    report_submitted_on: dt.date | None
    late: bool

    @staticmethod
    def resolve_late(obj: LifeMeeting) -> bool:
        return obj.late_on(timezone.localdate())


class ParticipantOut(Schema):
    id: int
    member_id: int
    name: str = Field(alias="member.name")
    material_status: str | None

    @staticmethod
    def resolve_material_status(obj: Participant) -> str | None:
        material = selectors._material_or_none(obj)
        return None if material is None else material.status


class GuideOut(Schema):
    user_id: int
    username: str = Field(alias="user.username")
    title: str


class ChecklistOut(Schema):
    study_sessions: int
    solicitations: int
    opinions: int
    talk_pairs: int
    talks_missing: int
    participants: int
    materials_approved: int
    override: bool
    gate_open: bool


class OverrideOut(Schema):
    by: str | None
    at: dt.datetime | None
    reason: str


class MeetingDetailOut(MeetingOut):
    participants: list[ParticipantOut]
    guides: list[GuideOut]
    study_session_ids: list[int]
    checklist: ChecklistOut
    override: OverrideOut
    problem_ids: list[int]
    ratings: list["RatingOut"]

    @staticmethod
    def resolve_participants(obj: LifeMeeting) -> Any:
        return obj.participants.all()

    @staticmethod
    def resolve_guides(obj: LifeMeeting) -> Any:
        return obj.guides.all()

    @staticmethod
    def resolve_study_session_ids(obj: LifeMeeting) -> list[int]:
        return [s.pk for s in obj.study_sessions.all()]

    @staticmethod
    def resolve_checklist(obj: LifeMeeting) -> Any:
        return selectors.checklist(obj)

    @staticmethod
    def resolve_override(obj: LifeMeeting) -> dict[str, Any]:
        return {
            "by": obj.override_by.username if obj.override_by else None,
            "at": obj.override_at,
            "reason": obj.override_reason,
        }

    @staticmethod
    def resolve_problem_ids(obj: LifeMeeting) -> list[int]:
        return list(obj.problems.values_list("pk", flat=True))

    @staticmethod
    def resolve_ratings(obj: LifeMeeting) -> Any:
        return obj.ratings.all()


class MeetingIn(Schema):
    campaign_id: int
    unit_id: int
    kind: MeetingKind
    theme: str = Field(min_length=1, max_length=300)
    planned_on: dt.date
    report_due_days: int | None = Field(None, ge=1, le=365)
    member_ids: list[int] = Field(default_factory=list)


class MeetingPatch(Schema):
    theme: str | None = Field(None, min_length=1, max_length=300)
    planned_on: dt.date | None = None
    report_due_days: int | None = Field(None, ge=1, le=365)


class MeetingFilterIn(FilterSchema):
    unit: int | None = Field(None, description="meetings of this unit's subtree")
    status: MeetingStatus | None = None
    kind: MeetingKind | None = None
    campaign: int | None = None
    late: bool = False
    q: str = ""


class TransitionIn(Schema):
    action: str = Field(description="prepare, ready, unready, archive")
    reason: str = Field("", max_length=2000)


class ParticipantIn(Schema):
    member_id: int


class GuideIn(Schema):
    user_id: int
    title: str = Field("", max_length=200)


class StudyIn(Schema):
    session_id: int


class OpinionOut(Schema):
    id: int
    text: str
    problem_id: int | None


class SolicitationOut(Schema):
    id: int
    method: OpinionMethod
    held_on: dt.date
    respondents: int
    opinions: list[OpinionOut]

    @staticmethod
    def resolve_opinions(obj: Solicitation) -> Any:
        return obj.opinions.all()


class SolicitationIn(Schema):
    method: OpinionMethod
    held_on: dt.date
    respondents: int = Field(ge=0)
    opinions: list[str] = Field(default_factory=list)


class OpinionProblemIn(Schema):
    category: ProblemCategory
    title: str = Field("", max_length=200)
    severity: Severity = Severity.MEDIUM


class ProblemRefOut(Schema):
    id: int
    code: str
    title: str
    source: str
    task_ids: list[int] = Field(default_factory=list)


class TalkOut(Schema):
    id: int
    first_id: int
    second_id: int
    talked_on: dt.date
    note: str | None = None


class TalkIn(Schema):
    first_id: int
    second_id: int
    talked_on: dt.date
    note: str = ""


class PairOut(Schema):
    first_id: int
    second_id: int


class TalksOut(Schema):
    participants: int
    pairs: int
    missing: list[PairOut]
    talks: list[TalkOut]


class VersionOut(Schema):
    id: int
    number: int
    text: str
    created_at: dt.datetime


class ReviewOut(Schema):
    id: int
    material_id: int
    version_number: int = Field(alias="version.number")
    decision: ReviewDecision
    comments: str
    reviewer: str | None
    reviewed_at: dt.datetime

    @staticmethod
    def resolve_reviewer(obj: MaterialReview) -> str | None:
        return obj.reviewer.username if obj.reviewer else None


class MaterialOut(Schema):
    id: int
    participant_id: int
    name: str = Field(alias="participant.member.name")
    status: MaterialStatus
    versions: list[VersionOut]
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_versions(obj: CheckingMaterial) -> Any:
        return obj.versions.order_by("number")

    @staticmethod
    def resolve_reviews(obj: CheckingMaterial) -> Any:
        return obj.reviews.select_related("version", "reviewer").order_by("reviewed_at", "pk")


class MaterialIn(Schema):
    text: str = Field(min_length=1)


class ReviewIn(Schema):
    decision: ReviewDecision
    comments: str = ""


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class AbsenceIn(Schema):
    participant_id: int
    reason: str = Field(min_length=1, max_length=200)


class HoldIn(Schema):
    held_on: dt.date
    place: str = Field(min_length=1, max_length=200)
    absences: list[AbsenceIn] = Field(default_factory=list)


class CriticismOut(Schema):
    id: int
    critic_id: int | None
    critic_name: str
    text: str


class RecordOut(Schema):
    participant_id: int
    name: str
    present: bool | None
    absence_reason: str
    self_criticism: str
    response: str
    criticisms: list[CriticismOut]


class RecordPatch(Schema):
    present: bool | None = None
    absence_reason: str | None = Field(None, max_length=200)
    self_criticism: str | None = None
    response: str | None = None


class CriticismIn(Schema):
    text: str = Field(min_length=1)
    critic_id: int | None = None
    critic_name: str = Field("", max_length=100)


class FollowupIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    category: ProblemCategory
    description: str = ""
    severity: Severity = Severity.MEDIUM
    task_title: str = Field("", max_length=200)
    time_limit: dt.date | None = None
    task_type: TaskType = TaskType.TIME_LIMITED


class ReportOut(Schema):
    meeting_id: int
    text: str
    due_on: dt.date | None
    submitted_on: dt.date | None
    late: bool


class ReportIn(Schema):
    text: str = Field(min_length=1)


class GenerateIn(Schema):
    language: str = Field("zh-hans", pattern="^(zh-hans|en)$")


class RatingOut(Schema):
    rating: int
    comment: str
    rated_by: str = Field(alias="rated_by.username")
    rated_at: dt.datetime


class RatingIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = ""


class OverviewLineOut(Schema):
    unit_id: int
    unit: str
    planned: int
    preparing: int
    ready: int
    held: int
    reported: int
    reported_late: int


class OverviewOut(Schema):
    total: OverviewLineOut
    units: list[OverviewLineOut]
    late_meeting_ids: list[int]


MeetingDetailOut.model_rebuild()


# --- Helpers --------------------------------------------------------------------------------


def _detail(request: HttpRequest, pk: int) -> LifeMeeting:
    return selectors.meeting_detail(request.user, pk)


def _participant(request: HttpRequest, pk: int) -> Participant:
    return selectors.participant_get(request.user, pk)


def _meeting_participant(meeting: LifeMeeting, pk: int | None, field: str) -> Participant | None:
    if pk is None:
        return None
    p = Participant.objects.select_related("member").filter(pk=pk, meeting=meeting).first()
    if p is None:
        raise ValidationError({field: "Choose a participant of this meeting."})
    return p


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


def _require_record_view(request: HttpRequest, meeting: LifeMeeting) -> None:
    if not selectors.may_see_record(request.user, meeting):
        raise PermissionDenied


# --- Meetings -------------------------------------------------------------------------------


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
    return Status(201, _detail(request, meeting.pk))


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut)
def meetings_detail(request: HttpRequest, meeting_id: int) -> LifeMeeting:
    return _detail(request, meeting_id)


@router.patch("/meetings/{meeting_id}", response=MeetingDetailOut)
def meetings_update(request: HttpRequest, meeting_id: int, payload: MeetingPatch) -> LifeMeeting:
    meeting = selectors.meeting_get(request.user, meeting_id, action=Action.MANAGE)
    services.meeting_update(actor=request.user, meeting=meeting, **payload.dict(exclude_unset=True))
    return _detail(request, meeting_id)


@router.post("/meetings/{meeting_id}/transition", response=MeetingDetailOut)
def meetings_transition(
    request: HttpRequest, meeting_id: int, payload: TransitionIn
) -> LifeMeeting:
    meeting = selectors.meeting_get(request.user, meeting_id, action=Action.MANAGE)
    services.meeting_transition(
        actor=request.user, meeting=meeting, action=payload.action, reason=payload.reason
    )
    return _detail(request, meeting_id)


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
    return _detail(request, meeting_id)


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
    first = _meeting_participant(meeting, payload.first_id, "first_id")
    second = _meeting_participant(meeting, payload.second_id, "second_id")
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
    participant = _participant(request, participant_id)
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
    _require_record_view(request, meeting)
    return (
        MaterialReview.objects.filter(material__participant__meeting=meeting)
        .select_related("version", "reviewer")
        .order_by("reviewed_at", "pk")
    )


@router.post("/meetings/{meeting_id}/override", response=MeetingDetailOut)
def gate_override(request: HttpRequest, meeting_id: int, payload: ReasonIn) -> LifeMeeting:
    meeting = selectors.meeting_get(request.user, meeting_id)
    services.gate_override(actor=request.user, meeting=meeting, reason=payload.reason)
    return _detail(request, meeting_id)


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
    return _detail(request, meeting_id)


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
    participant = _participant(request, participant_id)
    if not selectors.may_manage(request.user, participant.meeting):
        raise PermissionDenied
    services.participant_record(
        actor=request.user, participant=participant, **payload.dict(exclude_unset=True)
    )
    return _record_of(participant, list(participant.criticisms.order_by("pk")))


@router.post("/participants/{participant_id}/criticisms", response={201: CriticismOut})
def criticisms_create(
    request: HttpRequest, participant_id: int, payload: CriticismIn
) -> Status[Criticism]:
    participant = _participant(request, participant_id)
    if not selectors.may_manage(request.user, participant.meeting):
        raise PermissionDenied
    critic = _meeting_participant(participant.meeting, payload.critic_id, "critic_id")
    row = services.criticism_add(
        actor=request.user,
        target=participant,
        text=payload.text,
        critic=critic,
        critic_name=payload.critic_name,
    )
    return Status(201, row)


# --- Follow-up, report, rating --------------------------------------------------------------


def _problem_ref(problem: Any) -> dict[str, Any]:
    return {
        "id": problem.pk,
        "code": problem.code,
        "title": problem.title,
        "source": problem.source,
        "task_ids": [t.pk for t in problem.tasks.all()],
    }


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
    _require_record_view(request, meeting)
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


# --- Settings -------------------------------------------------------------------------------


class SettingsIn(Schema):
    report_due_days: int = Field(ge=1, le=365)


class SettingsOut(Schema):
    campaign_id: int
    report_due_days: int


@router.get("/campaigns/{campaign_id}/settings", response=SettingsOut)
def settings_get(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    """Within how many days of holding a meeting its report is due (the campaign's default;
    a meeting's own ``report_due_days`` wins)."""
    campaign = org_selectors.campaign_get(request.user, campaign_id)
    row = MeetingSettings.objects.filter(campaign=campaign).first()
    days = row.report_due_days if row else DEFAULT_REPORT_DAYS
    return {"campaign_id": campaign.pk, "report_due_days": days}


@router.put("/campaigns/{campaign_id}/settings", response=SettingsOut)
def settings_put(request: HttpRequest, campaign_id: int, payload: SettingsIn) -> dict[str, Any]:
    campaign = org_selectors.campaign_get(request.user, campaign_id)
    row = services.settings_set(
        actor=request.user, campaign=campaign, report_due_days=payload.report_due_days
    )
    return {"campaign_id": campaign.pk, "report_due_days": row.report_due_days}


# --- Overview -------------------------------------------------------------------------------


@router.get("/units/{unit_id}/overview", response=OverviewOut)
def unit_overview(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    """The subtree's meetings by status (maintained counters), per sub-unit, and the late."""
    unit = org_selectors.unit_get(request.user, unit_id)
    total, children = selectors.overview(request.user, unit)

    def line(x: selectors.OverviewLine) -> dict[str, Any]:
        return {
            "unit_id": x.unit.pk,
            "unit": x.unit.name,
            "planned": x.planned,
            "preparing": x.preparing,
            "ready": x.ready,
            "held": x.held,
            "reported": x.reported,
            "reported_late": x.reported_late,
        }

    late = list(selectors.late_meetings(request.user, unit).values_list("pk", flat=True)[:1000])
    return {"total": line(total), "units": [line(c) for c in children], "late_meeting_ids": late}
