"""Pages of study & education: items, coverage with drill-down, sessions, the member's own
page, the "no dead ends" report."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from chuxin.core.exports import Column, xlsx_response
from chuxin.core.forms import add_validation_errors
from chuxin.core.pagination import paginate, query_without_page
from chuxin.core.scoping import Action, scope_for
from chuxin.organization import selectors as org_selectors
from chuxin.organization.models import CadreLevel, Member, MemberStatus

from . import selectors, services
from .forms import DeadEndForm, RecordForm, SessionForm, StudyItemForm
from .models import StudyRecord

# --- Helpers ---------------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _unit(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Any:
    return org_selectors.unit_get(request.user, pk, action=action)


# --- Home ------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Members go to their own page; those who oversee units to the coverage of their unit."""
    scope = scope_for(request.user)
    tops = list(org_selectors.unit_top_units(request.user)[:1])
    own = selectors.member_for_user(request.user)
    overseer = scope.everything or any(g.role != "member" for g in scope.grants)
    if own is not None and not overseer:
        return redirect("study:me")
    if tops:
        return redirect("study:coverage", pk=tops[0].pk)
    if own is not None:
        return redirect("study:me")
    return redirect("study:item_list")


# --- Items -----------------------------------------------------------------------------------


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    qs = selectors.items_visible(request.user, archived=archived).order_by(
        "campaign_id", "applies_from", "pk"
    )
    if archived:
        qs = qs.filter(archived_at__isnull=False)
    page = paginate(request, qs, per_page=50)
    return render(
        request,
        "study/item_list.html",
        {
            "page": page,
            "archived": archived,
            "can_define": selectors.may_define_items(request.user),
            "levels": CadreLevel.choices,
            "page_query": query_without_page(request),
        },
    )


def _campaigns_managed(user: Any) -> Any:
    scope = scope_for(user)
    campaigns = org_selectors.campaigns_visible(user)
    if scope.everything:
        return campaigns
    ids = [c.pk for c in campaigns if scope.allows(c.root_unit, Action.MANAGE)]
    return campaigns.filter(pk__in=ids)


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest) -> HttpResponse:
    campaigns = _campaigns_managed(request.user)
    if not campaigns.exists():
        if org_selectors.campaigns_visible(request.user).exists():
            raise PermissionDenied
        raise Http404
    form = StudyItemForm(request.POST or None, request.FILES or None, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        campaign = data.pop("campaign")
        material = data.pop("material")
        try:
            item = services.study_item_create(
                actor=request.user, campaign=campaign, material=material, **data
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Study item “%(t)s” added.") % {"t": item.title})
            return redirect("study:item_list")
    return render(request, "study/item_form.html", {"form": form, "item": None})


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(request.user, pk, action=Action.MANAGE)
    campaigns = _campaigns_managed(request.user)
    form = StudyItemForm(
        request.POST or None,
        request.FILES or None,
        campaigns=campaigns,
        initial=StudyItemForm.initial_for(item),
    )
    form.fields["campaign"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("campaign")
        material = data.pop("material")
        try:
            services.study_item_update(actor=request.user, item=item, material=material, **data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("study:item_list")
    return render(request, "study/item_form.html", {"form": form, "item": item})


@login_required
def item_material(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An item's material file, to those who may see the item (uploads are not served
    publicly)."""
    item = selectors.item_get(request.user, pk)
    if not item.material:
        raise Http404
    name = (item.material.name or "material").rsplit("/", 1)[-1]
    return FileResponse(item.material.open("rb"), filename=name)


@login_required
@require_POST
def item_archive(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(request.user, pk, action=Action.MANAGE)
    services.study_item_archive(actor=request.user, item=item)
    messages.success(request, _("Study item “%(t)s” archived.") % {"t": item.title})
    return redirect("study:item_list")


# --- Coverage --------------------------------------------------------------------------------

UNCOVERED_COLUMNS = [
    Column(gettext_lazy("Member number"), lambda o: o.member.member_number),
    Column(gettext_lazy("Name"), lambda o: o.member.name),
    Column(gettext_lazy("Unit"), lambda o: o.progress.unit.name, 30),
    Column(gettext_lazy("Items done"), lambda o: o.progress.done_items, 10),
    Column(gettext_lazy("Items required"), lambda o: o.progress.required_items, 10),
    Column(gettext_lazy("Still owes"), lambda o: "; ".join(i.title for i in o.owed), 50),
    Column(gettext_lazy("Make-up owed"), lambda o: "; ".join(i.title for i in o.makeup), 40),
]


def _owing_stream(qs: Any) -> Any:
    batch: list[Any] = []
    for row in qs.iterator(chunk_size=2000):
        batch.append(row)
        if len(batch) >= 2000:
            yield from selectors.owing(batch)
            batch = []
    yield from selectors.owing(batch)


@login_required
def coverage(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A unit's coverage: figures, per-item completion, sub-units worst first, and the named
    members not covered with what each still owes."""
    unit = _unit(request, pk)
    item_filter = _int(request.GET.get("item"))
    uncovered = selectors.uncovered_members(request.user, unit, item=item_filter)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"uncovered-{unit.code}", _("Not covered"), UNCOVERED_COLUMNS, _owing_stream(uncovered)
        )
    members_page = paginate(request, uncovered, per_page=25)
    members_page.object_list = selectors.owing(members_page.object_list)
    context = {
        "unit": unit,
        "figures": selectors.coverage_for_unit(request.user, unit),
        "item_filter": item_filter,
        "members_page": members_page,
        "page_query": query_without_page(request),
    }
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        return render(request, "study/coverage.html#uncovered", context)
    subunits = Paginator(selectors.sub_units_worst_first(request.user, unit), 50).get_page(
        request.GET.get("spage")
    )
    context |= {
        "breadcrumbs": org_selectors.unit_breadcrumbs(request.user, unit),
        "subunits": subunits,
        "sub_coverage": selectors.coverage_of_units(subunits.object_list),
        "can_manage": scope_for(request.user).allows(unit, Action.MANAGE),
    }
    return render(request, "study/coverage.html", context)


# --- Sessions --------------------------------------------------------------------------------


@login_required
def session_list(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    page = paginate(request, selectors.sessions_of_unit(request.user, unit), per_page=50)
    return render(
        request,
        "study/session_list.html",
        {
            "unit": unit,
            "page": page,
            "can_manage": scope_for(request.user).allows(unit, Action.MANAGE),
            "page_query": query_without_page(request),
        },
    )


def _roster(unit: Any) -> list[Member]:
    return list(
        Member.objects.filter(unit=unit, status=MemberStatus.ACTIVE).order_by("name", "pk")[:2000]
    )


def _absent_by_quick_entry(roster: list[Member], text: str) -> set[int]:
    """Members named in "all present except ...": names or member numbers, any separator."""
    words = set(re.split(r"[\s,;\u3001\uff0c\uff1b]+", text)) - {""}
    return {m.pk for m in roster if m.name in words or m.member_number in words}


@login_required
def session_roster(request: HttpRequest, pk: int) -> HttpResponse:
    """The roster rows, all present except those named (htmx quick entry)."""
    unit = _unit(request, pk, Action.MANAGE)
    roster = _roster(unit)
    absent = _absent_by_quick_entry(roster, request.GET.get("except", ""))
    rows = [(m, m.pk not in absent, "") for m in roster]
    return render(request, "study/session_form.html#roster", {"rows": rows, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a session: roster checkboxes (checked = present), a reason for each absentee."""
    unit = _unit(request, pk, Action.MANAGE)
    roster = _roster(unit)
    form = SessionForm(request.POST or None, items=selectors.items_for_unit(unit))
    rows = [(m, True, "") for m in roster]
    if request.method == "POST":
        present = {_int(v) for v in request.POST.getlist("present")} - {None}
        reasons = {m.pk: request.POST.get(f"reason_{m.pk}", "").strip() for m in roster}
        rows = [(m, m.pk in present, reasons[m.pk]) for m in roster]
        if form.is_valid():
            absent = {m.pk: reasons[m.pk] for m in roster if m.pk not in present}
            try:
                services.study_session_record(
                    actor=request.user,
                    unit=unit,
                    present=[p for p in present if p is not None],
                    absent=absent,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Session recorded: %(p)d present, %(a)d absent (they owe make-up study).")
                    % {"p": len(present), "a": len(absent)},
                )
                return redirect("study:coverage", pk=unit.pk)
    return render(request, "study/session_form.html", {"form": form, "unit": unit, "rows": rows})


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(request.user, pk)
    attendance = session.attendance.select_related("member").order_by("present", "member__name")
    return render(
        request,
        "study/session_detail.html",
        {
            "session": session,
            "attendance": attendance,
            "can_manage": scope_for(request.user).allows(session.unit, Action.MANAGE),
        },
    )


@login_required
@require_POST
def session_archive(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(request.user, pk, action=Action.MANAGE)
    services.study_session_archive(actor=request.user, session=session)
    messages.success(request, _("Session archived; its records no longer count."))
    return redirect("study:session_list", pk=session.unit_id)


# --- A member's study ------------------------------------------------------------------------


@login_required
def me(request: HttpRequest) -> HttpResponse:
    member = selectors.member_for_user(request.user)
    if member is None:
        return render(request, "study/not_a_member.html")
    return _member_page(request, member, own=True)


@login_required
@require_http_methods(["GET", "POST"])
def member_study(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(request.user, pk)
    own = selectors.member_for_user(request.user)
    return _member_page(request, member, own=own is not None and own.pk == member.pk)


def _member_page(request: HttpRequest, member: Member, *, own: bool) -> HttpResponse:
    can_manage = scope_for(request.user).allows(member.unit, Action.MANAGE)
    study = selectors.member_study(member)
    required = [m.item.pk for m in study["items"] if not m.done]
    makeup = [m.item.pk for m in study["items"] if m.makeup]
    all_required = [m.item.pk for m in study["items"]]
    from .models import StudyItem

    checkin_form = RecordForm(
        request.POST if request.POST.get("kind") == "checkin" else None,
        items=StudyItem.objects.filter(pk__in=all_required or required),
        prefix="checkin",
    )
    makeup_form = RecordForm(
        request.POST if request.POST.get("kind") == "makeup" else None,
        items=StudyItem.objects.filter(pk__in=makeup),
        prefix="makeup",
    )
    if request.method == "POST" and (own or can_manage):
        kind = request.POST.get("kind")
        form = checkin_form if kind == "checkin" else makeup_form
        service = services.study_checkin if kind == "checkin" else services.study_makeup_record
        if form.is_valid():
            try:
                service(actor=request.user, member=member, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Recorded."))
                target = reverse("study:me") if own else reverse("study:member", args=[member.pk])
                return redirect(target)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "study/member_study.html",
        {
            "member": member,
            "own": own,
            "can_manage": can_manage,
            "can_record": own or can_manage,
            "checkin_form": checkin_form,
            "makeup_form": makeup_form,
            **study,
        },
    )


@login_required
@require_POST
def record_archive(request: HttpRequest, pk: int) -> HttpResponse:
    record = StudyRecord.objects.select_related("member__unit").filter(pk=pk).first()
    if record is None or not scope_for(request.user).allows(record.member.unit):
        raise Http404
    services.study_record_archive(actor=request.user, record=record)
    messages.success(request, _("Record archived; it no longer counts."))
    return redirect("study:member", pk=record.member_id)


# --- No dead ends ----------------------------------------------------------------------------

DEAD_END_COLUMNS = [
    Column(gettext_lazy("Unit code"), lambda d: d.unit.code),
    Column(gettext_lazy("Unit"), lambda d: d.unit.name, 30),
    Column(gettext_lazy("Members"), lambda d: d.members, 10),
    Column(gettext_lazy("Study required"), lambda d: d.required, 10),
    Column(gettext_lazy("Covered"), lambda d: d.covered, 10),
    Column(gettext_lazy("Coverage %"), lambda d: d.percent, 10),
    Column(gettext_lazy("Never recorded"), lambda d: d.never_recorded, 10),
    Column(gettext_lazy("Last session"), lambda d: d.last_session_on, 12),
    Column(gettext_lazy("Falls short because"), lambda d: "; ".join(map(str, d.reasons)), 50),
    Column(gettext_lazy("Responsible administrators"), lambda d: ", ".join(d.administrators), 30),
]


@login_required
def dead_ends(request: HttpRequest, pk: int) -> HttpResponseBase:
    unit = _unit(request, pk)
    form = DeadEndForm(request.GET or None)
    rules = selectors.DeadEndRules()
    if form.is_valid():
        rules = selectors.DeadEndRules(
            threshold=form.cleaned_data.get("threshold") or rules.threshold,
            days=form.cleaned_data.get("days") or rules.days,
        )
    qs = selectors.dead_ends(request.user, unit, rules)
    if request.GET.get("format") == "xlsx":

        def rows() -> Any:
            batch: list[Any] = []
            for row in qs.iterator(chunk_size=2000):
                batch.append(row)
                if len(batch) >= 2000:
                    yield from selectors.dead_end_rows(batch, rules)
                    batch = []
            yield from selectors.dead_end_rows(batch, rules)

        return xlsx_response(f"dead-ends-{unit.code}", _("No dead ends"), DEAD_END_COLUMNS, rows())
    page = paginate(request, qs, per_page=50)
    page.object_list = selectors.dead_end_rows(page.object_list, rules)
    return render(
        request,
        "study/dead_ends.html",
        {
            "unit": unit,
            "form": form,
            "rules": rules,
            "page": page,
            "breadcrumbs": org_selectors.unit_breadcrumbs(request.user, unit),
            "page_query": query_without_page(request),
        },
    )
