"""Pages of promotion conferences: the list of a campaign's conferences (with .xlsx and .ics),
the conference page (participants, sub-venues, agenda, deployed work with its progress, each
with its inline form for those who manage the organizer), create and edit, and the release:
editor with a preview in both languages, generate, publish, .docx and the print view."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from chuxin.core.exports import Column, xlsx_response
from chuxin.core.forms import run_action, run_form
from chuxin.core.scoping import Action, scope_for
from chuxin.organization import selectors as org_selectors
from chuxin.organization.models import Campaign, Member, Unit
from chuxin.rectification.models import SpecialRectification

from . import selectors, services
from .calendar_events import campaign_ics, live_venues
from .forms import (
    ConferenceForm,
    DeployedItemForm,
    PersonForm,
    ReleaseForm,
    SpeechForm,
    VenueForm,
)
from .models import Conference, ConferenceFormat, Release
from .release import release_docx

# --- Helpers ---------------------------------------------------------------------------------


def units_by_codes(user: Any, raw: str, field: str) -> list[Unit]:
    """Units in the user's sight named by code (one per line or comma-separated)."""
    codes = [c.strip() for c in raw.replace("\uff0c", ",").replace(",", "\n").splitlines()]
    codes = [c for c in codes if c]
    found = {u.code: u for u in org_selectors.units_visible(user).filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({field: _("Unknown unit codes: %(c)s") % {"c": ", ".join(missing)}})
    return [found[c] for c in codes]


def unit_by_code(user: Any, raw: str, field: str) -> Unit:
    """The one unit in the user's sight named by code."""
    units = units_by_codes(user, raw, field)
    if len(units) != 1:
        raise ValidationError({field: _("Give one unit code.")})
    return units[0]


def member_by_number(user: Any, number: str, field: str) -> Member | None:
    number = (number or "").strip()
    if not number:
        return None
    member = org_selectors.members_visible(user).filter(member_number=number).first()
    if member is None:
        raise ValidationError({field: _("No member numbered %(n)s in your scope.") % {"n": number}})
    return member


def _managed_campaigns(user: Any) -> Any:
    """Campaigns reaching into a unit the user manages (where they may hold a conference)."""
    scope = scope_for(user)
    campaigns = list(org_selectors.campaigns_visible(user))
    keep = [
        c.pk
        for c in campaigns
        if scope.everything
        or any(g.manage and g.path.startswith(c.root_unit.path) for g in scope.grants)
        or scope.allows(c.root_unit, Action.MANAGE)
    ]
    return Campaign.objects.filter(pk__in=keep).select_related("root_unit")


def _campaign_from_query(request: HttpRequest) -> Campaign | None:
    raw = request.GET.get("campaign", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return org_selectors.campaign_get(request.user, int(raw))


CONFERENCE_COLUMNS = [
    Column(gettext_lazy("Campaign"), lambda c: c.campaign.title, 30),
    Column(gettext_lazy("Ordinal"), lambda c: c.ordinal, 8),
    Column(gettext_lazy("Title"), lambda c: c.title, 36),
    Column(
        gettext_lazy("Starts"),
        lambda c: timezone.localtime(c.starts_at).strftime("%Y-%m-%d %H:%M"),
        18,
    ),
    Column(gettext_lazy("Organizer"), lambda c: c.organizer.name, 24),
    Column(gettext_lazy("Format"), lambda c: c.get_format_display(), 14),
    Column(gettext_lazy("Main venue"), lambda c: c.main_venue, 24),
    Column(gettext_lazy("Sub-venues"), lambda c: c.venue_count, 10),
    Column(gettext_lazy("Attendance at sub-venues"), lambda c: c.venue_attendance or 0, 12),
    Column(gettext_lazy("Deployed items"), lambda c: c.item_count, 10),
]

DEPLOYED_COLUMNS = [
    Column(gettext_lazy("Conference"), lambda a: a.item.conference.title, 30),
    Column(gettext_lazy("Work deployed"), lambda a: a.item.title, 36),
    Column(gettext_lazy("Unit"), lambda a: a.unit.name, 24),
    Column(gettext_lazy("Time limit"), lambda a: a.item.time_limit, 12),
    Column(gettext_lazy("Task number"), lambda a: a.task.code, 18),
    Column(gettext_lazy("Status"), lambda a: a.task.get_status_display(), 18),
    Column(gettext_lazy("Progress (%)"), lambda a: a.task.progress, 10),
    Column(gettext_lazy("Overdue"), lambda a: _("yes") if a.task.is_overdue else "", 8),
]


# --- List, calendar, exports -----------------------------------------------------------------


@login_required
def conference_list(request: HttpRequest) -> HttpResponseBase:
    """The conferences in sight, of one campaign if asked, of a unit's subtree (``unit``:
    organized there; ``venue_unit``: with a sub-venue there; 404 for a unit out of sight, as
    other lists), soonest first; ?export=xlsx."""
    from django.db.models import Count, Q, Sum

    campaign = _campaign_from_query(request)
    unit = org_selectors.unit_from_query(request.user, request.GET)
    venue_unit = org_selectors.unit_from_query(request.user, request.GET, "venue_unit")
    qs = selectors.conferences_filtered(
        request.user, campaign=campaign, unit=unit, venue_unit=venue_unit
    )
    qs = qs.annotate(
        venue_count=Count("venues", filter=Q(venues__archived_at__isnull=True), distinct=True),
        item_count=Count("deployed_items", distinct=True),
    ).order_by("campaign_id", "ordinal", "pk")
    export = request.GET.get("export")
    if export == "xlsx":
        attendance = dict(
            selectors.SubVenue.objects.live()
            .filter(conference__in=qs.values("pk"))
            .values("conference_id")
            .annotate(n=Sum("attendance"))
            .values_list("conference_id", "n")
        )
        rows = list(qs[:5000])
        for c in rows:
            c.venue_attendance = attendance.get(c.pk, 0)  # type: ignore[attr-defined]
        return xlsx_response("conferences", str(_("Conferences")), CONFERENCE_COLUMNS, rows)
    if export == "deployed":
        return xlsx_response(
            "conference-deployed-work",
            str(_("Deployed work")),
            DEPLOYED_COLUMNS,
            selectors.deployed_rows(request.user, campaign, unit=unit, venue_unit=venue_unit)[
                :20000
            ],
        )
    query = {"campaign": campaign, "unit": unit, "venue_unit": venue_unit}
    return render(
        request,
        "conferences/list.html",
        {
            "conferences": list(qs[:300]),
            "campaign": campaign,
            "unit": unit,
            "venue_unit": venue_unit,
            "query": urlencode({k: v.pk for k, v in query.items() if v is not None}),
            "campaigns": selectors.campaigns_with_conferences(request.user),
            "can_create": _managed_campaigns(request.user).exists(),
        },
    )


@login_required
def campaign_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's conferences in sight as an .ics file."""
    campaign = org_selectors.campaign_get(request.user, pk)
    conferences = (
        selectors.conferences_visible(request.user)
        .filter(campaign=campaign)
        .prefetch_related(live_venues())
        .order_by("starts_at")
    )
    body = campaign_ics(
        conferences,
        name=f"{campaign.title} · {_('Promotion conferences')}",
        base_url=request.build_absolute_uri("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="conferences-{campaign.pk}.ics"'
    return response


# --- Create and edit -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def conference_create(request: HttpRequest) -> HttpResponse:
    campaigns = _managed_campaigns(request.user)
    if not campaigns.exists():
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    initial: dict[str, Any] = {"format": ConferenceFormat.TELECONFERENCE}
    first = campaigns.order_by("-start_date").first()
    if first is not None:
        initial["campaign"] = first
        initial["ordinal"] = first.conferences.filter(archived_at__isnull=True).count() + 1
    form = ConferenceForm(request.POST or None, campaigns=campaigns, initial=initial)

    def create(data: dict[str, Any]) -> Conference:
        organizer = unit_by_code(request.user, data.pop("organizer"), "organizer")
        return services.conference_create(actor=request.user, organizer=organizer, **data)

    if response := run_form(
        request,
        form,
        create,
        success=_("Conference recorded."),
        redirect_to=lambda conference: reverse("conferences:detail", args=[conference.pk]),
    ):
        return response
    return render(request, "conferences/form.html", {"form": form, "conference": None})


@login_required
@require_http_methods(["GET", "POST"])
def conference_edit(request: HttpRequest, pk: int) -> HttpResponse:
    conference = selectors.conference_get(request.user, pk, action=Action.MANAGE)
    fields = services.CONFERENCE_FIELDS
    initial = {f: getattr(conference, f) for f in fields}
    initial |= {"campaign": conference.campaign, "organizer": conference.organizer.code}
    for name in ("starts_at", "ends_at"):
        if initial[name] is not None:
            initial[name] = timezone.localtime(initial[name])
    form = ConferenceForm(
        request.POST or None,
        campaigns=Campaign.objects.filter(pk=conference.campaign_id),
        initial=initial,
    )
    form.fields["campaign"].disabled = True
    form.fields["organizer"].disabled = True
    if response := run_form(
        request,
        form,
        lambda data: services.conference_update(
            actor=request.user, conference=conference, **{f: data[f] for f in fields}
        ),
        success=_("Saved."),
        redirect_to=reverse("conferences:detail", args=[conference.pk]),
    ):
        return response
    return render(request, "conferences/form.html", {"form": form, "conference": conference})


@login_required
@require_POST
def conference_archive(request: HttpRequest, pk: int) -> HttpResponse:
    conference = selectors.conference_get(request.user, pk, action=Action.MANAGE)
    services.conference_archive(actor=request.user, conference=conference)
    messages.success(request, _("Conference archived."))
    return redirect("conferences:list")


# --- The conference page and its inline forms ------------------------------------------------


def _specials(conference: Conference) -> Any:
    return SpecialRectification.objects.filter(campaign=conference.campaign).select_related(
        "leading_unit"
    )


def _detail(
    request: HttpRequest, conference: Conference, forms: dict[str, Any] | None = None
) -> HttpResponse:
    conference = selectors.conference_detail(request.user, conference.pk)
    can_manage = selectors.may_manage(request.user, conference)
    forms = forms or {}
    persons = list(conference.persons.all())
    venues = list(conference.venues.all())
    context = {
        "conference": conference,
        "presiding": [p for p in persons if p.role == "presiding"],
        "attendees": [p for p in persons if p.role == "attendee"],
        "venues": venues,
        "attendance": sum(v.attendance for v in venues),
        "speeches": list(conference.speeches.all()),
        "items": selectors.deployed_progress(request.user, conference),
        "release": selectors.release_of(conference),
        "can_manage": can_manage,
        "has_venues": conference.format != ConferenceFormat.ON_SITE or "venue" in forms,
    }
    if can_manage:
        context |= {
            "person_form": forms.get("person") or PersonForm(prefix="person"),
            "venue_form": forms.get("venue") or VenueForm(prefix="venue"),
            "speech_form": forms.get("speech")
            or SpeechForm(prefix="speech", specials=_specials(conference)),
            "item_form": forms.get("item") or DeployedItemForm(prefix="item"),
        }
    status = 422 if forms else 200
    return render(request, "conferences/detail.html", context, status=status)


@login_required
def conference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.conference_get(request.user, pk))


@login_required
@require_POST
def person_add(request: HttpRequest, pk: int) -> HttpResponse:
    conference = selectors.conference_get(request.user, pk, action=Action.MANAGE)
    form = PersonForm(request.POST, prefix="person")

    def add(data: dict[str, Any]) -> None:
        member = member_by_number(request.user, data.pop("member_number"), "member_number")
        services.person_add(actor=request.user, conference=conference, member=member, **data)

    if response := run_form(
        request,
        form,
        add,
        success=_("Participant added."),
        redirect_to=reverse("conferences:detail", args=[pk]),
    ):
        return response
    return _detail(request, conference, {"person": form})


@login_required
@require_POST
def person_remove(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk)
    return run_action(
        request,
        lambda: services.person_remove(actor=request.user, person=person),
        success=_("Participant removed."),
        redirect_to=reverse("conferences:detail", args=[person.conference_id]),
    )


@login_required
@require_POST
def venue_add(request: HttpRequest, pk: int) -> HttpResponse:
    conference = selectors.conference_get(request.user, pk, action=Action.MANAGE)
    form = VenueForm(request.POST, prefix="venue")

    def add(data: dict[str, Any]) -> None:
        unit = unit_by_code(request.user, data.pop("unit_code"), "unit_code")
        services.venue_add(actor=request.user, conference=conference, unit=unit, **data)

    if response := run_form(
        request,
        form,
        add,
        success=_("Sub-venue added."),
        redirect_to=reverse("conferences:detail", args=[pk]),
        field_map={"unit": "unit_code"},
    ):
        return response
    return _detail(request, conference, {"venue": form})


@login_required
@require_POST
def venue_remove(request: HttpRequest, pk: int) -> HttpResponse:
    venue = selectors.venue_get(request.user, pk)
    return run_action(
        request,
        lambda: services.venue_remove(actor=request.user, venue=venue),
        success=_("Sub-venue removed."),
        redirect_to=reverse("conferences:detail", args=[venue.conference_id]),
    )


def _speech_values(data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    values["key_points"] = services.clean_points(values.get("key_points") or "")
    values["key_points_en"] = services.clean_points(values.get("key_points_en") or "")
    return values


@login_required
@require_POST
def speech_add(request: HttpRequest, pk: int) -> HttpResponse:
    conference = selectors.conference_get(request.user, pk, action=Action.MANAGE)
    form = SpeechForm(request.POST, prefix="speech", specials=_specials(conference))
    if response := run_form(
        request,
        form,
        lambda data: services.speech_add(
            actor=request.user, conference=conference, **_speech_values(data)
        ),
        success=_("Speech added."),
        redirect_to=reverse("conferences:detail", args=[pk]),
    ):
        return response
    return _detail(request, conference, {"speech": form})


@login_required
@require_http_methods(["GET", "POST"])
def speech_edit(request: HttpRequest, pk: int) -> HttpResponse:
    speech = selectors.speech_get(request.user, pk)
    conference = speech.conference
    initial = {f: getattr(speech, f) for f in services.SPEECH_FIELDS if f != "member"}
    initial["key_points"] = "\n".join(speech.key_points)
    initial["key_points_en"] = "\n".join(speech.key_points_en)
    form = SpeechForm(request.POST or None, initial=initial, specials=_specials(conference))
    if response := run_form(
        request,
        form,
        lambda data: services.speech_update(
            actor=request.user, speech=speech, **_speech_values(data)
        ),
        success=_("Saved."),
        redirect_to=reverse("conferences:detail", args=[conference.pk]),
    ):
        return response
    return render(
        request,
        "conferences/speech_form.html",
        {"form": form, "speech": speech, "conference": conference},
    )


@login_required
@require_POST
def speech_remove(request: HttpRequest, pk: int) -> HttpResponse:
    speech = selectors.speech_get(request.user, pk)
    return run_action(
        request,
        lambda: services.speech_remove(actor=request.user, speech=speech),
        success=_("Speech removed."),
        redirect_to=reverse("conferences:detail", args=[speech.conference_id]),
    )


@login_required
@require_POST
def deployed_add(request: HttpRequest, pk: int) -> HttpResponse:
    conference = selectors.conference_get(request.user, pk, action=Action.MANAGE)
    form = DeployedItemForm(request.POST, prefix="item")

    def deploy(data: dict[str, Any]) -> None:
        units = units_by_codes(request.user, data.pop("unit_codes"), "unit_codes")
        services.deployed_item_create(
            actor=request.user, conference=conference, units=units, **data
        )

    if response := run_form(
        request,
        form,
        deploy,
        success=_("Work deployed: a task for every unit."),
        redirect_to=reverse("conferences:detail", args=[pk]),
        field_map={"units": "unit_codes"},
    ):
        return response
    return _detail(request, conference, {"item": form})


# --- The release -----------------------------------------------------------------------------


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "zh")
    if lang not in ("zh", "en"):
        raise Http404
    return lang


def _release(request: HttpRequest, pk: int) -> tuple[Conference, Release]:
    conference = selectors.conference_get(request.user, pk)
    release = selectors.release_of(conference)
    if release is None:
        raise Http404
    return conference, release


@login_required
@require_http_methods(["GET", "POST"])
def release_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The drafts in both languages, side by side with their preview; save, publish."""
    conference = selectors.conference_get(request.user, pk)
    release = selectors.release_of(conference)
    can_manage = selectors.may_manage(request.user, conference)
    form = None
    status = 200
    if release is not None and can_manage and not release.is_published:
        initial = {
            f: getattr(release, f) for f in ("headline_zh", "body_zh", "headline_en", "body_en")
        }
        form = ReleaseForm(request.POST or None, initial=initial)
        if response := run_form(
            request,
            form,
            lambda data: services.release_update(actor=request.user, release=release, **data),
            success=_("Release saved."),
            redirect_to=reverse("conferences:release", args=[pk]),
        ):
            return response
        if request.method == "POST":
            status = 422
    elif request.method == "POST":
        from django.core.exceptions import PermissionDenied

        if not can_manage:
            raise PermissionDenied
        if release is None:
            raise Http404
        messages.error(request, _("The release is published and can no longer change."))
        return redirect("conferences:release", pk=pk)
    return render(
        request,
        "conferences/release.html",
        {
            "conference": conference,
            "release": release,
            "form": form,
            "can_manage": can_manage,
            "previews": [
                ("zh", release.headline_zh, release.paragraphs("zh")),
                ("en", release.headline_en, release.paragraphs("en")),
            ]
            if release
            else [],
        },
        status=status,
    )


@login_required
@require_POST
def release_generate(request: HttpRequest, pk: int) -> HttpResponse:
    conference = selectors.conference_get(request.user, pk, action=Action.MANAGE)
    return run_action(
        request,
        lambda: services.release_generate(actor=request.user, conference=conference),
        success=_("Release generated from the record in Chinese and English."),
        redirect_to=reverse("conferences:release", args=[pk]),
    )


@login_required
@require_POST
def release_publish(request: HttpRequest, pk: int) -> HttpResponse:
    conference = selectors.conference_get(request.user, pk, action=Action.MANAGE)
    release = selectors.release_of(conference)
    if release is None:
        raise Http404
    return run_action(
        request,
        lambda: services.release_publish(actor=request.user, release=release),
        success=_("Release published."),
        redirect_to=reverse("conferences:release", args=[pk]),
    )


@login_required
def release_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The release as .docx (?lang=zh|en)."""
    lang = _lang(request)
    conference, release = _release(request, pk)
    response = HttpResponse(
        release_docx(release, lang),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="conference-{conference.ordinal}-release-{lang}.docx"'
    )
    return response


@login_required
def release_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The release as a page made for printing (?lang=zh|en)."""
    lang = _lang(request)
    conference, release = _release(request, pk)
    return render(
        request,
        "conferences/release_print.html",
        {
            "conference": conference,
            "release": release,
            "lang": lang,
            "html_lang": "zh-Hans" if lang == "zh" else "en",
            "headline": release.headline(lang),
            "paragraphs": release.paragraphs(lang),
        },
    )
