"""Staff pages of the portal (logged in): the opinions in scope with filters and export, one
opinion with its triage (into a problem with the duplicate suggestion, merge, answer, close),
opinions entered from the hotline, letters and forums, and the satisfaction ratings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from chuxin.core.exports import Column, csv_response, xlsx_response
from chuxin.core.forms import add_validation_errors
from chuxin.core.pagination import paginate, query_without_page
from chuxin.core.scoping import Action, scope_for
from chuxin.organization import selectors as org_selectors
from chuxin.organization.models import Unit
from chuxin.problems import selectors as problem_selectors

from . import selectors, services
from .forms import (
    AnswerForm,
    CloseForm,
    MergeForm,
    OpinionFilterForm,
    StaffOpinionForm,
    ToProblemForm,
)
from .models import Opinion, SatisfactionRating

OPINION_COLUMNS = [
    Column(gettext_lazy("Tracking code"), lambda o: o.code, 14),
    Column(gettext_lazy("Received"), lambda o: timezone.localtime(o.created_at).date(), 12),
    Column(gettext_lazy("Unit"), lambda o: o.unit.name, 24),
    Column(gettext_lazy("Channel"), lambda o: o.get_channel_display(), 10),
    Column(gettext_lazy("Category"), lambda o: o.get_category_display(), 20),
    Column(gettext_lazy("Opinion"), lambda o: o.text, 60),
    Column(gettext_lazy("Status"), lambda o: o.get_status_display(), 16),
    Column(gettext_lazy("Problem"), lambda o: o.problem.code if o.problem else "", 16),
    Column(gettext_lazy("Public answer"), lambda o: o.public_answer, 40),
]
RATING_COLUMNS = [
    Column(gettext_lazy("Rated"), lambda r: timezone.localtime(r.created_at).date(), 12),
    Column(gettext_lazy("Problem"), lambda r: r.problem.code, 16),
    Column(gettext_lazy("Title"), lambda r: r.problem.title, 30),
    Column(gettext_lazy("Unit"), lambda r: r.problem.unit.name, 24),
    Column(gettext_lazy("Satisfaction"), lambda r: r.get_level_display(), 14),
    Column(gettext_lazy("Score"), lambda r: r.score, 8),
    Column(gettext_lazy("Source"), lambda r: r.get_source_display(), 14),
    Column(gettext_lazy("Comment"), lambda r: r.comment, 40),
]


def _require_staff(request: HttpRequest) -> None:
    if not selectors.may_triage_somewhere(request.user):
        raise PermissionDenied(_("Opinions of the public are for unit offices and guidance."))


def _export(request: HttpRequest, stem: str, title: str, columns: list[Column], qs: Any) -> Any:
    fmt = request.GET.get("export")
    if fmt == "csv":
        return csv_response(stem, columns, qs.iterator(chunk_size=2000))
    if fmt == "xlsx":
        return xlsx_response(stem, title, columns, qs.iterator(chunk_size=2000))
    return None


@login_required
def opinion_list(request: HttpRequest) -> HttpResponseBase:
    """The opinions in the user's scope (of a unit's subtree), filtered; export as .xlsx/.csv
    (never with contact details)."""
    _require_staff(request)
    unit = org_selectors.unit_from_query(request.user, request.GET)
    form = OpinionFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.opinions_filtered(
        request.user,
        unit=unit,
        q=data.get("q", ""),
        status=data.get("status"),
        channel=data.get("channel"),
        category=data.get("category"),
    )
    exported = _export(request, "opinions", str(_("Opinions")), OPINION_COLUMNS, qs)
    if exported is not None:
        return exported
    page = paginate(request, qs, per_page=50)
    scope = scope_for(request.user)
    return render(
        request,
        "portal/staff/opinion_list.html",
        {
            "page": page,
            "form": form,
            "unit": unit,
            "page_query": query_without_page(request),
            "may_enter": scope.everything or any(g.manage for g in scope.grants),
        },
    )


def _detail(request: HttpRequest, opinion: Opinion, status: int = 200, **forms: Any) -> Any:
    can_manage = scope_for(request.user).allows(opinion.unit, Action.MANAGE)
    triageable = can_manage and opinion.status in services.TRIAGEABLE
    initial = {"title": opinion.text[:60].splitlines()[0] if opinion.text else ""}
    if opinion.category:
        initial["category"] = opinion.category
    problem_form = forms.get("problem_form") or ToProblemForm(initial=initial)
    answer_form = forms.get("answer_form") or AnswerForm()
    close_form = forms.get("close_form") or CloseForm()
    context = {
        "opinion": opinion,
        "form_errors": [
            e for f in (problem_form, answer_form, close_form) for e in f.non_field_errors()
        ],
        "contact": selectors.contact_for(request.user, opinion),
        "can_manage": can_manage,
        "triageable": triageable,
        "suggestions": selectors.duplicate_suggestions(request.user, opinion) if triageable else [],
        "problem_form": problem_form,
        "answer_form": answer_form,
        "close_form": close_form,
        "merge_errors": forms.get("merge_errors") or [],
        "rating": SatisfactionRating.objects.filter(opinion=opinion).first(),
    }
    return render(request, "portal/staff/opinion_detail.html", context, status=status)


@login_required
def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.opinion_get(request.user, pk))


@login_required
@require_POST
def opinion_to_problem(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = selectors.opinion_get(request.user, pk, action=Action.MANAGE)
    form = ToProblemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            unit = None
            if data["unit_code"].strip():
                unit = (
                    org_selectors.units_visible(request.user, action=Action.MANAGE)
                    .filter(code=data["unit_code"].strip())
                    .first()
                )
                if unit is None:
                    raise ValidationError(
                        {"unit_code": _("No unit with this code that you manage.")}
                    )
            problem = services.opinion_to_problem(
                actor=request.user,
                opinion=opinion,
                title=data["title"],
                category=data["category"],
                public_point=data["public_point"],
                severity=data["severity"],
                is_public=data["is_public"],
                unit=unit,
                answer=data["answer"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Problem %(code)s recorded.") % {"code": problem.code})
            return redirect("portal:opinion_detail", pk=opinion.pk)
    return _detail(request, opinion, status=400, problem_form=form)


@login_required
@require_POST
def opinion_merge(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = selectors.opinion_get(request.user, pk, action=Action.MANAGE)
    form = MergeForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            problem = problem_selectors.problem_get(request.user, form.cleaned_data["problem"])
            merged = services.opinion_merge(
                actor=request.user,
                opinion=opinion,
                problem=problem,
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            code = merged.problem.code if merged.problem else ""
            messages.success(request, _("Joined to problem %(code)s.") % {"code": code})
            return redirect("portal:opinion_detail", pk=opinion.pk)
    else:
        errors = [_("Choose the problem to join.")]
    opinion.refresh_from_db()
    return _detail(request, opinion, status=400, merge_errors=errors)


@login_required
@require_POST
def opinion_answer(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = selectors.opinion_get(request.user, pk, action=Action.MANAGE)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.opinion_answer(
                actor=request.user, opinion=opinion, answer=form.cleaned_data["answer"]
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The answer is public now."))
            return redirect("portal:opinion_detail", pk=opinion.pk)
    return _detail(request, opinion, status=400, answer_form=form)


@login_required
@require_POST
def opinion_close(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = selectors.opinion_get(request.user, pk, action=Action.MANAGE)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.opinion_close(
                actor=request.user, opinion=opinion, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Closed."))
            return redirect("portal:opinion_detail", pk=opinion.pk)
    return _detail(request, opinion, status=400, close_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def opinion_enter(request: HttpRequest) -> HttpResponse:
    """An opinion taken from the hotline, a letter or a forum, for a unit the user manages."""
    scope = scope_for(request.user)
    if not (scope.everything or any(g.manage for g in scope.grants)):
        raise PermissionDenied(_("Only unit offices enter opinions."))
    form = StaffOpinionForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit: Unit | None = (
            org_selectors.units_visible(request.user, action=Action.MANAGE)
            .filter(code=data["unit_code"].strip())
            .first()
        )
        if unit is None:
            form.add_error("unit_code", _("No unit with this code that you manage."))
        else:
            try:
                created = services.opinion_submit(
                    actor=request.user,
                    unit=unit,
                    text=data["text"],
                    category=data["category"],
                    channel=data["channel"],
                    contact={
                        "name": data["contact_name"],
                        "phone": data["contact_phone"],
                        "email": data["contact_email"],
                    },
                )
            except ValidationError as exc:
                add_validation_errors(form, exc, {"unit": "unit_code"})
            else:
                messages.success(
                    request,
                    _("Opinion recorded. Tell the person their tracking code: %(code)s")
                    % {"code": created.code},
                )
                return redirect("portal:opinion_detail", pk=created.pk)
    return render(request, "portal/staff/opinion_form.html", {"form": form})


@login_required
def rating_list(request: HttpRequest) -> HttpResponseBase:
    """The satisfaction ratings of problems in scope, newest first; export as .xlsx/.csv."""
    _require_staff(request)
    unit = org_selectors.unit_from_query(request.user, request.GET)
    qs = selectors.ratings_visible(request.user, unit=unit)
    exported = _export(request, "ratings", str(_("Satisfaction")), RATING_COLUMNS, qs)
    if exported is not None:
        return exported
    return render(
        request,
        "portal/staff/rating_list.html",
        {
            "page": paginate(request, qs, per_page=50),
            "unit": unit,
            "page_query": query_without_page(request),
        },
    )
