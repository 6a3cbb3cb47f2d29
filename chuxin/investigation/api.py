"""Investigation & research through the JSON API (/api/v1/investigation/...): topics, their
activities and findings, a finding into a problem, the report, and the rollups (per unit,
per leading cadre, leading cadres without a topic)."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, FilterSchema, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from chuxin.core.scoping import Action
from chuxin.organization import selectors as org_selectors
from chuxin.organization.models import Member
from chuxin.problems.models import ProblemCategory, ProblemStatus, Severity
from chuxin.rectification.models import TaskStatus

from . import selectors, services
from .models import ActivityMethod, ResearchActivity, ResearchFinding, ResearchTopic, TopicStatus

router = Router(tags=["investigation"])


class FindingOut(Schema):
    id: int
    activity_id: int
    text: str
    problem_id: int | None


class ActivityOut(Schema):
    id: int
    topic_id: int
    date: dt.date
    place: str
    method: ActivityMethod
    people_reached: int
    note: str
    findings: list[FindingOut] = Field(default_factory=list)

    @staticmethod
    def resolve_findings(obj: ResearchActivity) -> list[ResearchFinding]:
        return list(obj.findings.all())


class TopicOut(Schema):
    id: int
    campaign_id: int
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    title: str
    description: str
    lead_id: int
    lead_name: str = Field(alias="lead.name")
    planned_start: dt.date
    planned_end: dt.date
    status: TopicStatus
    reported_on: dt.date | None
    has_report_file: bool = False

    @staticmethod
    def resolve_has_report_file(obj: ResearchTopic) -> bool:
        return bool(obj.report_file)


class ProblemRefOut(Schema):
    id: int
    code: str
    title: str
    status: ProblemStatus


class TaskRefOut(Schema):
    id: int
    code: str
    title: str
    status: TaskStatus
    progress: int
    responsible_unit_id: int


class TopicDetailOut(TopicOut):
    report_text: str
    activities: list[ActivityOut]
    problems: list[ProblemRefOut]
    tasks: list[TaskRefOut]

    @staticmethod
    def resolve_activities(obj: ResearchTopic) -> list[ResearchActivity]:
        return selectors.topic_activities(obj)

    @staticmethod
    def resolve_problems(obj: ResearchTopic) -> list[Any]:
        return list(selectors.topic_problems(obj))

    @staticmethod
    def resolve_tasks(obj: ResearchTopic) -> list[Any]:
        return list(selectors.topic_tasks(obj))


class TopicIn(Schema):
    campaign_id: int
    unit_id: int
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    lead_id: int
    planned_start: dt.date
    planned_end: dt.date


class TopicPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    lead_id: int | None = None
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None


class TopicFilters(FilterSchema):
    unit: int | None = Field(None, description="topics of this unit's subtree")
    status: TopicStatus | None = None
    lead: int | None = Field(None, description="topics led by this member")
    q: str = ""


class TransitionIn(Schema):
    action: str = Field(description="start, archive, reopen")


class ActivityIn(Schema):
    date: dt.date
    place: str = Field(min_length=1, max_length=200)
    method: ActivityMethod
    people_reached: int = Field(0, ge=0, le=1_000_000)
    note: str = Field("", max_length=5000)
    findings: list[str] = Field(default_factory=list, max_length=50)


class FindingIn(Schema):
    text: str = Field(min_length=1, max_length=5000)


class FindingProblemIn(Schema):
    category: ProblemCategory = ProblemCategory.OTHER
    severity: Severity = Severity.MEDIUM
    title: str = Field("", max_length=200, description="defaults to the finding's text")


class FiguresOut(Schema):
    unit_id: int
    unit_name: str
    topics: int
    reported: int
    activities: int
    findings: int
    people: int


class RollupOut(Schema):
    unit: FiguresOut
    children: list[FiguresOut]


class PerCadreOut(Schema):
    lead_id: int
    name: str = Field(alias="lead__name")
    position: str = Field(alias="lead__position")
    unit_name: str = Field(alias="lead__unit__name")
    topics: int
    reported: int
    activities: int = Field(alias="activity_count")
    people: int | None


class CadreOut(Schema):
    id: int
    member_number: str
    name: str
    position: str
    cadre_level: str
    unit_id: int
    unit_name: str = Field(alias="unit.name")


def _lead(request: HttpRequest, unit: Any, lead_id: int) -> Member:
    lead = selectors.leading_cadres(request.user, unit).filter(pk=lead_id).first()
    if lead is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"lead_id": "No leading cadre with this id in the unit's subtree."})
    return lead


def _detail(topic: ResearchTopic) -> ResearchTopic:
    return topic


@router.get("/topics", response=list[TopicOut])
@paginate(LimitOffsetPagination)
def topics_list(request: HttpRequest, filters: Query[TopicFilters]) -> Any:
    unit = org_selectors.unit_get(request.user, filters.unit) if filters.unit else None
    lead = get_object_or_404(Member, pk=filters.lead) if filters.lead else None
    return selectors.topics_filtered(
        request.user, unit=unit, status=filters.status or "", lead=lead, q=filters.q
    )


@router.post("/topics", response={201: TopicDetailOut})
def topics_create(request: HttpRequest, payload: TopicIn) -> Status[Any]:
    unit = org_selectors.unit_get(request.user, payload.unit_id, action=Action.MANAGE)
    campaign = get_object_or_404(
        selectors.campaigns_for_unit(request.user, unit), pk=payload.campaign_id
    )
    topic = services.topic_create(
        actor=request.user,
        campaign=campaign,
        unit=unit,
        title=payload.title,
        description=payload.description,
        lead=_lead(request, unit, payload.lead_id),
        planned_start=payload.planned_start,
        planned_end=payload.planned_end,
    )
    return Status(201, _detail(selectors.topic_get(request.user, topic.pk)))


@router.get("/topics/{topic_id}", response=TopicDetailOut)
def topics_detail(request: HttpRequest, topic_id: int) -> ResearchTopic:
    return _detail(selectors.topic_get(request.user, topic_id))


@router.patch("/topics/{topic_id}", response=TopicDetailOut)
def topics_update(request: HttpRequest, topic_id: int, payload: TopicPatch) -> ResearchTopic:
    topic = selectors.topic_get(request.user, topic_id, action=Action.MANAGE)
    changes = payload.dict(exclude_unset=True)
    if "lead_id" in changes:
        lead_id = changes.pop("lead_id")
        changes["lead"] = _lead(request, topic.unit, lead_id) if lead_id is not None else None
    services.topic_update(actor=request.user, topic=topic, **changes)
    return _detail(selectors.topic_get(request.user, topic_id))


@router.post("/topics/{topic_id}/transition", response=TopicDetailOut)
def topics_transition(request: HttpRequest, topic_id: int, payload: TransitionIn) -> Any:
    """Start a planned topic, archive it, or reopen a reported or archived one."""
    topic = selectors.topic_get(request.user, topic_id, action=Action.MANAGE)
    services.topic_transition(actor=request.user, topic=topic, action=payload.action)
    return _detail(selectors.topic_get(request.user, topic_id))


@router.post("/topics/{topic_id}/report", response=TopicDetailOut)
def topics_report(
    request: HttpRequest,
    topic_id: int,
    text: Form[str],
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Any:
    """Submit the research report (multipart/form-data: ``text`` and an optional ``file``:
    PDF, office file or image within the size limit, as for rectification evidence)."""
    topic = selectors.topic_get(request.user, topic_id, action=Action.MANAGE)
    checked = services.check_report_file(file) if file is not None else None
    services.report_submit(actor=request.user, topic=topic, text=text, file=checked)
    return _detail(selectors.topic_get(request.user, topic_id))


@router.get("/topics/{topic_id}/activities", response=list[ActivityOut])
@paginate(LimitOffsetPagination)
def activities_list(request: HttpRequest, topic_id: int) -> Any:
    topic = selectors.topic_get(request.user, topic_id)
    return topic.activities.prefetch_related("findings").order_by("date", "pk")


@router.post("/topics/{topic_id}/activities", response={201: ActivityOut})
def activities_create(request: HttpRequest, topic_id: int, payload: ActivityIn) -> Status[Any]:
    topic = selectors.topic_get(request.user, topic_id, action=Action.MANAGE)
    activity = services.activity_add(actor=request.user, topic=topic, **payload.dict())
    return Status(201, ResearchActivity.objects.prefetch_related("findings").get(pk=activity.pk))


@router.post("/activities/{activity_id}/findings", response={201: FindingOut})
def findings_create(request: HttpRequest, activity_id: int, payload: FindingIn) -> Status[Any]:
    activity = selectors.activity_get(request.user, activity_id)
    if not services.may_work(request.user, activity.topic):
        raise PermissionDenied
    return Status(
        201, services.finding_add(actor=request.user, activity=activity, text=payload.text)
    )


@router.post("/findings/{finding_id}/problem", response={201: ProblemRefOut})
def findings_to_problem(
    request: HttpRequest, finding_id: int, payload: FindingProblemIn
) -> Status[Any]:
    """The finding becomes a problem of the topic's unit (source: investigation and research),
    linked back to the finding."""
    finding = selectors.finding_get(request.user, finding_id)
    problem = services.finding_to_problem(
        actor=request.user,
        finding=finding,
        category=payload.category,
        severity=payload.severity,
        title=payload.title,
    )
    return Status(201, problem)


def _figures_out(unit: Any, figures: selectors.ResearchFigures) -> dict[str, Any]:
    return {"unit_id": unit.pk, "unit_name": unit.name, **figures.__dict__}


@router.get("/units/{unit_id}/rollup", response=RollupOut)
def units_rollup(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    """The unit's subtree figures and each visible sub-unit's, from the maintained counters."""
    unit = org_selectors.unit_get(request.user, unit_id)
    return {
        "unit": _figures_out(unit, selectors.unit_figures(unit)),
        "children": [
            _figures_out(child, f) for child, f in selectors.children_figures(request.user, unit)
        ],
    }


@router.get("/units/{unit_id}/per-cadre", response=list[PerCadreOut])
@paginate(LimitOffsetPagination)
def units_per_cadre(request: HttpRequest, unit_id: int) -> Any:
    """Topics per leading cadre of the subtree, most topics first."""
    unit = org_selectors.unit_get(request.user, unit_id)
    return selectors.topics_per_cadre(request.user, unit)


@router.get("/units/{unit_id}/cadres-without-topic", response=list[CadreOut])
@paginate(LimitOffsetPagination)
def units_cadres_without_topic(request: HttpRequest, unit_id: int) -> Any:
    """The active leading cadres of the subtree who lead no research topic."""
    unit = org_selectors.unit_get(request.user, unit_id)
    return selectors.cadres_without_topic(request.user, unit)
