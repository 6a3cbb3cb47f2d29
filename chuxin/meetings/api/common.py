"""Lookups shared by the areas of the life meetings API."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from .. import selectors
from ..models import LifeMeeting, Participant


def detail_of(request: HttpRequest, pk: int) -> LifeMeeting:
    """The meeting as ``MeetingDetailOut`` shows it, fetched again after a write."""
    return selectors.meeting_detail(request.user, pk)


def participant_of(request: HttpRequest, pk: int) -> Participant:
    return selectors.participant_get(request.user, pk)


def meeting_participant(meeting: LifeMeeting, pk: int | None, field: str) -> Participant | None:
    """The participant ``pk`` of this meeting (None for None); a 422 naming ``field`` if the
    id is not one of the meeting's participants."""
    if pk is None:
        return None
    p = Participant.objects.select_related("member").filter(pk=pk, meeting=meeting).first()
    if p is None:
        raise ValidationError({field: "Choose a participant of this meeting."})
    return p


def require_record_view(request: HttpRequest, meeting: LifeMeeting) -> None:
    if not selectors.may_see_record(request.user, meeting):
        raise PermissionDenied
