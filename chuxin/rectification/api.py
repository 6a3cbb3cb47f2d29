"""Rectification through the JSON API (/api/v1/rectification/...): tasks with their stage
objectives, progress updates and status changes, evidence files (multipart upload, download
only to users in scope), the ledger as .xlsx, and a unit's figures from the counters."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest
from ninja import Field, File, FilterSchema, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from chuxin.core.scoping import Action
from chuxin.organization import selectors as org_selectors
from chuxin.organization.models import Member, Unit
from chuxin.problems import selectors as problem_selectors
from chuxin.problems.models import ProblemCategory, ProblemSource

from . import evidence as evidence_services
from . import ledger, selectors, services, specials
from .attachments import check_files
from .models import (
    ProgressUpdate,
    RectificationTask,
    StageObjective,
    TaskStatus,
    TaskType,
)

router = Router(tags=["rectification"])


# --- Schemas --------------------------------------------------------------------------------


class ObjectiveOut(Schema):
    id: int
    order: int
    title: str
    due_on: dt.date
    done_on: dt.date | None
    evidence: str
    light: str
    files: list["EvidenceOut"] = Field(default_factory=list)

    @staticmethod
    def resolve_files(obj: StageObjective) -> Any:
        return obj.files.all() if obj.pk else []

    @staticmethod
    def resolve_light(obj: StageObjective) -> str:
        return selectors.objective_light(obj)


class TaskOut(Schema):
    id: int
    code: str
    campaign_id: int
    title: str
    responsible_unit_id: int
    responsible_leader_id: int | None
    responsible_person_id: int | None
    direction: str
    measures: list[str]
    task_type: TaskType
    time_limit: dt.date | None
    status: TaskStatus
    progress: int
    is_overdue: bool
    light: str = Field("", description="red (overdue), yellow (due within 7 days), green")
    returned_count: int
    submitted_on: dt.date | None
    closed_on: dt.date | None
    upper_task_id: int | None
    special_id: int | None

    @staticmethod
    def resolve_light(obj: RectificationTask) -> str:
        return selectors.light(obj)


class EvidenceOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    note: str = ""
    update_id: int | None = None
    objective_id: int | None = None
    url: str = Field("", description="where to download the file (empty for a note)")

    @staticmethod
    def resolve_url(obj: Any) -> str:
        if not obj.file:
            return ""
        return f"/api/v1/rectification/evidence/{obj.pk}"


class UpdateOut(Schema):
    id: int
    date: dt.date
    text: str
    percent: int | None
    files: list[EvidenceOut]

    @staticmethod
    def resolve_files(obj: ProgressUpdate) -> Any:
        return obj.files.all()


class TaskDetailOut(TaskOut):
    problem_ids: list[int]
    co_unit_ids: list[int]
    stage_objectives: list[ObjectiveOut]

    @staticmethod
    def resolve_problem_ids(obj: RectificationTask) -> list[int]:
        return [p.pk for p in obj.problems.all()]

    @staticmethod
    def resolve_co_unit_ids(obj: RectificationTask) -> list[int]:
        return [u.pk for u in obj.co_units.all()]

    @staticmethod
    def resolve_stage_objectives(obj: RectificationTask) -> Any:
        return obj.stage_objectives.all()


class TaskIn(Schema):
    responsible_unit_id: int
    special_id: int | None = Field(None, description="a special rectification it belongs to")
    title: str = Field(min_length=1, max_length=200)
    problem_ids: list[int] = Field(default_factory=list)
    co_unit_ids: list[int] = Field(default_factory=list)
    responsible_leader_id: int | None = None
    responsible_person_id: int | None = None
    direction: str = ""
    measures: list[str] = Field(default_factory=list)
    task_type: TaskType = TaskType.TIME_LIMITED
    time_limit: dt.date | None = None
    note: str = ""
    code: str = Field("", max_length=40)


class TaskPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    direction: str | None = None
    measures: list[str] | None = None
    task_type: TaskType | None = None
    time_limit: dt.date | None = None
    responsible_leader_id: int | None = None
    responsible_person_id: int | None = None
    note: str | None = None


class TaskFilterIn(FilterSchema):
    unit: int | None = Field(None, description="tasks of this unit's subtree")
    status: TaskStatus | None = None
    task_type: TaskType | None = None
    overdue: bool = False
    due_soon: bool = False
    source: ProblemSource | None = None
    category: ProblemCategory | None = None
    batch: int | None = None
    special: int | None = None
    q: str = ""


class TransitionIn(Schema):
    action: str = Field(description="start, submit, long_term, accept, return, reopen")
    reason: str = Field("", max_length=2000)
    links: dict[str, str] = Field(
        default_factory=dict,
        description="extra values the close rules read on accept, e.g. "
        '{"mechanism": "JZ-1-00001"} to link a long-term task to a mechanism',
    )


class ObjectiveIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    due_on: dt.date


class TickIn(Schema):
    done: bool
    evidence: str = Field("", max_length=2000)
    done_on: dt.date | None = None


class UpdateIn(Schema):
    text: str = Field(min_length=1)
    date: dt.date | None = None
    percent: int | None = Field(None, ge=0, le=100)


class CountOut(Schema):
    key: str
    label: str
    count: int


class UnitFiguresOut(Schema):
    unit_id: int
    problems: int
    by_source: list[CountOut]
    by_category: list[CountOut]
    tasks: int
    by_status: list[CountOut]
    closed: int
    on_time: int
    on_time_percent: int | None
    overdue: int


# --- Helpers --------------------------------------------------------------------------------


def _member(request: HttpRequest, pk: int | None) -> Member | None:
    return None if pk is None else org_selectors.member_get(request.user, pk)


def _detail(request: HttpRequest, pk: int) -> RectificationTask:
    return selectors.task_detail(request.user, pk)


# --- Tasks ----------------------------------------------------------------------------------


@router.get("/tasks", response=list[TaskOut])
@paginate(LimitOffsetPagination)
def tasks_list(request: HttpRequest, filters: Query[TaskFilterIn]) -> Any:
    unit = org_selectors.unit_get(request.user, filters.unit) if filters.unit else None
    f = selectors.TaskFilters(
        unit=unit,
        status=filters.status or "",
        task_type=filters.task_type or "",
        overdue=filters.overdue,
        due_soon=filters.due_soon,
        source=filters.source or "",
        category=filters.category or "",
        batch=filters.batch,
        special=filters.special,
        q=filters.q,
    )
    return selectors.tasks_filtered(request.user, f).order_by("time_limit", "pk")


@router.get("/tasks/{task_id}", response=TaskDetailOut)
def tasks_detail(request: HttpRequest, task_id: int) -> RectificationTask:
    return _detail(request, task_id)


@router.post("/tasks", response={201: TaskDetailOut})
def tasks_create(request: HttpRequest, payload: TaskIn) -> Status[RectificationTask]:
    unit = org_selectors.unit_get(request.user, payload.responsible_unit_id, action=Action.MANAGE)
    problems = [problem_selectors.problem_get(request.user, pk) for pk in payload.problem_ids]
    campaign = (
        problems[0].campaign
        if problems
        else problem_selectors.campaigns_for_unit(request.user, unit).first()
    )
    if campaign is None:
        raise ValidationError({"responsible_unit_id": "No campaign covers this unit."})
    co_units = [org_selectors.unit_get(request.user, pk) for pk in payload.co_unit_ids]
    task = services.task_create(
        actor=request.user,
        campaign=campaign,
        responsible_unit=unit,
        title=payload.title,
        problems=problems,
        co_units=co_units,
        responsible_leader=_member(request, payload.responsible_leader_id),
        responsible_person=_member(request, payload.responsible_person_id),
        direction=payload.direction,
        measures=payload.measures,
        task_type=payload.task_type,
        time_limit=payload.time_limit,
        note=payload.note,
        code=payload.code,
        special=specials.special_get(request.user, payload.special_id)
        if payload.special_id
        else None,
    )
    return Status(201, _detail(request, task.pk))


@router.patch("/tasks/{task_id}", response=TaskDetailOut)
def tasks_update(request: HttpRequest, task_id: int, payload: TaskPatch) -> RectificationTask:
    task = selectors.task_get(request.user, task_id, action=Action.MANAGE)
    changes = payload.dict(exclude_unset=True)
    for key in ("responsible_leader", "responsible_person"):
        if f"{key}_id" in changes:
            changes[key] = _member(request, changes.pop(f"{key}_id"))
    services.task_update(actor=request.user, task=task, **changes)
    return _detail(request, task_id)


@router.post("/tasks/{task_id}/transition", response=TaskDetailOut)
def tasks_transition(
    request: HttpRequest, task_id: int, payload: TransitionIn
) -> RectificationTask:
    task = selectors.task_get(request.user, task_id)
    services.task_transition(
        actor=request.user,
        task=task,
        action=payload.action,
        reason=payload.reason,
        links=payload.links,
    )
    return _detail(request, task_id)


@router.post("/tasks/{task_id}/objectives", response={201: ObjectiveOut})
def objectives_create(
    request: HttpRequest, task_id: int, payload: ObjectiveIn
) -> Status[StageObjective]:
    task = selectors.task_get(request.user, task_id, action=Action.MANAGE)
    objective = services.stage_objective_add(
        actor=request.user, task=task, title=payload.title, due_on=payload.due_on
    )
    return Status(201, objective)


@router.post("/objectives/{objective_id}/tick", response=ObjectiveOut)
def objectives_tick(request: HttpRequest, objective_id: int, payload: TickIn) -> StageObjective:
    objective = selectors.objective_get(request.user, objective_id)
    if not services.may_work(request.user, objective.task):
        raise PermissionDenied
    return services.stage_objective_tick(
        actor=request.user,
        objective=objective,
        done=payload.done,
        evidence=payload.evidence,
        done_on=payload.done_on,
    )


@router.get("/tasks/{task_id}/updates", response=list[UpdateOut])
@paginate(LimitOffsetPagination)
def updates_list(request: HttpRequest, task_id: int) -> Any:
    task = selectors.task_get(request.user, task_id)
    return task.updates.prefetch_related("files").order_by("-date", "-id")


@router.post("/tasks/{task_id}/updates", response={201: UpdateOut})
def updates_create(request: HttpRequest, task_id: int, payload: UpdateIn) -> Status[ProgressUpdate]:
    task = selectors.task_get(request.user, task_id, action=Action.MANAGE)
    update = services.progress_update_add(
        actor=request.user,
        task=task,
        text=payload.text,
        date=payload.date,
        percent=payload.percent,
    )
    return Status(201, update)


@router.post("/tasks/{task_id}/updates/upload", response={201: UpdateOut})
def updates_create_with_files(
    request: HttpRequest,
    task_id: int,
    text: Form[str],
    date: Form[dt.date | None] = None,
    percent: Form[int | None] = None,
    evidence: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[ProgressUpdate]:
    """A progress update with evidence files (multipart/form-data: ``text``, ``date``,
    ``percent``, one or more ``evidence`` files): images, PDF and office files only, each
    within the size limit, as on the task page."""
    task = selectors.task_get(request.user, task_id, action=Action.MANAGE)
    files = check_files(list(evidence or []))
    if percent is not None and not 0 <= percent <= 100:
        raise ValidationError({"percent": "A percent is between 0 and 100."})
    update = services.progress_update_add(
        actor=request.user, task=task, text=text, date=date, percent=percent, files=files
    )
    return Status(201, ProgressUpdate.objects.prefetch_related("files").get(pk=update.pk))


@router.post("/objectives/{objective_id}/evidence", response={201: list[EvidenceOut]})
def objectives_evidence(
    request: HttpRequest,
    objective_id: int,
    evidence: File[list[UploadedFile]],
) -> Status[Any]:
    """Evidence files of a stage objective (multipart/form-data, one or more ``evidence``)."""
    objective = selectors.objective_get(request.user, objective_id)
    if not services.may_work(request.user, objective.task):
        raise PermissionDenied
    files = check_files(list(evidence))
    stored = evidence_services.objective_evidence_add(
        actor=request.user, objective=objective, files=files
    )
    return Status(201, stored)


@router.get("/tasks/{task_id}/evidence", response=list[EvidenceOut])
@paginate(LimitOffsetPagination)
def evidence_list(request: HttpRequest, task_id: int) -> Any:
    """Every piece of evidence of a task: files of its updates and objectives, and notes."""
    task = selectors.task_get(request.user, task_id)
    return task.evidence.order_by("id")


@router.get("/evidence/{evidence_id}", response={200: None})
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    """An evidence file, only to those who may see its task (404 otherwise)."""
    item = selectors.evidence_get(request.user, evidence_id)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=item.original_name)
    response["Content-Type"] = item.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The ledger -----------------------------------------------------------------------------


class LedgerFilterIn(FilterSchema):
    unit: int | None = Field(None, description="the ledger of this unit's subtree")
    batch: int | None = None
    source: ProblemSource | None = None
    category: ProblemCategory | None = None
    status: TaskStatus | None = None
    task_type: TaskType | None = None
    overdue: bool = False


@router.get("/ledger.xlsx", response={200: None})
def ledger_xlsx(request: HttpRequest, filters: Query[LedgerFilterIn]) -> FileResponse:
    """The whole ledger (problem, task and responsibility lists, one sheet each) as .xlsx,
    with the ledger page's filters and columns; headers in the request's language."""
    from .ledger_views import ledger_filters

    unit = org_selectors.unit_get(request.user, filters.unit) if filters.unit else None
    form, f = ledger_filters(request.user, request.GET, unit)
    if request.GET and not form.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
    return ledger.ledger_response(request.user, f, ledger.ledger_stem(unit))


# --- Units ----------------------------------------------------------------------------------


@router.get("/units/{unit_id}", response=UnitFiguresOut)
def unit_figures(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    unit: Unit = org_selectors.unit_get(request.user, unit_id)
    f = selectors.unit_figures(unit)

    def counts(rows: list[tuple[str, Any, int]]) -> list[dict[str, Any]]:
        return [{"key": k, "label": str(label), "count": n} for k, label, n in rows]

    return {
        "unit_id": unit.pk,
        "problems": f.problems,
        "by_source": counts(f.by_source),
        "by_category": counts(f.by_category),
        "tasks": f.tasks,
        "by_status": counts(f.by_status),
        "closed": f.closed,
        "on_time": f.on_time,
        "on_time_percent": f.on_time_pct,
        "overdue": f.overdue,
    }


# --- Special rectifications -----------------------------------------------------------------


class SpecialOut(Schema):
    id: int
    campaign_id: int
    name: str
    leading_unit_id: int
    goals: str
    participating_unit_ids: list[int]

    @staticmethod
    def resolve_participating_unit_ids(obj: Any) -> list[int]:
        if isinstance(obj, dict):
            return list(obj["participating_unit_ids"])
        return [u.pk for u in obj.participating_units.all()]


class SpecialUnitOut(Schema):
    unit_id: int
    unit: str
    tasks: int
    closed: int
    on_time: int
    open: int
    overdue: int


class SpecialReportOut(Schema):
    id: int
    period: str
    date: dt.date
    text: str
    figures: dict[str, int]


class SpecialDetailOut(SpecialOut):
    units: list[SpecialUnitOut]
    totals: dict[str, int]
    reports: list[SpecialReportOut]


class SpecialIn(Schema):
    campaign_id: int
    name: str = Field(min_length=1, max_length=200)
    leading_unit_id: int
    participating_unit_ids: list[int] = Field(default_factory=list)
    goals: str = ""


class SpecialReportIn(Schema):
    period: str = Field(min_length=1, max_length=100)
    text: str = Field(min_length=1)


def _special_detail(special: Any) -> dict[str, Any]:
    figures = specials.special_figures(special)
    return {
        "id": special.pk,
        "campaign_id": special.campaign_id,
        "name": special.name,
        "leading_unit_id": special.leading_unit_id,
        "goals": special.goals,
        "participating_unit_ids": [u.pk for u in special.participating_units.all()],
        "units": [
            {
                "unit_id": line.unit.pk,
                "unit": line.unit.name,
                "tasks": line.tasks,
                "closed": line.closed,
                "on_time": line.on_time,
                "open": line.open,
                "overdue": line.overdue,
            }
            for line in figures.lines
        ],
        "totals": figures.totals,
        "reports": list(special.reports.all()),
    }


@router.get("/specials", response=list[SpecialOut])
@paginate(LimitOffsetPagination)
def specials_list(request: HttpRequest) -> Any:
    return (
        specials.specials_visible(request.user)
        .prefetch_related("participating_units")
        .order_by("campaign_id", "name")
    )


@router.get("/specials/{special_id}", response=SpecialDetailOut)
def specials_detail(request: HttpRequest, special_id: int) -> dict[str, Any]:
    """A programme with its roll-up per participating unit and its reports."""
    return _special_detail(specials.special_get(request.user, special_id))


@router.post("/specials", response={201: SpecialDetailOut})
def specials_create(request: HttpRequest, payload: SpecialIn) -> Status[dict[str, Any]]:
    campaign = org_selectors.campaign_get(request.user, payload.campaign_id)
    special = specials.special_create(
        actor=request.user,
        campaign=campaign,
        name=payload.name,
        leading_unit=org_selectors.unit_get(request.user, payload.leading_unit_id),
        participating_units=[
            org_selectors.unit_get(request.user, pk) for pk in payload.participating_unit_ids
        ],
        goals=payload.goals,
    )
    return Status(201, _special_detail(special))


@router.post("/specials/{special_id}/reports", response={201: SpecialReportOut})
def specials_report(request: HttpRequest, special_id: int, payload: SpecialReportIn) -> Status[Any]:
    special = specials.special_get(request.user, special_id, action=Action.MANAGE)
    report = specials.special_report_add(
        actor=request.user, special=special, period=payload.period, text=payload.text
    )
    return Status(201, report)
