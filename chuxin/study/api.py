"""Study & education through the JSON API (/api/v1/study/...): items, sessions, records (one
or in bulk), coverage and the dead-ends report of a unit, and the caller's own study."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from chuxin.core.imports import Row
from chuxin.core.scoping import Action, scoped
from chuxin.organization import selectors as org_selectors
from chuxin.organization.models import CadreLevel

from . import selectors, services
from .bulk import study_records_bulk_create
from .importers import StudyRecordImporter
from .models import RecordSource, StudyItem, StudyKind, StudyRecord, StudySession

router = Router(tags=["study"])

BULK_LIMIT = 10_000


# --- Schemas --------------------------------------------------------------------------------


class ItemOut(Schema):
    id: int
    campaign_id: int
    batch_id: int | None
    title: str
    kind: StudyKind
    required_levels: list[CadreLevel]
    required_times: int
    required_hours: Decimal | None
    due_date: dt.date | None
    applies_from: dt.date
    in_force: bool
    material_url: str
    archived: bool = Field(False, description="archived items no longer count")

    @staticmethod
    def resolve_archived(obj: StudyItem) -> bool:
        return obj.archived_at is not None


class ItemIn(Schema):
    campaign_id: int
    batch_id: int | None = None
    title: str = Field(min_length=1, max_length=200)
    kind: StudyKind
    required_levels: list[CadreLevel] = Field(min_length=1)
    required_times: int = Field(1, ge=1, le=100)
    required_hours: Decimal | None = Field(None, gt=0, le=Decimal("999.9"))
    due_date: dt.date | None = None
    applies_from: dt.date | None = None
    material_url: str = Field("", max_length=500)
    description: str = ""


class ItemFilters(FilterSchema):
    campaign: int | None = None
    archived: bool = False


class AbsentIn(Schema):
    member_id: int
    reason: str = Field("", max_length=200)


class SessionIn(Schema):
    unit_id: int
    item_id: int
    date: dt.date
    host: str = Field(min_length=1, max_length=100)
    place: str = Field("", max_length=200)
    topic: str = Field("", max_length=300)
    hours: Decimal | None = Field(None, gt=0, le=Decimal("99.9"))
    present: list[int] = Field(default_factory=list, description="member ids present")
    absent: list[AbsentIn] = Field(default_factory=list, description="absent, with a reason")


class AttendanceOut(Schema):
    member_id: int
    present: bool
    absence_reason: str


class SessionOut(Schema):
    id: int
    unit_id: int
    item_id: int
    date: dt.date
    host: str
    place: str
    topic: str
    hours: Decimal | None
    archived: bool = False

    @staticmethod
    def resolve_archived(obj: StudySession) -> bool:
        return obj.archived_at is not None


class SessionDetailOut(SessionOut):
    attendance: list[AttendanceOut]

    @staticmethod
    def resolve_attendance(obj: StudySession) -> Any:
        return obj.attendance.all()


class SessionFilters(FilterSchema):
    unit: int = Field(description="sessions held by this unit")
    item: int | None = None
    since: dt.date | None = None


class RecordOut(Schema):
    id: int
    member_id: int
    item_id: int
    date: dt.date
    hours: Decimal | None
    source: RecordSource
    session_id: int | None
    is_makeup: bool
    archived: bool = False

    @staticmethod
    def resolve_archived(obj: StudyRecord) -> bool:
        return obj.archived_at is not None


class RecordIn(Schema):
    member_id: int
    item_id: int
    date: dt.date
    hours: Decimal | None = Field(None, gt=0, le=Decimal("999.9"))
    note: str = Field("", max_length=200)
    makeup: bool = Field(False, description="make-up study for a missed session")


class RecordFilters(FilterSchema):
    unit: int | None = Field(None, description="members of this unit's subtree")
    member: int | None = None
    item: int | None = None
    source: RecordSource | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    archived: bool = False


class BulkRecordIn(Schema):
    member_number: str = Field(min_length=1, max_length=40)
    item: str = Field(min_length=1, max_length=200, description="item id or title")
    date: dt.date
    hours: Decimal | None = Field(None, gt=0, le=Decimal("999.9"))


class BulkIn(Schema):
    records: list[BulkRecordIn] = Field(min_length=1, max_length=BULK_LIMIT)


class BulkOut(Schema):
    created: int
    unchanged: int


class ItemCompletionOut(Schema):
    item_id: int
    title: str
    required: int
    done: int
    percent: int | None


class CoverageOut(Schema):
    unit_id: int
    members: int
    required: int
    covered: int
    percent: int | None
    never_recorded: int
    makeup_owing: int
    sessions: int
    items: list[ItemCompletionOut]


class OwedItemOut(Schema):
    id: int
    title: str


class UncoveredOut(Schema):
    member_id: int
    member_number: str
    name: str
    unit_id: int
    done_items: int
    required_items: int
    owes: list[OwedItemOut]
    makeup: list[OwedItemOut]


class DeadEndOut(Schema):
    unit_id: int
    code: str
    name: str
    members: int
    required: int
    covered: int
    percent: int | None
    never_recorded: int
    last_session_on: dt.date | None
    reasons: list[str]
    administrators: list[str]


class MyItemOut(Schema):
    item: ItemOut
    records: int
    done: bool
    makeup: bool
    due_soon: bool
    overdue: bool


class MyStudyOut(Schema):
    member_id: int
    required_items: int
    done_items: int
    covered: bool
    makeup_owed: int
    items: list[MyItemOut]


# --- Items ----------------------------------------------------------------------------------


@router.get("/items", response=list[ItemOut])
@paginate(LimitOffsetPagination)
def items_list(request: HttpRequest, filters: Query[ItemFilters]) -> Any:
    qs = selectors.items_visible(request.user, archived=filters.archived)
    if filters.campaign:
        qs = qs.filter(campaign_id=filters.campaign)
    return qs.order_by("campaign_id", "applies_from", "pk")


@router.get("/items/{item_id}", response=ItemOut)
def items_detail(request: HttpRequest, item_id: int) -> StudyItem:
    return selectors.item_get(request.user, item_id)


@router.post("/items", response={201: ItemOut})
def items_create(request: HttpRequest, payload: ItemIn) -> Status[StudyItem]:
    campaign = org_selectors.campaign_get(request.user, payload.campaign_id)
    data = payload.dict(exclude={"campaign_id", "batch_id"})
    batch = None
    if payload.batch_id is not None:
        batch = campaign.batches.filter(pk=payload.batch_id).first()
        if batch is None:
            raise ValidationError({"batch_id": _("This batch belongs to another campaign.")})
    item = services.study_item_create(
        actor=request.user,
        campaign=campaign,
        batch=batch,
        **{k: (list(v) if k == "required_levels" else v) for k, v in data.items()},
    )
    return Status(201, item)


# --- Sessions -------------------------------------------------------------------------------


@router.get("/sessions", response=list[SessionOut])
@paginate(LimitOffsetPagination)
def sessions_list(request: HttpRequest, filters: Query[SessionFilters]) -> Any:
    unit = org_selectors.unit_get(request.user, filters.unit)
    qs = selectors.sessions_of_unit(request.user, unit)
    if filters.item:
        qs = qs.filter(item_id=filters.item)
    if filters.since:
        qs = qs.filter(date__gte=filters.since)
    return qs


@router.get("/sessions/{session_id}", response=SessionDetailOut)
def sessions_detail(request: HttpRequest, session_id: int) -> StudySession:
    return selectors.session_get(request.user, session_id)


@router.post("/sessions", response={201: SessionDetailOut})
def sessions_create(request: HttpRequest, payload: SessionIn) -> Status[StudySession]:
    unit = org_selectors.unit_get(request.user, payload.unit_id, action=Action.MANAGE)
    item = get_object_or_404(selectors.items_visible(request.user), pk=payload.item_id)
    session = services.study_session_record(
        actor=request.user,
        unit=unit,
        item=item,
        date=payload.date,
        host=payload.host,
        place=payload.place,
        topic=payload.topic,
        hours=payload.hours,
        present=payload.present,
        absent={a.member_id: a.reason for a in payload.absent},
    )
    return Status(201, session)


# --- Records --------------------------------------------------------------------------------


@router.get("/records", response=list[RecordOut])
@paginate(LimitOffsetPagination)
def records_list(request: HttpRequest, filters: Query[RecordFilters]) -> Any:
    qs = StudyRecord.objects.all()
    if filters.member:
        member = selectors.member_get(request.user, filters.member)
        qs = qs.filter(member=member)
    else:
        if not filters.unit:
            raise ValidationError({"unit": _("Give a unit or a member.")})
        unit = org_selectors.unit_get(request.user, filters.unit)
        qs = scoped(qs, request.user, unit_field="member__unit").filter(
            member__unit__path__startswith=unit.path
        )
    if filters.item:
        qs = qs.filter(item_id=filters.item)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.since:
        qs = qs.filter(date__gte=filters.since)
    if filters.until:
        qs = qs.filter(date__lte=filters.until)
    qs = qs.filter(archived_at__isnull=not filters.archived)
    return qs.order_by("-date", "-pk")


@router.post("/records", response={201: RecordOut})
def records_create(request: HttpRequest, payload: RecordIn) -> Status[StudyRecord]:
    member = selectors.member_get(request.user, payload.member_id)
    item = get_object_or_404(selectors.items_visible(request.user), pk=payload.item_id)
    service = services.study_makeup_record if payload.makeup else services.study_checkin
    record = service(
        actor=request.user,
        member=member,
        item=item,
        date=payload.date,
        hours=payload.hours,
        note=payload.note,
    )
    return Status(201, record)


@router.post("/records/bulk", response={201: BulkOut})
def records_bulk(request: HttpRequest, payload: BulkIn) -> Status[dict[str, int]]:
    """Many records at once, with the import's rules: one bad record writes nothing, and every
    bad one is listed by its index; records already there are skipped."""
    rows = [
        Row(
            number=index,
            raw={
                "member_number": r.member_number,
                "item": r.item,
                "date": r.date.isoformat(),
                "hours": "" if r.hours is None else str(r.hours),
            },
            values={
                "member_number": r.member_number.strip(),
                "item": r.item.strip(),
                "date": r.date,
                "hours": None if r.hours is None else r.hours.quantize(Decimal("0.1")),
            },
        )
        for index, r in enumerate(payload.records)
    ]
    importer = StudyRecordImporter()
    errors = importer.validate(rows, request.user)
    if errors:
        raise ValidationError(
            {f"records[{e.row}].{e.column or 'record'}": e.text() for e in errors[:500]}
        )
    created, skipped = study_records_bulk_create(
        rows=importer._records, source=RecordSource.IMPORT, actor=request.user
    )
    return Status(201, {"created": created, "unchanged": skipped})


# --- Coverage and dead ends -----------------------------------------------------------------


@router.get("/units/{unit_id}/coverage", response=CoverageOut)
def unit_coverage(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    unit = org_selectors.unit_get(request.user, unit_id)
    c = selectors.coverage_for_unit(request.user, unit)
    return {
        "unit_id": unit.pk,
        "members": c.members,
        "required": c.required,
        "covered": c.covered,
        "percent": c.percent,
        "never_recorded": c.never_recorded,
        "makeup_owing": c.makeup_owing,
        "sessions": c.sessions,
        "items": [
            {
                "item_id": i.item.pk,
                "title": i.item.title,
                "required": i.required,
                "done": i.done,
                "percent": i.percent,
            }
            for i in c.items
        ],
    }


class UncoveredFilters(FilterSchema):
    item: int | None = Field(None, description="only members who still owe this item")


class _OwingPagination(LimitOffsetPagination):
    """Pages of progress rows turned into members with what they owe (two queries a page)."""

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        result["items"] = [
            {
                "member_id": o.member.pk,
                "member_number": o.member.member_number,
                "name": o.member.name,
                "unit_id": o.progress.unit_id,
                "done_items": o.progress.done_items,
                "required_items": o.progress.required_items,
                "owes": [{"id": i.pk, "title": i.title} for i in o.owed],
                "makeup": [{"id": i.pk, "title": i.title} for i in o.makeup],
            }
            for o in selectors.owing(result["items"])
        ]
        return result


@router.get("/units/{unit_id}/uncovered", response=list[UncoveredOut])
@paginate(_OwingPagination)
def unit_uncovered(request: HttpRequest, unit_id: int, filters: Query[UncoveredFilters]) -> Any:
    unit = org_selectors.unit_get(request.user, unit_id)
    return selectors.uncovered_members(request.user, unit, item=filters.item)


class DeadEndFilters(FilterSchema):
    threshold: int = Field(80, ge=1, le=100, description="coverage below this % falls short")
    days: int = Field(30, ge=1, le=365, description="no session in this many days falls short")


class _DeadEndPagination(LimitOffsetPagination):
    rules = selectors.DeadEndRules()

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        rules = getattr(request, "_dead_end_rules", self.rules)
        result["items"] = [
            {
                "unit_id": d.unit.pk,
                "code": d.unit.code,
                "name": d.unit.name,
                "members": d.members,
                "required": d.required,
                "covered": d.covered,
                "percent": d.percent,
                "never_recorded": d.never_recorded,
                "last_session_on": d.last_session_on,
                "reasons": [str(r) for r in d.reasons],
                "administrators": d.administrators,
            }
            for d in selectors.dead_end_rows(result["items"], rules)
        ]
        return result


@router.get("/units/{unit_id}/dead-ends", response=list[DeadEndOut])
@paginate(_DeadEndPagination)
def unit_dead_ends(request: HttpRequest, unit_id: int, filters: Query[DeadEndFilters]) -> Any:
    unit = org_selectors.unit_get(request.user, unit_id)
    rules = selectors.DeadEndRules(threshold=filters.threshold, days=filters.days)
    request._dead_end_rules = rules  # type: ignore[attr-defined]
    return selectors.dead_ends(request.user, unit, rules)


# --- The caller's own study -----------------------------------------------------------------


@router.get("/me", response=MyStudyOut)
def my_study(request: HttpRequest) -> dict[str, Any]:
    member = selectors.member_for_user(request.user)
    if member is None:
        raise Http404
    study = selectors.member_study(member)
    row = study["progress"]
    return {
        "member_id": member.pk,
        "required_items": row.required_items if row else 0,
        "done_items": row.done_items if row else 0,
        "covered": bool(row and row.covered),
        "makeup_owed": row.makeup_owed if row else 0,
        "items": study["items"],
    }
