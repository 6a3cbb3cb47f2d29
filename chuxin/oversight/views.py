"""Pages of the oversight capability: the dashboard of a unit (drill-down along the tree), its
sub-units' figures as .xlsx/.csv, and briefings (generate, edit, issue, download)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chuxin.core.exports import Column, csv_response, export_filename, xlsx_response
from chuxin.core.forms import add_validation_errors
from chuxin.core.pagination import paginate
from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Unit

from . import briefing_exports, figures, selectors, services
from .forms import BriefingEditForm, BriefingGenerateForm, ScheduleForm
from .models import BriefingSchedule


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = selectors.home_unit(request.user)
    if unit is None:
        raise Http404
    return redirect("oversight:unit", pk=unit.pk)


@login_required
def unit_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """The dashboard of one unit: the URL says where you are; a sub-unit's name moves it."""
    unit = selectors.oversight_unit(request.user, pk)
    board = selectors.dashboard_cached(request.user, unit)
    can_manage = scope_for(request.user).allows(unit, Action.MANAGE)
    schedule = BriefingSchedule.objects.filter(unit=unit).first() if can_manage else None
    return render(
        request,
        "oversight/dashboard.html",
        {
            "unit": unit,
            "board": board,
            "charts_json": {"charts": board["charts"]},
            "can_manage": can_manage,
            "generate_form": BriefingGenerateForm(),
            "schedule_form": ScheduleForm(
                initial={"weekday": schedule.weekday, "active": schedule.active}
                if schedule
                else None
            ),
            "schedule": schedule,
        },
    )


@login_required
def unit_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The sub-units with every headline and heat figure (what the heat table shows, and more)."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    unit = selectors.oversight_unit(request.user, pk)
    kids = [unit, *selectors.children(request.user, unit)]
    live = selectors.live_values([u.pk for u in kids])
    specs = [s for _p, s in figures.all_specs() if s.headline or s.heat or s.group]

    def value_of(key: str) -> Callable[[Unit], Any]:
        return lambda u: live[u.pk][key]

    columns = [Column(_("Unit"), lambda u: u.name, 30)] + [
        Column(s.label, value_of(s.key)) for s in specs
    ]
    stem = f"dashboard-{unit.pk}"
    if fmt == "csv":
        return csv_response(stem, columns, kids)
    return xlsx_response(stem, _("Sub-units"), columns, kids)


# --- Briefings -------------------------------------------------------------------------------


@login_required
def briefing_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.briefings_visible(request.user).order_by("-created_at", "-id")
    unit = None
    if request.GET.get("unit"):
        try:
            unit = selectors.oversight_unit(request.user, int(request.GET["unit"]))
        except ValueError as exc:
            raise Http404 from exc
        qs = qs.filter(unit=unit)
    page = paginate(request, qs, per_page=30)
    return render(request, "oversight/briefing_list.html", {"page": page, "unit": unit})


@login_required
@require_POST
def briefing_generate(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.oversight_unit(request.user, pk, action=Action.MANAGE)
    form = BriefingGenerateForm(request.POST)
    if form.is_valid():
        try:
            briefing = services.briefing_generate(
                actor=request.user,
                unit=unit,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The draft briefing is ready: check it, then issue it."))
            return redirect("oversight:briefing", pk=briefing.pk)
    return render(
        request, "oversight/briefing_generate.html", {"unit": unit, "form": form}, status=422
    )


@login_required
@require_http_methods(["GET", "POST"])
def briefing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = selectors.briefing_get(request.user, pk)
    can_manage = scope_for(request.user).allows(briefing.unit, Action.MANAGE)
    initial = {
        "title_zh": briefing.title_zh,
        "title_en": briefing.title_en,
        "body_zh": briefing.body_zh,
        "body_en": briefing.body_en,
    }
    form = BriefingEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.briefing_update(actor=request.user, briefing=briefing, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("oversight:briefing", pk=briefing.pk)
        status = 422
    return render(
        request,
        "oversight/briefing_detail.html",
        {
            "briefing": briefing,
            "form": form,
            "can_manage": can_manage,
            "issue_zh": briefing_exports.issue_label(briefing, "zh"),
            "issue_en": briefing_exports.issue_label(briefing, "en"),
        },
        status=status,
    )


@login_required
@require_POST
def briefing_issue(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = selectors.briefing_get(request.user, pk)
    try:
        briefing = services.briefing_issue(actor=request.user, briefing=briefing)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Issued as number %(n)d.") % {"n": briefing.number})
    return redirect("oversight:briefing", pk=briefing.pk)


@login_required
def briefing_download(request: HttpRequest, pk: int, lang: str, fmt: str) -> HttpResponse:
    if lang not in ("zh", "en") or fmt not in ("docx", "pdf"):
        raise Http404
    briefing = selectors.briefing_get(request.user, pk)
    if fmt == "docx":
        content = briefing_exports.briefing_docx(briefing, lang)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        content = briefing_exports.briefing_pdf(briefing, lang)
        content_type = "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    name = export_filename(f"briefing-{briefing.pk}-{lang}", fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def schedule_set(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.oversight_unit(request.user, pk, action=Action.MANAGE)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.schedule_set(
                actor=request.user,
                unit=unit,
                weekday=form.cleaned_data["weekday"],
                active=form.cleaned_data["active"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The weekly briefing is set."))
    else:
        messages.error(request, _("Choose a day of the week."))
    return redirect("oversight:unit", pk=unit.pk)
