"""Pages of assessment: schemes (indicators, weights, grade bands), evaluations (run for a batch
at a cut-off, with progress while it computes; publish; the ranking table; export), a unit's
scorecard, and the manual scoring page of guidance team members."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chuxin.core.exports import Column, xlsx_response
from chuxin.core.forms import run_action, run_form
from chuxin.core.pagination import paginate
from chuxin.organization import selectors as org_selectors
from chuxin.organization.models import Batch

from . import indicators as registry
from . import selectors, services
from .forms import IndicatorForm, RunForm, SchemeForm, ScoreForm
from .models import Evaluation, EvaluationRow, Grade, SchemeIndicator


@login_required
def home(request: HttpRequest) -> HttpResponse:
    schemes = list(selectors.schemes_visible(request.user).order_by("campaign_id", "name")[:200])
    evaluations = list(selectors.evaluations_visible(request.user)[:100])
    return render(
        request,
        "assessment/home.html",
        {
            "schemes": schemes,
            "evaluations": evaluations,
            "can_create": selectors.office_campaigns(request.user).exists(),
            "can_score": bool(selectors.scoring_items(request.user)),
        },
    )


def _scheme_initial(scheme: Any) -> dict[str, Any]:
    return {
        "campaign": scheme.campaign,
        "name": scheme.name,
        "description": scheme.description,
        "excellent_min": scheme.excellent_min,
        "good_min": scheme.good_min,
        "fair_min": scheme.fair_min,
    }


@login_required
@require_http_methods(["GET", "POST"])
def scheme_create(request: HttpRequest) -> HttpResponse:
    campaigns = selectors.office_campaigns(request.user)
    if not campaigns.exists():
        raise PermissionDenied
    form = SchemeForm(request.POST or None, campaigns=campaigns)
    if response := run_form(
        request,
        form,
        lambda data: services.scheme_create(actor=request.user, **data),
        success=_("Scheme created; now add its indicators."),
        redirect_to=lambda scheme: reverse("assessment:scheme", args=[scheme.pk]),
    ):
        return response
    return render(request, "assessment/scheme_form.html", {"form": form, "scheme": None})


@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_get(request.user, pk)
    campaigns = selectors.office_campaigns(request.user).filter(pk=scheme.campaign_id)
    form = SchemeForm(request.POST or None, campaigns=campaigns, initial=_scheme_initial(scheme))
    form.fields["campaign"].disabled = True
    if response := run_form(
        request,
        form,
        lambda data: services.scheme_update(
            actor=request.user, scheme=scheme, **{k: v for k, v in data.items() if k != "campaign"}
        ),
        success=_("Scheme saved."),
        redirect_to=reverse("assessment:scheme", args=[scheme.pk]),
    ):
        return response
    return render(request, "assessment/scheme_form.html", {"form": form, "scheme": scheme})


def _scheme_context(request: HttpRequest, scheme: Any, **extra: Any) -> dict[str, Any]:
    batches = Batch.objects.filter(campaign_id=scheme.campaign_id).order_by("number")
    indicators = list(selectors.scheme_indicators(scheme))
    labels = {i.key: i for i in registry.all_indicators()}
    return {
        "scheme": scheme,
        "indicators": [(i, labels.get(i.key)) for i in indicators],
        "weight_total": sum(i.weight for i in indicators),
        "indicator_form": extra.pop("indicator_form", IndicatorForm()),
        "run_form": extra.pop("run_form", RunForm(batches=batches)),
        "evaluations": list(
            Evaluation.objects.filter(scheme=scheme).select_related("batch").order_by("-pk")[:50]
        ),
        **extra,
    }


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_get(request.user, pk)
    return render(request, "assessment/scheme.html", _scheme_context(request, scheme))


@login_required
@require_POST
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_get(request.user, pk)
    form = IndicatorForm(request.POST)
    if response := run_form(
        request,
        form,
        lambda data: services.indicator_add(actor=request.user, scheme=scheme, **data),
        success=_("Indicator added."),
        redirect_to=reverse("assessment:scheme", args=[scheme.pk]),
    ):
        return response
    context = _scheme_context(request, scheme, indicator_form=form)
    return render(request, "assessment/scheme.html", context, status=422)


def _indicator(request: HttpRequest, pk: int) -> SchemeIndicator:
    indicator = get_object_or_404(
        SchemeIndicator.objects.select_related("scheme"), pk=pk, archived_at__isnull=True
    )
    selectors.scheme_get(request.user, indicator.scheme_id)
    return indicator


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    initial = {
        "method": indicator.method,
        "key": indicator.key,
        "label": indicator.label,
        "weight": indicator.weight,
        "description": indicator.description,
    }
    form = IndicatorForm(request.POST or None, initial=initial)
    if response := run_form(
        request,
        form,
        lambda data: services.indicator_update(actor=request.user, indicator=indicator, **data),
        success=_("Indicator saved."),
        redirect_to=reverse("assessment:scheme", args=[indicator.scheme_id]),
    ):
        return response
    return render(request, "assessment/indicator_form.html", {"form": form, "indicator": indicator})


@login_required
@require_POST
def indicator_remove(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    services.indicator_remove(actor=request.user, indicator=indicator)
    messages.success(request, _("Indicator removed from the scheme."))
    return redirect("assessment:scheme", pk=indicator.scheme_id)


@login_required
@require_POST
def evaluation_run(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_get(request.user, pk)
    batches = Batch.objects.filter(campaign_id=scheme.campaign_id).order_by("number")
    form = RunForm(request.POST, batches=batches)
    if response := run_form(
        request,
        form,
        lambda data: services.evaluation_start(
            actor=request.user,
            scheme=scheme,
            batch=data["batch"],
            cutoff=data["cutoff"],
            levels=data["levels"],
        ),
        success=None,
        redirect_to=lambda evaluation: reverse("assessment:evaluation", args=[evaluation.pk]),
    ):
        return response
    context = _scheme_context(request, scheme, run_form=form)
    return render(request, "assessment/scheme.html", context, status=422)


def _rows(request: HttpRequest, evaluation: Evaluation) -> Any:
    rows = selectors.rows_visible(request.user, evaluation).order_by(
        "unit_depth", "unit_kind", "rank", "unit_path"
    )
    grade = request.GET.get("grade", "")
    if grade in Grade.values:
        rows = rows.filter(grade=grade)
    return rows


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(request.user, pk)
    context = {
        "evaluation": evaluation,
        "office": selectors.may_manage(request.user, evaluation),
        "indicators": evaluation.scheme_snapshot.get("indicators", []),
        "grades": Grade.choices,
        "grade": request.GET.get("grade", ""),
    }
    if request.GET.get("progress"):
        if evaluation.status == "running":
            return render(request, "assessment/_progress.html", context)
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    context["page"] = paginate(request, _rows(request, evaluation), per_page=100)
    return render(request, "assessment/evaluation.html", context)


@login_required
@require_POST
def evaluation_publish(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(request.user, pk)
    return run_action(
        request,
        lambda: services.evaluation_publish(actor=request.user, evaluation=evaluation),
        success=_("Evaluation published; it is now frozen."),
        redirect_to=reverse("assessment:evaluation", args=[evaluation.pk]),
    )


def export_columns(evaluation: Evaluation) -> list[Column]:
    columns = [
        Column(_("Unit"), lambda r: r.unit_name, 30),
        Column(_("Unit code"), lambda r: r.unit_code),
        Column(_("Kind"), lambda r: r.unit_kind),
        Column(_("Level"), lambda r: r.unit_depth),
    ]
    for index, item in enumerate(evaluation.scheme_snapshot.get("indicators", [])):

        def value(r: EvaluationRow, i: int = index) -> Any:
            v = r.scores[i]["value"] if i < len(r.scores) else None
            return float(v) if v is not None else None

        def points(r: EvaluationRow, i: int = index) -> Any:
            v = r.scores[i]["points"] if i < len(r.scores) else None
            return float(v) if v is not None else None

        columns.append(Column(f"{item['label']} ({item['weight']})", value, 18))
        columns.append(Column(_("%(label)s — points") % {"label": item["label"]}, points, 14))
    columns += [
        Column(_("Total"), lambda r: float(r.total) if r.total is not None else None),
        Column(_("Grade"), lambda r: r.get_grade_display()),
        Column(_("Rank among peers"), lambda r: r.rank),
        Column(_("Peers"), lambda r: r.peers),
        Column(_("Weights re-normalised"), lambda r: _("yes") if r.renormalised else "", 12),
    ]
    return columns


@login_required
def evaluation_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    evaluation = selectors.evaluation_get(request.user, pk)
    rows = _rows(request, evaluation).iterator(chunk_size=1000)
    return xlsx_response("evaluation", _("Evaluation"), export_columns(evaluation), rows)


@login_required
def scorecard(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(request.user, pk)
    row = selectors.row_get(request.user, evaluation, unit_pk)
    return render(
        request,
        "assessment/scorecard.html",
        {"evaluation": evaluation, "row": row, "bands": evaluation.scheme_snapshot["bands"]},
    )


@login_required
def scoring(request: HttpRequest) -> HttpResponse:
    items = selectors.scoring_items(request.user)
    if not items and not request.user.is_superuser:
        raise Http404
    return render(request, "assessment/scoring.html", {"items": items, "form": ScoreForm()})


@login_required
@require_POST
def score_set(request: HttpRequest, indicator_pk: int, unit_pk: int) -> HttpResponse:
    indicator = get_object_or_404(SchemeIndicator.objects.select_related("scheme"), pk=indicator_pk)
    unit = org_selectors.unit_get(request.user, unit_pk)
    if services.scoring_team(request.user, indicator, unit) is None:
        raise PermissionDenied
    form = ScoreForm(request.POST)
    if response := run_form(
        request,
        form,
        lambda data: services.manual_score_set(
            actor=request.user, indicator=indicator, unit=unit, **data
        ),
        success=_("Score saved."),
        redirect_to="assessment:scoring",
    ):
        return response
    items = selectors.scoring_items(request.user)
    return render(
        request,
        "assessment/scoring.html",
        {"items": items, "form": ScoreForm(), "bad": (indicator.pk, unit.pk), "bad_form": form},
        status=422,
    )
