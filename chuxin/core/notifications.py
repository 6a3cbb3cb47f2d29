"""Notifications: in-app (the inbox) and, where configured, by email. Each (user, dedupe key)
is notified at most once, so a daily job can run any number of times."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification


@dataclass(frozen=True)
class Message:
    user_id: int
    kind: str
    title: str
    body: str
    url: str
    dedupe_key: str


def notify_many(messages: Iterable[Message]) -> list[Notification]:
    """Create the notifications not sent before; email them after the transaction commits.
    Returns the new ones."""
    wanted = {(m.user_id, m.dedupe_key[:200]): m for m in messages}
    if not wanted:
        return []
    users = {user_id for user_id, _key in wanted}
    existing = set(
        Notification.objects.filter(
            user_id__in=users, dedupe_key__in={key for _u, key in wanted}
        ).values_list("user_id", "dedupe_key")
    )
    new = [
        Notification(
            user_id=m.user_id,
            kind=m.kind[:40],
            title=m.title[:200],
            body=m.body,
            url=m.url[:500],
            dedupe_key=key[1],
        )
        for key, m in wanted.items()
        if key not in existing
    ]
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    created = (
        list(
            Notification.objects.filter(
                user_id__in={n.user_id for n in new},
                dedupe_key__in={n.dedupe_key for n in new},
                emailed_at__isnull=True,
                read_at__isnull=True,
            ).select_related("user")
        )
        if new
        else []
    )
    if created and getattr(settings, "NOTIFICATION_EMAIL", False):
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: email_notifications(ids))
    return created


def email_notifications(ids: list[int]) -> int:
    """Email each notification whose user has an address (once); returns how many were sent."""
    sent = 0
    for note in Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related(
        "user"
    ):
        address = note.user.email
        if not address:
            continue
        body = f"{note.body}\n\n{note.url}" if note.url else note.body
        send_mail(note.title, body, None, [address], fail_silently=True)
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def notification_mark_read(*, actor: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when ``ids`` is None)."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
