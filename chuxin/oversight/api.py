"""Oversight through the JSON API (/api/v1/oversight/...): a unit's dashboard (the same data
as the page), briefings (list, read, generate, edit, issue)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from chuxin.core.scoping import Action

from . import selectors, services
from .models import Briefing, BriefingStatus

router = Router(tags=["oversight"])


@router.get(
    "/units/{unit_id}/dashboard",
    response=dict[str, Any],
    summary="A unit's dashboard",
    description="Headline figures (each with the URL of the list behind it), sub-units with "
    "their heat-table cells, charts' data, red flags, changes since last week and special "
    "rectifications' progress; labels in the request's language.",
)
def unit_dashboard(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = selectors.oversight_unit(request.user, unit_id)
    return HttpResponse(
        selectors.dashboard_json(request.user, unit), content_type="application/json"
    )


class BriefingOut(Schema):
    id: int
    campaign_id: int
    unit_id: int
    period_start: dt.date
    period_end: dt.date
    status: BriefingStatus
    number: int | None
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    data: dict[str, Any]
    issued_at: dt.datetime | None


class BriefingIn(Schema):
    period_start: dt.date
    period_end: dt.date


class BriefingEditIn(Schema):
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str


@router.get("/briefings", response=list[BriefingOut])
@paginate(LimitOffsetPagination)
def briefing_list(request: HttpRequest, unit: int | None = None) -> Any:
    qs = selectors.briefings_visible(request.user).order_by("-created_at", "-id")
    if unit is not None:
        qs = qs.filter(unit=selectors.oversight_unit(request.user, unit))
    return qs


@router.get("/briefings/{briefing_id}", response=BriefingOut)
def briefing_get(request: HttpRequest, briefing_id: int) -> Briefing:
    return selectors.briefing_get(request.user, briefing_id)


@router.post("/units/{unit_id}/briefings", response={201: BriefingOut})
def briefing_generate(request: HttpRequest, unit_id: int, payload: BriefingIn) -> Any:
    unit = selectors.oversight_unit(request.user, unit_id, action=Action.MANAGE)
    briefing = services.briefing_generate(
        actor=request.user,
        unit=unit,
        period_start=payload.period_start,
        period_end=payload.period_end,
    )
    return Status(201, briefing)


@router.put("/briefings/{briefing_id}", response=BriefingOut)
def briefing_update(request: HttpRequest, briefing_id: int, payload: BriefingEditIn) -> Briefing:
    briefing = selectors.briefing_get(request.user, briefing_id)
    return services.briefing_update(actor=request.user, briefing=briefing, **payload.dict())


@router.post("/briefings/{briefing_id}/issue", response=BriefingOut)
def briefing_issue(request: HttpRequest, briefing_id: int) -> Briefing:
    briefing = selectors.briefing_get(request.user, briefing_id)
    return services.briefing_issue(actor=request.user, briefing=briefing)
