"""The meeting page and the meeting itself: planning and editing, the transitions, who takes
part (participants, guides) and the study sessions linked to it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chuxin.core.forms import run_form
from chuxin.core.scoping import Action
from chuxin.organization import selectors as org_selectors
from chuxin.study.models import StudySession

from .. import selectors, services
from ..forms import (
    FollowupForm,
    GuideForm,
    MeetingEditForm,
    MeetingForm,
    OpinionProblemForm,
    ParticipantForm,
    RatingForm,
    ReasonForm,
    SolicitationForm,
    StudyLinkForm,
)
from ..models import Criticism, MeetingKind, MeetingStatus, Participant
from .common import act, attempt, back_to, unit_members


def _campaigns_for(user: Any, unit: Any) -> Any:
    from chuxin.problems import selectors as problem_selectors

    return problem_selectors.campaigns_for_unit(user, unit)


# --- Create and edit -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = org_selectors.unit_get(request.user, pk, action=Action.MANAGE)
    campaigns = _campaigns_for(request.user, unit)
    if not campaigns.exists():
        raise Http404
    members = unit_members(unit)
    initial = {
        "kind": MeetingKind.ORGANIZATIONAL
        if unit.kind in services.BRANCH_KINDS
        else MeetingKind.DEMOCRATIC,
        "members": [
            m.pk for m in members if m.is_leading_cadre or unit.kind in services.BRANCH_KINDS
        ],
    }
    form = MeetingForm(request.POST or None, campaigns=campaigns, members=members, initial=initial)
    if response := run_form(
        request,
        form,
        lambda data: services.meeting_create(
            actor=request.user,
            campaign=data["campaign"],
            unit=unit,
            kind=data["kind"],
            theme=data["theme"],
            planned_on=data["planned_on"],
            report_due_days=data["report_due_days"],
            members=data["members"],
        ),
        success=_("Life meeting planned."),
        redirect_to=lambda meeting: reverse("meetings:detail", args=[meeting.pk]),
    ):
        return response
    return render(
        request, "meetings/meeting_form.html", {"form": form, "unit": unit, "meeting": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk, action=Action.MANAGE)
    initial = {
        "theme": meeting.theme,
        "planned_on": meeting.planned_on,
        "report_due_days": meeting.report_due_days,
    }
    form = MeetingEditForm(request.POST or None, initial=initial)
    if response := run_form(
        request,
        form,
        lambda data: services.meeting_update(actor=request.user, meeting=meeting, **data),
        success=_("Saved."),
        redirect_to=reverse("meetings:detail", args=[meeting.pk]),
    ):
        return response
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "unit": meeting.unit, "meeting": meeting},
    )


# --- The meeting page ------------------------------------------------------------------------


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    user = request.user
    can_manage = selectors.may_manage(user, meeting)
    can_review = selectors.may_review(user, meeting)
    can_see_record = selectors.may_see_record(user, meeting)
    own = selectors.own_participant(user, meeting)
    check = selectors.checklist(meeting)
    participants = list(meeting.participants.all())
    record_rows: list[Participant] = []
    if can_see_record:
        record_rows = participants
    elif own is not None:
        record_rows = [own]
    criticisms: dict[int, list[Criticism]] = {}
    if record_rows:
        for c in Criticism.objects.filter(target__in=record_rows).select_related("critic__member"):
            criticisms.setdefault(c.target_id, []).append(c)
    for p in record_rows:
        p.criticism_list = criticisms.get(p.pk, [])  # type: ignore[attr-defined]
    for p in participants:
        p.material_row = selectors._material_or_none(p)  # type: ignore[attr-defined]
        p.may_open_material = can_see_record or (own is not None and own.pk == p.pk)  # type: ignore[attr-defined]
    from chuxin.problems.models import Problem

    problems = list(
        Problem.objects.filter(life_meetings=meeting).prefetch_related("tasks").order_by("pk")
    )
    preparing = meeting.status in (MeetingStatus.PLANNED, MeetingStatus.PREPARING)
    sessions = StudySession.objects.none()
    if can_manage and preparing:
        sessions = (
            StudySession.objects.filter(
                unit__path__in=meeting.unit.ancestor_paths(include_self=True),
                archived_at__isnull=True,
            )
            .select_related("item")
            .order_by("-date")[:50]
        )
    in_meeting = [p.member_id for p in participants]
    context = {
        "meeting": meeting,
        "check": check,
        "participants": participants,
        "record_rows": record_rows,
        "can_manage": can_manage,
        "can_review": can_review,
        "can_see_record": can_see_record,
        "own": own,
        "problems": problems,
        "preparing": preparing,
        "late": meeting.late_on(timezone.localdate()),
        "ratings": list(meeting.ratings.all()),
        "participant_form": ParticipantForm(
            members=unit_members(meeting.unit).exclude(pk__in=in_meeting)
        ),
        "guide_form": GuideForm(),
        "study_form": StudyLinkForm(sessions=sessions) if can_manage and preparing else None,
        "solicitation_form": SolicitationForm(),
        "opinion_form": OpinionProblemForm(),
        "reason_form": ReasonForm(),
        "followup_form": FollowupForm(),
        "rating_form": RatingForm(),
        "report_due_days": services.report_due_days(meeting),
    }
    return render(request, "meetings/detail.html", context)


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk, action=Action.MANAGE)
    return attempt(
        request,
        lambda: services.meeting_transition(
            actor=request.user,
            meeting=meeting,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("Saved."),
        back_to(meeting),
    )


@login_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk, action=Action.MANAGE)
    form = ParticipantForm(request.POST, members=unit_members(meeting.unit))
    return act(
        request,
        form,
        lambda d: services.participant_add(actor=request.user, meeting=meeting, member=d["member"]),
        _("Participant added."),
        back_to(meeting, "participants"),
    )


@login_required
@require_POST
def participant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    participant = selectors.participant_get(request.user, pk)
    if not selectors.may_manage(request.user, participant.meeting):
        raise PermissionDenied
    return attempt(
        request,
        lambda: services.participant_remove(actor=request.user, participant=participant),
        _("Participant removed."),
        back_to(participant.meeting, "participants"),
    )


@login_required
@require_POST
def guide_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk, action=Action.MANAGE)
    form = GuideForm(request.POST)

    def call(d: dict[str, Any]) -> Any:
        user = get_user_model().objects.filter(username=d["username"], is_active=True).first()
        return services.guide_add(actor=request.user, meeting=meeting, user=user, title=d["title"])

    return act(request, form, call, _("Guide added."), back_to(meeting, "participants"))


@login_required
@require_POST
def study_link(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk, action=Action.MANAGE)
    sessions = StudySession.objects.filter(archived_at__isnull=True)
    form = StudyLinkForm(request.POST, sessions=sessions)
    return act(
        request,
        form,
        lambda d: services.study_link(actor=request.user, meeting=meeting, session=d["session"]),
        _("Study session linked."),
        back_to(meeting, "checklist"),
    )
