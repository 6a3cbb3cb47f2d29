"""Pages of the problem list: filtered list, detail, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chuxin.core.forms import add_validation_errors
from chuxin.core.htmx import render_page_or_partial
from chuxin.core.pagination import paginate, query_without_page
from chuxin.core.scoping import Action, scope_for
from chuxin.organization import selectors as org_selectors

from . import selectors, services
from .forms import ProblemFilterForm, ProblemForm
from .models import Problem

FORM_FIELDS = (
    "title",
    "description",
    "source",
    "category",
    "public_point",
    "severity",
    "reported_on",
    "is_public",
)


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    """The problem list of a unit's subtree (or all in sight), filtered; htmx swaps the table."""
    unit = org_selectors.unit_from_query(request.user, request.GET)
    form = ProblemFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.problems_filtered(
        request.user,
        unit=unit,
        q=filters.get("q", ""),
        source=filters.get("source"),
        category=filters.get("category"),
        status=filters.get("status"),
    ).order_by("-reported_on", "-id")
    page = paginate(request, qs, per_page=50)
    tops = list(org_selectors.unit_top_units(request.user)[:1])
    new_unit = unit or (tops[0] if tops else None)
    context = {
        "page": page,
        "form": form,
        "unit": unit,
        "page_query": query_without_page(request),
        "new_unit": new_unit
        if new_unit is not None and scope_for(request.user).allows(new_unit, Action.MANAGE)
        else None,
    }
    return render_page_or_partial(request, "problems/problem_list.html", "results", context)


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(request.user, pk)
    tasks = problem.tasks.select_related("responsible_unit").order_by("time_limit", "pk")
    merged = problem.merged_problems.select_related("unit").order_by("pk")
    can_manage = scope_for(request.user).allows(problem.unit, Action.MANAGE)
    escalated_to = Problem.objects.filter(escalated_from=problem).select_related("unit").first()
    return render(
        request,
        "problems/problem_detail.html",
        {
            "problem": problem,
            "tasks": tasks,
            "merged": merged,
            "can_manage": can_manage,
            "escalated_to": escalated_to,
            "escalated_from": Problem.objects.filter(pk=problem.escalated_from_id)
            .select_related("unit")
            .first()
            if problem.escalated_from_id
            else None,
            "can_escalate": can_manage
            and escalated_to is None
            and problem.status != "merged"
            and services.escalation_target(problem) is not None,
            "duplicates": selectors.likely_duplicates(request.user, problem)
            if problem.status != "merged"
            else [],
        },
    )


@login_required
@require_POST
def problem_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this problem into another (the survivor) of the same campaign."""
    problem = selectors.problem_get(request.user, pk, action=Action.MANAGE)
    try:
        into = selectors.problem_get(request.user, int(request.POST.get("into", "")))
        services.problem_merge(actor=request.user, problem=problem, into=into)
    except ValueError:
        messages.error(request, _("Choose the problem to merge into."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Merged into %(code)s.") % {"code": into.code})
        return redirect("problems:detail", pk=into.pk)
    return redirect("problems:detail", pk=problem.pk)


@login_required
@require_POST
def problem_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    """Escalate along the batch link to the upper unit where the problem's root lies."""
    problem = selectors.problem_get(request.user, pk, action=Action.MANAGE)
    try:
        upper = services.problem_escalate(
            actor=request.user, problem=problem, note=request.POST.get("note", "")[:2000]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Escalated to %(unit)s as %(code)s.") % {"unit": upper.unit, "code": upper.code},
        )
    return redirect("problems:detail", pk=problem.pk)


@login_required
def duplicates(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """Likely duplicates among one unit's problems, most alike first, to merge."""
    unit = org_selectors.unit_get(request.user, unit_pk)
    return render(
        request,
        "problems/duplicates.html",
        {
            "unit": unit,
            "pairs": selectors.duplicate_pairs(request.user, unit),
            "can_manage": scope_for(request.user).allows(unit, Action.MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_create(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = org_selectors.unit_get(request.user, unit_pk, action=Action.MANAGE)
    campaigns = selectors.campaigns_for_unit(request.user, unit)
    if not campaigns.exists():
        raise PermissionDenied(_("No campaign covers this unit."))
    form = ProblemForm(request.POST or None, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in FORM_FIELDS}
        try:
            problem = services.problem_create(
                actor=request.user, campaign=form.cleaned_data["campaign"], unit=unit, **data
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Problem %(code)s recorded.") % {"code": problem.code})
            return redirect("problems:detail", pk=problem.pk)
    return render(request, "problems/problem_form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    problem: Problem = selectors.problem_get(request.user, pk, action=Action.MANAGE)
    campaigns = selectors.campaigns_for_unit(request.user, problem.unit)
    form = ProblemForm(request.POST or None, instance=problem, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in FORM_FIELDS}
        problem.refresh_from_db()
        try:
            services.problem_update(actor=request.user, problem=problem, **data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("problems:detail", pk=problem.pk)
    return render(
        request,
        "problems/problem_form.html",
        {"form": form, "unit": problem.unit, "problem": problem},
    )
