"""Writes of promotion conferences: the conference, its participants, sub-venues and
speeches, the work it deploys (as problems and rectification tasks of the assigned units)
and its news release (generate, edit, publish).

Who may: whoever manages the organizer unit changes the conference and everything on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Campaign, Member, Unit
from chuxin.problems.models import ProblemCategory, ProblemSource
from chuxin.problems.services import problem_create
from chuxin.rectification.models import SpecialRectification, TaskType
from chuxin.rectification.services import task_create

from . import release as release_text
from .models import (
    Conference,
    ConferenceFormat,
    ConferencePerson,
    DeployedAssignment,
    DeployedItem,
    PersonRole,
    Release,
    SpeechKind,
    SubVenue,
)
from .models import Speech as SpeechModel


def _require_manage(actor: Any, conference: Conference) -> None:
    if not scope_for(actor).allows(conference.organizer, Action.MANAGE):
        raise PermissionDenied(_("You may not change this conference."))
    if conference.archived_at is not None:
        raise ValidationError({"__all__": _("The conference is archived.")})


def _text(
    errors: dict[str, Any], values: dict[str, Any], name: str, limit: int, required: bool = False
) -> None:
    value = values.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = _("Enter text.")
        return
    value = value.strip()
    values[name] = value
    if required and not value:
        errors[name] = _("This field is required.")
    elif len(value) > limit:
        errors[name] = _("At most %(n)d characters.") % {"n": limit}


def _archive(part: ConferencePerson | SubVenue | SpeechModel) -> None:
    """Take a participant, sub-venue or speech off the record: it stays, archived."""
    if part.archived_at is not None:
        raise ValidationError({"__all__": _("It has been removed already.")})
    part.archived_at = timezone.now()
    part.save(update_fields=["archived_at"])


def _next_order(live: QuerySet[Any]) -> int:
    """After the last live one (archived ones leave their places free)."""
    return int(live.aggregate(n=Max("order"))["n"] or 0) + 1


def clean_points(value: str | Sequence[str] | None) -> list[str]:
    """Key points from text (one per line) or a list; empty lines dropped, order kept."""
    lines = value.splitlines() if isinstance(value, str) else list(value or [])
    return [str(line).strip() for line in lines if str(line).strip()]


# --- Conferences -----------------------------------------------------------------------------

CONFERENCE_TEXT = {
    "title": 200,
    "title_en": 200,
    "theme": 300,
    "theme_en": 300,
    "organizer_label": 100,
    "organizer_label_en": 100,
    "main_venue": 200,
    "main_venue_en": 200,
    "other_attendees": 300,
    "other_attendees_en": 300,
}
CONFERENCE_FIELDS = (*CONFERENCE_TEXT, "ordinal", "starts_at", "ends_at", "format")


def _validate_conference(values: dict[str, Any], campaign: Campaign, pk: int) -> None:
    errors: dict[str, Any] = {}
    for name, limit in CONFERENCE_TEXT.items():
        _text(errors, values, name, limit, required=name == "title")
    ordinal = values.get("ordinal")
    if not isinstance(ordinal, int) or isinstance(ordinal, bool) or not 1 <= ordinal <= 999:
        errors["ordinal"] = _("The ordinal is a number from 1 to 999.")
    elif (
        Conference.objects.filter(campaign=campaign, ordinal=ordinal, archived_at__isnull=True)
        .exclude(pk=pk)
        .exists()
    ):
        errors["ordinal"] = _("The campaign already has a conference number %(n)d.") % {
            "n": ordinal
        }
    starts = values.get("starts_at")
    ends = values.get("ends_at")
    if not isinstance(starts, dt.datetime):
        errors["starts_at"] = _("Enter a valid date and time.")
    elif timezone.is_naive(starts):
        values["starts_at"] = timezone.make_aware(starts)
    if ends is not None:
        if not isinstance(ends, dt.datetime):
            errors["ends_at"] = _("Enter a valid date and time.")
        else:
            if timezone.is_naive(ends):
                ends = values["ends_at"] = timezone.make_aware(ends)
            if isinstance(values.get("starts_at"), dt.datetime) and ends <= values["starts_at"]:
                errors["ends_at"] = _("The end must come after the start.")
    if values.get("format") not in ConferenceFormat.values:
        errors["format"] = _("Choose one of the listed values.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def conference_create(
    *,
    actor: Any,
    campaign: Campaign,
    organizer: Unit,
    ordinal: int,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    format: str = ConferenceFormat.ON_SITE,
    main_venue: str = "",
    title_en: str = "",
    theme: str = "",
    theme_en: str = "",
    organizer_label: str = "",
    organizer_label_en: str = "",
    main_venue_en: str = "",
    other_attendees: str = "",
    other_attendees_en: str = "",
) -> Conference:
    """Record a conference organized by a unit the actor manages, within the campaign."""
    if not scope_for(actor).allows(organizer, Action.MANAGE):
        raise PermissionDenied(_("You may not change %(unit)s.") % {"unit": organizer.name})
    if not organizer.path.startswith(campaign.root_unit.path):
        raise ValidationError({"organizer": _("The organizer must be a unit of the campaign.")})
    values: dict[str, Any] = {
        "ordinal": ordinal,
        "title": title,
        "title_en": title_en,
        "theme": theme or campaign.theme,
        "theme_en": theme_en,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "format": format,
        "organizer_label": organizer_label,
        "organizer_label_en": organizer_label_en,
        "main_venue": main_venue,
        "main_venue_en": main_venue_en,
        "other_attendees": other_attendees,
        "other_attendees_en": other_attendees_en,
    }
    _validate_conference(values, campaign, 0)
    return Conference.objects.create(
        campaign=campaign,
        organizer=organizer,
        created_by=actor if getattr(actor, "pk", None) else None,
        **values,
    )


@transaction.atomic
def conference_update(*, actor: Any, conference: Conference, **changes: Any) -> Conference:
    """Change what the record says of the conference (not its campaign or organizer)."""
    _require_manage(actor, conference)
    unknown = set(changes) - set(CONFERENCE_FIELDS)
    if unknown:
        raise ValidationError({"__all__": _("Unknown fields: %(f)s") % {"f": sorted(unknown)}})
    values = {f: getattr(conference, f) for f in CONFERENCE_FIELDS} | changes
    _validate_conference(values, conference.campaign, conference.pk)
    if values["format"] == ConferenceFormat.ON_SITE and conference.venues.live().exists():
        raise ValidationError(
            {"format": _("Remove the sub-venues first: an on-site meeting has none.")}
        )
    for name, value in values.items():
        setattr(conference, name, value)
    conference.save()
    return conference


@transaction.atomic
def conference_archive(*, actor: Any, conference: Conference) -> Conference:
    """Archive the conference (it leaves the lists; the record and its tasks stay)."""
    _require_manage(actor, conference)
    conference.archived_at = timezone.now()
    conference.save(update_fields=["archived_at", "updated_at"])
    return conference


# --- Participants ----------------------------------------------------------------------------


@transaction.atomic
def person_add(
    *,
    actor: Any,
    conference: Conference,
    role: str,
    name: str = "",
    position: str = "",
    name_en: str = "",
    position_en: str = "",
    member: Member | None = None,
    user: Any = None,
    order: int | None = None,
) -> ConferencePerson:
    """Add the presiding person or an attendee with the position held that day. A linked
    member gives the name and position where they are left blank."""
    _require_manage(actor, conference)
    if member is not None:
        name = name or member.name
        position = position or member.position
        user = user or member.user
    values: dict[str, Any] = {
        "name": name,
        "position": position,
        "name_en": name_en,
        "position_en": position_en,
    }
    errors: dict[str, Any] = {}
    _text(errors, values, "name", 100, required=True)
    _text(errors, values, "name_en", 100)
    _text(errors, values, "position", 300)
    _text(errors, values, "position_en", 300)
    if role not in PersonRole.values:
        errors["role"] = _("Choose one of the listed values.")
    elif (
        role == PersonRole.PRESIDING
        and conference.persons.live().filter(role=PersonRole.PRESIDING).exists()
    ):
        errors["role"] = _("The conference already has a presiding person.")
    if order is not None and not 0 <= order <= 999:
        errors["order"] = _("The order is a number from 0 to 999.")
    if errors:
        raise ValidationError(errors)
    if order is None:
        order = _next_order(conference.persons.live().filter(role=role))
    return ConferencePerson.objects.create(
        conference=conference, role=role, order=order, member=member, user=user, **values
    )


@transaction.atomic
def person_remove(*, actor: Any, person: ConferencePerson) -> None:
    """Take a participant off the record: archived, not deleted (a removed presiding person
    can be replaced; the change stays in the history)."""
    _require_manage(actor, person.conference)
    _archive(person)


# --- Sub-venues ------------------------------------------------------------------------------


def _validate_venue(values: dict[str, Any]) -> None:
    errors: dict[str, Any] = {}
    _text(errors, values, "chaired_by", 100)
    _text(errors, values, "chaired_by_position", 300)
    _text(errors, values, "chaired_by_en", 100)
    _text(errors, values, "chaired_by_position_en", 300)
    _text(errors, values, "label_en", 200)
    attendance = values.get("attendance")
    if not isinstance(attendance, int) or isinstance(attendance, bool) or attendance < 0:
        errors["attendance"] = _("The attendance is a whole number, 0 or more.")
    elif attendance > 1_000_000:
        errors["attendance"] = _("The attendance is too large.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def venue_add(
    *,
    actor: Any,
    conference: Conference,
    unit: Unit,
    attendance: int = 0,
    chaired_by: str = "",
    chaired_by_position: str = "",
    label_en: str = "",
    chaired_by_en: str = "",
    chaired_by_position_en: str = "",
) -> SubVenue:
    """A sub-venue in a unit below the organizer (teleconferences and video conferences)."""
    _require_manage(actor, conference)
    if conference.format == ConferenceFormat.ON_SITE:
        raise ValidationError(
            {"unit": _("An on-site meeting has no sub-venues; change its format first.")}
        )
    organizer = conference.organizer
    if unit.pk == organizer.pk or not unit.path.startswith(organizer.path):
        raise ValidationError(
            {"unit": _("A sub-venue is in a unit below %(unit)s.") % {"unit": organizer.name}}
        )
    if conference.venues.live().filter(unit=unit).exists():
        raise ValidationError({"unit": _("%(unit)s has a sub-venue already.") % {"unit": unit}})
    values: dict[str, Any] = {
        "attendance": attendance,
        "chaired_by": chaired_by,
        "chaired_by_position": chaired_by_position,
        "label_en": label_en,
        "chaired_by_en": chaired_by_en,
        "chaired_by_position_en": chaired_by_position_en,
    }
    _validate_venue(values)
    return SubVenue.objects.create(conference=conference, unit=unit, **values)


@transaction.atomic
def venue_update(*, actor: Any, venue: SubVenue, **changes: Any) -> SubVenue:
    """Change a sub-venue's attendance, chair or English name."""
    _require_manage(actor, venue.conference)
    fields = (
        "attendance",
        "chaired_by",
        "chaired_by_position",
        "label_en",
        "chaired_by_en",
        "chaired_by_position_en",
    )
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValidationError({"__all__": _("Unknown fields: %(f)s") % {"f": sorted(unknown)}})
    values = {f: getattr(venue, f) for f in fields} | changes
    _validate_venue(values)
    for name, value in values.items():
        setattr(venue, name, value)
    venue.save()
    return venue


@transaction.atomic
def venue_remove(*, actor: Any, venue: SubVenue) -> None:
    """Take a sub-venue off the record: archived, not deleted (its unit may have a sub-venue
    again; the change stays in the history)."""
    _require_manage(actor, venue.conference)
    _archive(venue)


# --- Speeches --------------------------------------------------------------------------------

SPEECH_TEXT = {
    "speaker_name": 100,
    "speaker_name_en": 100,
    "position": 300,
    "position_en": 300,
    "topic": 300,
    "topic_en": 300,
}
SPEECH_FIELDS = (*SPEECH_TEXT, "kind", "order", "key_points", "key_points_en", "special", "member")


def _validate_speech(values: dict[str, Any], conference: Conference) -> None:
    errors: dict[str, Any] = {}
    for name, limit in SPEECH_TEXT.items():
        _text(errors, values, name, limit)
    kind = values.get("kind")
    special = values.get("special")
    if kind not in SpeechKind.values:
        errors["kind"] = _("Choose one of the listed values.")
    elif kind == SpeechKind.SPECIAL_REPORT:
        if special is None:
            errors["special"] = _("Choose the special rectification whose leading unit reports.")
        elif special.campaign_id != conference.campaign_id:
            errors["special"] = _("Choose a special rectification of this campaign.")
        else:
            values["position"] = values["position"] or special.leading_unit.name
            values["topic"] = values["topic"] or special.name
    else:
        if special is not None:
            errors["special"] = _("Only a leading unit's report links a special rectification.")
        if not values.get("speaker_name"):
            errors["speaker_name"] = _("This field is required.")
    if kind == SpeechKind.DEPLOYMENT and not values.get("topic"):
        errors["topic"] = _("Say what work was deployed.")
    for name in ("key_points", "key_points_en"):
        raw = values.get(name)
        if isinstance(raw, str):
            raw = clean_points(raw)
        if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
            errors[name] = _("Key points are a list of lines.")
            continue
        points = clean_points(raw)
        if len(points) > 30:
            errors[name] = _("At most %(n)d key points.") % {"n": 30}
        elif any(len(p) > 2000 for p in points):
            errors[name] = _("A key point has at most %(n)d characters.") % {"n": 2000}
        values[name] = points
    if kind == SpeechKind.MAIN and not errors.get("key_points") and not values["key_points"]:
        errors["key_points"] = _("A main speech needs its key points.")
    order = values.get("order")
    if order is not None and (not isinstance(order, int) or not 0 <= order <= 999):
        errors["order"] = _("The order is a number from 0 to 999.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def speech_add(
    *,
    actor: Any,
    conference: Conference,
    kind: str,
    speaker_name: str = "",
    position: str = "",
    topic: str = "",
    key_points: str | Sequence[str] = (),
    speaker_name_en: str = "",
    position_en: str = "",
    topic_en: str = "",
    key_points_en: str | Sequence[str] = (),
    special: SpecialRectification | None = None,
    member: Member | None = None,
    order: int | None = None,
) -> SpeechModel:
    """Add a speech to the agenda (at the end unless an order is given). A report of a
    special rectification's leading unit names the programme; the leading unit stands for
    the speaker when no name is given."""
    _require_manage(actor, conference)
    if member is not None:
        speaker_name = speaker_name or member.name
        position = position or member.position
    values: dict[str, Any] = {
        "kind": kind,
        "speaker_name": speaker_name,
        "speaker_name_en": speaker_name_en,
        "position": position,
        "position_en": position_en,
        "topic": topic,
        "topic_en": topic_en,
        "key_points": list(key_points) if not isinstance(key_points, str) else key_points,
        "key_points_en": list(key_points_en)
        if not isinstance(key_points_en, str)
        else key_points_en,
        "special": special,
        "order": order,
    }
    _validate_speech(values, conference)
    if values["order"] is None:
        values["order"] = _next_order(conference.speeches.live())
    return SpeechModel.objects.create(conference=conference, member=member, **values)


@transaction.atomic
def speech_update(*, actor: Any, speech: SpeechModel, **changes: Any) -> SpeechModel:
    """Change a speech of the agenda."""
    _require_manage(actor, speech.conference)
    unknown = set(changes) - set(SPEECH_FIELDS)
    if unknown:
        raise ValidationError({"__all__": _("Unknown fields: %(f)s") % {"f": sorted(unknown)}})
    if changes.get("order", 0) is None:
        del changes["order"]  # keeps its place on the agenda
    values = {f: getattr(speech, f) for f in SPEECH_FIELDS} | changes
    _validate_speech(values, speech.conference)
    for name, value in values.items():
        setattr(speech, name, value)
    speech.save()
    return speech


@transaction.atomic
def speech_remove(*, actor: Any, speech: SpeechModel) -> None:
    """Take a speech off the agenda: archived, not deleted (the change stays in the
    history)."""
    _require_manage(actor, speech.conference)
    _archive(speech)


# --- Deployed work ---------------------------------------------------------------------------


@transaction.atomic
def deployed_item_create(
    *,
    actor: Any,
    conference: Conference,
    title: str,
    units: Iterable[Unit],
    time_limit: dt.date | None,
    description: str = "",
    category: str = ProblemCategory.OTHER,
) -> DeployedItem:
    """A decision of the conference as tracked work: for every assigned unit a problem
    (source: conference deployment) and a time-limited rectification task, so the
    reminders, overdue marking, escalation and verification of rectification apply."""
    _require_manage(actor, conference)
    units = list(units)
    values: dict[str, Any] = {"title": title, "description": description}
    errors: dict[str, Any] = {}
    _text(errors, values, "title", 200, required=True)
    _text(errors, values, "description", 5000)
    if not units:
        errors["units"] = _("Assign the work to at least one unit.")
    elif len({u.pk for u in units}) != len(units):
        errors["units"] = _("A unit is named twice.")
    else:
        outside = [u.name for u in units if not u.path.startswith(conference.organizer.path)]
        if outside:
            errors["units"] = _("Not units of the organizer: %(u)s") % {"u": ", ".join(outside)}
    if not isinstance(time_limit, dt.date) or isinstance(time_limit, dt.datetime):
        errors["time_limit"] = _("Enter a valid date.")
    elif time_limit < timezone.localtime(conference.starts_at).date():
        errors["time_limit"] = _("The time limit cannot be before the conference.")
    if category not in ProblemCategory.values:
        errors["category"] = _("Choose one of the listed values.")
    if errors:
        raise ValidationError(errors)
    assert time_limit is not None
    item = DeployedItem.objects.create(
        conference=conference,
        order=conference.deployed_items.count() + 1,
        title=values["title"],
        description=values["description"],
        time_limit=time_limit,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    reported = min(timezone.localdate(), timezone.localtime(conference.starts_at).date())
    note = _("Deployed at %(conference)s") % {"conference": conference.title}
    for unit in units:
        problem = problem_create(
            actor=actor,
            campaign=conference.campaign,
            unit=unit,
            title=values["title"],
            description=values["description"] or note,
            source=ProblemSource.CONFERENCE,
            category=category,
            reported_on=reported,
        )
        task = task_create(
            actor=actor,
            campaign=conference.campaign,
            responsible_unit=unit,
            title=values["title"],
            problems=[problem],
            direction=values["description"],
            task_type=TaskType.TIME_LIMITED,
            time_limit=time_limit,
            note=note,
        )
        DeployedAssignment.objects.create(item=item, unit=unit, problem=problem, task=task)
    return item


# --- The news release ------------------------------------------------------------------------


def _require_draft(release: Release) -> None:
    if release.is_published:
        raise ValidationError({"__all__": _("The release is published and can no longer change.")})


@transaction.atomic
def release_generate(*, actor: Any, conference: Conference) -> Release:
    """Write (or rewrite) the draft release in Chinese and English from the record. A
    published release stays as it was published."""
    _require_manage(actor, conference)
    texts = {lang: release_text.render_release(conference, lang) for lang in ("zh", "en")}
    values = {
        "headline_zh": texts["zh"][0][:300],
        "body_zh": texts["zh"][1],
        "headline_en": texts["en"][0][:300],
        "body_en": texts["en"][1],
        "generated_at": timezone.now(),
        "edited_at": None,
        "edited_by": None,
    }
    release = Release.objects.select_for_update().filter(conference=conference).first()
    if release is None:
        return Release.objects.create(conference=conference, **values)
    _require_draft(release)
    for name, value in values.items():
        setattr(release, name, value)
    release.save()
    return release


@transaction.atomic
def release_update(
    *,
    actor: Any,
    release: Release,
    headline_zh: str,
    body_zh: str,
    headline_en: str,
    body_en: str,
) -> Release:
    """Save the edited drafts of both languages."""
    _require_manage(actor, release.conference)
    _require_draft(release)
    values: dict[str, Any] = {
        "headline_zh": headline_zh,
        "body_zh": body_zh,
        "headline_en": headline_en,
        "body_en": body_en,
    }
    errors: dict[str, Any] = {}
    for name in values:
        _text(errors, values, name, 300 if name.startswith("headline") else 50_000, True)
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(release, name, value.replace("\r\n", "\n"))
    release.edited_at = timezone.now()
    release.edited_by = actor
    release.save()
    return release


@transaction.atomic
def release_publish(*, actor: Any, release: Release) -> Release:
    """Publish the release: its text is frozen, with who published it and when."""
    _require_manage(actor, release.conference)
    release = Release.objects.select_for_update().get(pk=release.pk)
    _require_draft(release)
    release.published_at = timezone.now()
    release.published_by = actor
    release.save(update_fields=["published_at", "published_by", "updated_at"])
    return release
