"""Pages of the mechanism register: the register of a unit's subtree (filtered, with counts by
kind, exportable), a mechanism with the problems and tasks it came from, record, edit,
archive and restore, and the document download."""

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
from chuxin.problems import selectors as problem_selectors
from chuxin.problems.models import Problem
from chuxin.rectification import selectors as task_selectors
from chuxin.rectification.models import RectificationTask

from . import selectors, services
from .forms import MechanismFilterForm, MechanismForm
from .models import Mechanism

COLUMNS = [
    Column(gettext_lazy("Mechanism number"), lambda m: m.code, 16),
    Column(gettext_lazy("Title"), lambda m: m.title, 40),
    Column(gettext_lazy("Kind"), lambda m: str(m.get_kind_display()), 14),
    Column(gettext_lazy("Unit"), lambda m: m.unit.name, 24),
    Column(gettext_lazy("Issued"), lambda m: m.issued_on, 12),
    Column(gettext_lazy("Problems"), lambda m: "; ".join(p.code for p in m.problems.all()), 24),
    Column(gettext_lazy("Tasks"), lambda m: "; ".join(t.code for t in m.tasks.all()), 24),
    Column(gettext_lazy("Summary"), lambda m: m.summary, 40),
]  # fmt: skip


def _codes(raw: str) -> list[str]:
    return [c.strip() for c in (raw or "").replace("\uff0c", ",").split(",") if c.strip()]


def _origins(user: Any, data: dict[str, Any]) -> tuple[list[Problem], list[RectificationTask]]:
    errors: dict[str, str] = {}
    wanted = _codes(data.get("problem_codes", ""))
    problems = {p.code: p for p in problem_selectors.problems_visible(user).filter(code__in=wanted)}
    missing = [c for c in wanted if c not in problems]
    if missing:
        errors["problem_codes"] = _("Unknown problem numbers: %(c)s") % {"c": ", ".join(missing)}
    wanted_tasks = _codes(data.get("task_codes", ""))
    tasks = {t.code: t for t in task_selectors.tasks_visible(user).filter(code__in=wanted_tasks)}
    missing = [c for c in wanted_tasks if c not in tasks]
    if missing:
        errors["task_codes"] = _("Unknown task numbers: %(c)s") % {"c": ", ".join(missing)}
    if errors:
        raise ValidationError(errors)
    return [problems[c] for c in dict.fromkeys(wanted)], [
        tasks[c] for c in dict.fromkeys(wanted_tasks)
    ]


FIELD_MAP = {"problems": "problem_codes", "tasks": "task_codes"}


@login_required
def mechanism_list(request: HttpRequest) -> HttpResponseBase:
    """The register of a unit's subtree (``?unit=``) or all in sight, with the subtree's
    counts by kind and its sub-units'; ``?format=xlsx`` exports the filtered register."""
    unit = org_selectors.unit_from_query(request.user, request.GET)
    form = MechanismFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.mechanisms_filtered(
        request.user,
        unit=unit,
        kind=filters.get("kind", ""),
        q=filters.get("q", ""),
        archived=bool(filters.get("archived")),
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "mechanisms",
            _("Long-term mechanisms"),
            COLUMNS,
            qs.prefetch_related("problems", "tasks").iterator(chunk_size=2000),
        )
    tops = list(org_selectors.unit_top_units(request.user)[:1])
    new_unit = unit or (tops[0] if tops else None)
    return render(
        request,
        "mechanisms/list.html",
        {
            "unit": unit,
            "figures": selectors.unit_figures(unit) if unit else None,
            "children": selectors.children_figures(request.user, unit) if unit else [],
            "breadcrumbs": org_selectors.unit_breadcrumbs(request.user, unit) if unit else [],
            "tops": tops if unit is None else [],
            "page": paginate(request, qs),
            "form": form,
            "page_query": query_without_page(request),
            "new_unit": new_unit
            if new_unit is not None and scope_for(request.user).allows(new_unit, Action.MANAGE)
            else None,
        },
    )


@login_required
def mechanism_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mechanism = selectors.mechanism_get(request.user, pk)
    return render(
        request,
        "mechanisms/detail.html",
        {
            "mechanism": mechanism,
            "problems": problem_selectors.problems_visible(request.user)
            .filter(mechanisms=mechanism)
            .order_by("pk"),
            "tasks": task_selectors.tasks_visible(request.user)
            .filter(mechanisms=mechanism)
            .select_related("responsible_unit")
            .order_by("pk"),
            "can_manage": scope_for(request.user).allows(mechanism.unit, Action.MANAGE),
        },
    )


def _save(user: Any, data: dict[str, Any], mechanism: Mechanism | None, unit: Any) -> Mechanism:
    """Record a new mechanism of ``unit`` (``mechanism`` None) or save ``mechanism``, from the
    form's data: the origins by their numbers, the document checked."""
    problems, tasks = _origins(user, data)
    upload = data.get("document")
    document = services.check_document(upload) if upload else None
    fields = {f: data[f] for f in ("title", "kind", "issued_on", "summary")}
    if mechanism is None:
        return services.mechanism_create(
            actor=user, campaign=data["campaign"], unit=unit,
            problems=problems, tasks=tasks, document=document, **fields,
        )  # fmt: skip
    return services.mechanism_update(
        actor=user, mechanism=mechanism,
        problems=problems, tasks=tasks, document=document, **fields,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def mechanism_create(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = org_selectors.unit_get(request.user, unit_pk, action=Action.MANAGE)
    campaigns = problem_selectors.campaigns_for_unit(request.user, unit)
    if not campaigns.exists():
        raise PermissionDenied(_("No campaign covers this unit."))
    initial = {"task_codes": request.GET.get("task", "")[:40]}
    form = MechanismForm(
        request.POST or None, request.FILES or None, campaigns=campaigns, initial=initial
    )
    if response := run_form(
        request,
        form,
        lambda data: _save(request.user, data, None, unit),
        success=lambda mechanism: _("Mechanism %(code)s recorded.") % {"code": mechanism.code},
        redirect_to=lambda mechanism: reverse("mechanisms:detail", args=[mechanism.pk]),
        field_map=FIELD_MAP,
    ):
        return response
    return render(request, "mechanisms/form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def mechanism_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mechanism = selectors.mechanism_get(request.user, pk, action=Action.MANAGE)
    campaigns = problem_selectors.campaigns_for_unit(request.user, mechanism.unit)
    initial = {
        "campaign": mechanism.campaign,
        "title": mechanism.title,
        "kind": mechanism.kind,
        "issued_on": mechanism.issued_on,
        "summary": mechanism.summary,
        "problem_codes": ", ".join(p.code for p in mechanism.problems.order_by("pk")),
        "task_codes": ", ".join(t.code for t in mechanism.tasks.order_by("pk")),
    }
    form = MechanismForm(
        request.POST or None, request.FILES or None, campaigns=campaigns, initial=initial
    )
    form.fields["campaign"].disabled = True
    if response := run_form(
        request,
        form,
        lambda data: _save(request.user, data, mechanism, mechanism.unit),
        success=_("Saved."),
        redirect_to=reverse("mechanisms:detail", args=[mechanism.pk]),
        field_map=FIELD_MAP,
    ):
        return response
    return render(
        request,
        "mechanisms/form.html",
        {"form": form, "unit": mechanism.unit, "mechanism": mechanism},
    )


@login_required
@require_POST
def mechanism_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive the mechanism (``restore=1`` restores it)."""
    mechanism = selectors.mechanism_get(request.user, pk, action=Action.MANAGE)
    restore = request.POST.get("restore") == "1"
    services.mechanism_archive(actor=request.user, mechanism=mechanism, archived=not restore)
    messages.success(request, _("Restored.") if restore else _("Archived."))
    return redirect("mechanisms:detail", pk=mechanism.pk)


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The document, only to those who may see the mechanism; always as a download."""
    mechanism = selectors.mechanism_get(request.user, pk)
    if not mechanism.document:
        raise Http404
    try:
        handle = mechanism.document.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=mechanism.document_name)
    response["Content-Type"] = mechanism.document_content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response
