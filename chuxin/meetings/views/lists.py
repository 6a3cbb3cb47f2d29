"""The lists of life meetings: the entry page, one's own meetings, a unit's (and its subtree's)
meetings through every stage, the office's overview of any subtree with the campaign's
settings, and the unit's meetings as a calendar file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chuxin.core import calendar as core_calendar
from chuxin.core.exports import Column, xlsx_response
from chuxin.core.pagination import paginate, query_without_page
from chuxin.core.scoping import Action, scope_for
from chuxin.organization import selectors as org_selectors

from .. import calendar_events, selectors, services
from ..forms import FilterForm
from ..models import LifeMeeting, MeetingStatus
from .common import attempt, mark_late

EXPORT_COLUMNS = [
    Column(gettext_lazy("Unit"), lambda m: m.unit.name, 24),
    Column(gettext_lazy("Kind"), lambda m: str(m.get_kind_display()), 24),
    Column(gettext_lazy("Theme"), lambda m: m.theme, 40),
    Column(gettext_lazy("Planned date"), lambda m: m.planned_on, 12),
    Column(gettext_lazy("Status"), lambda m: str(m.get_status_display()), 12),
    Column(gettext_lazy("Held on"), lambda m: m.held_on, 12),
    Column(gettext_lazy("Report due"), lambda m: m.report_due_on, 12),
    Column(gettext_lazy("Report submitted"), lambda m: m.report_submitted_on, 12),
    Column(gettext_lazy("Late"), lambda m: _("yes") if m.is_late_today else "", 8),
]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Those who oversee units go to their unit's meetings; members to their own meetings."""
    scope = scope_for(request.user)
    overseer = scope.everything or any(g.role != "member" for g in scope.grants)
    tops = list(org_selectors.unit_top_units(request.user)[:1])
    if overseer and tops:
        return redirect("meetings:unit", pk=tops[0].pk)
    return redirect("meetings:mine")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The meetings the user takes part in or guides, soonest first."""
    user = request.user
    qs = (
        LifeMeeting.objects.filter(Q(participants__member__user=user) | Q(guides__user=user))
        .exclude(status=MeetingStatus.ARCHIVED)
        .select_related("unit")
        .distinct()
        .order_by("-planned_on", "-pk")
    )
    return render(request, "meetings/mine.html", {"meetings": list(mark_late(qs[:100]))})


@login_required
def unit_meetings(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A unit's (and its subtree's) meetings through every stage, filtered; .xlsx export."""
    unit = org_selectors.unit_get(request.user, pk)
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    f = selectors.MeetingFilters(
        unit=unit,
        status=data.get("status", ""),
        kind=data.get("kind", ""),
        late=bool(data.get("late")),
        q=data.get("q", ""),
    )
    qs = selectors.meetings_filtered(request.user, f).order_by("-planned_on", "unit__path", "pk")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "life-meetings", str(_("Life meetings")), EXPORT_COLUMNS, mark_late(qs.iterator())
        )
    total, _children = selectors.overview(request.user, unit)
    page = paginate(request, qs, per_page=50)
    page.object_list = list(mark_late(page.object_list))
    return render(
        request,
        "meetings/unit_meetings.html",
        {
            "unit": unit,
            "page": page,
            "form": form,
            "total": total,
            "statuses": MeetingStatus.choices,
            "current_status": data.get("status", ""),
            "breadcrumbs": org_selectors.unit_breadcrumbs(request.user, unit),
            "can_manage": scope_for(request.user).allows(unit, Action.MANAGE),
            "page_query": query_without_page(request),
            "tab": "list",
        },
    )


OVERVIEW_COLUMNS = [
    Column(gettext_lazy("Unit"), lambda line: line.unit.name, 28),
    Column(gettext_lazy("Planned"), lambda line: line.planned, 10),
    Column(gettext_lazy("Preparing"), lambda line: line.preparing, 10),
    Column(gettext_lazy("Ready"), lambda line: line.ready, 10),
    Column(gettext_lazy("Held"), lambda line: line.held, 10),
    Column(gettext_lazy("Reported"), lambda line: line.reported, 10),
    Column(gettext_lazy("Reported late"), lambda line: line.reported_late, 12),
]


@login_required
def overview(request: HttpRequest, pk: int) -> HttpResponseBase:
    """For any subtree: meetings planned, preparing, ready, held, reported (maintained
    counters), each sub-unit's figures, and the meetings whose report is late."""
    unit = org_selectors.unit_get(request.user, pk)
    total, children = selectors.overview(request.user, unit)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "life-meetings-overview", str(_("Life meetings")), OVERVIEW_COLUMNS, [total, *children]
        )
    late = list(mark_late(selectors.late_meetings(request.user, unit)[:100]))
    scope = scope_for(request.user)
    campaigns = [
        services.settings_of(c)
        for c in org_selectors.campaigns_visible(request.user).filter(root_unit=unit)
        if scope.allows(c.root_unit, Action.MANAGE)
    ]
    return render(
        request,
        "meetings/overview.html",
        {
            "unit": unit,
            "total": total,
            "children": children,
            "late": late,
            "campaigns": campaigns,
            "breadcrumbs": org_selectors.unit_breadcrumbs(request.user, unit),
            "tab": "overview",
        },
    )


@login_required
@require_POST
def settings(request: HttpRequest, pk: int) -> HttpResponse:
    """The office sets, per campaign, within how many days of holding a report is due."""
    campaign = org_selectors.campaign_get(request.user, pk)
    back = request.POST.get("next", "")
    if not back.startswith("/meetings/"):
        back = "/meetings/"
    try:
        days = int(request.POST.get("report_due_days", ""))
    except ValueError:
        messages.error(request, _("Enter a number of days from 1 to 365."))
        return redirect(back)
    try:
        remind = int(request.POST.get("remind_days_before", "").strip() or -1)
    except ValueError:
        remind = -1
    return attempt(
        request,
        lambda: services.settings_set(
            actor=request.user,
            campaign=campaign,
            report_due_days=days,
            remind_days_before=remind if "remind_days_before" in request.POST else None,
        ),
        _("Saved."),
        back,
    )


@login_required
def unit_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's (and subtree's) life meetings as an iCalendar file."""
    unit = org_selectors.unit_get(request.user, pk)
    events = calendar_events.unit_events(request.user, unit)
    body = core_calendar.to_ics(
        events, name=f"{unit.name} · {_('Life meetings')}", base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meetings-{unit.pk}.ics"'
    return response
