"""Writes of the mechanism register: record, change, archive and restore a mechanism, link
it to the problems and tasks it came from; and the close rule of long-term tasks."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Campaign, Unit
from chuxin.problems.models import Problem
from chuxin.rectification.attachments import CheckedFile, check_file
from chuxin.rectification.guards import CloseAttempt
from chuxin.rectification.models import RectificationTask, TaskType

from . import counters
from .models import Mechanism, MechanismKind

FIELDS = ("title", "kind", "issued_on", "summary")


def check_document(upload: Any) -> CheckedFile:
    """The document, checked as rectification's evidence files are (type, size, name)."""
    try:
        return check_file(upload)
    except ValidationError as exc:
        raise ValidationError({"document": exc.messages}) from exc


def _require_manage(actor: Any, unit: Unit) -> None:
    if not scope_for(actor).allows(unit, Action.MANAGE):
        raise PermissionDenied(_("You may not change %(unit)s.") % {"unit": unit.name})


def _validate(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = _("This field is required.")
    elif len(title) > 200:
        errors["title"] = _("At most %(n)d characters.") % {"n": 200}
    if values.get("kind") not in MechanismKind.values:
        errors["kind"] = _("Choose one of the listed values.")
    issued = values.get("issued_on")
    if not isinstance(issued, dt.date):
        errors["issued_on"] = _("Enter a valid date.")
    elif issued > timezone.localdate() + dt.timedelta(days=366):
        errors["issued_on"] = _("The date is too far in the future.")
    if len(values.get("summary") or "") > 10_000:
        errors["summary"] = _("At most %(n)d characters.") % {"n": 10_000}
    if errors:
        raise ValidationError(errors)


def _check_origins(
    actor: Any, campaign: Campaign, problems: list[Problem], tasks: list[RectificationTask]
) -> None:
    scope = scope_for(actor)
    errors: dict[str, str] = {}
    if any(p.campaign_id != campaign.pk or not scope.allows(p.unit) for p in problems):
        errors["problems"] = _("Choose problems of the campaign that you can see.")
    if any(t.campaign_id != campaign.pk or not scope.allows(t.responsible_unit) for t in tasks):
        errors["tasks"] = _("Choose tasks of the campaign that you can see.")
    if errors:
        raise ValidationError(errors)


def _store(mechanism: Mechanism, document: CheckedFile | None) -> None:
    if document is None:
        return
    ext = document.name.rsplit(".", 1)[-1].lower()
    document.file.name = f"{uuid.uuid4().hex}.{ext}"
    mechanism.document = document.file
    mechanism.document_name = document.name
    mechanism.document_content_type = document.content_type
    mechanism.document_size = document.size


def next_code(campaign: Campaign) -> str:
    """The next free mechanism number of the campaign, JZ-<campaign>-<n>."""
    prefix = f"JZ-{campaign.pk}-"
    n = Mechanism.objects.filter(campaign=campaign).count() + 1
    while Mechanism.objects.filter(code=f"{prefix}{n:05d}").exists():
        n += 1
    return f"{prefix}{n:05d}"


@transaction.atomic
def mechanism_create(
    *,
    actor: Any,
    campaign: Campaign,
    unit: Unit,
    title: str,
    kind: str,
    issued_on: dt.date | None,
    summary: str = "",
    problems: Iterable[Problem] = (),
    tasks: Iterable[RectificationTask] = (),
    document: CheckedFile | None = None,
    code: str = "",
) -> Mechanism:
    """Record a mechanism issued by a unit the actor manages, with the problems and tasks it
    came from and its document (already checked)."""
    _require_manage(actor, unit)
    values: dict[str, Any] = {
        "title": title,
        "kind": kind,
        "issued_on": issued_on,
        "summary": (summary or "").strip(),
    }
    _validate(values)
    if not unit.path.startswith(campaign.root_unit.path):
        raise ValidationError({"campaign": _("The campaign does not cover this unit.")})
    problems, tasks = list(problems), list(tasks)
    _check_origins(actor, campaign, problems, tasks)
    code = (code or "").strip()
    if len(code) > 40:
        raise ValidationError({"code": _("At most %(n)d characters.") % {"n": 40}})
    if code and Mechanism.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Mechanism number %(c)s is taken.") % {"c": code}})
    mechanism = Mechanism(
        campaign=campaign,
        unit=unit,
        code=code or next_code(campaign),
        created_by=actor if getattr(actor, "pk", None) else None,
        **values | {"title": values["title"].strip()},
    )
    _store(mechanism, document)
    mechanism.save()
    if problems:
        mechanism.problems.set(problems)
    if tasks:
        mechanism.tasks.set(tasks)
    counters.apply_change(None, (unit, counters.values_of(mechanism.kind, False)))
    return mechanism


@transaction.atomic
def mechanism_update(
    *,
    actor: Any,
    mechanism: Mechanism,
    problems: Iterable[Problem] | None = None,
    tasks: Iterable[RectificationTask] | None = None,
    document: CheckedFile | None = None,
    **changes: Any,
) -> Mechanism:
    """Change what the mechanism says, its origins, or replace its document."""
    _require_manage(actor, mechanism.unit)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError({"__all__": _("Unknown fields: %(f)s") % {"f": sorted(unknown)}})
    values = {f: getattr(mechanism, f) for f in FIELDS} | changes
    values["summary"] = (values.get("summary") or "").strip()
    _validate(values)
    problem_list = list(problems) if problems is not None else []
    task_list = list(tasks) if tasks is not None else []
    _check_origins(actor, mechanism.campaign, problem_list, task_list)
    before = (mechanism.unit, counters.values_of(mechanism.kind, mechanism.is_archived))
    for name, value in values.items():
        setattr(mechanism, name, value.strip() if name == "title" else value)
    _store(mechanism, document)
    mechanism.save()
    if problems is not None:
        mechanism.problems.set(problem_list)
    if tasks is not None:
        mechanism.tasks.set(task_list)
    after = (mechanism.unit, counters.values_of(mechanism.kind, mechanism.is_archived))
    counters.apply_change(before, after)
    return mechanism


@transaction.atomic
def mechanism_archive(*, actor: Any, mechanism: Mechanism, archived: bool = True) -> Mechanism:
    """Archive a mechanism (it stays on record and no longer counts), or restore it."""
    _require_manage(actor, mechanism.unit)
    if archived == mechanism.is_archived:
        return mechanism
    before = (mechanism.unit, counters.values_of(mechanism.kind, mechanism.is_archived))
    mechanism.archived_at = timezone.now() if archived else None
    mechanism.save()
    counters.apply_change(
        before, (mechanism.unit, counters.values_of(mechanism.kind, mechanism.is_archived))
    )
    return mechanism


# --- The close rule of long-term tasks -------------------------------------------------------


def long_term_close_guard(attempt: CloseAttempt) -> list[str]:
    """A long-term task closes only when linked to a mechanism in force or with a reason.

    A mechanism number given on closing (``links["mechanism"]``) is looked up among the
    mechanisms the verifier can see and linked to the task.
    """
    from .selectors import mechanisms_visible

    task = attempt.task
    code = (attempt.links.get("mechanism") or "").strip()
    if code:
        mechanism = (
            mechanisms_visible(attempt.actor)
            .filter(code__iexact=code, archived_at__isnull=True)
            .first()
        )
        if mechanism is None:
            return [_("No long-term mechanism numbered %(c)s in your sight.") % {"c": code}]
        mechanism.tasks.add(task)
        return []
    if task.task_type != TaskType.LONG_TERM or attempt.reason:
        return []
    if Mechanism.objects.filter(tasks=task, archived_at__isnull=True).exists():
        return []
    return [
        _(
            "A long-term task can only be closed when linked to a long-term mechanism "
            "or with a reason."
        )
    ]
