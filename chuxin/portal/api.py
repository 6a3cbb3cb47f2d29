"""The public's portal through the JSON API (/api/v1/portal/...).

Public operations (no authentication): ``GET public/challenge``, ``GET public/units``,
``POST public/opinions``, ``GET public/track/{code}``, ``POST public/track/{code}/rating``.
They keep the same limits as the pages: the same rate limits per client address (429), and
the same challenge for the writes (fetch a challenge, send its token with the answer), so the
API is no way around the pages' abuse limits.

Staff operations (token or session): the opinions in scope with filters, one opinion (its
contact only for those who manage its unit), entering one from another channel, and triage.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from chuxin.core.scoping import Action
from chuxin.organization import selectors as org_selectors
from chuxin.problems import selectors as problem_selectors
from chuxin.problems.models import ProblemCategory, PublicPoint, Severity

from . import abuse, selectors, services
from .models import (
    ANSWER_MAX,
    Opinion,
    OpinionChannel,
    OpinionStatus,
    Satisfaction,
    SatisfactionRating,
)
from .views import opinion_by_code as _opinion_by_code

router = Router(tags=["portal"])

TOO_MANY = 429


# --- Schemas --------------------------------------------------------------------------------


class ChallengeOut(Schema):
    question: str
    token: str


class UnitChoiceOut(Schema):
    id: int
    name: str
    parent_name: str | None

    @staticmethod
    def resolve_parent_name(obj: Any) -> str | None:
        return obj.parent.name if obj.parent_id else None


class ChallengeIn(Schema):
    challenge_token: str = Field(max_length=500)
    challenge_answer: str = Field(max_length=10)


class ContactIn(Schema):
    name: str = Field("", max_length=400)
    phone: str = Field("", max_length=400)
    email: str = Field("", max_length=400)


class OpinionSubmitIn(ChallengeIn):
    unit_id: int
    text: str = Field(max_length=100_000)
    category: ProblemCategory | None = None
    contact: ContactIn | None = None


class SubmittedOut(Schema):
    code: str
    status: OpinionStatus


class TaskPublicOut(Schema):
    task_type: str
    status: str
    progress: int
    time_limit: dt.date | None
    closed_on: dt.date | None


class TrackOut(Schema):
    code: str
    unit_name: str
    received: dt.date
    status: OpinionStatus
    public_answer: str
    problem_status: str | None
    public_problem_id: int | None
    tasks: list[TaskPublicOut]
    ratable: bool
    rating: Satisfaction | None


class RatingIn(ChallengeIn):
    level: Satisfaction
    comment: str = Field("", max_length=100_000)


class RatingOut(Schema):
    id: int
    problem_id: int
    level: Satisfaction
    score: int
    comment: str
    created_at: dt.datetime


class ErrorOut(Schema):
    detail: Any
    retry_after: int | None = None


class OpinionOut(Schema):
    id: int
    code: str
    unit_id: int
    unit_name: str
    campaign_id: int | None
    text: str
    category: str
    channel: OpinionChannel
    status: OpinionStatus
    has_contact: bool
    problem_id: int | None
    public_answer: str
    created_at: dt.datetime
    triaged_at: dt.datetime | None

    @staticmethod
    def resolve_unit_name(obj: Opinion) -> str:
        return obj.unit.name


class ContactOut(Schema):
    name: str = ""
    phone: str = ""
    email: str = ""


class OpinionDetailOut(OpinionOut):
    contact: ContactOut | None = Field(
        None, description="only for those who manage the opinion's unit"
    )

    @staticmethod
    def resolve_contact(obj: Opinion) -> dict[str, str] | None:
        # Never the stored (encrypted) column: only what the caller may read, set by the view.
        return getattr(obj, "contact_visible", None)


class OpinionFilters(FilterSchema):
    unit: int | None = Field(None, description="opinions about this unit's subtree")
    status: OpinionStatus | None = None
    channel: OpinionChannel | None = None
    category: ProblemCategory | None = None
    q: str = Field("", max_length=100)


class StaffOpinionIn(Schema):
    unit_id: int
    channel: OpinionChannel
    text: str = Field(max_length=100_000)
    category: ProblemCategory | None = None
    contact: ContactIn | None = None


class ToProblemIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    category: ProblemCategory
    public_point: PublicPoint | None = None
    severity: Severity = Severity.MEDIUM
    is_public: bool = True
    unit_id: int | None = Field(None, description="another unit the actor manages")
    answer: str = Field("", max_length=ANSWER_MAX)


class ProblemRefOut(Schema):
    id: int
    code: str
    title: str
    unit_id: int


class MergeIn(Schema):
    problem_id: int
    answer: str = Field("", max_length=ANSWER_MAX)


class AnswerIn(Schema):
    answer: str = Field(max_length=ANSWER_MAX)


class CloseIn(Schema):
    reason: str = Field(max_length=ANSWER_MAX)


class SuggestionOut(Schema):
    problem: ProblemRefOut
    score: float


# --- Helpers --------------------------------------------------------------------------------


def _too_many(exc: abuse.RateLimited) -> Status:
    return Status(
        TOO_MANY,
        {
            "detail": _("Too many requests came from your address. Please wait and try again."),
            "retry_after": exc.retry_after,
        },
    )


def _challenge(payload: ChallengeIn) -> None:
    problem = abuse.verify_challenge(payload.challenge_token, payload.challenge_answer)
    if problem:
        raise ValidationError({"challenge_answer": problem})


def _contact(contact: ContactIn | None) -> dict[str, str]:
    return contact.dict() if contact else {}


# --- Public ---------------------------------------------------------------------------------


@router.get("/public/challenge", response={200: ChallengeOut, 429: ErrorOut}, auth=None)
def public_challenge(request: HttpRequest) -> Any:
    """A small sum to answer with the next submission or rating (valid once, for an hour)."""
    try:
        abuse.hit(request, "challenge")
    except abuse.RateLimited as exc:
        return _too_many(exc)
    challenge = abuse.new_challenge()
    return {"question": challenge.question, "token": challenge.token}


@router.get("/public/units", response={200: list[UnitChoiceOut], 429: ErrorOut}, auth=None)
def public_units(request: HttpRequest, q: str = Query("", max_length=50)) -> Any:
    """Units whose name contains ``q`` (at most 20), to choose the one an opinion concerns."""
    try:
        abuse.hit(request, "search")
    except abuse.RateLimited as exc:
        return _too_many(exc)
    return selectors.public_unit_search(q)


@router.post("/public/opinions", response={201: SubmittedOut, 429: ErrorOut}, auth=None)
def public_submit(request: HttpRequest, payload: OpinionSubmitIn) -> Any:
    """Submit an opinion; the answer holds its tracking code."""
    try:
        abuse.hit(request, "submit")
    except abuse.RateLimited as exc:
        return _too_many(exc)
    _challenge(payload)
    try:
        unit = selectors.public_unit(payload.unit_id)
    except Http404:
        raise ValidationError(
            {"unit_id": _("Choose the place or unit your opinion is about.")}
        ) from None
    opinion = services.opinion_submit(
        unit=unit,
        text=payload.text,
        category=payload.category or "",
        contact=_contact(payload.contact),
    )
    return Status(201, {"code": opinion.code, "status": opinion.status})


def _track_out(opinion: Opinion) -> dict[str, Any]:
    problem = services.survivor_of(opinion.problem)
    public = selectors.public_problem(problem.pk) if problem and problem.is_public else None
    rating = SatisfactionRating.objects.filter(opinion=opinion).first()
    return {
        "code": opinion.code,
        "unit_name": opinion.unit.name,
        "received": opinion.created_at.date(),
        "status": opinion.status,
        "public_answer": opinion.public_answer,
        "problem_status": problem.status if problem else None,
        "public_problem_id": public.pk if public else None,
        "tasks": list(getattr(public, "public_tasks", [])) if public else [],
        "ratable": rating is None and services.is_ratable(problem),
        "rating": rating.level if rating else None,
    }


@router.get(
    "/public/track/{code}", response={200: TrackOut, 404: ErrorOut, 429: ErrorOut}, auth=None
)
def public_track(request: HttpRequest, code: str) -> Any:
    """An opinion's status, public answer and rectification by its tracking code (404 for
    any code that is not one; too many misses answer 429)."""
    try:
        opinion = _opinion_by_code(request, code)
    except abuse.RateLimited as exc:
        return _too_many(exc)
    except Http404:
        return Status(404, {"detail": _("Not found")})
    return _track_out(opinion)


@router.post(
    "/public/track/{code}/rating",
    response={201: RatingOut, 404: ErrorOut, 429: ErrorOut},
    auth=None,
)
def public_rate(request: HttpRequest, code: str, payload: RatingIn) -> Any:
    """Rate the closed result of the opinion's problem: once per tracking code."""
    try:
        opinion = _opinion_by_code(request, code)
        abuse.hit(request, "rate")
    except abuse.RateLimited as exc:
        return _too_many(exc)
    except Http404:
        return Status(404, {"detail": _("Not found")})
    _challenge(payload)
    rating = services.rating_by_code(opinion=opinion, level=payload.level, comment=payload.comment)
    return Status(201, rating)


# --- Staff ----------------------------------------------------------------------------------


def _detail_out(request: HttpRequest, opinion: Opinion) -> Opinion:
    opinion.contact_visible = selectors.contact_for(request.user, opinion)  # type: ignore[attr-defined]
    return opinion


@router.get("/opinions", response=list[OpinionOut])
@paginate(LimitOffsetPagination)
def opinions_list(request: HttpRequest, filters: Query[OpinionFilters]) -> Any:
    """The opinions in the caller's scope (not a unit's members'), newest first."""
    if not selectors.may_triage_somewhere(request.user):
        return Opinion.objects.none()
    unit = org_selectors.unit_get(request.user, filters.unit) if filters.unit else None
    return selectors.opinions_filtered(
        request.user,
        unit=unit,
        q=filters.q,
        status=filters.status,
        channel=filters.channel,
        category=filters.category,
    )


@router.get("/opinions/{int:opinion_id}", response=OpinionDetailOut)
def opinion_detail(request: HttpRequest, opinion_id: int) -> Any:
    return _detail_out(request, selectors.opinion_get(request.user, opinion_id))


@router.post("/opinions", response={201: OpinionDetailOut})
def opinion_enter(request: HttpRequest, payload: StaffOpinionIn) -> Any:
    """An opinion taken from the hotline, a letter or a forum (or on the web for someone)."""
    unit = org_selectors.unit_get(request.user, payload.unit_id, action=Action.MANAGE)
    opinion = services.opinion_submit(
        actor=request.user,
        unit=unit,
        text=payload.text,
        category=payload.category or "",
        channel=payload.channel,
        contact=_contact(payload.contact),
    )
    return Status(201, _detail_out(request, opinion))


@router.get("/opinions/{int:opinion_id}/suggestions", response=list[SuggestionOut])
def opinion_suggestions(request: HttpRequest, opinion_id: int) -> Any:
    """Problems on the list most like the opinion (to join it to one)."""
    opinion = selectors.opinion_get(request.user, opinion_id)
    return [
        {"problem": problem, "score": score}
        for problem, score in selectors.duplicate_suggestions(request.user, opinion)
    ]


@router.post("/opinions/{int:opinion_id}/problem", response={201: ProblemRefOut})
def opinion_to_problem(request: HttpRequest, opinion_id: int, payload: ToProblemIn) -> Any:
    opinion = selectors.opinion_get(request.user, opinion_id, action=Action.MANAGE)
    unit = (
        org_selectors.unit_get(request.user, payload.unit_id, action=Action.MANAGE)
        if payload.unit_id
        else None
    )
    problem = services.opinion_to_problem(
        actor=request.user,
        opinion=opinion,
        title=payload.title,
        category=payload.category,
        public_point=payload.public_point or "",
        severity=payload.severity,
        is_public=payload.is_public,
        unit=unit,
        answer=payload.answer,
    )
    return Status(201, problem)


@router.post("/opinions/{int:opinion_id}/merge", response=OpinionDetailOut)
def opinion_merge(request: HttpRequest, opinion_id: int, payload: MergeIn) -> Any:
    opinion = selectors.opinion_get(request.user, opinion_id, action=Action.MANAGE)
    problem = problem_selectors.problem_get(request.user, payload.problem_id)
    opinion = services.opinion_merge(
        actor=request.user, opinion=opinion, problem=problem, answer=payload.answer
    )
    return _detail_out(request, opinion)


@router.post("/opinions/{int:opinion_id}/answer", response=OpinionDetailOut)
def opinion_answer(request: HttpRequest, opinion_id: int, payload: AnswerIn) -> Any:
    opinion = selectors.opinion_get(request.user, opinion_id, action=Action.MANAGE)
    opinion = services.opinion_answer(actor=request.user, opinion=opinion, answer=payload.answer)
    return _detail_out(request, opinion)


@router.post("/opinions/{int:opinion_id}/close", response=OpinionDetailOut)
def opinion_close(request: HttpRequest, opinion_id: int, payload: CloseIn) -> Any:
    opinion = selectors.opinion_get(request.user, opinion_id, action=Action.MANAGE)
    opinion = services.opinion_close(actor=request.user, opinion=opinion, reason=payload.reason)
    return _detail_out(request, opinion)
