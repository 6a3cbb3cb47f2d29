"""Pages of investigation & research: a unit's topics with its figures, the topic page
(activities and findings, findings into problems, the report, the problems and tasks that came
from it), create and edit, and the cadre report (topics per leading cadre, cadres without a
topic), each list exportable."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from chuxin.core.exports import Column, xlsx_response
from chuxin.core.forms import run_form
from chuxin.core.pagination import paginate, query_without_page
from chuxin.core.scoping import Action, scope_for
from chuxin.organization import selectors as org_selectors
from chuxin.organization.models import Member, Unit

from . import selectors, services
from .forms import (
    ActivityForm,
    FindingForm,
    FindingProblemForm,
    ReportForm,
    TopicFilterForm,
    TopicForm,
)
from .models import ResearchTopic

TOPIC_COLUMNS = [
    Column(gettext_lazy("Topic"), lambda t: t.title, 40),
    Column(gettext_lazy("Unit"), lambda t: t.unit.name, 24),
    Column(gettext_lazy("Lead cadre"), lambda t: t.lead.name, 12),
    Column(gettext_lazy("Position"), lambda t: t.lead.position, 20),
    Column(gettext_lazy("Planned start"), lambda t: t.planned_start, 12),
    Column(gettext_lazy("Planned end"), lambda t: t.planned_end, 12),
    Column(gettext_lazy("Status"), lambda t: str(t.get_status_display()), 14),
    Column(gettext_lazy("Report submitted on"), lambda t: t.reported_on, 12),
]
CADRE_COLUMNS = [
    Column(gettext_lazy("Member number"), lambda m: m.member_number, 14),
    Column(gettext_lazy("Name"), lambda m: m.name, 12),
    Column(gettext_lazy("Position"), lambda m: m.position, 24),
    Column(gettext_lazy("Cadre level"), lambda m: str(m.get_cadre_level_display()), 12),
    Column(gettext_lazy("Unit"), lambda m: m.unit.name, 30),
]
PER_CADRE_COLUMNS = [
    Column(gettext_lazy("Lead cadre"), lambda r: r["lead__name"], 12),
    Column(gettext_lazy("Position"), lambda r: r["lead__position"], 24),
    Column(gettext_lazy("Unit"), lambda r: r["lead__unit__name"], 30),
    Column(gettext_lazy("Topics"), lambda r: r["topics"], 8),
    Column(gettext_lazy("Reports"), lambda r: r["reported"], 8),
    Column(gettext_lazy("Activities"), lambda r: r["activity_count"], 8),
    Column(gettext_lazy("People reached"), lambda r: r["people"] or 0, 10),
]


def _lead(user: Any, unit: Unit, number: str) -> Member:
    number = (number or "").strip()
    lead = selectors.leading_cadres(user, unit).filter(member_number=number).first()
    if lead is None:
        raise ValidationError(
            {"lead_number": _("No leading cadre numbered %(n)s in %(unit)s.") % {
                "n": number, "unit": unit.name}}
        )  # fmt: skip
    return lead


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Research in sight: the first unit's page when the user has one, else the topic list."""
    tops = list(org_selectors.unit_top_units(request.user)[:2])
    if len(tops) == 1:
        return redirect("investigation:unit", pk=tops[0].pk)
    form = TopicFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.topics_filtered(
        request.user, q=filters.get("q", ""), status=filters.get("status", "")
    )
    return render(
        request,
        "investigation/home.html",
        {
            "tops": org_selectors.unit_top_units(request.user)[:50],
            "page": paginate(request, qs),
            "form": form,
            "page_query": query_without_page(request),
        },
    )


@login_required
def unit_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A unit's research: subtree figures, sub-units, the subtree's topics (filtered, paged,
    exportable)."""
    unit = org_selectors.unit_get(request.user, pk)
    form = TopicFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.topics_filtered(
        request.user, unit=unit, q=filters.get("q", ""), status=filters.get("status", "")
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response("research-topics", _("Research topics"), TOPIC_COLUMNS, qs)
    return render(
        request,
        "investigation/unit.html",
        {
            "unit": unit,
            "figures": selectors.unit_figures(unit),
            "children": selectors.children_figures(request.user, unit),
            "breadcrumbs": org_selectors.unit_breadcrumbs(request.user, unit),
            "page": paginate(request, qs),
            "form": form,
            "page_query": query_without_page(request),
            "can_manage": scope_for(request.user).allows(unit, Action.MANAGE),
        },
    )


@login_required
def cadres_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Topics per leading cadre of the subtree, and the leading cadres with no topic yet
    (``?format=xlsx&list=without`` or ``list=per_cadre`` exports either)."""
    unit = org_selectors.unit_get(request.user, pk)
    without = selectors.cadres_without_topic(request.user, unit)
    per_cadre = selectors.topics_per_cadre(request.user, unit)
    if request.GET.get("format") == "xlsx":
        if request.GET.get("list") == "per_cadre":
            return xlsx_response(
                "research-per-cadre", _("Topics per leading cadre"), PER_CADRE_COLUMNS, per_cadre
            )
        return xlsx_response(
            "cadres-without-topic", _("Cadres without a topic"), CADRE_COLUMNS, without
        )
    return render(
        request,
        "investigation/cadres.html",
        {
            "unit": unit,
            "breadcrumbs": org_selectors.unit_breadcrumbs(request.user, unit),
            "per_cadre": per_cadre[:200],
            "page": paginate(request, without),
            "page_query": query_without_page(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def topic_create(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = org_selectors.unit_get(request.user, unit_pk, action=Action.MANAGE)
    campaigns = selectors.campaigns_for_unit(request.user, unit)
    if not campaigns.exists():
        raise PermissionDenied(_("No campaign covers this unit."))
    form = TopicForm(request.POST or None, campaigns=campaigns)
    if response := run_form(
        request,
        form,
        lambda data: services.topic_create(
            actor=request.user,
            campaign=data["campaign"],
            unit=unit,
            title=data["title"],
            description=data["description"],
            lead=_lead(request.user, unit, data["lead_number"]),
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
        ),
        success=_("Research topic created."),
        redirect_to=lambda topic: reverse("investigation:topic_detail", args=[topic.pk]),
        field_map={"lead": "lead_number"},
    ):
        return response
    return render(
        request,
        "investigation/topic_form.html",
        {"form": form, "unit": unit, "cadres": selectors.leading_cadres(request.user, unit)[:200]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_get(request.user, pk, action=Action.MANAGE)
    campaigns = selectors.campaigns_for_unit(request.user, topic.unit)
    initial = {
        "campaign": topic.campaign,
        "title": topic.title,
        "description": topic.description,
        "lead_number": topic.lead.member_number,
        "planned_start": topic.planned_start,
        "planned_end": topic.planned_end,
    }
    form = TopicForm(request.POST or None, initial=initial, campaigns=campaigns)
    form.fields["campaign"].disabled = True
    if response := run_form(
        request,
        form,
        lambda data: services.topic_update(
            actor=request.user,
            topic=topic,
            title=data["title"],
            description=data["description"],
            lead=_lead(request.user, topic.unit, data["lead_number"]),
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
        ),
        success=_("Saved."),
        redirect_to=reverse("investigation:topic_detail", args=[topic.pk]),
        field_map={"lead": "lead_number"},
    ):
        return response
    return render(
        request,
        "investigation/topic_form.html",
        {
            "form": form,
            "unit": topic.unit,
            "topic": topic,
            "cadres": selectors.leading_cadres(request.user, topic.unit)[:200],
        },
    )


def _topic_page(request: HttpRequest, topic: ResearchTopic, **extra: Any) -> HttpResponse:
    can_work = services.may_work(request.user, topic)
    context = {
        "topic": topic,
        "activities": selectors.topic_activities(topic),
        "problems": selectors.topic_problems(topic),
        "tasks": selectors.topic_tasks(topic),
        "can_work": can_work,
        "can_manage": scope_for(request.user).allows(topic.unit, Action.MANAGE),
        "activity_form": extra.pop("activity_form", None) or ActivityForm(),
        "finding_form": FindingForm(),
        "problem_form": FindingProblemForm(),
        "report_form": extra.pop("report_form", None)
        or ReportForm(initial={"text": topic.report_text}),
        "actions": [a for a, (src, _t) in services.TOPIC_ACTIONS.items() if topic.status in src]
        if can_work
        else [],
        **extra,
    }
    return render(request, "investigation/topic_detail.html", context)


@login_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _topic_page(request, selectors.topic_get(request.user, pk))


@login_required
@require_POST
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_get(request.user, pk, action=Action.MANAGE)
    form = ActivityForm(request.POST)
    if response := run_form(
        request,
        form,
        lambda data: services.activity_add(actor=request.user, topic=topic, **data),
        success=_("Activity recorded."),
        redirect_to=reverse("investigation:topic_detail", args=[topic.pk]),
    ):
        return response
    return _topic_page(request, topic, activity_form=form)


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get(request.user, pk)
    topic = activity.topic
    if not services.may_work(request.user, topic):
        raise PermissionDenied
    form = FindingForm(request.POST)
    if not form.is_valid():
        return _topic_page(
            request, topic, errors=[_("Write the finding (at most 5,000 characters).")]
        )
    try:
        services.finding_add(actor=request.user, activity=activity, text=form.cleaned_data["text"])
    except ValidationError as exc:
        return _topic_page(request, topic, errors=exc.messages)
    return redirect("investigation:topic_detail", pk=topic.pk)


@login_required
@require_POST
def finding_problem(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: the finding becomes a problem of the topic's unit, linked back."""
    finding = selectors.finding_get(request.user, pk)
    topic = finding.activity.topic
    form = FindingProblemForm(request.POST)
    if not form.is_valid():
        return _topic_page(request, topic, errors=[_("Choose a category and a severity.")])
    try:
        problem = services.finding_to_problem(
            actor=request.user, finding=finding, **form.cleaned_data
        )
    except ValidationError as exc:
        return _topic_page(request, topic, errors=exc.messages)
    messages.success(request, _("Problem %(code)s recorded.") % {"code": problem.code})
    return redirect("investigation:topic_detail", pk=topic.pk)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_get(request.user, pk, action=Action.MANAGE)
    form = ReportForm(request.POST, request.FILES)

    def submit(data: dict[str, Any]) -> None:
        upload = data.get("file")
        checked = services.check_report_file(upload) if upload else None
        services.report_submit(actor=request.user, topic=topic, text=data["text"], file=checked)

    if response := run_form(
        request,
        form,
        submit,
        success=_("Research report submitted."),
        redirect_to=reverse("investigation:topic_detail", args=[topic.pk]),
        field_map={"report_file": "file"},
    ):
        return response
    return _topic_page(request, topic, report_form=form)


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_get(request.user, pk, action=Action.MANAGE)
    try:
        services.topic_transition(
            actor=request.user, topic=topic, action=request.POST.get("action", "")[:20]
        )
    except ValidationError as exc:
        return _topic_page(request, topic, errors=exc.messages)
    return redirect("investigation:topic_detail", pk=topic.pk)


@login_required
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    """The report file, only to those who may see the topic; always as a download."""
    topic = selectors.topic_get(request.user, pk)
    if not topic.report_file:
        raise Http404
    try:
        handle = topic.report_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=topic.report_file_name)
    response["Content-Type"] = topic.report_content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response
