"""Writes to the problem list. Each service checks the actor's scope, validates, and keeps the
counters right (through ``signals.problem_changed``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Campaign, Role, Unit

from .duplicates import index_problems
from .models import Problem, ProblemCategory, ProblemSource, ProblemStatus, PublicPoint, Severity
from .signals import ProblemState, problem_changed

EDITABLE_FIELDS = (
    "title",
    "description",
    "source",
    "category",
    "public_point",
    "severity",
    "reported_on",
    "is_public",
)


def _require_manage(actor: Any, unit: Unit) -> None:
    if not scope_for(actor).allows(unit, Action.MANAGE):
        raise PermissionDenied(_("You may not change %(unit)s.") % {"unit": unit.name})


def _may_list(actor: Any, unit: Unit, source: str) -> bool:
    """Who may put a problem on a unit's list: whoever manages the unit, and a guidance team
    member for what supervision found in a unit the team is assigned (the team's mandate)."""
    scope = scope_for(actor)
    if scope.allows(unit, Action.MANAGE):
        return True
    return source == ProblemSource.SUPERVISION and any(
        grant.role == Role.GUIDANCE and grant.covers(unit) for grant in scope.grants
    )


def state_of(problem: Problem) -> ProblemState:
    return ProblemState(
        unit_id=problem.unit_id,
        source=problem.source,
        category=problem.category,
        counted=problem.status != ProblemStatus.MERGED,
    )


def _validate(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = _("This field is required.")
    elif len(title) > 200:
        errors["title"] = _("At most %(n)d characters.") % {"n": 200}
    choices = {
        "source": ProblemSource.values,
        "category": ProblemCategory.values,
        "severity": Severity.values,
    }
    for name, allowed in choices.items():
        if values.get(name) not in allowed:
            errors[name] = _("Choose one of the listed values.")
    if values.get("public_point") not in ("", None, *PublicPoint.values):
        errors["public_point"] = _("Choose one of the listed values.")
    if not isinstance(values.get("reported_on"), dt.date):
        errors["reported_on"] = _("Enter a valid date.")
    if errors:
        raise ValidationError(errors)


def next_code(campaign: Campaign) -> str:
    """The next free problem number of the campaign, WT-<campaign>-<n>."""
    prefix = f"WT-{campaign.pk}-"
    n = Problem.objects.filter(campaign=campaign).count() + 1
    while Problem.objects.filter(code=f"{prefix}{n:05d}").exists():
        n += 1
    return f"{prefix}{n:05d}"


@transaction.atomic
def problem_create(
    *,
    actor: Any,
    campaign: Campaign,
    unit: Unit,
    title: str,
    source: str,
    category: str,
    description: str = "",
    public_point: str = "",
    severity: str = Severity.MEDIUM,
    reported_on: dt.date | None = None,
    is_public: bool = False,
    code: str = "",
) -> Problem:
    """Put a problem on the list of a unit the actor manages (or, for what supervision found,
    of a unit the actor's guidance team is assigned)."""
    if not _may_list(actor, unit, source):
        raise PermissionDenied(_("You may not change %(unit)s.") % {"unit": unit.name})
    values: dict[str, Any] = {
        "title": title,
        "description": description or "",
        "source": source,
        "category": category,
        "public_point": public_point or "",
        "severity": severity,
        "reported_on": reported_on or timezone.localdate(),
        "is_public": bool(is_public),
    }
    _validate(values)
    code = (code or "").strip()
    if code and Problem.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Problem number %(c)s is taken.") % {"c": code}})
    problem = Problem.objects.create(
        campaign=campaign,
        unit=unit,
        code=code or next_code(campaign),
        recorded_by=actor if getattr(actor, "pk", None) else None,
        **values | {"title": values["title"].strip()},
    )
    problem_changed.send(Problem, problem=problem, before=None, after=state_of(problem))
    index_problems([problem])
    return problem


@transaction.atomic
def problem_update(*, actor: Any, problem: Problem, **changes: Any) -> Problem:
    """Change a problem's description fields (not its unit, status or number)."""
    _require_manage(actor, problem.unit)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({"__all__": _("Unknown fields: %(f)s") % {"f": sorted(unknown)}})
    before = state_of(problem)
    values = {f: getattr(problem, f) for f in EDITABLE_FIELDS} | changes
    values["public_point"] = values.get("public_point") or ""
    _validate(values)
    for name, value in values.items():
        setattr(problem, name, value.strip() if name == "title" else value)
    problem.save()
    problem_changed.send(Problem, problem=problem, before=before, after=state_of(problem))
    if "title" in changes or "description" in changes:
        index_problems([problem])
    return problem


@transaction.atomic
def problem_set_status(*, actor: Any, problem: Problem, status: str) -> Problem:
    """Set the status as the rectification of its tasks goes (called by rectification)."""
    if problem.status == status or problem.status == ProblemStatus.MERGED:
        return problem
    before = state_of(problem)
    problem.status = status
    problem.save(update_fields=["status", "updated_at"])
    problem_changed.send(Problem, problem=problem, before=before, after=state_of(problem))
    return problem


@transaction.atomic
def problem_merge(*, actor: Any, problem: Problem, into: Problem) -> Problem:
    """Merge a duplicate into the surviving problem: it keeps its history, points to the
    survivor and no longer counts; its tasks now also serve the survivor."""
    _require_manage(actor, problem.unit)
    _require_manage(actor, into.unit)
    if problem.pk == into.pk:
        raise ValidationError({"into": _("A problem cannot be merged into itself.")})
    if problem.campaign_id != into.campaign_id:
        raise ValidationError({"into": _("Both problems must belong to the same campaign.")})
    if ProblemStatus.MERGED in (problem.status, into.status):
        raise ValidationError({"into": _("A merged problem cannot be merged again.")})
    before = state_of(problem)
    problem.status = ProblemStatus.MERGED
    problem.merged_into = into
    problem.save(update_fields=["status", "merged_into", "updated_at"])
    problem_changed.send(Problem, problem=problem, before=before, after=state_of(problem))
    for task in problem.tasks.all():
        task.problems.add(into)
    return problem


def escalation_target(problem: Problem) -> Any:
    """The upper (batch 1) unit linked to the problem's unit or the nearest unit above it that
    is a lower unit of a batch link of the campaign; None if there is none."""
    from chuxin.organization.models import BatchLink

    paths = problem.unit.ancestor_paths(include_self=True)
    links = list(
        BatchLink.objects.filter(campaign=problem.campaign, lower_unit__path__in=paths)
        .select_related("upper_unit", "lower_unit")
        .order_by("-lower_unit__depth")[:1]
    )
    return links[0].upper_unit if links else None


@transaction.atomic
def problem_escalate(*, actor: Any, problem: Problem, note: str = "") -> Problem:
    """Linkage between the batches: a batch-2 unit escalates a problem whose root lies above to
    the linked batch-1 unit. The upper unit gets its own problem, linked both ways."""
    _require_manage(actor, problem.unit)
    if problem.status == ProblemStatus.MERGED:
        raise ValidationError({"__all__": _("A merged problem cannot be escalated.")})
    if Problem.objects.filter(escalated_from=problem).exists():
        raise ValidationError({"__all__": _("This problem has already been escalated.")})
    upper = escalation_target(problem)
    if upper is None:
        raise ValidationError(
            {"__all__": _("No batch link leads from %(unit)s upward.") % {"unit": problem.unit}}
        )
    description = problem.description
    if note.strip():
        description = f"{description}\n\n{note.strip()}".strip()
    upper_problem = Problem.objects.create(
        campaign=problem.campaign,
        unit=upper,
        code=next_code(problem.campaign),
        title=problem.title,
        description=description,
        source=problem.source,
        category=problem.category,
        public_point=problem.public_point,
        severity=problem.severity,
        reported_on=timezone.localdate(),
        is_public=problem.is_public,
        escalated_from=problem,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    problem_changed.send(Problem, problem=upper_problem, before=None, after=state_of(upper_problem))
    index_problems([upper_problem])
    return upper_problem
