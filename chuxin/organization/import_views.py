"""Import pages: upload a file of units or members, follow its job, read every refused row."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chuxin.core import exports, imports
from chuxin.core.htmx import render_page_or_partial
from chuxin.core.models import ImportJob
from chuxin.core.scoping import scope_for
from chuxin.core.tasks import run_import

from .import_forms import ImportForm

FORMATS = {"xlsx", "csv"}
ERROR_COLUMNS = [
    exports.Column(gettext_lazy("Row"), lambda e: e["row"], 8),
    exports.Column(gettext_lazy("Column"), lambda e: e["column"], 20),
    exports.Column(gettext_lazy("Value"), lambda e: e["value"], 24),
    exports.Column(gettext_lazy("Problem"), lambda e: e["message"], 60),
]


def _require_manager(user: Any) -> None:
    """404 unless the user manages at least one unit (an office or unit administrator)."""
    scope = scope_for(user)
    if not scope.everything and not any(grant.manage for grant in scope.grants):
        raise Http404


def _importer(kind: str) -> type[imports.Importer]:
    try:
        return imports.importer_for(kind)
    except KeyError as exc:
        raise Http404 from exc


def _cell(name: str) -> Callable[[Mapping[str, str]], str]:
    return lambda row: row.get(name, "")


def _job(user: Any, pk: int) -> ImportJob:
    """A job of the user's own (any job for a superuser); 404 otherwise."""
    jobs = ImportJob.objects.select_related("created_by")
    if not user.is_superuser:
        jobs = jobs.filter(created_by_id=user.pk)
    return get_object_or_404(jobs, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    """Upload a file; the import runs in the background and its page shows how it goes."""
    _require_manager(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with transaction.atomic():
            job = imports.import_job_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file=upload,
                original_name=upload.name or "",
            )
            transaction.on_commit(lambda: run_import.enqueue(job.pk))
        return redirect("organization:import_job", pk=job.pk)
    recent = ImportJob.objects.filter(created_by_id=request.user.pk).order_by("-created_at")[:10]
    context = {
        "form": form,
        "importers": [
            {"kind": i.kind, "label": i.label, "columns": i.columns} for i in imports.registered()
        ],
        "recent": [(job, imports.importer_label(job.kind)) for job in recent],
    }
    return render(request, "organization/import_start.html", context)


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    """An empty sheet for a kind of import: the header row and one example row."""
    _require_manager(request.user)
    importer = _importer(kind)
    if fmt not in FORMATS:
        raise Http404
    chinese = (translation.get_language() or "").startswith("zh")
    columns = [
        exports.Column(
            column.chinese_header if chinese else column.name,
            _cell(column.name),
            max(12, len(column.name) + 4),
        )
        for column in importer.columns
    ]
    stem = f"{kind}-template"
    if fmt == "csv":
        return exports.csv_response(stem, columns, [importer.example])
    return exports.xlsx_response(stem, str(importer.label), columns, [importer.example])


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's status and progress (polled by htmx until it ends), its counts or its errors."""
    job = _job(request.user, pk)
    context = {
        "job": job,
        "kind_label": imports.importer_label(job.kind),
        "errors": imports.job_error_rows(job) if job.is_finished else [],
    }
    return render_page_or_partial(request, "organization/import_job.html", "status", context)


@login_required
def import_errors(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The error report of a refused job, as .xlsx or CSV."""
    job = _job(request.user, pk)
    if fmt not in FORMATS:
        raise Http404
    rows = imports.job_error_rows(job)
    stem = f"import-{job.pk}-errors"
    if fmt == "csv":
        return exports.csv_response(stem, ERROR_COLUMNS, rows)
    return exports.xlsx_response(stem, _("Errors"), ERROR_COLUMNS, rows)
