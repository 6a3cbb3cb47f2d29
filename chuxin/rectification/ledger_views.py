"""The ledger page: the problem, task and responsibility lists with one set of filters, and
the whole ledger as .xlsx (one sheet per list) with the same filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import StyledFormMixin
from chuxin.core.pagination import paginate, query_without_page
from chuxin.organization import selectors as org_selectors
from chuxin.organization.models import Batch
from chuxin.problems.models import ProblemCategory, ProblemSource

from . import ledger, selectors
from .models import TaskStatus, TaskType

LISTS = {
    "problems": _("Problem list"),
    "tasks": _("Task list"),
    "responsibility": _("Responsibility list"),
}


class LedgerFilterForm(StyledFormMixin, forms.Form):
    batch = forms.ModelChoiceField(
        label=_("Batch"), required=False, queryset=Batch.objects.none(), empty_label=_("all")
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("all sources")), *ProblemSource.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("all categories")), *ProblemCategory.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *TaskStatus.choices]
    )
    task_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("all types")), *TaskType.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        batch_field = self.fields["batch"]
        assert isinstance(batch_field, forms.ModelChoiceField)
        batch_field.queryset = Batch.objects.filter(
            campaign__in=org_selectors.campaigns_visible(user)
        ).order_by("campaign_id", "number")


def ledger_filters(
    user: Any, data: Any, unit: Any
) -> tuple[LedgerFilterForm, ledger.LedgerFilters]:
    """The ledger's filters from a query string: one code path for the page and the API."""
    form = LedgerFilterForm(data or None, user=user)
    clean = form.cleaned_data if form.is_valid() else {}
    filters = ledger.LedgerFilters(
        unit=unit,
        batch=clean["batch"].pk if clean.get("batch") else None,
        source=clean.get("source", ""),
        category=clean.get("category", ""),
        status=clean.get("status", ""),
        task_type=clean.get("task_type", ""),
        overdue=bool(clean.get("overdue")),
    )
    return form, filters


@login_required
def ledger_page(request: HttpRequest) -> HttpResponseBase:
    """One of the three lists (``?list=``), or the whole ledger with ``?format=xlsx``."""
    unit = org_selectors.unit_from_query(request.user, request.GET)
    form, filters = ledger_filters(request.user, request.GET, unit)
    if request.GET.get("format") == "xlsx":
        return ledger.ledger_response(request.user, filters, ledger.ledger_stem(unit))
    which = request.GET.get("list", "problems")
    if which not in LISTS:
        which = "problems"
    if which == "problems":
        qs: Any = ledger.with_ledger_prefetch(ledger.ledger_problems(request.user, filters))
    elif which == "tasks":
        qs = ledger.ledger_tasks(request.user, filters).prefetch_related("problems")
    else:
        qs = ledger.responsibility_rows(request.user, filters)
    if which == "tasks":
        total = selectors.counted_total(request.user, filters.task_filters())
        page = selectors.paginate_tasks(request.GET.get("page"), qs, total)
    else:
        page = paginate(request, qs, per_page=50)
    start = page.start_index()
    columns: tuple[ledger.LedgerColumn, ...]
    if which == "problems":
        rows = [ledger.problem_cells(start + i, p) for i, p in enumerate(page.object_list)]
        columns = ledger.PROBLEM_COLUMNS
    elif which == "tasks":
        rows = [ledger.task_cells(start + i, t) for i, t in enumerate(page.object_list)]
        columns = ledger.TASK_COLUMNS
    else:
        rows = [ledger.responsibility_cells(start + i, r) for i, r in enumerate(page.object_list)]
        columns = ledger.RESPONSIBILITY_COLUMNS
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("list", None)
    return render(
        request,
        "rectification/ledger.html",
        {
            "form": form,
            "unit": unit,
            "which": which,
            "lists": LISTS.items(),
            "headers": [c.header() for c in columns],
            "keys": [c.key for c in columns],
            "rows": [[row.get(c.key, "") for c in columns] for row in rows],
            "page": page,
            "page_query": query_without_page(request),
            "filter_query": params.urlencode(),
        },
    )
