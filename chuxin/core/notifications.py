"""Notifications: in-app (the inbox) and, where configured, by email — one email each, or one
daily digest for users who chose it. Each (user, dedupe key) is notified at most once, so a
daily job can run any number of times; the digest goes out at most once a day per user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification, User


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
    """Email each notification whose user has an address (once); returns how many were sent.
    Users who chose the daily digest get theirs in the digest instead."""
    sent = 0
    for note in Notification.objects.filter(
        pk__in=ids, emailed_at__isnull=True, user__daily_digest=False
    ).select_related("user"):
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


def notification_mark_unread(*, actor: Any, ids: Iterable[int]) -> int:
    """Mark some of the user's notifications unread again."""
    return Notification.objects.filter(user=actor, pk__in=list(ids)).update(read_at=None)


def notification_set_digest(*, actor: Any, daily_digest: bool) -> None:
    """Choose between one email per notification and one daily digest."""
    User.objects.filter(pk=actor.pk).update(daily_digest=bool(daily_digest))
    actor.daily_digest = bool(daily_digest)


def send_daily_digests(today: dt.date | None = None) -> int:
    """Email each user who chose the digest the unread notifications not yet sent in one, in
    one message, at most once a day (a second run the same day sends nothing). Returns how many
    digests were sent."""
    today = today or timezone.localdate()
    sent = 0
    users = (
        User.objects.filter(daily_digest=True, is_active=True)
        .exclude(email="")
        .filter(Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today))
    )
    for user in users:
        with transaction.atomic():
            notes = list(
                Notification.objects.select_for_update()
                .filter(user=user, digested_at__isnull=True, read_at__isnull=True)
                .order_by("created_at", "id")
            )
            if not notes:
                continue
            claimed = (
                User.objects.filter(pk=user.pk)
                .filter(Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today))
                .update(digest_sent_on=today)
            )
            if not claimed:
                continue  # another run sent today's digest meanwhile
            language = user.preferred_language or settings.LANGUAGE_CODE
            with translation.override(language):
                subject = _("Chuxin: %(n)d new notifications") % {"n": len(notes)}
                lines = []
                for note in notes:
                    lines.append(f"- {note.title}")
                    if note.url:
                        lines.append(f"  {note.url}")
            send_mail(subject, "\n".join(lines), None, [user.email], fail_silently=True)
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(
                digested_at=timezone.now()
            )
            sent += 1
    return sent


def subordinate_notifications(actor: Any) -> QuerySet[Notification]:
    """What the users of the units the actor administers were told, and whether they read it
    (the office and unit administrators; nobody else sees anyone else's inbox)."""
    from chuxin.organization.models import RoleAssignment

    from .scoping import Action, scoped

    if not actor.is_authenticated:
        return Notification.objects.none()
    assignments = scoped(RoleAssignment.objects.all(), actor, action=Action.MANAGE)
    users = assignments.exclude(user=actor).values("user_id")
    return Notification.objects.filter(user_id__in=users).select_related("user")
