"""Assessment through the JSON API (/api/v1/assessment/...): the registry of computed
indicators, schemes with their indicators and grade bands, manual scores, evaluations (run,
publish, rows, one unit's scorecard). Same services and selectors as the pages."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from chuxin.organization import selectors as org_selectors
from chuxin.organization.models import Batch

from . import indicators as registry
from . import selectors, services
from .models import Evaluation, Scheme, SchemeIndicator, ScoringMethod

router = Router(tags=["assessment"])


class RegisteredOut(Schema):
    key: str
    label: str
    description: str


class IndicatorOut(Schema):
    id: int
    order: int
    label: str
    method: ScoringMethod
    key: str
    weight: Decimal
    description: str


class SchemeOut(Schema):
    id: int
    campaign_id: int
    name: str
    description: str
    excellent_min: Decimal
    good_min: Decimal
    fair_min: Decimal
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(obj: Scheme) -> Any:
        return selectors.scheme_indicators(obj)


class SchemeIn(Schema):
    campaign_id: int
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    excellent_min: Decimal = Decimal(90)
    good_min: Decimal = Decimal(80)
    fair_min: Decimal = Decimal(60)


class SchemePatch(Schema):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    excellent_min: Decimal
    good_min: Decimal
    fair_min: Decimal


class IndicatorIn(Schema):
    method: ScoringMethod
    key: str = Field("", description="registry key of a computed indicator")
    label: str = Field("", max_length=200)
    weight: Decimal
    description: str = ""


class ScoreIn(Schema):
    indicator_id: int
    unit_id: int
    score: Decimal
    comment: str = Field("", max_length=2000)


class ScoreOut(Schema):
    id: int
    indicator_id: int
    unit_id: int
    score: Decimal
    comment: str
    team_id: int | None


class EvaluationIn(Schema):
    scheme_id: int
    batch_id: int
    cutoff: dt.date
    levels: int = Field(0, ge=0, le=services.MAX_LEVELS)


class EvaluationOut(Schema):
    id: int
    scheme_id: int
    batch_id: int
    cutoff: dt.date
    levels: int
    status: str
    units_total: int
    units_done: int
    error: str
    scheme_snapshot: dict[str, Any]
    published_at: dt.datetime | None


class ScoreLineOut(Schema):
    indicator_id: int
    label: str
    method: str
    key: str
    weight: str
    value: str | None
    numerator: str | None
    denominator: str | None
    note: str
    share: str | None = Field(description="effective weight, percent of the total")
    points: str | None


class RowOut(Schema):
    unit_id: int
    unit_name: str
    unit_code: str
    unit_kind: str
    unit_depth: int
    total: Decimal | None
    grade: str
    rank: int | None
    peers: int
    renormalised: bool
    scores: list[ScoreLineOut]


def _scheme(request: HttpRequest, pk: int) -> Scheme:
    return selectors.scheme_get(request.user, pk)


def _indicator(request: HttpRequest, pk: int) -> SchemeIndicator:
    indicator = get_object_or_404(
        SchemeIndicator.objects.select_related("scheme"), pk=pk, archived_at__isnull=True
    )
    selectors.scheme_get(request.user, indicator.scheme_id)
    return indicator


@router.get("/indicators", response=list[RegisteredOut])
def registered_indicators(request: HttpRequest) -> list[dict[str, str]]:
    """The computed indicators a scheme can use."""
    return [
        {"key": i.key, "label": str(i.label), "description": str(i.description)}
        for i in registry.all_indicators()
    ]


@router.get("/schemes", response=list[SchemeOut])
@paginate(LimitOffsetPagination)
def schemes_list(request: HttpRequest) -> Any:
    return selectors.schemes_visible(request.user).prefetch_related("indicators").order_by("pk")


@router.post("/schemes", response={201: SchemeOut})
def schemes_create(request: HttpRequest, payload: SchemeIn) -> Status[Scheme]:
    campaign = org_selectors.campaigns_visible(request.user).filter(pk=payload.campaign_id).first()
    if campaign is None:
        raise Http404
    scheme = services.scheme_create(
        actor=request.user,
        campaign=campaign,
        name=payload.name,
        description=payload.description,
        excellent_min=payload.excellent_min,
        good_min=payload.good_min,
        fair_min=payload.fair_min,
    )
    return Status(201, scheme)


@router.get("/schemes/{scheme_id}", response=SchemeOut)
def schemes_detail(request: HttpRequest, scheme_id: int) -> Scheme:
    return _scheme(request, scheme_id)


@router.patch("/schemes/{scheme_id}", response=SchemeOut)
def schemes_update(request: HttpRequest, scheme_id: int, payload: SchemePatch) -> Scheme:
    return services.scheme_update(
        actor=request.user, scheme=_scheme(request, scheme_id), **payload.dict()
    )


@router.post("/schemes/{scheme_id}/indicators", response={201: IndicatorOut})
def indicators_add(
    request: HttpRequest, scheme_id: int, payload: IndicatorIn
) -> Status[SchemeIndicator]:
    indicator = services.indicator_add(
        actor=request.user,
        scheme=_scheme(request, scheme_id),
        label=payload.label,
        method=str(payload.method),
        key=payload.key,
        weight=payload.weight,
        description=payload.description,
    )
    return Status(201, indicator)


@router.put("/scheme-indicators/{indicator_id}", response=IndicatorOut)
def indicators_update(
    request: HttpRequest, indicator_id: int, payload: IndicatorIn
) -> SchemeIndicator:
    return services.indicator_update(
        actor=request.user,
        indicator=_indicator(request, indicator_id),
        label=payload.label,
        method=str(payload.method),
        key=payload.key,
        weight=payload.weight,
        description=payload.description,
    )


@router.post("/scheme-indicators/{indicator_id}/remove", response={204: None})
def indicators_remove(request: HttpRequest, indicator_id: int) -> Status[None]:
    services.indicator_remove(actor=request.user, indicator=_indicator(request, indicator_id))
    return Status(204, None)


@router.put("/scores", response=ScoreOut)
def scores_set(request: HttpRequest, payload: ScoreIn) -> Any:
    """A guidance team member's score of a unit of the team on a hand-scored indicator."""
    indicator = get_object_or_404(
        SchemeIndicator.objects.select_related("scheme"), pk=payload.indicator_id
    )
    unit = org_selectors.unit_get(request.user, payload.unit_id)
    return services.manual_score_set(
        actor=request.user,
        indicator=indicator,
        unit=unit,
        score=payload.score,
        comment=payload.comment,
    )


@router.get("/evaluations", response=list[EvaluationOut])
@paginate(LimitOffsetPagination)
def evaluations_list(request: HttpRequest) -> Any:
    return selectors.evaluations_visible(request.user)


@router.post("/evaluations", response={201: EvaluationOut})
def evaluations_run(request: HttpRequest, payload: EvaluationIn) -> Status[Evaluation]:
    """Run an evaluation (small ones are computed at once; large ones report progress)."""
    scheme = _scheme(request, payload.scheme_id)
    batch = get_object_or_404(Batch, pk=payload.batch_id, campaign_id=scheme.campaign_id)
    evaluation = services.evaluation_start(
        actor=request.user,
        scheme=scheme,
        batch=batch,
        cutoff=payload.cutoff,
        levels=payload.levels,
    )
    return Status(201, evaluation)


@router.get("/evaluations/{evaluation_id}", response=EvaluationOut)
def evaluations_detail(request: HttpRequest, evaluation_id: int) -> Evaluation:
    return selectors.evaluation_get(request.user, evaluation_id)


@router.post("/evaluations/{evaluation_id}/publish", response=EvaluationOut)
def evaluations_publish(request: HttpRequest, evaluation_id: int) -> Evaluation:
    evaluation = selectors.evaluation_get(request.user, evaluation_id)
    return services.evaluation_publish(actor=request.user, evaluation=evaluation)


@router.get("/evaluations/{evaluation_id}/rows", response=list[RowOut])
@paginate(LimitOffsetPagination)
def evaluations_rows(request: HttpRequest, evaluation_id: int) -> Any:
    """Every unit's result in sight: ranked among peers (same kind and level)."""
    evaluation = selectors.evaluation_get(request.user, evaluation_id)
    return selectors.rows_visible(request.user, evaluation).order_by(
        "unit_depth", "unit_kind", "rank", "unit_path"
    )


@router.get("/evaluations/{evaluation_id}/units/{unit_id}", response=RowOut)
def evaluations_scorecard(request: HttpRequest, evaluation_id: int, unit_id: int) -> Any:
    evaluation = selectors.evaluation_get(request.user, evaluation_id)
    return selectors.row_get(request.user, evaluation, unit_id)
