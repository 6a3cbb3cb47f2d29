"""Pages of supervision & guidance: the teams, a team's page (its units with their live
figures, furthest behind first; members; visits), the forms to set up teams, members and
units, to record visits with findings and ratings, to turn a finding into a problem, and the
office's settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chuxin.core.exports import Column, xlsx_response
from chuxin.core.forms import run_action, run_form
from chuxin.organization import selectors as org_selectors
from chuxin.organization.models import Campaign, Unit

from . import selectors, services
from .forms import (
    AssignmentForm,
    FindingForm,
    MemberForm,
    ProblemFromFindingForm,
    RatingForm,
    SettingsForm,
    TeamForm,
    VisitForm,
)
from .models import GuidanceTeam, TeamAssignment


def _user(username: str, field: str) -> Any:
    user = get_user_model().objects.filter(username=(username or "").strip()).first()
    if user is None or not user.is_active:
        raise ValidationError({field: _("No active user named %(u)s.") % {"u": username}})
    return user


def _unit_by_code(user: Any, code: str) -> Unit:
    code = code.strip()
    unit = org_selectors.units_visible(user).filter(code=code).first()
    if unit is None:
        raise ValidationError({"unit_code": _("Unknown unit code: %(c)s") % {"c": code}})
    return unit


def _office_campaigns(user: Any) -> Any:
    return Campaign.objects.filter(pk__in=selectors.office_campaign_ids(user)).select_related(
        "root_unit"
    )


def _require_office(user: Any, team: GuidanceTeam) -> None:
    if not services.may_manage_teams(user, team.campaign):
        raise PermissionDenied


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The teams the user is on, or runs as the office."""
    teams = list(selectors.teams_visible(request.user).order_by("campaign_id", "name")[:500])
    campaigns = list(_office_campaigns(request.user))
    return render(
        request,
        "guidance/home.html",
        {"teams": teams, "office_campaigns": campaigns, "can_create": bool(campaigns)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    campaigns = _office_campaigns(request.user)
    if not campaigns.exists():
        raise PermissionDenied
    form = TeamForm(request.POST or None, campaigns=campaigns)
    if response := run_form(
        request,
        form,
        lambda data: services.team_create(
            actor=request.user,
            campaign=data["campaign"],
            name=data["name"],
            leader=_user(data["leader"], "leader"),
            note=data["note"],
        ),
        success=_("Team set up."),
        redirect_to=lambda team: reverse("guidance:team", args=[team.pk]),
    ):
        return response
    return render(request, "guidance/team_form.html", {"form": form, "team": None})


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(request.user, pk)
    _require_office(request.user, team)
    campaigns = Campaign.objects.filter(pk=team.campaign_id)
    initial = {
        "campaign": team.campaign,
        "name": team.name,
        "leader": team.leader.get_username(),
        "note": team.note,
    }
    form = TeamForm(request.POST or None, campaigns=campaigns, initial=initial)
    form.fields["campaign"].disabled = True
    if response := run_form(
        request,
        form,
        lambda data: services.team_update(
            actor=request.user,
            team=team,
            name=data["name"],
            leader=_user(data["leader"], "leader"),
            note=data["note"],
        ),
        success=_("Team saved."),
        redirect_to=reverse("guidance:team", args=[team.pk]),
    ):
        return response
    return render(request, "guidance/team_form.html", {"form": form, "team": team})


@login_required
@require_POST
def team_archive(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(request.user, pk)
    _require_office(request.user, team)
    services.team_archive(actor=request.user, team=team)
    messages.success(request, _("Team stood down."))
    return redirect("guidance:home")


def _team_context(request: HttpRequest, team: GuidanceTeam, **extra: Any) -> dict[str, Any]:
    office = services.may_manage_teams(request.user, team.campaign)
    return {
        "team": team,
        "figures": selectors.team_unit_figures(team),
        "members": list(selectors.members_of(team)),
        "visits": list(selectors.visits_of(team)[:50]),
        "office": office,
        "can_record": services.may_record(request.user, team),
        "member_form": extra.pop("member_form", MemberForm()),
        "assignment_form": extra.pop("assignment_form", AssignmentForm()),
        **extra,
    }


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(request.user, pk)
    return render(request, "guidance/team.html", _team_context(request, team))


def _figure_columns() -> list[Column]:
    return [
        Column(_("Unit"), lambda f: f.unit.name, 30),
        Column(_("Unit code"), lambda f: f.unit.code),
        Column(_("Includes subtree"), lambda f: _("yes") if f.assignment.include_subtree else ""),
        Column(_("Study coverage %"), lambda f: f.coverage),
        Column(_("Members not covered"), lambda f: f.uncovered),
        Column(_("Overdue tasks"), lambda f: f.overdue),
        Column(_("Open tasks"), lambda f: f.open_tasks),
        Column(_("Life meetings held"), lambda f: f.meetings_held),
        Column(_("Life meetings"), lambda f: f.meetings_due),
        Column(_("Last visit"), lambda f: f.last_visit),
    ]


@login_required
def team_units_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    team = selectors.team_get(request.user, pk)
    return xlsx_response(
        "guidance-units", _("Units"), _figure_columns(), selectors.team_unit_figures(team)
    )


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(request.user, pk)
    _require_office(request.user, team)
    form = MemberForm(request.POST)
    if response := run_form(
        request,
        form,
        lambda data: services.member_add(
            actor=request.user, team=team, user=_user(data["username"], "username")
        ),
        success=_("Member added."),
        redirect_to=reverse("guidance:team", args=[team.pk]),
        field_map={"user": "username"},
    ):
        return response
    context = _team_context(request, team, member_form=form)
    return render(request, "guidance/team.html", context, status=422)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    team = selectors.team_get(request.user, pk)
    _require_office(request.user, team)
    user = get_object_or_404(get_user_model(), pk=user_pk)
    return run_action(
        request,
        lambda: services.member_remove(actor=request.user, team=team, user=user),
        success=_("Member removed."),
        redirect_to=reverse("guidance:team", args=[team.pk]),
    )


@login_required
@require_POST
def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(request.user, pk)
    _require_office(request.user, team)
    form = AssignmentForm(request.POST)
    if response := run_form(
        request,
        form,
        lambda data: services.assignment_add(
            actor=request.user,
            team=team,
            unit=_unit_by_code(request.user, data["unit_code"]),
            include_subtree=data["include_subtree"],
        ),
        success=_("Unit assigned."),
        redirect_to=reverse("guidance:team", args=[team.pk]),
        field_map={"unit": "unit_code"},
    ):
        return response
    context = _team_context(request, team, assignment_form=form)
    return render(request, "guidance/team.html", context, status=422)


@login_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(TeamAssignment.objects.select_related("team"), pk=pk)
    team = selectors.team_get(request.user, assignment.team_id)
    _require_office(request.user, team)
    return run_action(
        request,
        lambda: services.assignment_remove(actor=request.user, assignment=assignment),
        success=_("Unit unassigned."),
        redirect_to=reverse("guidance:team", args=[team.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(request.user, pk)
    if not services.may_record(request.user, team):
        raise PermissionDenied
    assignments = list(selectors.assignments_of(team))
    units = [(a.unit_id, a.unit.name) for a in assignments]
    initial = {"unit": request.GET.get("unit", "")}
    form = VisitForm(request.POST or None, units=units, initial=initial)
    if response := run_form(
        request,
        form,
        lambda data: services.visit_create(
            actor=request.user,
            team=team,
            unit=Unit.objects.get(pk=data["unit"]),
            date=data["date"],
            methods=data["methods"],
            summary=data["summary"],
            rating=data["rating"],
            rating_comment=data["rating_comment"],
            findings=data["findings"].splitlines(),
        ),
        success=_("Visit recorded."),
        redirect_to=lambda visit: reverse("guidance:visit", args=[visit.pk]),
    ):
        return response
    return render(request, "guidance/visit_form.html", {"form": form, "team": team})


def _visit_context(request: HttpRequest, visit: Any, **extra: Any) -> dict[str, Any]:
    return {
        "visit": visit,
        "team": visit.team,
        "findings": list(visit.findings.select_related("problem").order_by("pk")),
        "can_record": services.may_record(request.user, visit.team),
        "rating_form": extra.pop(
            "rating_form",
            RatingForm(initial={"rating": visit.rating, "rating_comment": visit.rating_comment}),
        ),
        "finding_form": extra.pop("finding_form", FindingForm()),
        "problem_form": ProblemFromFindingForm(),
        **extra,
    }


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(request.user, pk)
    return render(request, "guidance/visit.html", _visit_context(request, visit))


@login_required
@require_POST
def visit_rate(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(request.user, pk)
    if not services.may_record(request.user, visit.team):
        raise PermissionDenied
    form = RatingForm(request.POST)
    if response := run_form(
        request,
        form,
        lambda data: services.visit_rate(actor=request.user, visit=visit, **data),
        success=_("Rating saved."),
        redirect_to=reverse("guidance:visit", args=[visit.pk]),
    ):
        return response
    context = _visit_context(request, visit, rating_form=form)
    return render(request, "guidance/visit.html", context, status=422)


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(request.user, pk)
    if not services.may_record(request.user, visit.team):
        raise PermissionDenied
    form = FindingForm(request.POST)
    if response := run_form(
        request,
        form,
        lambda data: services.finding_add(actor=request.user, visit=visit, text=data["text"]),
        success=_("Finding added."),
        redirect_to=reverse("guidance:visit", args=[visit.pk]),
    ):
        return response
    context = _visit_context(request, visit, finding_form=form)
    return render(request, "guidance/visit.html", context, status=422)


@login_required
@require_POST
def finding_to_problem(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(request.user, pk)
    if not services.may_record(request.user, finding.visit.team):
        raise PermissionDenied
    form = ProblemFromFindingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the problem's category and severity."))
        return redirect("guidance:visit", pk=finding.visit_id)
    try:
        problem = services.finding_to_problem(
            actor=request.user, finding=finding, **form.cleaned_data
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Problem %(code)s put on the unit's list.") % {"code": problem.code}
        )
    return redirect("guidance:visit", pk=finding.visit_id)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = _office_campaigns(request.user).filter(pk=campaign_pk).first()
    if campaign is None:
        if Campaign.objects.filter(pk=campaign_pk).exists() and request.user.is_authenticated:
            visible = org_selectors.campaigns_visible(request.user).filter(pk=campaign_pk)
            if visible.exists():
                raise PermissionDenied
        raise Http404
    current = selectors.settings_for(campaign)
    form = SettingsForm(
        request.POST or None,
        initial={
            "members_review_meetings": current.members_review_meetings,
            "members_verify_rectification": current.members_verify_rectification,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.settings_update(actor=request.user, campaign=campaign, **form.cleaned_data)
        messages.success(request, _("Settings saved."))
        return redirect("guidance:home")
    return render(request, "guidance/settings.html", {"form": form, "campaign": campaign})
