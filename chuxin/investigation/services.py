"""Writes of investigation & research: topics, their activities and findings, the report,
and turning a finding into a problem. Every write keeps the counters right.

Who may write: those who manage the topic's unit, and the topic's lead cadre when they log in
(the topics assigned to them).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Campaign, Member, MemberStatus, Unit
from chuxin.problems.models import Problem, ProblemCategory, ProblemSource, Severity
from chuxin.problems.services import problem_create
from chuxin.rectification.attachments import CheckedFile, check_file

from . import counters
from .counters import REPORTED
from .models import (
    ActivityMethod,
    ResearchActivity,
    ResearchFinding,
    ResearchTopic,
    TopicStatus,
)

MAX_FINDINGS = 50
MAX_TEXT = 5000


def may_work(user: Any, topic: ResearchTopic) -> bool:
    """Manages the topic's unit, or is its lead cadre."""
    if not getattr(user, "is_authenticated", False):
        return False
    if scope_for(user).allows(topic.unit, Action.MANAGE):
        return True
    return bool(topic.lead.user_id) and topic.lead.user_id == user.pk


def _require_work(actor: Any, topic: ResearchTopic) -> None:
    if not may_work(actor, topic):
        raise PermissionDenied(_("You may not change this research topic."))


def _require_open(topic: ResearchTopic, field: str) -> None:
    if topic.status == TopicStatus.ARCHIVED:
        raise ValidationError({field: _("The topic is archived.")})


def check_report_file(upload: Any) -> CheckedFile:
    """The report file, checked as rectification's evidence files are (type, size, name)."""
    try:
        return check_file(upload)
    except ValidationError as exc:
        raise ValidationError({"report_file": exc.messages}) from exc


# --- Topics ----------------------------------------------------------------------------------

TOPIC_FIELDS = ("title", "description", "lead", "planned_start", "planned_end")


def _validate_topic(values: dict[str, Any], unit: Unit, campaign: Campaign) -> None:
    errors: dict[str, str] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = _("This field is required.")
    elif len(title) > 200:
        errors["title"] = _("At most %(n)d characters.") % {"n": 200}
    if len(values.get("description") or "") > MAX_TEXT:
        errors["description"] = _("At most %(n)d characters.") % {"n": MAX_TEXT}
    lead = values.get("lead")
    if not isinstance(lead, Member):
        errors["lead"] = _("This field is required.")
    elif not lead.is_leading_cadre:
        errors["lead"] = _("The lead must be a leading cadre.")
    elif lead.status != MemberStatus.ACTIVE:
        errors["lead"] = _("The lead must be an active member.")
    elif not lead.unit.path.startswith(unit.path):
        errors["lead"] = _("The lead must belong to %(unit)s or a unit under it.") % {
            "unit": unit.name
        }
    start, end = values.get("planned_start"), values.get("planned_end")
    if not isinstance(start, dt.date):
        errors["planned_start"] = _("Enter a valid date.")
    if not isinstance(end, dt.date):
        errors["planned_end"] = _("Enter a valid date.")
    elif isinstance(start, dt.date) and end < start:
        errors["planned_end"] = _("The end cannot be before the start.")
    if not unit.path.startswith(campaign.root_unit.path):
        errors["campaign"] = _("The campaign does not cover this unit.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def topic_create(
    *,
    actor: Any,
    campaign: Campaign,
    unit: Unit,
    title: str,
    lead: Member | None,
    planned_start: dt.date | None,
    planned_end: dt.date | None,
    description: str = "",
) -> ResearchTopic:
    """A research topic of a unit the actor manages, led by a leading cadre of its subtree."""
    if not scope_for(actor).allows(unit, Action.MANAGE):
        raise PermissionDenied(_("You may not change %(unit)s.") % {"unit": unit.name})
    values: dict[str, Any] = {
        "title": title,
        "description": (description or "").strip(),
        "lead": lead,
        "planned_start": planned_start,
        "planned_end": planned_end,
    }
    _validate_topic(values, unit, campaign)
    topic = ResearchTopic.objects.create(
        campaign=campaign,
        unit=unit,
        created_by=actor if getattr(actor, "pk", None) else None,
        **values | {"title": values["title"].strip()},
    )
    counters.apply(unit, {"topics": 1})
    return topic


@transaction.atomic
def topic_update(*, actor: Any, topic: ResearchTopic, **changes: Any) -> ResearchTopic:
    """Change what the topic says (title, description, lead, planned period)."""
    _require_work(actor, topic)
    unknown = set(changes) - set(TOPIC_FIELDS)
    if unknown:
        raise ValidationError({"__all__": _("Unknown fields: %(f)s") % {"f": sorted(unknown)}})
    _require_open(topic, "title")
    values = {f: getattr(topic, f) for f in TOPIC_FIELDS} | changes
    values["description"] = (values.get("description") or "").strip()
    _validate_topic(values, topic.unit, topic.campaign)
    for name, value in values.items():
        setattr(topic, name, value.strip() if name == "title" else value)
    topic.save()
    return topic


TOPIC_ACTIONS = {
    # action: (from statuses, to status)
    "start": ((TopicStatus.PLANNED,), TopicStatus.IN_PROGRESS),
    "archive": (
        (TopicStatus.PLANNED, TopicStatus.IN_PROGRESS, TopicStatus.REPORTED),
        TopicStatus.ARCHIVED,
    ),
    "reopen": ((TopicStatus.REPORTED, TopicStatus.ARCHIVED), TopicStatus.IN_PROGRESS),
}


@transaction.atomic
def topic_transition(*, actor: Any, topic: ResearchTopic, action: str) -> ResearchTopic:
    """Start a planned topic, archive a topic, or reopen a reported or archived one."""
    _require_work(actor, topic)
    move = TOPIC_ACTIONS.get(action)
    if move is None:
        raise ValidationError({"action": _("Unknown action.")})
    topic = ResearchTopic.objects.select_for_update().select_related("unit").get(pk=topic.pk)
    sources, target = move
    if topic.status not in sources:
        raise ValidationError(
            {
                "action": _("A topic that is “%(s)s” cannot be moved that way.")
                % {"s": topic.get_status_display()}
            }
        )
    _set_status(topic, target)
    return topic


def _set_status(topic: ResearchTopic, status: str) -> None:
    was = topic.status in REPORTED
    topic.status = status
    topic.save()
    now = topic.status in REPORTED
    if was != now:
        counters.apply(topic.unit, {"reported": 1 if now else -1})


@transaction.atomic
def report_submit(
    *, actor: Any, topic: ResearchTopic, text: str, file: CheckedFile | None = None
) -> ResearchTopic:
    """Submit (or replace) the research report: text, and a file already checked."""
    _require_work(actor, topic)
    _require_open(topic, "text")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("This field is required.")})
    if len(text) > 50_000:
        raise ValidationError({"text": _("At most %(n)d characters.") % {"n": 50_000}})
    topic.report_text = text
    topic.reported_on = timezone.localdate()
    if file is not None:
        ext = file.name.rsplit(".", 1)[-1].lower()
        file.file.name = f"{uuid.uuid4().hex}.{ext}"
        topic.report_file = file.file
        topic.report_file_name = file.name
        topic.report_content_type = file.content_type
        topic.report_size = file.size
    _set_status(topic, TopicStatus.REPORTED)
    return topic


# --- Activities and findings -----------------------------------------------------------------


def clean_findings(value: str | Sequence[str] | None) -> list[str]:
    """Findings from text (one per line) or a list; empty lines dropped, order kept."""
    lines = value.splitlines() if isinstance(value, str) else list(value or [])
    return [str(line).strip() for line in lines if str(line).strip()]


@transaction.atomic
def activity_add(
    *,
    actor: Any,
    topic: ResearchTopic,
    date: dt.date | None,
    place: str,
    method: str,
    people_reached: int | None = 0,
    note: str = "",
    findings: str | Sequence[str] = (),
) -> ResearchActivity:
    """Record a research activity with its findings; a planned topic is in progress from then."""
    _require_work(actor, topic)
    _require_open(topic, "place")
    place = (place or "").strip()
    found = clean_findings(findings)
    errors: dict[str, str] = {}
    if not isinstance(date, dt.date):
        errors["date"] = _("Enter a valid date.")
    elif date > timezone.localdate():
        errors["date"] = _("The date cannot be in the future.")
    if not place:
        errors["place"] = _("This field is required.")
    elif len(place) > 200:
        errors["place"] = _("At most %(n)d characters.") % {"n": 200}
    if method not in ActivityMethod.values:
        errors["method"] = _("Choose one of the listed values.")
    if people_reached is None:
        people_reached = 0
    if not isinstance(people_reached, int) or not 0 <= people_reached <= 1_000_000:
        errors["people_reached"] = _("Enter a number between 0 and 1,000,000.")
    if len(note or "") > MAX_TEXT:
        errors["note"] = _("At most %(n)d characters.") % {"n": MAX_TEXT}
    if len(found) > MAX_FINDINGS:
        errors["findings"] = _("At most %(n)d findings at a time.") % {"n": MAX_FINDINGS}
    elif any(len(f) > MAX_TEXT for f in found):
        errors["findings"] = _("A finding has at most %(n)d characters.") % {"n": MAX_TEXT}
    if errors:
        raise ValidationError(errors)
    assert isinstance(date, dt.date)
    activity = ResearchActivity.objects.create(
        topic=topic,
        date=date,
        place=place,
        method=method,
        people_reached=people_reached,
        note=(note or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    ResearchFinding.objects.bulk_create(
        [ResearchFinding(activity=activity, text=text) for text in found]
    )
    counters.apply(topic.unit, {"activities": 1, "findings": len(found), "people": people_reached})
    if topic.status == TopicStatus.PLANNED:
        _set_status(topic, TopicStatus.IN_PROGRESS)
    return activity


@transaction.atomic
def finding_add(*, actor: Any, activity: ResearchActivity, text: str) -> ResearchFinding:
    """Add one more finding to an activity."""
    topic = activity.topic
    _require_work(actor, topic)
    _require_open(topic, "text")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("This field is required.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("At most %(n)d characters.") % {"n": MAX_TEXT}})
    finding = ResearchFinding.objects.create(activity=activity, text=text)
    counters.apply(topic.unit, {"findings": 1})
    return finding


@transaction.atomic
def finding_to_problem(
    *,
    actor: Any,
    finding: ResearchFinding,
    category: str = ProblemCategory.OTHER,
    severity: str = Severity.MEDIUM,
    title: str = "",
) -> Problem:
    """Put the finding on the problem list of the topic's unit (source: investigation and
    research) and link it back. A finding becomes a problem once."""
    finding = (
        ResearchFinding.objects.select_for_update()
        .select_related("activity__topic__unit", "activity__topic__campaign")
        .get(pk=finding.pk)
    )
    topic = finding.activity.topic
    if not scope_for(actor).allows(topic.unit, Action.MANAGE):
        raise PermissionDenied(_("You may not change %(unit)s.") % {"unit": topic.unit.name})
    if finding.problem_id is not None:
        raise ValidationError({"finding": _("This finding is already a problem.")})
    text = finding.text
    title = (title or "").strip() or (text if len(text) <= 200 else text[:199] + "…")
    description = _("From the research topic “%(topic)s” (%(date)s, %(place)s): %(text)s") % {
        "topic": topic.title,
        "date": finding.activity.date.isoformat(),
        "place": finding.activity.place,
        "text": text,
    }
    problem = problem_create(
        actor=actor,
        campaign=topic.campaign,
        unit=topic.unit,
        title=title,
        source=ProblemSource.RESEARCH,
        category=category,
        severity=severity,
        description=description,
        reported_on=finding.activity.date,
    )
    finding.problem = problem
    finding.save(update_fields=["problem"])
    return problem
