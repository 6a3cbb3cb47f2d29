"""Writes of life meetings. Each service checks who may, validates (``ValidationError`` with
field keys), keeps the status counters right and notifies after the commit.

Who may do what (the rules live in ``selectors``): the unit's administrators plan, prepare,
record and report the meeting; participants draft their own checking material; reviewers
(``selectors.may_review``: the level above, or guidance team members on the unit) approve or
return materials, override the gate and rate the meeting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.notifications import Message, notify_many
from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Campaign, Member, MemberStatus, Unit, UnitKind
from chuxin.problems.models import Problem, ProblemCategory, ProblemSource, Severity
from chuxin.problems.services import problem_create
from chuxin.rectification.models import RectificationTask, TaskType
from chuxin.rectification.services import task_create
from chuxin.study.models import StudySession

from . import counters, selectors
from .models import (
    DEFAULT_REPORT_DAYS,
    CheckingMaterial,
    Criticism,
    Guide,
    HeartTalk,
    LifeMeeting,
    MaterialReview,
    MaterialStatus,
    MaterialVersion,
    MeetingKind,
    MeetingProblem,
    MeetingRating,
    MeetingSettings,
    MeetingStatus,
    Opinion,
    OpinionMethod,
    Participant,
    ReviewDecision,
    Solicitation,
)

S = MeetingStatus
BRANCH_KINDS = (UnitKind.BRANCH, UnitKind.GENERAL_BRANCH)


def _required() -> str:
    return _("This field is required.")


def _require_manage(actor: Any, meeting: LifeMeeting) -> None:
    if not selectors.may_manage(actor, meeting):
        raise PermissionDenied(_("You may not change %(unit)s.") % {"unit": meeting.unit.name})


def _require_review(actor: Any, meeting: LifeMeeting) -> None:
    if not selectors.may_review(actor, meeting):
        raise PermissionDenied(_("Only a reviewer from the level above may do this."))


def _require_status(meeting: LifeMeeting, *statuses: str, field: str = "status") -> None:
    if meeting.status not in statuses:
        raise ValidationError(
            {
                field: _("Not possible while the meeting is %(s)s.")
                % {"s": meeting.get_status_display()}
            }
        )


def _set_status(meeting: LifeMeeting, status: str, fields: Iterable[str] = ()) -> None:
    """Change the status (and other fields already set), keeping the counters right."""
    before = counters.values_of(meeting)
    meeting.status = status
    meeting.save(update_fields=["status", "updated_at", *fields])
    counters.apply_change(meeting.unit, before, counters.values_of(meeting))


def _date(value: Any) -> bool:
    return isinstance(value, dt.date)


def report_due_days(meeting: LifeMeeting) -> int:
    """The meeting's own number of days, else the campaign's, else the default."""
    if meeting.report_due_days is not None:
        return meeting.report_due_days
    return report_due_days_of(meeting.campaign)


def report_due_days_of(campaign: Campaign) -> int:
    """The campaign's number of days (the default where none is set)."""
    days = (
        MeetingSettings.objects.filter(campaign=campaign)
        .values_list("report_due_days", flat=True)
        .first()
    )
    return DEFAULT_REPORT_DAYS if days is None else int(days)


# --- Settings ---------------------------------------------------------------------------------


@transaction.atomic
def settings_set(
    *,
    actor: Any,
    campaign: Campaign,
    report_due_days: int,
    remind_days_before: int | None = None,
) -> MeetingSettings:
    """Set, for the campaign (the office), within how many days of holding reports are due
    and, when given, how many days before that the unit is reminded (0: not before the day)."""
    if not scope_for(actor).allows(campaign.root_unit, Action.MANAGE):
        raise PermissionDenied(_("Only the leading group office may change this."))
    errors = {}
    if not isinstance(report_due_days, int) or not 1 <= report_due_days <= 365:
        errors["report_due_days"] = _("Enter a number of days from 1 to 365.")
    if remind_days_before is not None and (
        not isinstance(remind_days_before, int) or not 0 <= remind_days_before <= 60
    ):
        errors["remind_days_before"] = _("Enter a number of days from 0 to 60.")
    if errors:
        raise ValidationError(errors)
    values: dict[str, int] = {"report_due_days": report_due_days}
    if remind_days_before is not None:
        values["remind_days_before"] = remind_days_before
    row, _created = MeetingSettings.objects.update_or_create(campaign=campaign, defaults=values)
    return row


def settings_of(campaign: Campaign) -> MeetingSettings:
    """The campaign's settings as stored, or the defaults (not saved) when none are."""
    return MeetingSettings.objects.filter(campaign=campaign).first() or MeetingSettings(
        campaign=campaign
    )


# --- Meetings ---------------------------------------------------------------------------------


def _validate_meeting(values: Mapping[str, Any], unit: Unit, campaign: Campaign) -> None:
    errors: dict[str, str] = {}
    theme = (values.get("theme") or "").strip()
    if not theme:
        errors["theme"] = _required()
    elif len(theme) > 300:
        errors["theme"] = _("At most %(n)d characters.") % {"n": 300}
    kind = values.get("kind")
    if kind not in MeetingKind.values:
        errors["kind"] = _("Choose one of the listed values.")
    elif kind == MeetingKind.ORGANIZATIONAL and unit.kind not in BRANCH_KINDS:
        errors["kind"] = _("An organizational life meeting is held by a party branch.")
    elif kind == MeetingKind.DEMOCRATIC and unit.kind in BRANCH_KINDS:
        errors["kind"] = _("A democratic life meeting is held by a leading body, not a branch.")
    if not _date(values.get("planned_on")):
        errors["planned_on"] = _("Enter a valid date.")
    days = values.get("report_due_days")
    if days is not None and (not isinstance(days, int) or not 1 <= days <= 365):
        errors["report_due_days"] = _("Enter a number of days from 1 to 365.")
    if not unit.path.startswith(campaign.root_unit.path):
        errors["unit"] = _("The campaign does not reach this unit.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    campaign: Campaign,
    unit: Unit,
    kind: str,
    theme: str,
    planned_on: dt.date,
    report_due_days: int | None = None,
    members: Iterable[Member] = (),
) -> LifeMeeting:
    """Plan a life meeting of a unit the actor manages, with its participants."""
    if not scope_for(actor).allows(unit, Action.MANAGE):
        raise PermissionDenied(_("You may not change %(unit)s.") % {"unit": unit.name})
    values = {
        "kind": kind,
        "theme": theme,
        "planned_on": planned_on,
        "report_due_days": report_due_days,
    }
    _validate_meeting(values, unit, campaign)
    meeting = LifeMeeting.objects.create(
        campaign=campaign,
        unit=unit,
        kind=kind,
        theme=theme.strip(),
        planned_on=planned_on,
        report_due_days=report_due_days,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    counters.apply_change(unit, {}, counters.values_of(meeting))
    for member in members:
        participant_add(actor=actor, meeting=meeting, member=member)
    return meeting


EDITABLE = ("theme", "planned_on", "report_due_days")


@transaction.atomic
def meeting_update(*, actor: Any, meeting: LifeMeeting, **changes: Any) -> LifeMeeting:
    """Change the theme, planned date or report days of a meeting not yet held."""
    _require_manage(actor, meeting)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({k: _("This field cannot be changed.") for k in unknown})
    _require_status(meeting, S.PLANNED, S.PREPARING, S.READY)
    values = {f: getattr(meeting, f) for f in EDITABLE} | {"kind": meeting.kind} | changes
    _validate_meeting(values, meeting.unit, meeting.campaign)
    for name, value in changes.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_transition(
    *, actor: Any, meeting: LifeMeeting, action: str, reason: str = ""
) -> LifeMeeting:
    """Move the meeting: ``prepare`` (planned → preparing), ``ready`` (preparing → ready,
    through the gate), ``unready`` (ready → preparing), ``archive`` (with a reason). Holding
    and reporting have their own services (:func:`meeting_hold`, :func:`report_submit`)."""
    meeting = LifeMeeting.objects.select_for_update().select_related("unit").get(pk=meeting.pk)
    _require_manage(actor, meeting)
    if action == "prepare":
        _require_status(meeting, S.PLANNED, field="action")
        _set_status(meeting, S.PREPARING)
    elif action == "ready":
        _require_status(meeting, S.PREPARING, field="action")
        check = selectors.checklist(meeting)
        if check.participants == 0:
            raise ValidationError({"action": _("The meeting has no participants.")})
        if not check.gate_open:
            raise ValidationError({"action": check.why_not_ready})
        meeting.ready_at = timezone.now()
        _set_status(meeting, S.READY, ["ready_at"])
    elif action == "unready":
        _require_status(meeting, S.READY, field="action")
        meeting.ready_at = None
        _set_status(meeting, S.PREPARING, ["ready_at"])
    elif action == "archive":
        if meeting.status == S.ARCHIVED:
            raise ValidationError({"action": _("The meeting is archived already.")})
        if not reason.strip():
            raise ValidationError({"reason": _("Give a reason for archiving.")})
        meeting.archived_reason = reason.strip()[:300]
        _set_status(meeting, S.ARCHIVED, ["archived_reason"])
    else:
        raise ValidationError({"action": _("Unknown action: %(a)s") % {"a": action}})
    return meeting


# --- Participants and guides ------------------------------------------------------------------


@transaction.atomic
def participant_add(*, actor: Any, meeting: LifeMeeting, member: Member) -> Participant:
    """Add a member of the meeting's own unit (the leading body or branch) as participant."""
    _require_manage(actor, meeting)
    _require_status(meeting, S.PLANNED, S.PREPARING, field="member")
    if member.unit_id != meeting.unit_id or member.status != MemberStatus.ACTIVE:
        raise ValidationError(
            {"member": _("Choose an active member of %(u)s.") % {"u": meeting.unit.name}}
        )
    if meeting.participants.filter(member=member).exists():
        raise ValidationError({"member": _("%(n)s takes part already.") % {"n": member.name}})
    order = meeting.participants.count()
    return Participant.objects.create(meeting=meeting, member=member, order=order)


@transaction.atomic
def participant_remove(*, actor: Any, participant: Participant) -> None:
    """Take a participant off before anything is recorded for them (nothing is lost)."""
    meeting = participant.meeting
    _require_manage(actor, meeting)
    _require_status(meeting, S.PLANNED, S.PREPARING, field="member")
    has_material = CheckingMaterial.objects.filter(participant=participant).exists()
    has_talks = HeartTalk.objects.filter(Q(first=participant) | Q(second=participant)).exists()
    if has_material or has_talks:
        raise ValidationError(
            {"member": _("Talks or a checking material are recorded for this participant.")}
        )
    participant.delete()


def may_guide(user: Any, meeting: LifeMeeting) -> bool:
    """A guidance team member on the unit or one above (the reviewer rule), or a leading
    cadre of a unit above the meeting's unit."""
    if selectors.may_review(user, meeting):
        return True
    member = Member.objects.filter(user=user).select_related("unit").first()
    return bool(
        member is not None
        and member.is_leading_cadre
        and member.unit.path in meeting.unit.ancestor_paths(include_self=False)
    )


@transaction.atomic
def guide_add(*, actor: Any, meeting: LifeMeeting, user: Any, title: str = "") -> Guide:
    """Record a higher-level person attending to guide the meeting."""
    _require_manage(actor, meeting)
    if meeting.status == S.ARCHIVED:
        raise ValidationError({"user": _("The meeting is archived.")})
    if user is None or not may_guide(user, meeting):
        raise ValidationError(
            {"user": _("Choose a guidance team member or a leader of the unit above.")}
        )
    if meeting.guides.filter(user=user).exists():
        raise ValidationError({"user": _("This person guides the meeting already.")})
    return Guide.objects.create(meeting=meeting, user=user, title=(title or "").strip()[:200])


# --- Preparation ------------------------------------------------------------------------------


def _require_preparing(meeting: LifeMeeting, field: str = "status") -> None:
    _require_status(meeting, S.PLANNED, S.PREPARING, field=field)


@transaction.atomic
def study_link(*, actor: Any, meeting: LifeMeeting, session: StudySession) -> None:
    """Link a collective study session of the unit (or of a unit above) as study done."""
    _require_manage(actor, meeting)
    _require_preparing(meeting, "session")
    if session.archived_at is not None or not meeting.unit.path.startswith(session.unit.path):
        raise ValidationError({"session": _("Choose a study session of this unit or one above.")})
    meeting.study_sessions.add(session)


@transaction.atomic
def solicitation_add(
    *,
    actor: Any,
    meeting: LifeMeeting,
    method: str,
    held_on: dt.date,
    respondents: int,
    opinions: Iterable[str] = (),
) -> Solicitation:
    """Record opinions solicited before the meeting: how, when, from how many, what was said."""
    _require_manage(actor, meeting)
    _require_preparing(meeting)
    errors: dict[str, str] = {}
    if method not in OpinionMethod.values:
        errors["method"] = _("Choose one of the listed values.")
    if not _date(held_on):
        errors["held_on"] = _("Enter a valid date.")
    if not isinstance(respondents, int) or respondents < 0:
        errors["respondents"] = _("Enter a number of people, 0 or more.")
    texts = [t.strip() for t in opinions if isinstance(t, str) and t.strip()]
    if isinstance(respondents, int) and texts and respondents == 0:
        errors["respondents"] = _("Opinions came from someone: enter how many people were asked.")
    if errors:
        raise ValidationError(errors)
    solicitation = Solicitation.objects.create(
        meeting=meeting,
        method=method,
        held_on=held_on,
        respondents=respondents,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    Opinion.objects.bulk_create([Opinion(solicitation=solicitation, text=t) for t in texts])
    return solicitation


def _link_problem(meeting: LifeMeeting, problem: Problem) -> None:
    MeetingProblem.objects.get_or_create(meeting=meeting, problem=problem)


@transaction.atomic
def opinion_to_problem(
    *,
    actor: Any,
    opinion: Opinion,
    category: str,
    title: str = "",
    severity: str = Severity.MEDIUM,
) -> Problem:
    """Put a solicited opinion on the problem list (source: life meeting)."""
    meeting = opinion.solicitation.meeting
    _require_manage(actor, meeting)
    if opinion.problem_id is not None:
        raise ValidationError({"opinion": _("This opinion is on the problem list already.")})
    problem = problem_create(
        actor=actor,
        campaign=meeting.campaign,
        unit=meeting.unit,
        title=(title or opinion.text.splitlines()[0])[:200],
        description=opinion.text,
        source=ProblemSource.LIFE_MEETING,
        category=category,
        severity=severity,
    )
    opinion.problem = problem
    opinion.save(update_fields=["problem"])
    _link_problem(meeting, problem)
    return problem


@transaction.atomic
def talk_add(
    *,
    actor: Any,
    meeting: LifeMeeting,
    first: Participant,
    second: Participant,
    talked_on: dt.date,
    note: str = "",
) -> HeartTalk:
    """Record a heart-to-heart talk between two participants (the pair in either order)."""
    _require_manage(actor, meeting)
    _require_preparing(meeting)
    errors: dict[str, str] = {}
    if first.meeting_id != meeting.pk:
        errors["first"] = _("Choose a participant of this meeting.")
    if second.meeting_id != meeting.pk:
        errors["second"] = _("Choose a participant of this meeting.")
    if first.pk == second.pk:
        errors["second"] = _("A talk is between two different people.")
    if not _date(talked_on):
        errors["talked_on"] = _("Enter a valid date.")
    elif talked_on > timezone.localdate():
        errors["talked_on"] = _("A talk is recorded once it has taken place.")
    if errors:
        raise ValidationError(errors)
    a, b = sorted((first, second), key=lambda p: p.pk)
    return HeartTalk.objects.create(
        meeting=meeting,
        first=a,
        second=b,
        talked_on=talked_on,
        note=(note or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )


# --- Checking materials -----------------------------------------------------------------------


def _require_draft(actor: Any, participant: Participant) -> None:
    if not selectors.may_draft(actor, participant):
        raise PermissionDenied(_("Only the participant or the unit's administrators may do this."))


@transaction.atomic
def material_save(*, actor: Any, participant: Participant, text: str) -> MaterialVersion:
    """Write a new version of the participant's checking material (every version is kept).
    A new version after review goes back to draft: it must be submitted and reviewed again."""
    meeting = participant.meeting
    _require_draft(actor, participant)
    _require_preparing(meeting, "text")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _required()})
    material, _created = CheckingMaterial.objects.select_for_update().get_or_create(
        participant=participant
    )
    number = material.versions.count() + 1
    version = MaterialVersion.objects.create(
        material=material,
        number=number,
        text=text,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if material.status != MaterialStatus.DRAFT:
        material.status = MaterialStatus.DRAFT
        material.save()
    return version


@transaction.atomic
def material_submit(*, actor: Any, material: CheckingMaterial) -> CheckingMaterial:
    """Send the latest version up for review at the checkpoint."""
    participant = material.participant
    _require_draft(actor, participant)
    _require_preparing(participant.meeting)
    if material.status not in (MaterialStatus.DRAFT, MaterialStatus.RETURNED):
        raise ValidationError(
            {"status": _("Only a draft or a returned material can be submitted.")}
        )
    if not material.versions.exists():
        raise ValidationError({"text": _("Write the material first.")})
    material.status = MaterialStatus.SUBMITTED
    material.save()
    return material


@transaction.atomic
def material_review(
    *, actor: Any, material: CheckingMaterial, decision: str, comments: str = ""
) -> MaterialReview:
    """Approve the submitted version, or return it with comments (the drafter is told)."""
    participant = material.participant
    meeting = participant.meeting
    _require_review(actor, meeting)
    _require_preparing(meeting)
    errors: dict[str, str] = {}
    if decision not in ReviewDecision.values:
        errors["decision"] = _("Choose one of the listed values.")
    comments = (comments or "").strip()
    if decision == ReviewDecision.RETURN and not comments:
        errors["comments"] = _("Say what must change when returning a material.")
    if material.status != MaterialStatus.SUBMITTED:
        errors["status"] = _("Only a submitted material can be reviewed.")
    if errors:
        raise ValidationError(errors)
    version = material.versions.order_by("-number").first()
    assert version is not None  # submitted implies a version
    review = MaterialReview.objects.create(
        material=material, version=version, decision=decision, comments=comments, reviewer=actor
    )
    material.status = (
        MaterialStatus.APPROVED if decision == ReviewDecision.APPROVE else MaterialStatus.RETURNED
    )
    material.save()
    if decision == ReviewDecision.RETURN:
        drafters = {u for u in (participant.member.user_id, version.created_by_id) if u is not None}
        url = reverse("meetings:material", args=[material.pk])
        title = _("Your checking material was returned with comments")
        body = f"{meeting.theme}\n{comments}"
        messages = [
            Message(
                user_id=uid,
                kind="meeting_material_returned",
                title=str(title),
                body=body,
                url=url,
                dedupe_key=f"meetings.material_returned.{review.pk}",
            )
            for uid in drafters
        ]
        transaction.on_commit(lambda: notify_many(messages))
    return review


@transaction.atomic
def gate_override(*, actor: Any, meeting: LifeMeeting, reason: str) -> LifeMeeting:
    """A reviewer lets the meeting be marked ready although not every material is approved;
    who, when and why are stored."""
    _require_review(actor, meeting)
    _require_preparing(meeting, "reason")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the override.")})
    meeting.override_reason = reason
    meeting.override_by = actor
    meeting.override_at = timezone.now()
    meeting.save(update_fields=["override_reason", "override_by", "override_at", "updated_at"])
    return meeting


# --- Holding ----------------------------------------------------------------------------------


@transaction.atomic
def meeting_hold(
    *,
    actor: Any,
    meeting: LifeMeeting,
    held_on: dt.date,
    place: str,
    absences: Mapping[int, str] | None = None,
) -> LifeMeeting:
    """Record that the meeting was held: date, place, and who was absent, with the reason
    (participant id → reason; everyone else was present). The report is due from here."""
    meeting = LifeMeeting.objects.select_for_update().select_related("unit").get(pk=meeting.pk)
    _require_manage(actor, meeting)
    _require_status(meeting, S.READY, field="held_on")
    errors: dict[str, str] = {}
    if not _date(held_on):
        errors["held_on"] = _("Enter a valid date.")
    elif held_on > timezone.localdate():
        errors["held_on"] = _("A meeting is recorded as held once it has taken place.")
    place = (place or "").strip()
    if not place:
        errors["place"] = _required()
    absences = dict(absences or {})
    ids = set(meeting.participants.values_list("pk", flat=True))
    if set(absences) - ids:
        errors["absences"] = _("Choose participants of this meeting.")
    elif any(not (r or "").strip() for r in absences.values()):
        errors["absences"] = _("Give the reason for each absence.")
    if errors:
        raise ValidationError(errors)
    for participant in meeting.participants.all():
        reason = absences.get(participant.pk)
        participant.present = reason is None
        participant.absence_reason = (reason or "").strip()[:200]
        participant.save(update_fields=["present", "absence_reason"])
    meeting.held_on = held_on
    meeting.place = place[:200]
    meeting.report_due_on = held_on + dt.timedelta(days=report_due_days(meeting))
    _set_status(meeting, S.HELD, ["held_on", "place", "report_due_on"])
    return meeting


def _require_record(actor: Any, meeting: LifeMeeting) -> None:
    _require_manage(actor, meeting)
    _require_status(meeting, S.HELD)


@transaction.atomic
def participant_record(
    *,
    actor: Any,
    participant: Participant,
    self_criticism: str | None = None,
    response: str | None = None,
    present: bool | None = None,
    absence_reason: str | None = None,
) -> Participant:
    """Write one participant's part of the record (confidential)."""
    _require_record(actor, participant.meeting)
    if present is not None:
        participant.present = present
        participant.absence_reason = "" if present else (absence_reason or "").strip()[:200]
        if not present and not participant.absence_reason:
            raise ValidationError({"absence_reason": _("Give the reason for the absence.")})
    if self_criticism is not None:
        participant.self_criticism = self_criticism.strip()
    if response is not None:
        participant.response = response.strip()
    participant.save()
    return participant


@transaction.atomic
def criticism_add(
    *,
    actor: Any,
    target: Participant,
    text: str,
    critic: Participant | None = None,
    critic_name: str = "",
) -> Criticism:
    """Record a criticism a participant received: from another participant (or a named
    guide), what was said."""
    _require_record(actor, target.meeting)
    errors: dict[str, str] = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _required()
    critic_name = (critic_name or "").strip()
    if critic is None and not critic_name:
        errors["critic"] = _("Say who made the criticism.")
    if critic is not None and critic.meeting_id != target.meeting_id:
        errors["critic"] = _("Choose a participant of this meeting.")
    if critic is not None and critic.pk == target.pk:
        errors["critic"] = _("Self-criticism is recorded as such, not as criticism received.")
    if errors:
        raise ValidationError(errors)
    return Criticism.objects.create(
        target=target, critic=critic, critic_name=critic_name[:100], text=text
    )


# --- Follow-up, report, rating ----------------------------------------------------------------


@transaction.atomic
def followup_add(
    *,
    actor: Any,
    meeting: LifeMeeting,
    title: str,
    category: str,
    description: str = "",
    severity: str = Severity.MEDIUM,
    task_title: str = "",
    time_limit: dt.date | None = None,
    task_type: str = TaskType.TIME_LIMITED,
) -> tuple[Problem, RectificationTask | None]:
    """A problem found at the meeting goes onto the problem list (source: life meeting), with
    a rectification task for the unit when a task title is given."""
    _require_manage(actor, meeting)
    _require_status(meeting, S.HELD, S.REPORTED)
    if category not in ProblemCategory.values:
        raise ValidationError({"category": _("Choose one of the listed values.")})
    problem = problem_create(
        actor=actor,
        campaign=meeting.campaign,
        unit=meeting.unit,
        title=title,
        description=description,
        source=ProblemSource.LIFE_MEETING,
        category=category,
        severity=severity,
        reported_on=meeting.held_on,
    )
    _link_problem(meeting, problem)
    task = None
    if (task_title or "").strip():
        task = task_create(
            actor=actor,
            campaign=meeting.campaign,
            responsible_unit=meeting.unit,
            title=task_title,
            problems=[problem],
            task_type=task_type,
            time_limit=time_limit,
        )
    return problem, task


def report_generate(meeting: LifeMeeting, language: str = "zh-hans") -> str:
    """A summary of the meeting from its record, in Chinese or English (templates), for the
    unit to edit before submitting. Names the participants and counts; quotes no criticism."""
    from .report import report_context

    lang = "en" if language.startswith("en") else "zh-hans"
    return render_to_string(f"meetings/report/summary.{lang}.txt", report_context(meeting)).strip()


@transaction.atomic
def report_save(*, actor: Any, meeting: LifeMeeting, text: str) -> LifeMeeting:
    """Keep the edited report text (before it is submitted)."""
    _require_record(actor, meeting)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _required()})
    meeting.report_text = text
    meeting.save(update_fields=["report_text", "updated_at"])
    return meeting


@transaction.atomic
def report_submit(
    *, actor: Any, meeting: LifeMeeting, text: str | None = None, on: dt.date | None = None
) -> LifeMeeting:
    """Submit the report upward: the meeting becomes reported (late if past the due date)."""
    meeting = LifeMeeting.objects.select_for_update().select_related("unit").get(pk=meeting.pk)
    _require_record(actor, meeting)
    if text is not None:
        meeting.report_text = text.strip()
    if not meeting.report_text.strip():
        raise ValidationError({"text": _("Write or generate the report first.")})
    meeting.report_submitted_on = on or timezone.localdate()
    meeting.report_submitted_by = actor
    _set_status(meeting, S.REPORTED, ["report_text", "report_submitted_on", "report_submitted_by"])
    return meeting


@transaction.atomic
def meeting_rate(
    *, actor: Any, meeting: LifeMeeting, rating: int, comment: str = ""
) -> MeetingRating:
    """The guidance side's rating of the meeting's quality (1-5), once per reviewer (a second
    rating by the same person replaces the first; the history keeps it)."""
    _require_review(actor, meeting)
    _require_status(meeting, S.HELD, S.REPORTED, field="rating")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Rate from 1 to 5.")})
    row, _created = MeetingRating.objects.update_or_create(
        meeting=meeting,
        rated_by=actor,
        defaults={"rating": rating, "comment": (comment or "").strip()},
    )
    return row
