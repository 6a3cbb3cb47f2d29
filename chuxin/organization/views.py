"""Pages of the organization: the unit tree, unit pages, members, campaigns."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chuxin.core.exports import Column, csv_response, xlsx_response
from chuxin.core.forms import add_validation_errors
from chuxin.core.htmx import render_page_or_partial
from chuxin.core.pagination import paginate, query_without_page
from chuxin.core.scoping import Action, scope_for

from . import selectors, services
from .forms import MemberFilterForm, MemberForm, UnitFilterForm, UnitForm
from .models import Member

UNIT_COLUMNS = [
    Column(gettext_lazy("Code"), lambda u: u.code),
    Column(gettext_lazy("Name"), lambda u: u.name, 30),
    Column(gettext_lazy("Parent code"), lambda u: u.parent.code if u.parent else ""),
    Column(gettext_lazy("Kind"), lambda u: u.get_kind_display()),
    Column(gettext_lazy("Order"), lambda u: u.order, 8),
    Column(gettext_lazy("Members"), lambda u: u.rollup.members, 10),
    Column(gettext_lazy("Members in subtree"), lambda u: u.rollup.subtree_members, 12),
    Column(gettext_lazy("Sub-units"), lambda u: u.numchild, 10),
]

MEMBER_COLUMNS = [
    Column(gettext_lazy("Member number"), lambda m: m.member_number),
    Column(gettext_lazy("Name"), lambda m: m.name),
    Column(gettext_lazy("Unit code"), lambda m: m.unit.code),
    Column(gettext_lazy("Unit"), lambda m: m.unit.name, 30),
    Column(gettext_lazy("Gender"), lambda m: m.get_gender_display(), 8),
    Column(gettext_lazy("Cadre level"), lambda m: m.get_cadre_level_display()),
    Column(gettext_lazy("Position"), lambda m: m.position, 24),
    Column(gettext_lazy("Leading cadre"), lambda m: _("yes") if m.is_leading_cadre else _("no"), 8),
    Column(gettext_lazy("Status"), lambda m: m.get_status_display(), 10),
]

EXPORT_FORMATS = {"xlsx", "csv"}


def _export(
    request: HttpRequest, stem: str, title: str, columns: list[Column], qs: Any
) -> HttpResponseBase:
    rows = qs.iterator(chunk_size=2000)
    if request.GET.get("format") == "csv":
        return csv_response(stem, columns, rows)
    return xlsx_response(stem, title, columns, rows)


# --- The unit tree --------------------------------------------------------------------------


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    """Where the user's part of the tree starts; children load on demand."""
    tops = list(selectors.unit_top_units(request.user))
    return render(request, "organization/unit_tree.html", {"units": tops})


@login_required
def unit_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The sub-units of one unit, as rows of the tree (htmx) or as a page."""
    unit = selectors.unit_get(request.user, pk)
    children = selectors.unit_children(request.user, unit)[:500]
    return render_page_or_partial(
        request,
        "organization/unit_children.html",
        "rows",
        {"unit": unit, "children": children},
    )


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get(request.user, pk)
    children_page = paginate(request, selectors.unit_children(request.user, unit), per_page=50)
    members = selectors.members_search(request.user, under=unit, direct_only=True)[:20]
    context = {
        "unit": unit,
        "figures": selectors.figures_of(unit),
        "breadcrumbs": selectors.unit_breadcrumbs(request.user, unit),
        "children_page": children_page,
        "members": members,
        "roles": selectors.unit_roles(request.user, unit),
        "can_manage": scope_for(request.user).allows(unit, Action.MANAGE),
        "page_query": query_without_page(request),
    }
    return render(request, "organization/unit_detail.html", context)


@login_required
def unit_list(request: HttpRequest) -> HttpResponseBase:
    """Units in scope, searchable and exportable (the filters apply to the export)."""
    form = UnitFilterForm(request.GET or None)
    under = selectors.unit_from_query(request.user, request.GET, "under")
    q = kind = ""
    if form.is_valid():
        q, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    qs = selectors.units_search(request.user, under=under, q=q, kind=kind)
    if request.GET.get("format") in EXPORT_FORMATS:
        return _export(request, "units", _("Units"), UNIT_COLUMNS, qs)
    page = paginate(request, qs, per_page=50)
    return render(
        request,
        "organization/unit_list.html",
        {"form": form, "page": page, "under": under, "page_query": query_without_page(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a sub-unit."""
    parent = selectors.unit_get(request.user, pk, action=Action.MANAGE)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, parent=parent, **_unit_fields(form))
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Unit %(name)s added.") % {"name": unit.name})
            return redirect("organization:unit_detail", pk=unit.pk)
    return render(
        request, "organization/unit_form.html", {"form": form, "parent": parent, "unit": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get(request.user, pk, action=Action.MANAGE)
    initial = {"code": unit.code, "name": unit.name, "kind": unit.kind, "order": unit.order}
    form = UnitForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            fields = _unit_fields(form)
            services.unit_update(
                actor=request.user,
                unit=unit,
                name=fields["name"],
                kind=fields["kind"],
                order=fields["order"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("organization:unit_detail", pk=unit.pk)
    return render(
        request, "organization/unit_form.html", {"form": form, "parent": unit.parent, "unit": unit}
    )


def _unit_fields(form: UnitForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "code": data["code"],
        "name": data["name"],
        "kind": data["kind"],
        "order": data.get("order") or 0,
    }


# --- Members --------------------------------------------------------------------------------


@login_required
def member_list(request: HttpRequest) -> HttpResponseBase:
    """Members in scope with search, filters and pages; exportable with the same filters."""
    form = MemberFilterForm(request.GET or None)
    under = selectors.unit_from_query(request.user, request.GET, "unit")
    filters: dict[str, Any] = {"status": "active"}
    if form.is_valid():
        filters = {
            "q": form.cleaned_data["q"],
            "cadre_level": form.cleaned_data["cadre_level"],
            "gender": form.cleaned_data["gender"],
            "leading": form.leading_value(),
            "status": form.status_value(),
        }
    qs = selectors.members_search(
        request.user, under=under, direct_only=request.GET.get("direct") == "1", **filters
    )
    if request.GET.get("format") in EXPORT_FORMATS:
        return _export(request, "members", _("Members"), MEMBER_COLUMNS, qs)
    page = paginate(request, qs, per_page=50)
    return render_page_or_partial(
        request,
        "organization/member_list.html",
        "results",
        {"form": form, "page": page, "under": under, "page_query": query_without_page(request)},
    )


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(request.user, pk)
    history = member.history.select_related("history_user").order_by("-history_date")[:20]
    can_manage = scope_for(request.user).allows(member.unit, Action.MANAGE)
    return render(
        request,
        "organization/member_detail.html",
        {"member": member, "history": history, "can_manage": can_manage},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get(request.user, pk, action=Action.MANAGE)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        number = data.pop("member_number")
        try:
            member = services.member_create(
                actor=request.user, unit=unit, member_number=number, **data
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Member %(name)s added.") % {"name": member.name})
            return redirect("organization:member_detail", pk=member.pk)
    return render(
        request, "organization/member_form.html", {"form": form, "unit": unit, "member": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member: Member = selectors.member_get(request.user, pk, action=Action.MANAGE)
    initial = {
        f: getattr(member, f)
        for f in ("member_number", "name", "gender", "cadre_level", "position", "is_leading_cadre")
    }
    form = MemberForm(request.POST or None, initial=initial)
    form.fields["member_number"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("member_number")
        try:
            services.member_update(actor=request.user, member=member, **data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("organization:member_detail", pk=member.pk)
    return render(
        request,
        "organization/member_form.html",
        {"form": form, "unit": member.unit, "member": member},
    )


# --- Campaigns ------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(selectors.campaigns_visible(request.user))
    if len(campaigns) == 1:
        return redirect("organization:campaign_detail", pk=campaigns[0].pk)
    return render(request, "organization/campaign_list.html", {"campaigns": campaigns})


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.user, pk)
    context = {
        "campaign": campaign,
        "batches": selectors.campaign_batches(campaign),
        "leading_group": campaign.leading_group.select_related("member", "member__unit"),
        "links": selectors.campaign_links(request.user, campaign)[:200],
    }
    return render(request, "organization/campaign_detail.html", context)
