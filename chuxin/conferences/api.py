"""Promotion conferences through the JSON API (/api/v1/conferences/...): conferences, their
participants, sub-venues, speeches, deployed work (each item becomes rectification tasks)
and the news release (generate, read, edit, publish, .docx)."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from chuxin.core.scoping import Action
from chuxin.organization import selectors as org_selectors
from chuxin.problems.models import ProblemCategory
from chuxin.rectification import specials

from . import selectors, services
from .models import (
    Conference,
    ConferenceFormat,
    ConferencePerson,
    DeployedItem,
    PersonRole,
    Release,
    Speech,
    SpeechKind,
    SubVenue,
)
from .release import release_docx

router = Router(tags=["conferences"])


# --- Schemas --------------------------------------------------------------------------------


class ConferenceOut(Schema):
    id: int
    campaign_id: int
    ordinal: int
    title: str
    title_en: str
    theme: str
    theme_en: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    organizer_id: int
    organizer_label: str
    organizer_label_en: str
    format: ConferenceFormat
    main_venue: str
    main_venue_en: str
    other_attendees: str
    other_attendees_en: str


class PersonOut(Schema):
    id: int
    role: PersonRole
    order: int
    name: str
    name_en: str
    position: str
    position_en: str
    member_id: int | None


class VenueOut(Schema):
    id: int
    unit_id: int
    unit: str
    label_en: str
    attendance: int
    chaired_by: str
    chaired_by_position: str
    chaired_by_en: str
    chaired_by_position_en: str

    @staticmethod
    def resolve_unit(obj: SubVenue) -> str:
        return obj.unit.name


class SpeechOut(Schema):
    id: int
    order: int
    kind: SpeechKind
    speaker_name: str
    speaker_name_en: str
    position: str
    position_en: str
    topic: str
    topic_en: str
    key_points: list[str]
    key_points_en: list[str]
    special_id: int | None
    member_id: int | None


class AssignmentOut(Schema):
    unit_id: int
    unit: str
    problem_id: int
    task_id: int
    task_code: str
    status: str
    progress: int
    is_overdue: bool


class DeployedOut(Schema):
    id: int
    order: int
    title: str
    description: str
    time_limit: dt.date
    status: str = Field(description="done, overdue, in_progress, not_started")
    progress: int = Field(description="mean progress of its tasks, percent")
    tasks: int
    closed: int
    overdue: int
    assignments: list[AssignmentOut]


class ConferenceDetailOut(ConferenceOut):
    persons: list[PersonOut]
    venues: list[VenueOut]
    speeches: list[SpeechOut]
    deployed_items: list[DeployedOut]


class ConferenceIn(Schema):
    campaign_id: int
    organizer_id: int
    ordinal: int = Field(ge=1, le=999)
    title: str = Field(min_length=1, max_length=200)
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    format: ConferenceFormat = ConferenceFormat.ON_SITE
    main_venue: str = Field("", max_length=200)
    title_en: str = Field("", max_length=200)
    theme: str = Field("", max_length=300)
    theme_en: str = Field("", max_length=300)
    organizer_label: str = Field("", max_length=100)
    organizer_label_en: str = Field("", max_length=100)
    main_venue_en: str = Field("", max_length=200)
    other_attendees: str = Field("", max_length=300)
    other_attendees_en: str = Field("", max_length=300)


class ConferencePatch(Schema):
    ordinal: int | None = Field(None, ge=1, le=999)
    title: str | None = Field(None, min_length=1, max_length=200)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    format: ConferenceFormat | None = None
    main_venue: str | None = Field(None, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    theme: str | None = Field(None, max_length=300)
    theme_en: str | None = Field(None, max_length=300)
    organizer_label: str | None = Field(None, max_length=100)
    organizer_label_en: str | None = Field(None, max_length=100)
    main_venue_en: str | None = Field(None, max_length=200)
    other_attendees: str | None = Field(None, max_length=300)
    other_attendees_en: str | None = Field(None, max_length=300)


class ConferenceFilterIn(Schema):
    campaign: int | None = None
    unit: int | None = Field(
        None, description="conferences organized by this unit or a unit of its subtree"
    )
    venue_unit: int | None = Field(
        None, description="conferences with a sub-venue in this unit or a unit of its subtree"
    )


class PersonIn(Schema):
    role: PersonRole
    name: str = Field("", max_length=100, description="may be left blank with a member_id")
    position: str = Field("", max_length=300, description="the full position at the time")
    name_en: str = Field("", max_length=100)
    position_en: str = Field("", max_length=300)
    member_id: int | None = None
    order: int | None = Field(None, ge=0, le=999)


class VenueIn(Schema):
    unit_id: int
    attendance: int = Field(0, ge=0)
    chaired_by: str = Field("", max_length=100)
    chaired_by_position: str = Field("", max_length=300)
    chaired_by_en: str = Field("", max_length=100)
    chaired_by_position_en: str = Field("", max_length=300)
    label_en: str = Field("", max_length=200)


class VenuePatch(Schema):
    attendance: int | None = Field(None, ge=0)
    chaired_by: str | None = Field(None, max_length=100)
    chaired_by_position: str | None = Field(None, max_length=300)
    chaired_by_en: str | None = Field(None, max_length=100)
    chaired_by_position_en: str | None = Field(None, max_length=300)
    label_en: str | None = Field(None, max_length=200)


class SpeechIn(Schema):
    kind: SpeechKind
    speaker_name: str = Field("", max_length=100)
    position: str = Field("", max_length=300)
    topic: str = Field("", max_length=300)
    key_points: list[str] = Field(default_factory=list)
    speaker_name_en: str = Field("", max_length=100)
    position_en: str = Field("", max_length=300)
    topic_en: str = Field("", max_length=300)
    key_points_en: list[str] = Field(default_factory=list)
    special_id: int | None = Field(None, description="for a leading unit's report")
    member_id: int | None = None
    order: int | None = Field(None, ge=0, le=999)


class SpeechPatch(Schema):
    kind: SpeechKind | None = None
    speaker_name: str | None = Field(None, max_length=100)
    position: str | None = Field(None, max_length=300)
    topic: str | None = Field(None, max_length=300)
    key_points: list[str] | None = None
    speaker_name_en: str | None = Field(None, max_length=100)
    position_en: str | None = Field(None, max_length=300)
    topic_en: str | None = Field(None, max_length=300)
    key_points_en: list[str] | None = None
    special_id: int | None = None
    order: int | None = Field(None, ge=0, le=999)


class DeployedIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    unit_ids: list[int] = Field(min_length=1)
    time_limit: dt.date
    category: ProblemCategory = ProblemCategory.OTHER


class ReleaseOut(Schema):
    conference_id: int
    headline_zh: str
    body_zh: str
    headline_en: str
    body_en: str
    generated_at: dt.datetime
    edited_at: dt.datetime | None
    published_at: dt.datetime | None
    published_by: str | None
    is_published: bool

    @staticmethod
    def resolve_published_by(obj: Release) -> str | None:
        return obj.published_by.get_username() if obj.published_by else None


class ReleaseIn(Schema):
    headline_zh: str = Field(min_length=1, max_length=300)
    body_zh: str = Field(min_length=1)
    headline_en: str = Field(min_length=1, max_length=300)
    body_en: str = Field(min_length=1)


# --- Helpers --------------------------------------------------------------------------------


def _item_out(line: selectors.ItemProgress) -> dict[str, Any]:
    item: DeployedItem = line.item
    return {
        "id": item.pk,
        "order": item.order,
        "title": item.title,
        "description": item.description,
        "time_limit": item.time_limit,
        "status": line.status,
        "progress": line.progress,
        "tasks": line.tasks,
        "closed": line.closed,
        "overdue": line.overdue,
        "assignments": [
            {
                "unit_id": a.unit_id,
                "unit": a.unit.name,
                "problem_id": a.problem_id,
                "task_id": a.task_id,
                "task_code": a.task.code,
                "status": a.task.status,
                "progress": a.task.progress,
                "is_overdue": a.task.is_overdue,
            }
            for a in line.assignments
        ],
    }


def _detail(request: HttpRequest, pk: int) -> Conference:
    conference = selectors.conference_detail(request.user, pk)
    conference.deployed_items_out = [  # type: ignore[attr-defined]
        _item_out(line) for line in selectors.deployed_progress(request.user, conference)
    ]
    return conference


class _Detail(ConferenceDetailOut):
    @staticmethod
    def resolve_persons(obj: Conference) -> Any:
        return obj.persons.all()

    @staticmethod
    def resolve_venues(obj: Conference) -> Any:
        return obj.venues.all()

    @staticmethod
    def resolve_speeches(obj: Conference) -> Any:
        return obj.speeches.all()

    @staticmethod
    def resolve_deployed_items(obj: Conference) -> Any:
        return obj.deployed_items_out  # type: ignore[attr-defined]


def _member(request: HttpRequest, pk: int | None) -> Any:
    return None if pk is None else org_selectors.member_get(request.user, pk)


def _special(request: HttpRequest, pk: int | None) -> Any:
    return None if pk is None else specials.special_get(request.user, pk)


def _release(request: HttpRequest, conference_id: int, action: Action = Action.VIEW) -> Release:
    from django.http import Http404

    conference = selectors.conference_get(request.user, conference_id, action=action)
    release = selectors.release_of(conference)
    if release is None:
        raise Http404
    return release


# --- Conferences ----------------------------------------------------------------------------


@router.get("", response=list[ConferenceOut])
@paginate(LimitOffsetPagination)
def conferences_list(request: HttpRequest, filters: Query[ConferenceFilterIn]) -> Any:
    """Conferences in sight; a unit outside the user's scope is a 404, as elsewhere."""
    user = request.user

    def unit(pk: int | None) -> Any:
        return None if pk is None else org_selectors.unit_get(user, pk)

    qs = selectors.conferences_filtered(
        user, unit=unit(filters.unit), venue_unit=unit(filters.venue_unit)
    )
    if filters.campaign is not None:
        qs = qs.filter(campaign_id=filters.campaign)
    return qs.order_by("campaign_id", "ordinal", "pk")


@router.post("", response={201: _Detail})
def conferences_create(request: HttpRequest, payload: ConferenceIn) -> Status[Conference]:
    campaign = org_selectors.campaign_get(request.user, payload.campaign_id)
    organizer = org_selectors.unit_get(request.user, payload.organizer_id)
    data = payload.dict(exclude={"campaign_id", "organizer_id"})
    conference = services.conference_create(
        actor=request.user, campaign=campaign, organizer=organizer, **data
    )
    return Status(201, _detail(request, conference.pk))


@router.get("/{conference_id}", response=_Detail)
def conferences_detail(request: HttpRequest, conference_id: int) -> Conference:
    """A conference with its participants, sub-venues, speeches and deployed work."""
    return _detail(request, conference_id)


@router.patch("/{conference_id}", response=_Detail)
def conferences_update(
    request: HttpRequest, conference_id: int, payload: ConferencePatch
) -> Conference:
    conference = selectors.conference_get(request.user, conference_id, action=Action.MANAGE)
    services.conference_update(
        actor=request.user, conference=conference, **payload.dict(exclude_unset=True)
    )
    return _detail(request, conference_id)


@router.post("/{conference_id}/archive", response={204: None})
def conferences_archive(request: HttpRequest, conference_id: int) -> Status[None]:
    conference = selectors.conference_get(request.user, conference_id, action=Action.MANAGE)
    services.conference_archive(actor=request.user, conference=conference)
    return Status(204, None)


# --- Participants, sub-venues, speeches -----------------------------------------------------


@router.get("/{conference_id}/persons", response=list[PersonOut])
def persons_list(request: HttpRequest, conference_id: int) -> Any:
    conference = selectors.conference_get(request.user, conference_id)
    return list(conference.persons.live().order_by("role", "order", "pk"))


@router.post("/{conference_id}/persons", response={201: PersonOut})
def persons_create(
    request: HttpRequest, conference_id: int, payload: PersonIn
) -> Status[ConferencePerson]:
    conference = selectors.conference_get(request.user, conference_id, action=Action.MANAGE)
    data = payload.dict(exclude={"member_id"})
    person = services.person_add(
        actor=request.user,
        conference=conference,
        member=_member(request, payload.member_id),
        **data,
    )
    return Status(201, person)


@router.delete("/persons/{person_id}", response={204: None})
def persons_delete(request: HttpRequest, person_id: int) -> Status[None]:
    services.person_remove(actor=request.user, person=selectors.person_get(request.user, person_id))
    return Status(204, None)


@router.get("/{conference_id}/venues", response=list[VenueOut])
def venues_list(request: HttpRequest, conference_id: int) -> Any:
    conference = selectors.conference_get(request.user, conference_id)
    return list(conference.venues.live().select_related("unit"))


@router.post("/{conference_id}/venues", response={201: VenueOut})
def venues_create(request: HttpRequest, conference_id: int, payload: VenueIn) -> Status[SubVenue]:
    conference = selectors.conference_get(request.user, conference_id, action=Action.MANAGE)
    unit = org_selectors.unit_get(request.user, payload.unit_id)
    venue = services.venue_add(
        actor=request.user,
        conference=conference,
        unit=unit,
        **payload.dict(exclude={"unit_id"}),
    )
    return Status(201, venue)


@router.patch("/venues/{venue_id}", response=VenueOut)
def venues_update(request: HttpRequest, venue_id: int, payload: VenuePatch) -> SubVenue:
    venue = selectors.venue_get(request.user, venue_id)
    return services.venue_update(
        actor=request.user, venue=venue, **payload.dict(exclude_unset=True)
    )


@router.delete("/venues/{venue_id}", response={204: None})
def venues_delete(request: HttpRequest, venue_id: int) -> Status[None]:
    services.venue_remove(actor=request.user, venue=selectors.venue_get(request.user, venue_id))
    return Status(204, None)


@router.get("/{conference_id}/speeches", response=list[SpeechOut])
def speeches_list(request: HttpRequest, conference_id: int) -> Any:
    conference = selectors.conference_get(request.user, conference_id)
    return list(conference.speeches.live().order_by("order", "pk"))


@router.post("/{conference_id}/speeches", response={201: SpeechOut})
def speeches_create(request: HttpRequest, conference_id: int, payload: SpeechIn) -> Status[Speech]:
    conference = selectors.conference_get(request.user, conference_id, action=Action.MANAGE)
    speech = services.speech_add(
        actor=request.user,
        conference=conference,
        special=_special(request, payload.special_id),
        member=_member(request, payload.member_id),
        **payload.dict(exclude={"special_id", "member_id"}),
    )
    return Status(201, speech)


@router.patch("/speeches/{speech_id}", response=SpeechOut)
def speeches_update(request: HttpRequest, speech_id: int, payload: SpeechPatch) -> Speech:
    speech = selectors.speech_get(request.user, speech_id)
    changes = payload.dict(exclude_unset=True)
    if "special_id" in changes:
        changes["special"] = _special(request, changes.pop("special_id"))
    return services.speech_update(actor=request.user, speech=speech, **changes)


@router.delete("/speeches/{speech_id}", response={204: None})
def speeches_delete(request: HttpRequest, speech_id: int) -> Status[None]:
    services.speech_remove(actor=request.user, speech=selectors.speech_get(request.user, speech_id))
    return Status(204, None)


# --- Deployed work --------------------------------------------------------------------------


@router.get("/{conference_id}/deployed", response=list[DeployedOut])
def deployed_list(request: HttpRequest, conference_id: int) -> Any:
    """The deployed items with the status and progress of their tasks."""
    conference = selectors.conference_get(request.user, conference_id)
    return [_item_out(line) for line in selectors.deployed_progress(request.user, conference)]


@router.post("/{conference_id}/deployed", response={201: DeployedOut})
def deployed_create(
    request: HttpRequest, conference_id: int, payload: DeployedIn
) -> Status[dict[str, Any]]:
    """Deploy work: a problem (source: conference deployment) and a rectification task for
    every unit named."""
    conference = selectors.conference_get(request.user, conference_id, action=Action.MANAGE)
    units = [org_selectors.unit_get(request.user, pk) for pk in payload.unit_ids]
    item = services.deployed_item_create(
        actor=request.user,
        conference=conference,
        title=payload.title,
        description=payload.description,
        units=units,
        time_limit=payload.time_limit,
        category=payload.category,
    )
    line = next(
        x for x in selectors.deployed_progress(request.user, conference) if x.item.pk == item.pk
    )
    return Status(201, _item_out(line))


# --- The release ----------------------------------------------------------------------------


@router.get("/{conference_id}/release", response=ReleaseOut)
def release_get(request: HttpRequest, conference_id: int) -> Release:
    return _release(request, conference_id)


@router.post("/{conference_id}/release/generate", response=ReleaseOut)
def release_generate(request: HttpRequest, conference_id: int) -> Release:
    """Write the drafts in Chinese and English from the record (not once published)."""
    conference = selectors.conference_get(request.user, conference_id, action=Action.MANAGE)
    return services.release_generate(actor=request.user, conference=conference)


@router.put("/{conference_id}/release", response=ReleaseOut)
def release_update(request: HttpRequest, conference_id: int, payload: ReleaseIn) -> Release:
    release = _release(request, conference_id, Action.MANAGE)
    return services.release_update(actor=request.user, release=release, **payload.dict())


@router.post("/{conference_id}/release/publish", response=ReleaseOut)
def release_publish(request: HttpRequest, conference_id: int) -> Release:
    release = _release(request, conference_id, Action.MANAGE)
    return services.release_publish(actor=request.user, release=release)


@router.get("/{conference_id}/release/docx", response={200: None})
def release_download(
    request: HttpRequest, conference_id: int, lang: Literal["zh", "en"] = "zh"
) -> HttpResponse:
    """The release as a Word document."""
    release = _release(request, conference_id)
    response = HttpResponse(
        release_docx(release, lang),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="release-{conference_id}-{lang}.docx"'
    return response
