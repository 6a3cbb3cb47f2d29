"""Writes of rectification: tasks, stage objectives, progress updates with evidence, and the
status machine (submit, verify, return, reopen). Every write keeps the counters right.

Who may do what:

- the *workers* of a task (those who manage its responsible unit, and its responsible person
  and leader when they log in) create and edit it, report progress and submit it;
- a *verifier* (one who manages a unit above the responsible unit, or a guidance team member
  assigned to it) accepts or returns a submitted task, and reopens a closed one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Campaign, Member, Role, Unit
from chuxin.problems.models import Problem, ProblemStatus
from chuxin.problems.services import problem_set_status

from . import counters, guards
from .attachments import CheckedFile
from .models import (
    ProgressUpdate,
    RectificationTask,
    SpecialRectification,
    StageObjective,
    TaskEvent,
    TaskStatus,
    TaskType,
)

S = TaskStatus


@dataclass(frozen=True)
class Transition:
    action: str
    label: Any
    sources: tuple[str, ...]
    target: str
    by_verifier: bool
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("start", gettext_lazy("Start work"), (S.NOT_STARTED,), S.IN_PROGRESS, False),
        Transition(
            "submit",
            gettext_lazy("Submit as completed"),
            (S.NOT_STARTED, S.IN_PROGRESS, S.RETURNED, S.LONG_TERM),
            S.SUBMITTED,
            False,
        ),
        Transition(
            "long_term",
            gettext_lazy("Keep up as long-term"),
            (S.NOT_STARTED, S.IN_PROGRESS, S.RETURNED),
            S.LONG_TERM,
            False,
        ),
        Transition("accept", gettext_lazy("Verify and close"), (S.SUBMITTED,), S.VERIFIED, True),
        Transition(
            "return",
            gettext_lazy("Return for more work"),
            (S.SUBMITTED,),
            S.RETURNED,
            True,
            needs_reason=True,
        ),
        Transition(
            "reopen", gettext_lazy("Reopen"), (S.VERIFIED,), S.IN_PROGRESS, True, needs_reason=True
        ),
    )
}


# --- Who may ---------------------------------------------------------------------------------


def _person_users(task: RectificationTask) -> set[int]:
    ids: set[int] = set()
    for member in (task.responsible_person, task.responsible_leader):
        if member is not None and member.user_id:
            ids.add(member.user_id)
    return ids


def may_work(user: Any, task: RectificationTask) -> bool:
    """Manages the responsible unit, or is the task's responsible person or leader."""
    if not getattr(user, "is_authenticated", False):
        return False
    if scope_for(user).allows(task.responsible_unit, Action.MANAGE):
        return True
    return user.pk in _person_users(task)


def may_verify(user: Any, task: RectificationTask) -> bool:
    """Manages a unit above the responsible unit, or is a guidance team member over it."""
    scope = scope_for(user)
    if scope.everything:
        return True
    unit = task.responsible_unit
    above = unit.ancestor_paths(include_self=False)
    guides = False
    for grant in scope.grants:
        if grant.manage and grant.subtree and grant.path in above:
            return True
        if grant.role == Role.GUIDANCE and grant.covers(unit):
            guides = True
    if guides:  # where the office so configures (the campaign's guidance settings)
        from chuxin.guidance.selectors import reviews_checkpoints

        return reviews_checkpoints(user, unit, "rectification")
    return False


def allowed_actions(user: Any, task: RectificationTask) -> list[Transition]:
    """The transitions this user may make on the task now (for the buttons)."""
    out = []
    for t in TRANSITIONS.values():
        if task.status not in t.sources:
            continue
        if (may_verify if t.by_verifier else may_work)(user, task):
            out.append(t)
    return out


def _require_work(actor: Any, task: RectificationTask) -> None:
    if not may_work(actor, task):
        raise PermissionDenied(_("You may not change this task."))


# --- Keeping the derived fields and the counters right ---------------------------------------


def _snapshot(task: RectificationTask) -> tuple[int, dict[str, int]]:
    return task.responsible_unit_id, counters.task_values(task)


def _derive(task: RectificationTask) -> None:
    if task.progress_manual is not None:
        task.progress = task.progress_manual
    elif task.pk:
        objectives = list(task.stage_objectives.values_list("done_on", flat=True))
        task.progress = (
            sum(1 for d in objectives if d) * 100 // len(objectives) if objectives else 0
        )
    if task.status == S.VERIFIED:
        task.progress = 100
    task.is_overdue = counters.is_overdue(task)


def _save(task: RectificationTask, before: tuple[int, dict[str, int]] | None) -> None:
    _derive(task)
    task.save()
    counters.apply_change(before, _snapshot(task))


def _sync_problems(task: RectificationTask) -> None:
    closed = task.status == S.VERIFIED
    target = ProblemStatus.RECTIFIED if closed else ProblemStatus.IN_RECTIFICATION
    for problem in task.problems.all():
        if problem.status == ProblemStatus.MERGED:
            continue
        # Rectified only once every task for it is closed.
        if closed and problem.tasks.exclude(status=S.VERIFIED).exists():
            continue
        problem_set_status(actor=None, problem=problem, status=target)


# --- Tasks -----------------------------------------------------------------------------------

TASK_FIELDS = (
    "title",
    "direction",
    "measures",
    "task_type",
    "time_limit",
    "responsible_leader",
    "responsible_person",
    "note",
)


def _validate(values: dict[str, Any], unit: Unit) -> None:
    errors: dict[str, Any] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = _("This field is required.")
    elif len(title) > 200:
        errors["title"] = _("At most %(n)d characters.") % {"n": 200}
    if values.get("task_type") not in TaskType.values:
        errors["task_type"] = _("Choose one of the listed values.")
    limit = values.get("time_limit")
    if limit is None and values.get("task_type") != TaskType.LONG_TERM:
        errors["time_limit"] = _("A time limit is required unless the task is long-term.")
    elif limit is not None and not isinstance(limit, dt.date):
        errors["time_limit"] = _("Enter a valid date.")
    measures = values.get("measures") or []
    if not isinstance(measures, list) or not all(isinstance(m, str) for m in measures):
        errors["measures"] = _("Work measures are a list of lines.")
    for name in ("responsible_leader", "responsible_person"):
        member = values.get(name)
        if member is not None and not unit.path.startswith(member.unit.path[: Unit.steplen]):
            errors[name] = _("Choose a member of the organization.")
    leader = values.get("responsible_leader")
    if leader is not None and not leader.is_leading_cadre:
        errors["responsible_leader"] = _("The responsible leader must be a leading cadre.")
    if errors:
        raise ValidationError(errors)


def clean_measures(value: str | Sequence[str] | None) -> list[str]:
    """Work measures from text (one per line) or a list; empty lines dropped, order kept."""
    lines = value.splitlines() if isinstance(value, str) else list(value or [])
    return [str(line).strip() for line in lines if str(line).strip()]


def next_code(campaign: Campaign) -> str:
    prefix = f"ZG-{campaign.pk}-"
    n = RectificationTask.objects.filter(campaign=campaign).count() + 1
    while RectificationTask.objects.filter(code=f"{prefix}{n:05d}").exists():
        n += 1
    return f"{prefix}{n:05d}"


@transaction.atomic
def task_create(
    *,
    actor: Any,
    campaign: Campaign,
    responsible_unit: Unit,
    title: str,
    problems: Iterable[Problem] = (),
    co_units: Iterable[Unit] = (),
    responsible_leader: Member | None = None,
    responsible_person: Member | None = None,
    direction: str = "",
    measures: str | Sequence[str] = (),
    task_type: str = TaskType.TIME_LIMITED,
    time_limit: dt.date | None = None,
    note: str = "",
    code: str = "",
    special: SpecialRectification | None = None,
) -> RectificationTask:
    """A rectification task for problems of the responsible unit's subtree."""
    if not scope_for(actor).allows(responsible_unit, Action.MANAGE):
        raise PermissionDenied(_("You may not change %(unit)s.") % {"unit": responsible_unit.name})
    problems = list(problems)
    values: dict[str, Any] = {
        "title": title,
        "direction": direction or "",
        "measures": clean_measures(measures),
        "task_type": task_type,
        "time_limit": time_limit,
        "responsible_leader": responsible_leader,
        "responsible_person": responsible_person,
        "note": note or "",
    }
    _validate(values, responsible_unit)
    scope = scope_for(actor)
    for problem in problems:
        if not scope.allows(problem.unit, Action.VIEW):
            raise ValidationError({"problems": _("Choose problems you can see.")})
    code = (code or "").strip()
    if code and RectificationTask.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Task number %(c)s is taken.") % {"c": code}})
    if special is not None:
        from .specials import check_task_unit

        check_task_unit(special, responsible_unit)
    task = RectificationTask(
        campaign=campaign,
        responsible_unit=responsible_unit,
        code=code or next_code(campaign),
        created_by=actor if getattr(actor, "pk", None) else None,
        special=special,
        **values | {"title": values["title"].strip()},
    )
    _save(task, None)
    if problems:
        task.problems.set(problems)
    co = [u for u in co_units if u.pk != responsible_unit.pk]
    if co:
        task.co_units.set(co)
    _sync_problems(task)
    link_across_batches(task)
    return task


def link_across_batches(task: RectificationTask) -> None:
    """Keep the upper unit's task and the lower unit's task of an escalated problem connected:
    the lower one points to the upper one (and shows its progress)."""
    for problem in task.problems.all():
        if problem.escalated_from_id:
            RectificationTask.objects.filter(
                problems=problem.escalated_from_id, upper_task__isnull=True
            ).exclude(pk=task.pk).update(upper_task=task)
        elif task.upper_task_id is None:
            upper = (
                RectificationTask.objects.filter(problems__escalated_from=problem)
                .order_by("pk")
                .first()
            )
            if upper is not None:
                task.upper_task = upper
                task.save(update_fields=["upper_task"])


@transaction.atomic
def task_update(*, actor: Any, task: RectificationTask, **changes: Any) -> RectificationTask:
    """Change what the task says (not its status: that is :func:`task_transition`)."""
    _require_work(actor, task)
    problems = changes.pop("problems", None)
    co_units = changes.pop("co_units", None)
    unknown = set(changes) - set(TASK_FIELDS)
    if unknown:
        raise ValidationError({"__all__": _("Unknown fields: %(f)s") % {"f": sorted(unknown)}})
    if "measures" in changes:
        changes["measures"] = clean_measures(changes["measures"])
    values = {f: getattr(task, f) for f in TASK_FIELDS} | changes
    _validate(values, task.responsible_unit)
    before = _snapshot(task)
    for name, value in values.items():
        setattr(task, name, value.strip() if name == "title" else value)
    _save(task, before)
    if problems is not None:
        task.problems.set(list(problems))
        _sync_problems(task)
    if co_units is not None:
        task.co_units.set([u for u in co_units if u.pk != task.responsible_unit_id])
    return task


@transaction.atomic
def task_transition(
    *,
    actor: Any,
    task: RectificationTask,
    action: str,
    reason: str = "",
    links: Mapping[str, Any] | None = None,
) -> RectificationTask:
    """Move the task along the status machine; refused moves change nothing. Verifying and
    closing also runs the close guards other apps registered (``guards``), with ``links``
    (extra values they declared, e.g. a mechanism to link)."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": _("Unknown action.")})
    allowed = may_verify if transition.by_verifier else may_work
    if not allowed(actor, task):
        if transition.by_verifier:
            raise PermissionDenied(_("Only a verifier above the responsible unit may do this."))
        raise PermissionDenied(_("You may not change this task."))
    task = RectificationTask.objects.select_for_update().get(pk=task.pk)
    if task.status not in transition.sources:
        raise ValidationError(
            {
                "action": _("A task that is “%(s)s” cannot be moved that way.")
                % {"s": task.get_status_display()}
            }
        )
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    before = _snapshot(task)
    old = task.status
    task.status = transition.target
    today = timezone.localdate()
    if action == "submit":
        task.submitted_on = today
    elif action == "accept":
        guards.check_close(
            guards.CloseAttempt(
                actor=actor, task=task, reason=reason, links=guards.clean_links(links)
            )
        )
        task.closed_on = today
        task.verified_by = actor
    elif action == "return":
        task.returned_count += 1
    elif action == "reopen":
        task.closed_on = None
    _save(task, before)
    TaskEvent.objects.create(
        task=task, action=action, from_status=old, to_status=task.status, reason=reason, by=actor
    )
    _sync_problems(task)
    return task


# --- Stage objectives ------------------------------------------------------------------------


@transaction.atomic
def stage_objective_add(
    *, actor: Any, task: RectificationTask, title: str, due_on: dt.date | None
) -> StageObjective:
    """Add a stage objective (milestone) at the end of the task's list."""
    _require_work(actor, task)
    title = (title or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("This field is required.")
    elif len(title) > 300:
        errors["title"] = _("At most %(n)d characters.") % {"n": 300}
    if not isinstance(due_on, dt.date):
        errors["due_on"] = _("Enter a valid date.")
    if errors or due_on is None:
        raise ValidationError(errors)
    order = task.stage_objectives.count() + 1
    objective = StageObjective.objects.create(task=task, order=order, title=title, due_on=due_on)
    _save(task, _snapshot(task))
    return objective


@transaction.atomic
def stage_objective_tick(
    *,
    actor: Any,
    objective: StageObjective,
    done: bool,
    evidence: str = "",
    done_on: dt.date | None = None,
) -> StageObjective:
    """Mark a stage objective done (today unless said) with its evidence, or not done."""
    task = objective.task
    _require_work(actor, task)
    if task.status == S.VERIFIED:
        raise ValidationError({"done": _("The task is closed; reopen it first.")})
    objective.done_on = (done_on or timezone.localdate()) if done else None
    if evidence:
        objective.evidence = evidence.strip()
    objective.save()
    before = _snapshot(task)
    if task.status == S.NOT_STARTED and done:
        task.status = S.IN_PROGRESS
    _save(task, before)
    return objective


# --- Progress updates ------------------------------------------------------------------------


@transaction.atomic
def progress_update_add(
    *,
    actor: Any,
    task: RectificationTask,
    text: str,
    date: dt.date | None = None,
    percent: int | None = None,
    files: Sequence[CheckedFile] = (),
) -> ProgressUpdate:
    """Report progress (with evidence files, already checked); a not-started or returned task
    is in progress from then on. A percent given sets the task's progress by hand."""
    _require_work(actor, task)
    text = (text or "").strip()
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = _("This field is required.")
    if percent is not None and not 0 <= percent <= 100:
        errors["percent"] = _("A percent is between 0 and 100.")
    if date is not None and date > timezone.localdate():
        errors["date"] = _("The date cannot be in the future.")
    if task.status == S.VERIFIED:
        errors["text"] = _("The task is closed; reopen it first.")
    if errors:
        raise ValidationError(errors)
    update = ProgressUpdate.objects.create(
        task=task,
        date=date or timezone.localdate(),
        text=text,
        percent=percent,
        created_by=actor,
    )
    if files:
        from .evidence import store_files

        store_files(actor=actor, task=task, files=files, update=update)
    before = _snapshot(task)
    old = task.status
    if percent is not None:
        task.progress_manual = percent
    if task.status in (S.NOT_STARTED, S.RETURNED):
        task.status = S.IN_PROGRESS
    _save(task, before)
    if old != task.status:
        TaskEvent.objects.create(
            task=task, action="start", from_status=old, to_status=task.status, by=actor
        )
    return update
