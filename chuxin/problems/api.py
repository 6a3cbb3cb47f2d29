"""The problem list through the JSON API (/api/v1/problems): list with the ledger filters,
one problem, record and change."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from chuxin.core.scoping import Action
from chuxin.organization import selectors as org_selectors

from . import selectors, services
from .models import Problem, ProblemCategory, ProblemSource, ProblemStatus, PublicPoint, Severity

router = Router(tags=["problems"])


class ProblemOut(Schema):
    id: int
    code: str
    campaign_id: int
    unit_id: int
    title: str
    description: str
    source: ProblemSource
    category: ProblemCategory
    public_point: str
    severity: Severity
    reported_on: dt.date
    is_public: bool
    status: ProblemStatus
    merged_into_id: int | None
    task_ids: list[int] = Field(default_factory=list)

    @staticmethod
    def resolve_task_ids(obj: Problem) -> list[int]:
        return [t.pk for t in obj.tasks.all()]


class ProblemIn(Schema):
    campaign_id: int
    unit_id: int
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    source: ProblemSource
    category: ProblemCategory
    public_point: PublicPoint | None = None
    severity: Severity = Severity.MEDIUM
    reported_on: dt.date | None = None
    is_public: bool = False
    code: str = Field("", max_length=40)


class ProblemPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    source: ProblemSource | None = None
    category: ProblemCategory | None = None
    public_point: PublicPoint | None = None
    severity: Severity | None = None
    reported_on: dt.date | None = None
    is_public: bool | None = None


class ProblemFilters(FilterSchema):
    unit: int | None = Field(None, description="problems of this unit's subtree")
    source: ProblemSource | None = None
    category: ProblemCategory | None = None
    status: ProblemStatus | None = None
    q: str = ""


@router.get("", response=list[ProblemOut])
@paginate(LimitOffsetPagination)
def problems_list(request: HttpRequest, filters: Query[ProblemFilters]) -> Any:
    unit = org_selectors.unit_get(request.user, filters.unit) if filters.unit else None
    return (
        selectors.problems_filtered(
            request.user,
            unit=unit,
            q=filters.q,
            source=filters.source,
            category=filters.category,
            status=filters.status,
        )
        .prefetch_related("tasks")
        .order_by("-reported_on", "-id")
    )


@router.get("/{problem_id}", response=ProblemOut)
def problems_detail(request: HttpRequest, problem_id: int) -> Problem:
    return selectors.problem_get(request.user, problem_id)


@router.post("", response={201: ProblemOut})
def problems_create(request: HttpRequest, payload: ProblemIn) -> Status[Problem]:
    unit = org_selectors.unit_get(request.user, payload.unit_id, action=Action.MANAGE)
    campaign = selectors.campaigns_for_unit(request.user, unit).filter(pk=payload.campaign_id)

    data = payload.dict(exclude={"campaign_id", "unit_id"})
    data["public_point"] = data["public_point"] or ""
    problem = services.problem_create(
        actor=request.user, campaign=get_object_or_404(campaign), unit=unit, **data
    )
    return Status(201, problem)


@router.patch("/{problem_id}", response=ProblemOut)
def problems_update(request: HttpRequest, problem_id: int, payload: ProblemPatch) -> Problem:
    problem = selectors.problem_get(request.user, problem_id, action=Action.MANAGE)
    changes = payload.dict(exclude_unset=True)
    if "public_point" in changes:
        changes["public_point"] = changes["public_point"] or ""
    return services.problem_update(actor=request.user, problem=problem, **changes)


class MergeIn(Schema):
    into_id: int = Field(description="the surviving problem")


class EscalateIn(Schema):
    note: str = Field("", max_length=2000)


class DuplicateOut(Schema):
    problem: ProblemOut
    score: float


@router.post("/{problem_id}/merge", response=ProblemOut)
def problems_merge(request: HttpRequest, problem_id: int, payload: MergeIn) -> Problem:
    """Merge this problem into another; it keeps its history and points to the survivor."""
    problem = selectors.problem_get(request.user, problem_id, action=Action.MANAGE)
    into = selectors.problem_get(request.user, payload.into_id)
    return services.problem_merge(actor=request.user, problem=problem, into=into)


@router.post("/{problem_id}/escalate", response={201: ProblemOut})
def problems_escalate(
    request: HttpRequest, problem_id: int, payload: EscalateIn
) -> Status[Problem]:
    """Escalate along the batch link; answers the upper unit's new problem."""
    problem = selectors.problem_get(request.user, problem_id, action=Action.MANAGE)
    return Status(
        201, services.problem_escalate(actor=request.user, problem=problem, note=payload.note)
    )


@router.get("/{problem_id}/duplicates", response=list[DuplicateOut])
def problems_duplicates(request: HttpRequest, problem_id: int) -> list[dict[str, Any]]:
    """Likely duplicates in the same unit, most alike first."""
    problem = selectors.problem_get(request.user, problem_id)
    return [
        {"problem": p, "score": score}
        for p, score in selectors.likely_duplicates(request.user, problem)
    ]
