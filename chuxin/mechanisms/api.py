"""Long-term mechanisms through the JSON API (/api/v1/mechanisms/...): the register (list,
one, record, change, archive, restore, document upload) and the rollup by unit."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, FilterSchema, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from chuxin.core.scoping import Action
from chuxin.organization import selectors as org_selectors
from chuxin.problems import selectors as problem_selectors
from chuxin.problems.models import Problem
from chuxin.rectification import selectors as task_selectors
from chuxin.rectification.models import RectificationTask

from . import selectors, services
from .models import Mechanism, MechanismKind

router = Router(tags=["mechanisms"])


class MechanismOut(Schema):
    id: int
    code: str
    campaign_id: int
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    title: str
    kind: MechanismKind
    issued_on: dt.date
    summary: str
    has_document: bool = False
    archived: bool = False
    problem_ids: list[int] = Field(default_factory=list)
    task_ids: list[int] = Field(default_factory=list)

    @staticmethod
    def resolve_has_document(obj: Mechanism) -> bool:
        return bool(obj.document)

    @staticmethod
    def resolve_archived(obj: Mechanism) -> bool:
        return obj.archived_at is not None

    @staticmethod
    def resolve_problem_ids(obj: Mechanism) -> list[int]:
        return [p.pk for p in obj.problems.all()]

    @staticmethod
    def resolve_task_ids(obj: Mechanism) -> list[int]:
        return [t.pk for t in obj.tasks.all()]


class MechanismIn(Schema):
    campaign_id: int
    unit_id: int
    title: str = Field(min_length=1, max_length=200)
    kind: MechanismKind
    issued_on: dt.date
    summary: str = Field("", max_length=10_000)
    problem_ids: list[int] = Field(default_factory=list, max_length=500)
    task_ids: list[int] = Field(default_factory=list, max_length=500)
    code: str = Field("", max_length=40)


class MechanismPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    kind: MechanismKind | None = None
    issued_on: dt.date | None = None
    summary: str | None = Field(None, max_length=10_000)
    problem_ids: list[int] | None = Field(None, max_length=500)
    task_ids: list[int] | None = Field(None, max_length=500)


class MechanismFilters(FilterSchema):
    unit: int | None = Field(None, description="mechanisms of this unit's subtree")
    kind: MechanismKind | None = None
    archived: bool = False
    q: str = ""


class ArchiveIn(Schema):
    archived: bool = True


class KindCountOut(Schema):
    kind: str
    label: str
    count: int


class UnitMechanismsOut(Schema):
    unit_id: int
    unit_name: str
    mechanisms: int
    by_kind: list[KindCountOut]


class RollupOut(Schema):
    unit: UnitMechanismsOut
    children: list[UnitMechanismsOut]


def _problems(request: HttpRequest, ids: list[int]) -> list[Problem]:
    found = {p.pk: p for p in problem_selectors.problems_visible(request.user).filter(pk__in=ids)}
    if set(ids) - set(found):
        raise ValidationError({"problem_ids": f"Unknown problems: {sorted(set(ids) - set(found))}"})
    return [found[i] for i in dict.fromkeys(ids)]


def _tasks(request: HttpRequest, ids: list[int]) -> list[RectificationTask]:
    found = {t.pk: t for t in task_selectors.tasks_visible(request.user).filter(pk__in=ids)}
    if set(ids) - set(found):
        raise ValidationError({"task_ids": f"Unknown tasks: {sorted(set(ids) - set(found))}"})
    return [found[i] for i in dict.fromkeys(ids)]


def _one(request: HttpRequest, pk: int) -> Mechanism:
    return (
        selectors.mechanisms_visible(request.user).prefetch_related("problems", "tasks").get(pk=pk)
    )


@router.get("", response=list[MechanismOut])
@paginate(LimitOffsetPagination)
def mechanisms_list(request: HttpRequest, filters: Query[MechanismFilters]) -> Any:
    unit = org_selectors.unit_get(request.user, filters.unit) if filters.unit else None
    return selectors.mechanisms_filtered(
        request.user, unit=unit, kind=filters.kind or "", q=filters.q, archived=filters.archived
    ).prefetch_related("problems", "tasks")


@router.post("", response={201: MechanismOut})
def mechanisms_create(request: HttpRequest, payload: MechanismIn) -> Status[Any]:
    unit = org_selectors.unit_get(request.user, payload.unit_id, action=Action.MANAGE)
    campaign = get_object_or_404(
        problem_selectors.campaigns_for_unit(request.user, unit), pk=payload.campaign_id
    )
    mechanism = services.mechanism_create(
        actor=request.user,
        campaign=campaign,
        unit=unit,
        title=payload.title,
        kind=payload.kind,
        issued_on=payload.issued_on,
        summary=payload.summary,
        problems=_problems(request, payload.problem_ids),
        tasks=_tasks(request, payload.task_ids),
        code=payload.code,
    )
    return Status(201, _one(request, mechanism.pk))


@router.get("/units/{unit_id}/rollup", response=RollupOut)
def units_rollup(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    """The subtree's mechanisms in force by kind, and each visible sub-unit's."""
    unit = org_selectors.unit_get(request.user, unit_id)

    def out(u: Any, f: selectors.MechanismFigures) -> dict[str, Any]:
        return {
            "unit_id": u.pk,
            "unit_name": u.name,
            "mechanisms": f.mechanisms,
            "by_kind": [{"kind": k, "label": str(label), "count": n} for k, label, n in f.by_kind],
        }

    return {
        "unit": out(unit, selectors.unit_figures(unit)),
        "children": [out(c, f) for c, f in selectors.children_figures(request.user, unit)],
    }


@router.get("/{mechanism_id}", response=MechanismOut)
def mechanisms_detail(request: HttpRequest, mechanism_id: int) -> Mechanism:
    selectors.mechanism_get(request.user, mechanism_id)
    return _one(request, mechanism_id)


@router.patch("/{mechanism_id}", response=MechanismOut)
def mechanisms_update(request: HttpRequest, mechanism_id: int, payload: MechanismPatch) -> Any:
    mechanism = selectors.mechanism_get(request.user, mechanism_id, action=Action.MANAGE)
    changes = payload.dict(exclude_unset=True)
    problem_ids = changes.pop("problem_ids", None)
    task_ids = changes.pop("task_ids", None)
    services.mechanism_update(
        actor=request.user,
        mechanism=mechanism,
        problems=_problems(request, problem_ids) if problem_ids is not None else None,
        tasks=_tasks(request, task_ids) if task_ids is not None else None,
        **{k: v for k, v in changes.items() if v is not None},
    )
    return _one(request, mechanism_id)


@router.post("/{mechanism_id}/archive", response=MechanismOut)
def mechanisms_archive(request: HttpRequest, mechanism_id: int, payload: ArchiveIn) -> Any:
    """Archive (``archived: true``) or restore (``false``) a mechanism."""
    mechanism = selectors.mechanism_get(request.user, mechanism_id, action=Action.MANAGE)
    services.mechanism_archive(actor=request.user, mechanism=mechanism, archived=payload.archived)
    return _one(request, mechanism_id)


@router.post("/{mechanism_id}/document", response=MechanismOut)
def mechanisms_document(
    request: HttpRequest, mechanism_id: int, document: File[UploadedFile]
) -> Any:
    """Attach or replace the document (multipart/form-data ``document``: PDF, office file or
    image within the size limit, as for rectification evidence)."""
    mechanism = selectors.mechanism_get(request.user, mechanism_id, action=Action.MANAGE)
    services.mechanism_update(
        actor=request.user, mechanism=mechanism, document=services.check_document(document)
    )
    return _one(request, mechanism_id)
