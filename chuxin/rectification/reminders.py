"""The daily rectification sweep: refresh "overdue", remind before time limits, escalate
after them. Idempotent: each notification has a dedupe key per task, time limit and step, so
a second run the same day sends nothing new (and neither does any webhook).

- 7, 3 and 1 days before a task's time limit: its responsible person;
- once overdue: the responsible person and the administrators of the unit above;
- 7 more days overdue: the administrators of the unit above that as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chuxin.core.models import User
from chuxin.core.notifications import Message, notify_many
from chuxin.organization.models import Role, RoleAssignment, Unit

from . import counters, webhooks
from .models import OPEN_STATUSES, RectificationTask

REMIND_DAYS = (7, 3, 1)
ESCALATE_AFTER_DAYS = 7
CHUNK = 2000


@dataclass
class Event:
    """One reminder or escalation of one task, to some users, relayed to one unit's hook."""

    task: RectificationTask
    kind: str
    step: str
    hook_unit: Unit
    user_ids: set[int] = field(default_factory=set)

    @property
    def key(self) -> str:
        return f"rect:{self.kind}:{self.task.pk}:{self.task.time_limit}:{self.step}"


@dataclass
class SweepResult:
    overdue_changed: int = 0
    notifications: int = 0
    webhooks: int = 0


def today_in_zone(now: dt.datetime | None = None) -> dt.date:
    """Today in the display time zone (Asia/Shanghai): midnight there, not in UTC."""
    return timezone.localdate(now or timezone.now())


def _admins(unit_ids: set[int]) -> dict[int, set[int]]:
    admins: dict[int, set[int]] = {}
    rows = RoleAssignment.objects.filter(
        unit_id__in=unit_ids, role__in=(Role.OFFICE, Role.UNIT_ADMIN), user__is_active=True
    ).values_list("unit_id", "user_id")
    for unit_id, user_id in rows:
        admins.setdefault(unit_id, set()).add(user_id)
    return admins


def _ancestor(unit: Unit, up: int, by_path: dict[str, Unit]) -> Unit | None:
    end = len(unit.path) - up * Unit.steplen
    return by_path.get(unit.path[:end]) if end > 0 else None


def _events(tasks: list[RectificationTask], today: dt.date) -> Iterator[Event]:
    paths = {p for t in tasks for p in t.responsible_unit.ancestor_paths()}
    by_path = {u.path: u for u in Unit.objects.filter(path__in=paths)}
    uppers: dict[int, tuple[Unit | None, Unit | None]] = {}
    for t in tasks:
        unit = t.responsible_unit
        uppers[t.pk] = (_ancestor(unit, 1, by_path), _ancestor(unit, 2, by_path))
    admins = _admins({u.pk for pair in uppers.values() for u in pair if u is not None})
    for t in tasks:
        assert t.time_limit is not None
        person = t.responsible_person.user_id if t.responsible_person else None
        days_left = (t.time_limit - today).days
        if days_left in REMIND_DAYS:
            if person:
                yield Event(t, "due", str(days_left), t.responsible_unit, {person})
            continue
        if days_left >= 0:
            continue
        parent, grandparent = uppers[t.pk]
        users = {person} if person else set()
        if parent is not None:
            users |= admins.get(parent.pk, set())
        yield Event(t, "overdue", "1", parent or t.responsible_unit, users)
        if -days_left > ESCALATE_AFTER_DAYS and grandparent is not None:
            yield Event(t, "overdue", "2", grandparent, admins.get(grandparent.pk, set()))


def _message(event: Event, user_id: int, url: str) -> Message:
    t = event.task
    limit = t.time_limit.isoformat() if t.time_limit else ""
    if event.kind == "due":
        title = _("Rectification due in %(n)s day(s): %(t)s") % {"n": event.step, "t": t.title}
        body = _("The time limit of task %(c)s is %(d)s.") % {"c": t.code, "d": limit}
    else:
        title = _("Rectification overdue: %(t)s") % {"t": t.title}
        body = _("Task %(c)s of %(u)s passed its time limit of %(d)s and is not completed.") % {
            "c": t.code,
            "u": t.responsible_unit.name,
            "d": limit,
        }
    return Message(
        user_id=user_id,
        kind=f"rect_{event.kind}",
        title=title,
        body=body,
        url=url,
        dedupe_key=event.key,
    )


def rectification_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Refresh overdue, then remind and escalate (in chunks, each in its own transaction)."""
    today = today_in_zone(now)
    result = SweepResult(overdue_changed=counters.overdue_refresh(today))
    soon = [today + dt.timedelta(days=n) for n in REMIND_DAYS]
    ids = list(
        RectificationTask.objects.filter(
            Q(time_limit__in=soon) | Q(time_limit__lt=today), status__in=OPEN_STATUSES
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    languages: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(
            RectificationTask.objects.filter(pk__in=ids[start : start + CHUNK]).select_related(
                "responsible_unit", "responsible_person"
            )
        )
        events = list(_events(chunk, today))
        user_ids = {u for e in events for u in e.user_ids} - set(languages)
        if user_ids:
            languages |= dict(
                User.objects.filter(pk__in=user_ids).values_list("pk", "preferred_language")
            )
        with transaction.atomic():
            messages = []
            for event in events:
                url = reverse("rectification:task_detail", args=[event.task.pk])
                for user_id in sorted(event.user_ids):
                    with translation.override(languages.get(user_id) or "zh-hans"):
                        messages.append(_message(event, user_id, url))
            created = notify_many(messages)
            result.notifications += len(created)
            new_keys = {n.dedupe_key for n in created}
            for event in events:
                if event.key in new_keys and webhooks.send_after_commit(
                    event.hook_unit, _payload(event)
                ):
                    result.webhooks += 1
    return result


def _payload(event: Event) -> dict[str, Any]:
    t = event.task
    return {
        "kind": f"rectification.{event.kind}",
        "step": event.step,
        "task": {
            "id": t.pk,
            "code": t.code,
            "title": t.title,
            "time_limit": t.time_limit.isoformat() if t.time_limit else None,
            "status": t.status,
            "responsible_unit": t.responsible_unit.code,
            "url": reverse("rectification:task_detail", args=[t.pk]),
        },
        "unit": event.hook_unit.code,
    }
