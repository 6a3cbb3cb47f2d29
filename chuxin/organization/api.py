"""The organization through the JSON API: units, members, campaigns."""

from datetime import date
from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from chuxin.core.models import User
from chuxin.core.scoping import Action

from . import selectors, services
from .models import CadreLevel, Campaign, Gender, Member, MemberStatus, Unit, UnitKind

router = Router(tags=["organization"])


# --- Schemas --------------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: UnitKind
    parent_id: int | None
    depth: int
    order: int
    sub_units: int = Field(alias="numchild")


class UnitFiguresOut(Schema):
    members: int
    leading_cadres: int
    subtree_members: int
    subtree_leading_cadres: int
    subtree_units: int
    sub_units: int


class UnitDetailOut(UnitOut):
    figures: UnitFiguresOut
    ancestors: list[UnitOut]


class UnitIn(Schema):
    parent_id: int
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    kind: UnitKind
    order: int = 0


class UnitPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: UnitKind | None = None
    order: int | None = None
    parent_id: int | None = None


class UnitFilters(FilterSchema):
    under: int | None = Field(default=None, description="only units in this unit's subtree")
    parent: int | None = Field(default=None, description="only direct sub-units of this unit")
    q: str | None = Field(default=None, description="name contains, or code equals")
    kind: UnitKind | None = None


class MemberOut(Schema):
    id: int
    member_number: str
    name: str
    gender: Gender
    cadre_level: CadreLevel
    position: str
    is_leading_cadre: bool
    status: MemberStatus
    unit_id: int
    unit_name: str = Field(alias="unit.name")


class MemberIn(Schema):
    unit_id: int
    member_number: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=100)
    gender: Gender
    cadre_level: CadreLevel = CadreLevel.ORDINARY
    position: str = Field(default="", max_length=200)
    is_leading_cadre: bool = False


class MemberPatch(Schema):
    unit_id: int | None = None
    name: str | None = Field(default=None, min_length=1, max_length=100)
    gender: Gender | None = None
    cadre_level: CadreLevel | None = None
    position: str | None = Field(default=None, max_length=200)
    is_leading_cadre: bool | None = None
    status: MemberStatus | None = None


class MemberFilters(FilterSchema):
    unit: int | None = Field(default=None, description="members of this unit's subtree")
    direct: bool = Field(default=False, description="only the unit's own members")
    q: str | None = Field(default=None, description="name or position contains, or number")
    cadre_level: CadreLevel | None = None
    gender: Gender | None = None
    leading: bool | None = None
    status: MemberStatus | None = MemberStatus.ACTIVE


class BatchOut(Schema):
    id: int
    number: int
    name: str
    start_date: date
    end_date: date
    unit_ids: list[int]

    @staticmethod
    def resolve_unit_ids(obj: Any) -> list[int]:
        return [p.unit_id for p in obj.participations.all()]


class CampaignOut(Schema):
    id: int
    title: str
    theme: str
    start_date: date
    end_date: date
    root_unit_id: int


class CampaignDetailOut(CampaignOut):
    batches: list[BatchOut]

    @staticmethod
    def resolve_batches(obj: Campaign) -> Any:
        return selectors.campaign_batches(obj)


class MeOut(Schema):
    username: str
    is_superuser: bool
    roles: list[dict[str, Any]]
    member_id: int | None


def _unit_detail(request: HttpRequest, unit_id: int) -> Unit:
    """The unit with its figures (from the rollup) and its visible ancestors attached."""
    unit = selectors.unit_get(request.user, unit_id)
    unit.figures = selectors.figures_of(unit)
    unit.ancestors = selectors.unit_breadcrumbs(request.user, unit)[:-1]
    return unit


# --- Routes ---------------------------------------------------------------------------------


@router.get("/me", response=MeOut, tags=["auth"])
def me(request: HttpRequest) -> dict[str, Any]:
    user = cast(User, request.user)  # the API's auth lets only logged-in users through
    roles = [
        {"role": r.role, "unit_id": r.unit_id, "include_subtree": r.include_subtree}
        for r in user.role_assignments.all()
    ]
    member = Member.objects.filter(user=user).values_list("pk", flat=True).first()
    return {
        "username": user.get_username(),
        "is_superuser": user.is_superuser,
        "roles": roles,
        "member_id": member,
    }


@router.get("/units", response=list[UnitOut])
@paginate(LimitOffsetPagination)
def units_list(request: HttpRequest, filters: Query[UnitFilters]) -> Any:
    under = selectors.unit_get(request.user, filters.under) if filters.under else None
    qs = selectors.units_search(
        request.user, under=under, q=filters.q or "", kind=filters.kind or ""
    )
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent).order_by("order", "name", "pk")
    return qs


@router.get("/units/{unit_id}", response=UnitDetailOut)
def units_detail(request: HttpRequest, unit_id: int) -> Unit:
    return _unit_detail(request, unit_id)


@router.get("/units/{unit_id}/children", response=list[UnitOut])
@paginate(LimitOffsetPagination)
def units_children(request: HttpRequest, unit_id: int) -> Any:
    unit = selectors.unit_get(request.user, unit_id)
    return selectors.unit_children(request.user, unit)


@router.post("/units", response={201: UnitDetailOut})
def units_create(request: HttpRequest, payload: UnitIn) -> Status[Unit]:
    parent = selectors.unit_get(request.user, payload.parent_id)
    unit = services.unit_create(
        actor=request.user,
        parent=parent,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        order=payload.order,
    )
    return Status(201, _unit_detail(request, unit.pk))


@router.patch("/units/{unit_id}", response=UnitDetailOut)
def units_update(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Unit:
    unit = selectors.unit_get(request.user, unit_id)
    if payload.name is not None or payload.kind is not None or payload.order is not None:
        services.unit_update(
            actor=request.user,
            unit=unit,
            name=payload.name if payload.name is not None else unit.name,
            kind=payload.kind or unit.kind,
            order=payload.order,
        )
    if payload.parent_id is not None and payload.parent_id != unit.parent_id:
        new_parent = selectors.unit_get(request.user, payload.parent_id)
        services.unit_move(actor=request.user, unit=unit, new_parent=new_parent)
    return _unit_detail(request, unit.pk)


@router.get("/members", response=list[MemberOut])
@paginate(LimitOffsetPagination)
def members_list(request: HttpRequest, filters: Query[MemberFilters]) -> Any:
    under = selectors.unit_get(request.user, filters.unit) if filters.unit else None
    return selectors.members_search(
        request.user,
        under=under,
        q=filters.q or "",
        cadre_level=filters.cadre_level or "",
        gender=filters.gender or "",
        leading=filters.leading,
        status=filters.status or "",
        direct_only=filters.direct,
    )


@router.get("/members/{member_id}", response=MemberOut)
def members_detail(request: HttpRequest, member_id: int) -> Member:
    return selectors.member_get(request.user, member_id)


@router.post("/members", response={201: MemberOut})
def members_create(request: HttpRequest, payload: MemberIn) -> Status[Member]:
    unit = selectors.unit_get(request.user, payload.unit_id)
    data = payload.dict(exclude={"unit_id", "member_number"})
    member = services.member_create(
        actor=request.user, unit=unit, member_number=payload.member_number, **data
    )
    return Status(201, member)


@router.patch("/members/{member_id}", response=MemberOut)
def members_update(request: HttpRequest, member_id: int, payload: MemberPatch) -> Member:
    member = selectors.member_get(request.user, member_id, action=Action.MANAGE)
    data = payload.dict(exclude_unset=True, exclude_none=True)
    unit_id = data.pop("unit_id", None)
    unit = selectors.unit_get(request.user, unit_id) if unit_id else None
    status = data.pop("status", None)
    return services.member_update(
        actor=request.user, member=member, unit=unit, status=status, **data
    )


@router.get("/campaigns", response=list[CampaignOut])
@paginate(LimitOffsetPagination)
def campaigns_list(request: HttpRequest) -> Any:
    return selectors.campaigns_visible(request.user)


@router.get("/campaigns/{campaign_id}", response=CampaignDetailOut)
def campaigns_detail(request: HttpRequest, campaign_id: int) -> Campaign:
    return selectors.campaign_get(request.user, campaign_id)
