"""Reads of life meetings, through the user's scope, and the rules of who may do what.

Who sees a meeting: whoever's scope covers its unit, and its participants and guides.
Who reviews it (checkpoint approvals, the gate override, the rating): :func:`may_review`.
Who sees its confidential record: :func:`may_see_record`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.scoping import Action, require, scope_for
from chuxin.organization.models import Role, Unit

from .models import (
    COUNTED_STATUSES,
    CheckingMaterial,
    Guide,
    HeartTalk,
    LifeMeeting,
    MaterialStatus,
    MeetingKind,
    MeetingStatus,
    Participant,
    UnitMeetingRollup,
)

# --- Who may ---------------------------------------------------------------------------------


def may_manage(user: Any, meeting: LifeMeeting) -> bool:
    """Administers the meeting's unit (its own administrators, those above, the office)."""
    return scope_for(user).allows(meeting.unit, Action.MANAGE)


def may_review(user: Any, meeting: LifeMeeting) -> bool:
    """The checkpoint reviewer rule, in one place: one who manages the unit above the
    meeting's unit (scoping), or who holds the guidance role on the meeting's unit (guidance
    team members are checkpoint reviewers; ``chuxin.guidance`` keeps those roles in sync)."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_for(user)
    if scope.everything:
        return True
    unit = meeting.unit
    above = unit.ancestor_paths(include_self=False)
    guides = False
    for grant in scope.grants:
        if grant.manage and above and grant.covers_path(above[-1]):
            return True
        if grant.role == Role.GUIDANCE and grant.covers(unit):
            guides = True
    if guides:  # where the office so configures (the campaign's guidance settings)
        from chuxin.guidance.selectors import reviews_checkpoints

        return reviews_checkpoints(user, unit, "meeting_materials")
    return False


def is_office(user: Any, meeting: LifeMeeting) -> bool:
    """Holds the leading-group office role over the meeting's unit."""
    scope = scope_for(user)
    return scope.everything or any(
        g.role == Role.OFFICE and g.covers(meeting.unit) for g in scope.grants
    )


def may_see_record(user: Any, meeting: LifeMeeting) -> bool:
    """The confidential record (self-criticism, criticisms, responses, talk notes, checking
    materials): the unit's administrators (and those above, who administer it too), the
    reviewers above and the leading-group office. Plain members of the unit do not see it;
    participants see their own part only (:func:`own_participant`)."""
    return may_manage(user, meeting) or may_review(user, meeting) or is_office(user, meeting)


def own_participant(user: Any, meeting: LifeMeeting) -> Participant | None:
    """The user's own participant row in the meeting, if they take part."""
    if not getattr(user, "is_authenticated", False):
        return None
    for p in meeting.participants.all():
        if p.member.user_id == user.pk:
            return p
    return None


def may_draft(user: Any, participant: Participant) -> bool:
    """Writes the participant's checking material: the participant, or the unit's admins."""
    if participant.member.user_id is not None and participant.member.user_id == user.pk:
        return True
    return may_manage(user, participant.meeting)


# --- Meetings --------------------------------------------------------------------------------


def meetings_visible(user: Any) -> QuerySet[LifeMeeting]:
    """Meetings in the user's scope, plus those they take part in or guide."""
    qs = LifeMeeting.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = scope_for(user)
    if scope.everything:
        return qs
    own = Q(pk__in=Participant.objects.filter(member__user=user).values("meeting_id")) | Q(
        pk__in=Guide.objects.filter(user=user).values("meeting_id")
    )
    if scope.is_empty:
        return qs.filter(own)
    return qs.filter(scope.units_q("unit") | own)


def meeting_get(user: Any, pk: int, *, action: Action = Action.VIEW) -> LifeMeeting:
    """One meeting the user may see (404 otherwise); MANAGE answers 403 when seen only."""
    meeting = (
        meetings_visible(user)
        .select_related("unit", "campaign", "override_by")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    if action == Action.MANAGE:
        require(user, meeting.unit, Action.MANAGE)
    return meeting


def meeting_detail(user: Any, pk: int) -> LifeMeeting:
    """A meeting with everything its page shows, in a fixed number of queries."""
    meeting = meeting_get(user, pk)
    participants = Participant.objects.select_related("member", "member__unit", "material")
    return (
        LifeMeeting.objects.select_related("unit", "campaign", "override_by", "report_submitted_by")
        .prefetch_related(
            Prefetch("participants", queryset=participants),
            Prefetch("guides", queryset=Guide.objects.select_related("user")),
            "study_sessions__item",
            "solicitations__opinions__problem",
            "talks",
            "ratings__rated_by",
        )
        .get(pk=meeting.pk)
    )


@dataclass
class MeetingFilters:
    unit: Unit | None = None
    status: str = ""
    kind: str = ""
    campaign: int | None = None
    late: bool = False
    q: str = ""
    direct_only: bool = False


def meetings_filtered(user: Any, f: MeetingFilters) -> QuerySet[LifeMeeting]:
    qs = meetings_visible(user).select_related("unit")
    if f.unit is not None:
        qs = (
            qs.filter(unit=f.unit)
            if f.direct_only
            else qs.filter(unit__path__startswith=f.unit.path)
        )
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.campaign:
        qs = qs.filter(campaign_id=f.campaign)
    if f.late:
        qs = qs.filter(late_q(timezone.localdate()))
    if f.q:
        qs = qs.filter(Q(theme__icontains=f.q) | Q(unit__name__icontains=f.q))
    return qs


def late_q(today: dt.date) -> Q:
    """Meetings whose report is late: held and past the due date, or submitted after it."""
    from django.db.models import F

    return Q(status=MeetingStatus.HELD, report_due_on__lt=today) | Q(
        status=MeetingStatus.REPORTED, report_submitted_on__gt=F("report_due_on")
    )


# --- Preparation -----------------------------------------------------------------------------


@dataclass
class TalkMatrix:
    """Participants in order; ``done[(a, b)]`` the count of talks between two of them."""

    participants: list[Participant]
    done: dict[tuple[int, int], int] = field(default_factory=dict)

    def count(self, a: Participant, b: Participant) -> int:
        key = (min(a.pk, b.pk), max(a.pk, b.pk))
        return self.done.get(key, 0)

    @property
    def missing(self) -> list[tuple[Participant, Participant]]:
        people = self.participants
        return [
            (a, b) for i, a in enumerate(people) for b in people[i + 1 :] if not self.count(a, b)
        ]

    @property
    def pairs(self) -> int:
        n = len(self.participants)
        return n * (n - 1) // 2

    def rows(self) -> list[tuple[Participant, list[tuple[Participant, int | None]]]]:
        """For the grid: each participant with every other one's count (None on the diagonal)."""
        return [
            (a, [(b, None if a.pk == b.pk else self.count(a, b)) for b in self.participants])
            for a in self.participants
        ]


def talk_matrix(meeting: LifeMeeting) -> TalkMatrix:
    participants = list(meeting.participants.select_related("member").order_by("order", "pk"))
    matrix = TalkMatrix(participants=participants)
    for first, second in HeartTalk.objects.filter(meeting=meeting).values_list(
        "first_id", "second_id"
    ):
        key = (first, second)
        matrix.done[key] = matrix.done.get(key, 0) + 1
    return matrix


@dataclass
class Checklist:
    study_sessions: int
    solicitations: int
    opinions: int
    talks_missing: int
    talk_pairs: int
    materials_total: int
    materials_approved: int
    participants: int
    override: bool
    talks_required: bool = True  # leading-body members talk with each other; a branch need not

    @property
    def study_done(self) -> bool:
        return self.study_sessions > 0

    @property
    def opinions_done(self) -> bool:
        return self.solicitations > 0

    @property
    def talks_done(self) -> bool:
        return self.participants > 0 and self.talks_missing == 0

    @property
    def materials_done(self) -> bool:
        return self.participants > 0 and self.materials_approved == self.participants

    @property
    def missing(self) -> list[str]:
        """What still keeps the meeting from being ready, in words (empty when nothing)."""
        missing = []
        if not self.study_done:
            missing.append(_("no study session is linked"))
        if not self.opinions_done:
            missing.append(_("no opinions have been solicited"))
        if self.talks_required and not self.talks_done:
            missing.append(
                _("%(n)d of %(m)d heart-to-heart talks are still to be held")
                % {"n": self.talks_missing, "m": self.talk_pairs}
            )
        if not self.materials_done:
            missing.append(
                _("%(n)d of %(m)d checking materials are approved")
                % {"n": self.materials_approved, "m": self.participants}
            )
        return missing

    @property
    def why_not_ready(self) -> str:
        """What keeps the meeting from being ready, as one sentence (empty when nothing)."""
        if self.gate_open:
            return ""
        if self.participants == 0:
            return str(_("The meeting has no participants."))
        return _(
            "Not ready: %(missing)s. Every item of the preparation must be done, or a reviewer "
            "must record an override."
        ) % {"missing": _("; ").join(str(m) for m in self.missing)}

    @property
    def gate_open(self) -> bool:
        """The meeting may be marked ready: every item of the preparation is done (study,
        opinions, talks for a leading body, every material approved), or a reviewer recorded
        an override."""
        return self.participants > 0 and (self.override or not self.missing)


def checklist(meeting: LifeMeeting) -> Checklist:
    """The preparation checklist, from the rows (works on a prefetched meeting)."""
    participants = list(meeting.participants.all())
    approved = sum(
        1
        for p in participants
        if getattr(p, "material", None) is not None and p.material.status == MaterialStatus.APPROVED
    )
    with_material = sum(1 for p in participants if _material_or_none(p) is not None)
    pairs = {(t.first_id, t.second_id) for t in meeting.talks.all()}
    n = len(participants)
    solicitations = list(meeting.solicitations.all())
    return Checklist(
        study_sessions=len(meeting.study_sessions.all()),
        solicitations=len(solicitations),
        opinions=sum(len(s.opinions.all()) for s in solicitations),
        talks_missing=n * (n - 1) // 2 - len(pairs),
        talk_pairs=n * (n - 1) // 2,
        materials_total=with_material,
        materials_approved=approved,
        participants=n,
        override=meeting.override_at is not None,
        talks_required=meeting.kind == MeetingKind.DEMOCRATIC,
    )


def _material_or_none(participant: Participant) -> CheckingMaterial | None:
    try:
        return participant.material
    except CheckingMaterial.DoesNotExist:
        return None


def material_get(user: Any, pk: int) -> CheckingMaterial:
    """A checking material: visible to record viewers and to its own participant."""
    material = (
        CheckingMaterial.objects.select_related(
            "participant__member", "participant__meeting__unit", "participant__meeting__campaign"
        )
        .filter(pk=pk)
        .first()
    )
    if material is None:
        raise Http404
    meeting = meeting_get(user, material.participant.meeting_id)
    if not (may_see_record(user, meeting) or material.participant.member.user_id == user.pk):
        raise Http404
    material.participant.meeting = meeting
    return material


def participant_get(user: Any, pk: int) -> Participant:
    participant = Participant.objects.select_related("member", "meeting").filter(pk=pk).first()
    if participant is None:
        raise Http404
    participant.meeting = meeting_get(user, participant.meeting_id)
    return participant


# --- Overview ----------------------------------------------------------------------------------


@dataclass
class OverviewLine:
    unit: Unit
    planned: int
    preparing: int
    ready: int
    held: int
    reported: int
    reported_late: int

    @property
    def total(self) -> int:
        return self.planned + self.preparing + self.ready + self.held + self.reported


def _line(unit: Unit, row: UnitMeetingRollup | None) -> OverviewLine:
    def get(name: str) -> int:
        return int(getattr(row, f"subtree_{name}", 0) or 0) if row is not None else 0

    return OverviewLine(
        unit=unit,
        planned=get("planned"),
        preparing=get("preparing"),
        ready=get("ready"),
        held=get("held"),
        reported=get("reported"),
        reported_late=get("reported_late"),
    )


def overview(user: Any, unit: Unit) -> tuple[OverviewLine, list[OverviewLine]]:
    """The subtree's counts by status (from the maintained rollup), and each sub-unit's."""
    from chuxin.organization import selectors as org_selectors

    children = list(org_selectors.unit_children(user, unit))
    rows = UnitMeetingRollup.objects.in_bulk([unit.pk, *(c.pk for c in children)])
    return _line(unit, rows.get(unit.pk)), [_line(c, rows.get(c.pk)) for c in children]


def late_meetings(user: Any, unit: Unit) -> QuerySet[LifeMeeting]:
    """The subtree's meetings whose report is late (overdue, or submitted after the date)."""
    return (
        meetings_visible(user)
        .filter(unit__path__startswith=unit.path)
        .filter(late_q(timezone.localdate()))
        .select_related("unit")
        .order_by("report_due_on", "pk")
    )


def counted_statuses() -> tuple[str, ...]:
    return tuple(str(s) for s in COUNTED_STATUSES)
