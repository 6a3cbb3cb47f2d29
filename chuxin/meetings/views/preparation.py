"""The preparation of a life meeting: soliciting opinions (and putting one on the problem list),
the heart-to-heart talks, checking materials with their versions and checkpoint reviews, and
the override of the preparation gate."""

from __future__ import annotations

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
from ..forms import (
    MaterialForm,
    OpinionProblemForm,
    ReasonForm,
    ReviewForm,
    SolicitationForm,
    TalkForm,
)
from ..models import MaterialStatus, MeetingStatus, Opinion
from .common import act, attempt, back_to

# --- Opinions and talks ----------------------------------------------------------------------


@login_required
@require_POST
def solicitation_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk, action=Action.MANAGE)
    form = SolicitationForm(request.POST)
    return act(
        request,
        form,
        lambda d: services.solicitation_add(
            actor=request.user,
            meeting=meeting,
            method=d["method"],
            held_on=d["held_on"],
            respondents=d["respondents"],
            opinions=(d["opinions"] or "").splitlines(),
        ),
        _("Opinions recorded."),
        back_to(meeting, "opinions"),
    )


@login_required
@require_POST
def opinion_problem(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = Opinion.objects.select_related("solicitation").filter(pk=pk).first()
    if opinion is None:
        raise Http404
    meeting = selectors.meeting_get(
        request.user, opinion.solicitation.meeting_id, action=Action.MANAGE
    )
    opinion.solicitation.meeting = meeting
    form = OpinionProblemForm(request.POST)
    return act(
        request,
        form,
        lambda d: services.opinion_to_problem(
            actor=request.user, opinion=opinion, category=d["category"]
        ),
        _("The opinion is on the problem list."),
        back_to(meeting, "opinions"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def talks(request: HttpRequest, pk: int) -> HttpResponse:
    """The heart-to-heart talks: the matrix of pairs, the pairs still missing, the list."""
    meeting = selectors.meeting_get(request.user, pk)
    can_manage = selectors.may_manage(request.user, meeting)
    participants = meeting.participants.select_related("member").order_by("order", "pk")
    form = TalkForm(request.POST or None, participants=participants)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    if response := run_form(
        request,
        form,
        lambda data: services.talk_add(actor=request.user, meeting=meeting, **data),
        success=_("Talk recorded."),
        redirect_to=reverse("meetings:talks", args=[meeting.pk]),
    ):
        return response
    matrix = selectors.talk_matrix(meeting)
    talk_rows = meeting.talks.select_related("first__member", "second__member").order_by(
        "talked_on", "pk"
    )
    return render(
        request,
        "meetings/talks.html",
        {
            "meeting": meeting,
            "matrix": matrix,
            "talk_rows": talk_rows,
            "form": form,
            "can_manage": can_manage
            and meeting.status in (MeetingStatus.PLANNED, MeetingStatus.PREPARING),
            "show_notes": selectors.may_see_record(request.user, meeting),
        },
    )


# --- Materials -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def participant_material(request: HttpRequest, pk: int) -> HttpResponse:
    """Write (a new version of) a participant's checking material."""
    participant = selectors.participant_get(request.user, pk)
    meeting = participant.meeting
    if not selectors.may_draft(request.user, participant):
        if selectors.may_see_record(request.user, meeting):
            raise PermissionDenied
        raise Http404
    material = selectors._material_or_none(participant)
    latest = material.versions.order_by("-number").first() if material else None
    form = MaterialForm(request.POST or None, initial={"text": latest.text if latest else ""})
    if response := run_form(
        request,
        form,
        lambda data: services.material_save(
            actor=request.user, participant=participant, text=data["text"]
        ),
        success=lambda version: _("Version %(n)d saved.") % {"n": version.number},
        redirect_to=lambda version: reverse("meetings:material", args=[version.material_id]),
    ):
        return response
    return render(
        request,
        "meetings/material_form.html",
        {"form": form, "participant": participant, "meeting": meeting},
    )


@login_required
def material(request: HttpRequest, pk: int) -> HttpResponse:
    """A checking material with every version and every review; submit and review here."""
    item = selectors.material_get(request.user, pk)
    meeting = item.participant.meeting
    versions = list(item.versions.select_related("created_by").order_by("-number"))
    reviews = list(
        item.reviews.select_related("reviewer", "version").order_by("-reviewed_at", "-pk")
    )
    preparing = meeting.status in (MeetingStatus.PLANNED, MeetingStatus.PREPARING)
    return render(
        request,
        "meetings/material.html",
        {
            "material": item,
            "meeting": meeting,
            "participant": item.participant,
            "versions": versions,
            "reviews": reviews,
            "can_draft": preparing and selectors.may_draft(request.user, item.participant),
            "can_review": preparing
            and item.status == MaterialStatus.SUBMITTED
            and selectors.may_review(request.user, meeting),
            "review_form": ReviewForm(),
        },
    )


@login_required
@require_POST
def material_submit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.material_get(request.user, pk)
    return attempt(
        request,
        lambda: services.material_submit(actor=request.user, material=item),
        _("Submitted for review."),
        reverse("meetings:material", args=[item.pk]),
    )


@login_required
@require_POST
def material_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.material_get(request.user, pk)
    form = ReviewForm(request.POST)
    return act(
        request,
        form,
        lambda d: services.material_review(
            actor=request.user, material=item, decision=d["decision"], comments=d["comments"]
        ),
        _("Review recorded."),
        reverse("meetings:material", args=[item.pk]),
    )


@login_required
@require_POST
def override(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk)
    form = ReasonForm(request.POST)
    return act(
        request,
        form,
        lambda d: services.gate_override(actor=request.user, meeting=meeting, reason=d["reason"]),
        _("Override recorded."),
        back_to(meeting, "checklist"),
    )
