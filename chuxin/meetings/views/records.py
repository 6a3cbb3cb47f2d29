"""Holding a life meeting and what follows: the record (presence, self-criticism, criticisms,
responses), follow-up problems into the problem list, the report upward and the rating."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chuxin.core.forms import run_form
from chuxin.core.scoping import Action

from .. import selectors, services
from ..forms import CriticismForm, FollowupForm, HoldForm, RatingForm, RecordForm, ReportForm
from ..models import LifeMeeting, MeetingStatus
from .common import act, back_to

# --- Holding ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def hold(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the meeting as held: date, place, who was absent and why."""
    meeting = selectors.meeting_get(request.user, pk, action=Action.MANAGE)
    participants = list(meeting.participants.select_related("member").order_by("order", "pk"))
    form = HoldForm(request.POST or None)
    absences: dict[int, str] = {}
    if request.method == "POST":
        present_ids = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        absences = {
            p.pk: request.POST.get(f"reason_{p.pk}", "").strip()
            for p in participants
            if p.pk not in present_ids
        }
    if response := run_form(
        request,
        form,
        lambda data: services.meeting_hold(
            actor=request.user,
            meeting=meeting,
            held_on=data["held_on"],
            place=data["place"],
            absences=absences,
        ),
        success=_("The meeting is recorded as held."),
        redirect_to=reverse("meetings:detail", args=[meeting.pk]),
    ):
        return response
    rows = [(p, p.pk not in absences, absences.get(p.pk, "")) for p in participants]
    return render(request, "meetings/hold.html", {"meeting": meeting, "form": form, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """One participant's part of the record: presence, self-criticism, criticisms received,
    the response. Confidential (``selectors.may_see_record``; a participant sees their own)."""
    participant = selectors.participant_get(request.user, pk)
    meeting = participant.meeting
    own = participant.member.user_id == request.user.pk
    if not (selectors.may_see_record(request.user, meeting) or own):
        raise Http404
    can_edit = selectors.may_manage(request.user, meeting) and meeting.status == MeetingStatus.HELD
    form = RecordForm(
        request.POST or None,
        initial={
            "present": participant.present is not False,
            "absence_reason": participant.absence_reason,
            "self_criticism": participant.self_criticism,
            "response": participant.response,
        },
    )
    others = meeting.participants.select_related("member").exclude(pk=participant.pk)
    criticism_form = CriticismForm(participants=others)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        back = reverse("meetings:record", args=[participant.pk])
        if "text" in request.POST:
            criticism_form = CriticismForm(request.POST, participants=others)
            response = run_form(
                request,
                criticism_form,
                lambda data: services.criticism_add(actor=request.user, target=participant, **data),
                success=_("Criticism recorded."),
                redirect_to=back,
            )
        else:
            response = run_form(
                request,
                form,
                lambda data: services.participant_record(
                    actor=request.user, participant=participant, **data
                ),
                success=_("Saved."),
                redirect_to=back,
            )
        if response:
            return response
    criticisms = participant.criticisms.select_related("critic__member").order_by("pk")
    return render(
        request,
        "meetings/record.html",
        {
            "meeting": meeting,
            "participant": participant,
            "form": form,
            "criticism_form": criticism_form,
            "criticisms": criticisms,
            "can_edit": can_edit,
        },
    )


# --- Follow-up, report, rating ---------------------------------------------------------------


@login_required
@require_POST
def followup(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk, action=Action.MANAGE)
    form = FollowupForm(request.POST)
    return act(
        request,
        form,
        lambda d: services.followup_add(actor=request.user, meeting=meeting, **d),
        _("The problem is on the problem list."),
        back_to(meeting, "followup"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting report: generated from the record (Chinese or English), edited, submitted."""
    meeting = selectors.meeting_get(request.user, pk)
    can_see = selectors.may_see_record(request.user, meeting)
    if not can_see:
        raise Http404
    can_edit = selectors.may_manage(request.user, meeting) and meeting.status == MeetingStatus.HELD
    language = request.GET.get("lang", "")
    text = meeting.report_text
    if language and can_edit:
        text = services.report_generate(meeting, language)
    elif not text and meeting.status == MeetingStatus.HELD:
        text = services.report_generate(meeting, request.LANGUAGE_CODE)
    form = ReportForm(request.POST or None, initial={"text": text})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        submit = request.POST.get("submit") == "1"

        def save(data: dict[str, Any]) -> LifeMeeting:
            if submit:
                return services.report_submit(
                    actor=request.user, meeting=meeting, text=data["text"]
                )
            return services.report_save(actor=request.user, meeting=meeting, text=data["text"])

        if response := run_form(
            request,
            form,
            save,
            success=_("The report is submitted.") if submit else _("Saved."),
            redirect_to=reverse(
                "meetings:detail" if submit else "meetings:report", args=[meeting.pk]
            ),
        ):
            return response
    return render(
        request,
        "meetings/report.html",
        {
            "meeting": meeting,
            "form": form,
            "can_edit": can_edit,
            "due_days": services.report_due_days(meeting),
        },
    )


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk)
    form = RatingForm(request.POST)
    return act(
        request,
        form,
        lambda d: services.meeting_rate(
            actor=request.user, meeting=meeting, rating=d["rating"], comment=d["comment"]
        ),
        _("Rating recorded."),
        back_to(meeting, "report"),
    )
