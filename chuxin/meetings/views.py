"""Pages of life meetings: a unit's meetings through every stage, the meeting page with its
preparation checklist, talk matrix, materials and review, record, follow-up and report, and the
office's overview of any subtree."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from chuxin.core import calendar as core_calendar
from chuxin.core.exports import Column, xlsx_response
from chuxin.core.forms import add_validation_errors
from chuxin.core.pagination import paginate, query_without_page
from chuxin.core.scoping import Action, scope_for
from chuxin.organization import selectors as org_selectors
from chuxin.organization.models import Member, MemberStatus
from chuxin.study.models import StudySession

from . import calendar_events, selectors, services
from .forms import (
    CriticismForm,
    FilterForm,
    FollowupForm,
    GuideForm,
    HoldForm,
    MaterialForm,
    MeetingEditForm,
    MeetingForm,
    OpinionProblemForm,
    ParticipantForm,
    RatingForm,
    ReasonForm,
    RecordForm,
    ReportForm,
    ReviewForm,
    SolicitationForm,
    StudyLinkForm,
    TalkForm,
)
from .models import (
    CheckingMaterial,
    Criticism,
    LifeMeeting,
    MaterialStatus,
    MeetingKind,
    MeetingStatus,
    Opinion,
    Participant,
)

# --- Helpers ---------------------------------------------------------------------------------


def _error_messages(request: HttpRequest, exc: ValidationError, form: Any = None) -> None:
    """Put a service's errors (or a form's) into the messages, naming the field."""
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
    for name, errors in items:
        label = ""
        if form is not None and name in getattr(form, "fields", {}):
            label = str(form.fields[name].label)
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def _form_errors(request: HttpRequest, form: Any) -> None:
    for name, errors in form.errors.items():
        label = str(form.fields[name].label) if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def _act(
    request: HttpRequest, form: Any, call: Callable[[dict[str, Any]], Any], ok: str, back: str
) -> HttpResponse:
    """Validate a small form posted from the meeting page, call the service, go back."""
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(back)
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        _error_messages(request, exc, form)
    else:
        messages.success(request, ok)
    return redirect(back)


def _back(meeting: LifeMeeting, anchor: str = "") -> str:
    from django.urls import reverse

    return reverse("meetings:detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


def _campaigns_for(user: Any, unit: Any) -> Any:
    from chuxin.problems import selectors as problem_selectors

    return problem_selectors.campaigns_for_unit(user, unit)


EXPORT_COLUMNS = [
    Column(gettext_lazy("Unit"), lambda m: m.unit.name, 24),
    Column(gettext_lazy("Kind"), lambda m: str(m.get_kind_display()), 24),
    Column(gettext_lazy("Theme"), lambda m: m.theme, 40),
    Column(gettext_lazy("Planned date"), lambda m: m.planned_on, 12),
    Column(gettext_lazy("Status"), lambda m: str(m.get_status_display()), 12),
    Column(gettext_lazy("Held on"), lambda m: m.held_on, 12),
    Column(gettext_lazy("Report due"), lambda m: m.report_due_on, 12),
    Column(gettext_lazy("Report submitted"), lambda m: m.report_submitted_on, 12),
    Column(gettext_lazy("Late"), lambda m: _("yes") if m.is_late_today else "", 8),
]


def _mark_late(rows: Any) -> Any:
    today = timezone.localdate()
    for m in rows:
        m.is_late_today = m.late_on(today)
        yield m


# --- Lists ---------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Those who oversee units go to their unit's meetings; members to their own meetings."""
    scope = scope_for(request.user)
    overseer = scope.everything or any(g.role != "member" for g in scope.grants)
    tops = list(org_selectors.unit_top_units(request.user)[:1])
    if overseer and tops:
        return redirect("meetings:unit", pk=tops[0].pk)
    return redirect("meetings:mine")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The meetings the user takes part in or guides, soonest first."""
    from django.db.models import Q

    user = request.user
    qs = (
        LifeMeeting.objects.filter(Q(participants__member__user=user) | Q(guides__user=user))
        .exclude(status=MeetingStatus.ARCHIVED)
        .select_related("unit")
        .distinct()
        .order_by("-planned_on", "-pk")
    )
    return render(request, "meetings/mine.html", {"meetings": list(_mark_late(qs[:100]))})


@login_required
def unit_meetings(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A unit's (and its subtree's) meetings through every stage, filtered; .xlsx export."""
    unit = org_selectors.unit_get(request.user, pk)
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    f = selectors.MeetingFilters(
        unit=unit,
        status=data.get("status", ""),
        kind=data.get("kind", ""),
        late=bool(data.get("late")),
        q=data.get("q", ""),
    )
    qs = selectors.meetings_filtered(request.user, f).order_by("-planned_on", "unit__path", "pk")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "life-meetings", str(_("Life meetings")), EXPORT_COLUMNS, _mark_late(qs.iterator())
        )
    total, _children = selectors.overview(request.user, unit)
    page = paginate(request, qs, per_page=50)
    page.object_list = list(_mark_late(page.object_list))
    return render(
        request,
        "meetings/unit_meetings.html",
        {
            "unit": unit,
            "page": page,
            "form": form,
            "total": total,
            "statuses": MeetingStatus.choices,
            "current_status": data.get("status", ""),
            "breadcrumbs": org_selectors.unit_breadcrumbs(request.user, unit),
            "can_manage": scope_for(request.user).allows(unit, Action.MANAGE),
            "page_query": query_without_page(request),
            "tab": "list",
        },
    )


OVERVIEW_COLUMNS = [
    Column(gettext_lazy("Unit"), lambda line: line.unit.name, 28),
    Column(gettext_lazy("Planned"), lambda line: line.planned, 10),
    Column(gettext_lazy("Preparing"), lambda line: line.preparing, 10),
    Column(gettext_lazy("Ready"), lambda line: line.ready, 10),
    Column(gettext_lazy("Held"), lambda line: line.held, 10),
    Column(gettext_lazy("Reported"), lambda line: line.reported, 10),
    Column(gettext_lazy("Reported late"), lambda line: line.reported_late, 12),
]


@login_required
def overview(request: HttpRequest, pk: int) -> HttpResponseBase:
    """For any subtree: meetings planned, preparing, ready, held, reported (maintained
    counters), each sub-unit's figures, and the meetings whose report is late."""
    unit = org_selectors.unit_get(request.user, pk)
    total, children = selectors.overview(request.user, unit)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "life-meetings-overview", str(_("Life meetings")), OVERVIEW_COLUMNS, [total, *children]
        )
    late = list(_mark_late(selectors.late_meetings(request.user, unit)[:100]))
    scope = scope_for(request.user)
    campaigns = [
        (c, services.report_due_days_of(c))
        for c in org_selectors.campaigns_visible(request.user).filter(root_unit=unit)
        if scope.allows(c.root_unit, Action.MANAGE)
    ]
    return render(
        request,
        "meetings/overview.html",
        {
            "unit": unit,
            "total": total,
            "children": children,
            "late": late,
            "campaigns": campaigns,
            "breadcrumbs": org_selectors.unit_breadcrumbs(request.user, unit),
            "tab": "overview",
        },
    )


@login_required
@require_POST
def settings(request: HttpRequest, pk: int) -> HttpResponse:
    """The office sets, per campaign, within how many days of holding a report is due."""
    campaign = org_selectors.campaign_get(request.user, pk)
    back = request.POST.get("next", "")
    if not back.startswith("/meetings/"):
        back = "/meetings/"
    try:
        days = int(request.POST.get("report_due_days", ""))
    except ValueError:
        messages.error(request, _("Enter a number of days from 1 to 365."))
        return redirect(back)
    try:
        services.settings_set(actor=request.user, campaign=campaign, report_due_days=days)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect(back)


@login_required
def unit_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's (and subtree's) life meetings as an iCalendar file."""
    unit = org_selectors.unit_get(request.user, pk)
    events = calendar_events.unit_events(request.user, unit)
    body = core_calendar.to_ics(
        events, name=f"{unit.name} · {_('Life meetings')}", base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meetings-{unit.pk}.ics"'
    return response


# --- Create and edit -------------------------------------------------------------------------


def _unit_members(unit: Any) -> Any:
    return Member.objects.filter(unit=unit, status=MemberStatus.ACTIVE).order_by(
        "-is_leading_cadre", "name", "pk"
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = org_selectors.unit_get(request.user, pk, action=Action.MANAGE)
    campaigns = _campaigns_for(request.user, unit)
    if not campaigns.exists():
        raise Http404
    members = _unit_members(unit)
    initial = {
        "kind": MeetingKind.ORGANIZATIONAL
        if unit.kind in services.BRANCH_KINDS
        else MeetingKind.DEMOCRATIC,
        "members": [
            m.pk for m in members if m.is_leading_cadre or unit.kind in services.BRANCH_KINDS
        ],
    }
    form = MeetingForm(request.POST or None, campaigns=campaigns, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            meeting = services.meeting_create(
                actor=request.user,
                campaign=data["campaign"],
                unit=unit,
                kind=data["kind"],
                theme=data["theme"],
                planned_on=data["planned_on"],
                report_due_days=data["report_due_days"],
                members=data["members"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Life meeting planned."))
            return redirect("meetings:detail", pk=meeting.pk)
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
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("meetings:detail", pk=meeting.pk)
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
            members=_unit_members(meeting.unit).exclude(pk__in=in_meeting)
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
    action = request.POST.get("action", "")
    try:
        services.meeting_transition(
            actor=request.user,
            meeting=meeting,
            action=action,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect(_back(meeting))


@login_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk, action=Action.MANAGE)
    form = ParticipantForm(request.POST, members=_unit_members(meeting.unit))
    return _act(
        request,
        form,
        lambda d: services.participant_add(actor=request.user, meeting=meeting, member=d["member"]),
        _("Participant added."),
        _back(meeting, "participants"),
    )


@login_required
@require_POST
def participant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    participant = selectors.participant_get(request.user, pk)
    if not selectors.may_manage(request.user, participant.meeting):
        raise PermissionDenied
    try:
        services.participant_remove(actor=request.user, participant=participant)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Participant removed."))
    return redirect(_back(participant.meeting, "participants"))


@login_required
@require_POST
def guide_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk, action=Action.MANAGE)
    form = GuideForm(request.POST)

    def call(d: dict[str, Any]) -> Any:
        user = get_user_model().objects.filter(username=d["username"], is_active=True).first()
        return services.guide_add(actor=request.user, meeting=meeting, user=user, title=d["title"])

    return _act(request, form, call, _("Guide added."), _back(meeting, "participants"))


@login_required
@require_POST
def study_link(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk, action=Action.MANAGE)
    sessions = StudySession.objects.filter(archived_at__isnull=True)
    form = StudyLinkForm(request.POST, sessions=sessions)
    return _act(
        request,
        form,
        lambda d: services.study_link(actor=request.user, meeting=meeting, session=d["session"]),
        _("Study session linked."),
        _back(meeting, "checklist"),
    )


@login_required
@require_POST
def solicitation_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk, action=Action.MANAGE)
    form = SolicitationForm(request.POST)
    return _act(
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
        _back(meeting, "opinions"),
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
    return _act(
        request,
        form,
        lambda d: services.opinion_to_problem(
            actor=request.user, opinion=opinion, category=d["category"]
        ),
        _("The opinion is on the problem list."),
        _back(meeting, "opinions"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def talks(request: HttpRequest, pk: int) -> HttpResponse:
    """The heart-to-heart talks: the matrix of pairs, the pairs still missing, the list."""
    meeting = selectors.meeting_get(request.user, pk)
    can_manage = selectors.may_manage(request.user, meeting)
    participants = meeting.participants.select_related("member").order_by("order", "pk")
    form = TalkForm(request.POST or None, participants=participants)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.talk_add(actor=request.user, meeting=meeting, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Talk recorded."))
                return redirect("meetings:talks", pk=meeting.pk)
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
    if request.method == "POST" and form.is_valid():
        try:
            version = services.material_save(
                actor=request.user, participant=participant, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Version %(n)d saved.") % {"n": version.number})
            return redirect("meetings:material", pk=version.material_id)
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


def _material_for_post(request: HttpRequest, pk: int) -> CheckingMaterial:
    return selectors.material_get(request.user, pk)


@login_required
@require_POST
def material_submit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _material_for_post(request, pk)
    try:
        services.material_submit(actor=request.user, material=item)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Submitted for review."))
    return redirect("meetings:material", pk=item.pk)


@login_required
@require_POST
def material_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = _material_for_post(request, pk)
    form = ReviewForm(request.POST)
    from django.urls import reverse

    return _act(
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
    return _act(
        request,
        form,
        lambda d: services.gate_override(actor=request.user, meeting=meeting, reason=d["reason"]),
        _("Override recorded."),
        _back(meeting, "checklist"),
    )


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
        if form.is_valid():
            try:
                services.meeting_hold(
                    actor=request.user,
                    meeting=meeting,
                    held_on=form.cleaned_data["held_on"],
                    place=form.cleaned_data["place"],
                    absences=absences,
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("The meeting is recorded as held."))
                return redirect("meetings:detail", pk=meeting.pk)
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
        if "text" in request.POST:
            criticism_form = CriticismForm(request.POST, participants=others)
            if criticism_form.is_valid():
                try:
                    services.criticism_add(
                        actor=request.user, target=participant, **criticism_form.cleaned_data
                    )
                except ValidationError as exc:
                    add_validation_errors(criticism_form, exc)
                else:
                    messages.success(request, _("Criticism recorded."))
                    return redirect("meetings:record", pk=participant.pk)
        elif form.is_valid():
            try:
                services.participant_record(
                    actor=request.user, participant=participant, **form.cleaned_data
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("meetings:record", pk=participant.pk)
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
    return _act(
        request,
        form,
        lambda d: services.followup_add(actor=request.user, meeting=meeting, **d),
        _("The problem is on the problem list."),
        _back(meeting, "followup"),
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
        if form.is_valid():
            try:
                if request.POST.get("submit") == "1":
                    services.report_submit(
                        actor=request.user, meeting=meeting, text=form.cleaned_data["text"]
                    )
                    messages.success(request, _("The report is submitted."))
                    return redirect("meetings:detail", pk=meeting.pk)
                services.report_save(
                    actor=request.user, meeting=meeting, text=form.cleaned_data["text"]
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("meetings:report", pk=meeting.pk)
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
    return _act(
        request,
        form,
        lambda d: services.meeting_rate(
            actor=request.user, meeting=meeting, rating=d["rating"], comment=d["comment"]
        ),
        _("Rating recorded."),
        _back(meeting, "report"),
    )
