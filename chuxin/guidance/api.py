"""Supervision & guidance through the JSON API (/api/v1/guidance/...): teams, members,
assigned units (with their live figures), visits with findings and ratings, findings into
problems, and the campaign's checkpoint settings. Same services and selectors as the pages."""

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from chuxin.organization import selectors as org_selectors
from chuxin.organization.models import Campaign
from chuxin.problems.models import ProblemCategory, Severity

from . import selectors, services
from .models import GuidanceTeam, Rating, TeamAssignment, Visit, VisitMethod

router = Router(tags=["guidance"])


class TeamOut(Schema):
    id: int
    campaign_id: int
    name: str
    leader_id: int
    leader: str
    note: str
    archived: bool

    @staticmethod
    def resolve_leader(obj: GuidanceTeam) -> str:
        return str(obj.leader.get_username())

    @staticmethod
    def resolve_archived(obj: GuidanceTeam) -> bool:
        return obj.archived_at is not None


class TeamIn(Schema):
    campaign_id: int
    name: str = Field(min_length=1, max_length=200)
    leader: str = Field(description="the leader's user name")
    note: str = ""


class TeamPatch(Schema):
    name: str = Field(min_length=1, max_length=200)
    leader: str
    note: str = ""


class MemberOut(Schema):
    user_id: int
    username: str
    is_leader: bool


class MemberIn(Schema):
    username: str


class AssignmentOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    include_subtree: bool

    @staticmethod
    def resolve_unit_name(obj: TeamAssignment) -> str:
        return obj.unit.name


class AssignmentIn(Schema):
    unit_id: int
    include_subtree: bool = False


class UnitFiguresOut(Schema):
    assignment_id: int
    unit_id: int
    unit_name: str
    include_subtree: bool
    study_coverage_percent: int | None
    members_not_covered: int
    overdue_tasks: int
    open_tasks: int
    meetings_held: int | None
    meetings: int | None
    last_visit: dt.date | None


class FindingOut(Schema):
    id: int
    text: str
    problem_id: int | None


class VisitOut(Schema):
    id: int
    team_id: int
    unit_id: int
    date: dt.date
    methods: list[str]
    summary: str
    rating: str
    rating_comment: str
    findings: list[FindingOut]

    @staticmethod
    def resolve_findings(obj: Visit) -> Any:
        return obj.findings.all()


class VisitIn(Schema):
    unit_id: int
    date: dt.date
    methods: list[VisitMethod] = Field(min_length=1)
    summary: str = Field("", max_length=10000)
    rating: Rating | None = None
    rating_comment: str = Field("", max_length=2000)
    findings: list[str] = Field(default_factory=list)


class RatingIn(Schema):
    rating: Rating
    rating_comment: str = Field("", max_length=2000)


class FindingIn(Schema):
    text: str = Field(min_length=1, max_length=5000)


class ProblemIn(Schema):
    title: str = Field("", max_length=200)
    category: ProblemCategory = ProblemCategory.WORK_STYLE
    severity: Severity = Severity.MEDIUM


class ProblemOut(Schema):
    problem_id: int
    code: str


class SettingsOut(Schema):
    campaign_id: int
    members_review_meetings: bool
    members_verify_rectification: bool


class SettingsIn(Schema):
    members_review_meetings: bool
    members_verify_rectification: bool


def _user(username: str, field: str) -> Any:
    user = get_user_model().objects.filter(username=(username or "").strip()).first()
    if user is None or not user.is_active:
        raise ValidationError({field: f"No active user named {username!r}."})
    return user


def _office_campaign(request: HttpRequest, pk: int) -> Campaign:
    campaign = org_selectors.campaigns_visible(request.user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    if not services.may_manage_teams(request.user, campaign):
        raise PermissionDenied("Only the campaign's office may do this.")
    return campaign


# --- Teams -----------------------------------------------------------------------------------


@router.get("/teams", response=list[TeamOut])
@paginate(LimitOffsetPagination)
def teams_list(request: HttpRequest) -> Any:
    return selectors.teams_visible(request.user).order_by("campaign_id", "name", "pk")


@router.post("/teams", response={201: TeamOut})
def teams_create(request: HttpRequest, payload: TeamIn) -> Status[GuidanceTeam]:
    campaign = _office_campaign(request, payload.campaign_id)
    team = services.team_create(
        actor=request.user,
        campaign=campaign,
        name=payload.name,
        leader=_user(payload.leader, "leader"),
        note=payload.note,
    )
    return Status(201, team)


@router.get("/teams/{team_id}", response=TeamOut)
def teams_detail(request: HttpRequest, team_id: int) -> GuidanceTeam:
    return selectors.team_get(request.user, team_id)


@router.patch("/teams/{team_id}", response=TeamOut)
def teams_update(request: HttpRequest, team_id: int, payload: TeamPatch) -> GuidanceTeam:
    team = selectors.team_get(request.user, team_id)
    return services.team_update(
        actor=request.user,
        team=team,
        name=payload.name,
        leader=_user(payload.leader, "leader"),
        note=payload.note,
    )


@router.post("/teams/{team_id}/archive", response=TeamOut)
def teams_archive(request: HttpRequest, team_id: int) -> GuidanceTeam:
    team = selectors.team_get(request.user, team_id)
    return services.team_archive(actor=request.user, team=team)


# --- Members and units -----------------------------------------------------------------------


@router.get("/teams/{team_id}/members", response=list[MemberOut])
def members_list(request: HttpRequest, team_id: int) -> list[dict[str, Any]]:
    team = selectors.team_get(request.user, team_id)
    return [
        {
            "user_id": m.user_id,
            "username": m.user.get_username(),
            "is_leader": m.user_id == team.leader_id,
        }
        for m in selectors.members_of(team)
    ]


@router.post("/teams/{team_id}/members", response={201: MemberOut})
def members_add(request: HttpRequest, team_id: int, payload: MemberIn) -> Status[dict[str, Any]]:
    team = selectors.team_get(request.user, team_id)
    m = services.member_add(actor=request.user, team=team, user=_user(payload.username, "username"))
    return Status(
        201, {"user_id": m.user_id, "username": m.user.get_username(), "is_leader": False}
    )


@router.post("/teams/{team_id}/members/{user_id}/remove", response={204: None})
def members_remove(request: HttpRequest, team_id: int, user_id: int) -> Status[None]:
    team = selectors.team_get(request.user, team_id)
    user = get_object_or_404(get_user_model(), pk=user_id)
    services.member_remove(actor=request.user, team=team, user=user)
    return Status(204, None)


@router.get("/teams/{team_id}/assignments", response=list[AssignmentOut])
def assignments_list(request: HttpRequest, team_id: int) -> Any:
    return list(selectors.assignments_of(selectors.team_get(request.user, team_id)))


@router.post("/teams/{team_id}/assignments", response={201: AssignmentOut})
def assignments_add(
    request: HttpRequest, team_id: int, payload: AssignmentIn
) -> Status[TeamAssignment]:
    team = selectors.team_get(request.user, team_id)
    unit = org_selectors.unit_get(request.user, payload.unit_id)
    assignment = services.assignment_add(
        actor=request.user, team=team, unit=unit, include_subtree=payload.include_subtree
    )
    return Status(201, assignment)


@router.post("/assignments/{assignment_id}/remove", response={204: None})
def assignments_remove(request: HttpRequest, assignment_id: int) -> Status[None]:
    assignment = get_object_or_404(TeamAssignment, pk=assignment_id)
    selectors.team_get(request.user, assignment.team_id)
    services.assignment_remove(actor=request.user, assignment=assignment)
    return Status(204, None)


@router.get("/teams/{team_id}/units", response=list[UnitFiguresOut])
def team_units(request: HttpRequest, team_id: int) -> list[dict[str, Any]]:
    """The team's units with their live figures, furthest behind first."""
    team = selectors.team_get(request.user, team_id)
    return [
        {
            "assignment_id": f.assignment.pk,
            "unit_id": f.unit.pk,
            "unit_name": f.unit.name,
            "include_subtree": f.assignment.include_subtree,
            "study_coverage_percent": f.coverage,
            "members_not_covered": f.uncovered,
            "overdue_tasks": f.overdue,
            "open_tasks": f.open_tasks,
            "meetings_held": f.meetings_held,
            "meetings": f.meetings_due,
            "last_visit": f.last_visit,
        }
        for f in selectors.team_unit_figures(team)
    ]


# --- Visits, findings ------------------------------------------------------------------------


@router.get("/teams/{team_id}/visits", response=list[VisitOut])
@paginate(LimitOffsetPagination)
def visits_list(request: HttpRequest, team_id: int) -> Any:
    team = selectors.team_get(request.user, team_id)
    return selectors.visits_of(team).prefetch_related("findings")


@router.post("/teams/{team_id}/visits", response={201: VisitOut})
def visits_create(request: HttpRequest, team_id: int, payload: VisitIn) -> Status[Visit]:
    team = selectors.team_get(request.user, team_id)
    unit = org_selectors.unit_get(request.user, payload.unit_id)
    visit = services.visit_create(
        actor=request.user,
        team=team,
        unit=unit,
        date=payload.date,
        methods=[str(m) for m in payload.methods],
        summary=payload.summary,
        rating=str(payload.rating or ""),
        rating_comment=payload.rating_comment,
        findings=payload.findings,
    )
    return Status(201, visit)


@router.get("/visits/{visit_id}", response=VisitOut)
def visits_detail(request: HttpRequest, visit_id: int) -> Visit:
    return selectors.visit_get(request.user, visit_id)


@router.post("/visits/{visit_id}/rating", response=VisitOut)
def visits_rate(request: HttpRequest, visit_id: int, payload: RatingIn) -> Visit:
    visit = selectors.visit_get(request.user, visit_id)
    return services.visit_rate(
        actor=request.user,
        visit=visit,
        rating=str(payload.rating),
        rating_comment=payload.rating_comment,
    )


@router.post("/visits/{visit_id}/findings", response={201: FindingOut})
def findings_add(request: HttpRequest, visit_id: int, payload: FindingIn) -> Status[Any]:
    visit = selectors.visit_get(request.user, visit_id)
    return Status(201, services.finding_add(actor=request.user, visit=visit, text=payload.text))


@router.post("/findings/{finding_id}/problem", response={201: ProblemOut})
def findings_to_problem(
    request: HttpRequest, finding_id: int, payload: ProblemIn
) -> Status[dict[str, Any]]:
    finding = selectors.finding_get(request.user, finding_id)
    problem = services.finding_to_problem(
        actor=request.user,
        finding=finding,
        title=payload.title,
        category=str(payload.category),
        severity=str(payload.severity),
    )
    return Status(201, {"problem_id": problem.pk, "code": problem.code})


# --- Settings --------------------------------------------------------------------------------


@router.get("/campaigns/{campaign_id}/settings", response=SettingsOut)
def settings_get(request: HttpRequest, campaign_id: int) -> Any:
    campaign = _office_campaign(request, campaign_id)
    row = selectors.settings_for(campaign)
    return {
        "campaign_id": campaign.pk,
        "members_review_meetings": row.members_review_meetings,
        "members_verify_rectification": row.members_verify_rectification,
    }


@router.put("/campaigns/{campaign_id}/settings", response=SettingsOut)
def settings_put(request: HttpRequest, campaign_id: int, payload: SettingsIn) -> Any:
    campaign = _office_campaign(request, campaign_id)
    row = services.settings_update(
        actor=request.user,
        campaign=campaign,
        members_review_meetings=payload.members_review_meetings,
        members_verify_rectification=payload.members_verify_rectification,
    )
    return {
        "campaign_id": campaign.pk,
        "members_review_meetings": row.members_review_meetings,
        "members_verify_rectification": row.members_verify_rectification,
    }
