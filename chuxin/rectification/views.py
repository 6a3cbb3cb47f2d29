"""Pages of rectification: the task list (red / yellow / green), the task page with its
inline work (stage objectives, progress updates with evidence, submit / verify / return /
reopen through htmx), create and edit, evidence downloads, and a unit's rectification tab."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chuxin.core.forms import add_validation_errors
from chuxin.core.htmx import render_page_or_partial
from chuxin.core.pagination import query_without_page
from chuxin.core.scoping import Action, scope_for
from chuxin.organization import selectors as org_selectors
from chuxin.organization.models import Member, Unit
from chuxin.problems import selectors as problem_selectors

from . import guards, selectors, services
from .attachments import check_files
from .forms import ObjectiveForm, ProgressForm, TaskFilterForm, TaskForm, TransitionForm

# --- Helpers ---------------------------------------------------------------------------------


def _member(user: Any, number: str, field: str) -> Member | None:
    number = (number or "").strip()
    if not number:
        return None
    member = org_selectors.members_visible(user).filter(member_number=number).first()
    if member is None:
        member = Member.objects.filter(member_number=number, user=user).first()
    if member is None:
        raise ValidationError({field: _("No member numbered %(n)s in your scope.") % {"n": number}})
    return member


def _co_units(user: Any, codes: str) -> list[Unit]:
    wanted = [c.strip() for c in (codes or "").replace("\uff0c", ",").split(",") if c.strip()]
    found = {u.code: u for u in org_selectors.units_visible(user).filter(code__in=wanted)}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise ValidationError(
            {"co_unit_codes": _("Unknown unit codes: %(c)s") % {"c": ", ".join(missing)}}
        )
    return [found[c] for c in wanted]


def _task_values(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {
        "title": data["title"],
        "direction": data["direction"],
        "measures": data["measures"],
        "task_type": data["task_type"],
        "time_limit": data["time_limit"],
        "note": data["note"],
    }
    for key, field in (
        ("responsible_leader", "leader_number"),
        ("responsible_person", "person_number"),
    ):
        try:
            values[key] = _member(user, data[field], field)
        except ValidationError as exc:
            errors |= exc.message_dict
    try:
        values["co_units"] = _co_units(user, data["co_unit_codes"])
    except ValidationError as exc:
        errors |= exc.message_dict
    if errors:
        raise ValidationError(errors)
    return values


_FIELD_FOR = {"responsible_leader": "leader_number", "responsible_person": "person_number"}


# --- Home and list ---------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    tops = list(org_selectors.unit_top_units(request.user)[:1])
    if tops:
        return redirect("rectification:unit", pk=tops[0].pk)
    return redirect("rectification:task_list")


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """Tasks in sight (of a unit's subtree), filtered, with their red / yellow / green light."""
    unit = org_selectors.unit_from_query(request.user, request.GET)
    form = TaskFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.TaskFilters(
        unit=unit,
        status=data.get("status", ""),
        task_type=data.get("task_type", ""),
        overdue=data.get("due") == "overdue",
        due_soon=data.get("due") == "soon",
        q=data.get("q", ""),
        source=data.get("source", ""),
        category=data.get("category", ""),
    )
    qs = selectors.tasks_filtered(request.user, filters).order_by("time_limit", "pk")
    total = selectors.counted_total(request.user, filters)
    page = selectors.paginate_tasks(request.GET.get("page"), qs, total)
    rows = [(t, selectors.light(t)) for t in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "form": form,
        "unit": unit,
        "page_query": query_without_page(request),
    }
    return render_page_or_partial(request, "rectification/task_list.html", "results", context)


# --- Create and edit -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = org_selectors.unit_get(request.user, unit_pk, action=Action.MANAGE)
    campaigns = problem_selectors.campaigns_for_unit(request.user, unit)
    problem = None
    problem_id = request.GET.get("problem") or request.POST.get("problem")
    if problem_id:
        try:
            problem = problem_selectors.problem_get(request.user, int(problem_id))
        except ValueError as exc:
            raise Http404 from exc
    special = None
    special_id = request.GET.get("special") or request.POST.get("special")
    if special_id:
        from .specials import special_get

        try:
            special = special_get(request.user, int(special_id))
        except ValueError as exc:
            raise Http404 from exc
    campaign = special.campaign if special else problem.campaign if problem else campaigns.first()
    if campaign is None:
        raise PermissionDenied(_("No campaign covers this unit."))
    form = TaskForm(request.POST or None, initial={"title": problem.title if problem else ""})
    if request.method == "POST" and form.is_valid():
        try:
            values = _task_values(request.user, form.cleaned_data)
            task = services.task_create(
                actor=request.user,
                campaign=campaign,
                responsible_unit=unit,
                problems=[problem] if problem else [],
                special=special,
                **values,
            )
        except ValidationError as exc:
            add_validation_errors(form, exc, _FIELD_FOR)
        else:
            messages.success(request, _("Task %(code)s created.") % {"code": task.code})
            return redirect("rectification:task_detail", pk=task.pk)
    return render(
        request,
        "rectification/task_form.html",
        {"form": form, "unit": unit, "problem": problem, "task": None, "special": special},
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(request.user, pk, action=Action.MANAGE)
    initial = {
        "title": task.title,
        "direction": task.direction,
        "measures": "\n".join(task.measures),
        "task_type": task.task_type,
        "time_limit": task.time_limit,
        "leader_number": task.responsible_leader.member_number if task.responsible_leader else "",
        "person_number": task.responsible_person.member_number if task.responsible_person else "",
        "co_unit_codes": ", ".join(u.code for u in task.co_units.all()),
        "note": task.note,
    }
    form = TaskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            values = _task_values(request.user, form.cleaned_data)
            services.task_update(actor=request.user, task=task, **values)
        except ValidationError as exc:
            add_validation_errors(form, exc, _FIELD_FOR)
        else:
            messages.success(request, _("Saved."))
            return redirect("rectification:task_detail", pk=task.pk)
    return render(
        request,
        "rectification/task_form.html",
        {"form": form, "unit": task.responsible_unit, "task": task, "problem": None},
    )


# --- The task page and its inline work -------------------------------------------------------


def _work_context(request: HttpRequest, task_pk: int, **extra: Any) -> dict[str, Any]:
    task = selectors.task_detail(request.user, task_pk)
    objectives = [(o, selectors.objective_light(o)) for o in task.stage_objectives.all()]
    return {
        "task": task,
        "light": selectors.light(task),
        "objectives": objectives,
        "updates": task.updates.all(),
        "events": task.events.all(),
        "can_work": services.may_work(request.user, task),
        "actions": services.allowed_actions(request.user, task),
        "close_fields": guards.close_fields(),
        "objective_form": extra.pop("objective_form", None) or ObjectiveForm(),
        "progress_form": extra.pop("progress_form", None) or ProgressForm(),
        **extra,
    }


def _work(request: HttpRequest, task_pk: int, **extra: Any) -> HttpResponse:
    context = _work_context(request, task_pk, **extra)
    return render_page_or_partial(request, "rectification/task_detail.html", "work", context)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _work(request, pk)


@login_required
@require_POST
def objective_add(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(request.user, pk, action=Action.MANAGE)
    form = ObjectiveForm(request.POST)
    if form.is_valid():
        try:
            services.stage_objective_add(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return _work(request, pk)
    return _work(request, pk, objective_form=form)


@login_required
@require_POST
def objective_tick(request: HttpRequest, pk: int) -> HttpResponse:
    objective = selectors.objective_get(request.user, pk)
    if not services.may_work(request.user, objective.task):
        raise PermissionDenied
    try:
        services.stage_objective_tick(
            actor=request.user,
            objective=objective,
            done=request.POST.get("done") == "1",
            evidence=request.POST.get("evidence", "")[:2000],
        )
    except ValidationError as exc:
        return _work(request, objective.task_id, work_errors=exc.messages)
    return _work(request, objective.task_id)


@login_required
@require_POST
def update_add(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(request.user, pk, action=Action.MANAGE)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            files = check_files(request.FILES.getlist("evidence"))
            services.progress_update_add(
                actor=request.user,
                task=task,
                text=form.cleaned_data["text"],
                percent=form.cleaned_data["percent"],
                files=files,
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return _work(request, pk)
    return _work(request, pk, progress_form=form)


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _work(request, pk, work_errors=[_("Choose an action.")])
    try:
        services.task_transition(
            actor=request.user,
            task=task,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
            links={f.name: request.POST.get(f.name, "") for f in guards.close_fields()},
        )
    except ValidationError as exc:
        return _work(request, pk, work_errors=exc.messages)
    return _work(request, pk)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, only to those who may see its task; always as a download."""
    evidence = selectors.evidence_get(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name)
    response["Content-Type"] = evidence.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- A unit's rectification tab --------------------------------------------------------------


@login_required
def unit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's subtree figures from the maintained counters, and its sub-units."""
    unit = org_selectors.unit_get(request.user, pk)
    figures = selectors.unit_figures(unit)
    return render(
        request,
        "rectification/unit.html",
        {
            "unit": unit,
            "figures": figures,
            "breadcrumbs": org_selectors.unit_breadcrumbs(request.user, unit),
            "children": selectors.children_figures(request.user, unit),
            "can_manage": scope_for(request.user).allows(unit, Action.MANAGE),
        },
    )
