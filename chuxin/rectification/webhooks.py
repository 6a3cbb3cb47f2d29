"""The generic outgoing webhook: a JSON POST signed with HMAC-SHA256, so that an intranet
chat system can relay reminders and escalations.

Every POST is a :class:`~.models.WebhookDelivery` row: created in the transaction that
decided to send it, tried once the transaction commits (by the background task
``tasks.webhook_deliver``), and on failure retried with exponential backoff (1, 4, 16, 64
minutes, then every 4 hours) up to ``MAX_ATTEMPTS`` tries, after which it is marked failed.
A retry is scheduled on the task queue when the backend can defer tasks (the database
backend can); ``deliver_due`` (the ``webhook_retry_due`` task, ``chuxin
rectification_webhooks``) also picks up every delivery whose next attempt is due, so no retry
is lost if a worker was down. A failure is recorded, never raised into the sweep.

Only public addresses are called (``webhook_guard``: checked when the address is saved and
again at each delivery, where the host is resolved and the connection pinned to the checked
address); a delivery the guard refuses fails at once with the reason in the log.

A unit administrator sets up the unit's webhook on its page (URL, enabled, the signing secret
shown once when generated, a test delivery) and reads the delivery log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Unit

from . import webhook_guard
from .models import DeliveryStatus, UnitWebhook, WebhookDelivery

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Chuxin-Signature"
DELIVERY_HEADER = "X-Chuxin-Delivery"
TIMEOUT_SECONDS = 5
MAX_ATTEMPTS = 6
BACKOFF_MINUTES = (1, 4, 16, 64, 240)
DUE_BATCH = 200


def sign(secret: str, body: bytes) -> str:
    """``sha256=<hex>`` of the body under the secret (what the receiver recomputes)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, body), signature)


def _guarded_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST through the SSRF guard: only to public addresses, checked at connection time."""
    return webhook_guard.post(url, body, headers, timeout=TIMEOUT_SECONDS)


# The transport; tests may replace it. Returns the HTTP status or raises (WebhookRefused when
# the guard refuses the address: the delivery then fails at once, without retries).
transport: Callable[[str, bytes, dict[str, str]], int] = _guarded_post


def hook_for(unit: Unit) -> UnitWebhook | None:
    """The active webhook of the unit, or of the nearest unit above that has one."""
    paths = unit.ancestor_paths(include_self=True)
    hooks = {
        h.unit.path: h
        for h in UnitWebhook.objects.filter(unit__path__in=paths, active=True).select_related(
            "unit"
        )
    }
    for path in reversed(paths):
        if path in hooks:
            return hooks[path]
    return None


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def _post(hook: UnitWebhook, payload: dict[str, Any], delivery_id: int | None) -> int:
    body = body_of(payload)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: sign(hook.secret, body),
        "User-Agent": "chuxin-webhook/1",
    }
    if delivery_id is not None:
        headers[DELIVERY_HEADER] = str(delivery_id)
    return transport(hook.url, body, headers)


def deliver(hook_id: int, payload: dict[str, Any]) -> int | None:
    """POST the payload now, unrecorded; the HTTP status, None when it could not be sent."""
    hook = UnitWebhook.objects.filter(pk=hook_id, active=True).first()
    if hook is None:
        return None
    try:
        return _post(hook, payload, None)
    except Exception:  # a chat relay being down must not stop the reminders
        log.warning("webhook %s to %s failed", hook.pk, hook.url, exc_info=True)
        return None


# --- Deliveries ------------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed try."""
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return dt.timedelta(minutes=BACKOFF_MINUTES[index])


def _enqueue(delivery_id: int, run_after: dt.datetime | None = None) -> None:
    from django_tasks import default_task_backend

    from .tasks import webhook_deliver

    if run_after is not None:
        if not default_task_backend.supports_defer:
            return  # ``deliver_due`` picks it up when it is due
        webhook_deliver.using(run_after=run_after).enqueue(delivery_id)
        return
    webhook_deliver.enqueue(delivery_id)


def queue_delivery(hook: UnitWebhook, payload: dict[str, Any]) -> WebhookDelivery:
    """Record a delivery and have the worker try it once the transaction commits."""
    delivery = WebhookDelivery.objects.create(
        hook=hook,
        kind=str(payload.get("kind", ""))[:60],
        payload=payload,
        next_attempt_at=timezone.now(),
    )
    delivery_id = delivery.pk
    transaction.on_commit(lambda: _enqueue(delivery_id))
    return delivery


def send_after_commit(unit: Unit, payload: dict[str, Any]) -> bool:
    """Queue the payload for the unit's webhook (if any): recorded now, sent after commit."""
    hook = hook_for(unit)
    if hook is None:
        return False
    queue_delivery(hook, payload | {"sent_at": timezone.now().isoformat()})
    return True


def attempt(delivery_id: int, *, now: dt.datetime | None = None) -> WebhookDelivery | None:
    """Try one delivery now (if still pending); record the outcome; schedule the retry."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("hook")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return None
        # Claim it: a second worker on the same row waits, then finds it no longer due.
        delivery.attempts += 1
        delivery.next_attempt_at = None
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    hook = delivery.hook
    code: int | None = None
    error = ""
    refused = False
    if not hook.active:
        error = _("The webhook is disabled.")
    else:
        try:
            code = _post(hook, delivery.payload, delivery.pk)
        except webhook_guard.WebhookRefused as exc:
            # The address is not one the server may call: no retry will change that.
            refused, error = True, str(exc)[:1000]
        except Exception as exc:  # recorded, retried; never raised into the sweep
            error = f"{type(exc).__name__}: {exc}"[:1000]
        else:
            if not 200 <= code < 300:
                error = f"HTTP {code}"
    delivery.response_code = code
    delivery.last_error = error
    if not error:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
    elif refused or delivery.attempts >= MAX_ATTEMPTS or not hook.active:
        delivery.status = DeliveryStatus.FAILED
        log.warning("webhook delivery %s failed for good: %s", delivery.pk, error)
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save(
        update_fields=["status", "response_code", "last_error", "next_attempt_at", "delivered_at"]
    )
    if delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at:
        _enqueue(delivery.pk, delivery.next_attempt_at)
    return delivery


def deliver_due(*, now: dt.datetime | None = None, limit: int = DUE_BATCH) -> int:
    """Try every pending delivery whose next attempt is due; returns how many were tried."""
    now = now or timezone.now()
    ids = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if attempt(pk, now=now) is not None)


# --- Services for the unit's page ------------------------------------------------------------


def _require_manage(actor: Any, unit: Unit) -> None:
    if not scope_for(actor).allows(unit, Action.MANAGE):
        raise PermissionDenied(_("You may not change %(unit)s.") % {"unit": unit.name})


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ValidationError({"url": _("This field is required.")})
    if len(url) > 500:
        raise ValidationError({"url": _("At most %(n)d characters.") % {"n": 500}})
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError({"url": _("Enter an http:// or https:// address.")}) from exc
    return webhook_guard.check_url(url)


@transaction.atomic
def webhook_save(
    *, actor: Any, unit: Unit, url: str, active: bool = True
) -> tuple[UnitWebhook, str | None]:
    """Set the unit's webhook. A new one gets a signing secret, returned (to be shown once)."""
    _require_manage(actor, unit)
    url = _clean_url(url)
    hook = UnitWebhook.objects.filter(unit=unit).first()
    if hook is None:
        secret = new_secret()
        hook = UnitWebhook.objects.create(unit=unit, url=url, secret=secret, active=active)
        return hook, secret
    hook.url, hook.active = url, bool(active)
    hook.save(update_fields=["url", "active", "updated_at"])
    return hook, None


@transaction.atomic
def webhook_secret_regenerate(*, actor: Any, hook: UnitWebhook) -> str:
    """A new signing secret (the old one stops working at once); returned to be shown once."""
    _require_manage(actor, hook.unit)
    hook.secret = new_secret()
    hook.save(update_fields=["secret", "updated_at"])
    return hook.secret


def webhook_send_test(*, actor: Any, hook: UnitWebhook) -> WebhookDelivery:
    """Send a test payload now (recorded in the log like any delivery; retried if it fails)."""
    _require_manage(actor, hook.unit)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            hook=hook,
            kind="test",
            payload={
                "kind": "test",
                "unit": hook.unit.code,
                "sent_at": timezone.now().isoformat(),
            },
            next_attempt_at=timezone.now(),
        )
    return attempt(delivery.pk) or delivery


# --- Reads -----------------------------------------------------------------------------------


def hook_of(unit: Unit) -> UnitWebhook | None:
    return UnitWebhook.objects.filter(unit=unit).select_related("unit").first()


def deliveries_of(unit: Unit) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(hook__unit=unit).order_by("-created_at", "-id")
