"""Recording what happened before the system: a ledger import says a task was closed on a
date in the past. The status moves through the status machine (``services.task_transition``);
this only dates the closing as the ledger says, keeping the counters right."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import counters
from .models import RectificationTask, TaskStatus


@transaction.atomic
def task_closing_date_set(
    *, actor: Any, task: RectificationTask, closed_on: dt.date
) -> RectificationTask:
    """Date a verified task's closing (销号日期) as recorded elsewhere, by a verifier. The
    submission cannot come after the closing, so it moves back with it (which may make the
    task closed on time: the counters follow)."""
    from .services import may_verify

    if not may_verify(actor, task):
        raise PermissionDenied(_("Only a verifier above the responsible unit may do this."))
    task = RectificationTask.objects.select_for_update().get(pk=task.pk)
    if task.status != TaskStatus.VERIFIED:
        raise ValidationError(
            {"closed_on": _("Only a verified and closed task has a closing date.")}
        )
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("The date cannot be in the future.")})
    before = (task.responsible_unit_id, counters.task_values(task))
    task.closed_on = closed_on
    if task.submitted_on is None or task.submitted_on > closed_on:
        task.submitted_on = closed_on
    task.save(update_fields=["closed_on", "submitted_on", "updated_at"])
    counters.apply_change(before, (task.responsible_unit_id, counters.task_values(task)))
    return task
