"""The generic outgoing webhook: a JSON POST signed with HMAC-SHA256, so that an intranet
chat system can relay reminders and escalations. Sent only after the transaction commits;
a failure is logged, never raised into the sweep."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.request
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from chuxin.organization.models import Unit

from .models import UnitWebhook

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Chuxin-Signature"
TIMEOUT_SECONDS = 5


def sign(secret: str, body: bytes) -> str:
    """``sha256=<hex>`` of the body under the secret (what the receiver recomputes)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, body), signature)


def _urllib_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        return int(response.status)


# The transport; tests may replace it.
transport: Callable[[str, bytes, dict[str, str]], int] = _urllib_post


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


def deliver(hook_id: int, payload: dict[str, Any]) -> int | None:
    """POST the payload now; returns the HTTP status, None when it could not be sent."""
    hook = UnitWebhook.objects.filter(pk=hook_id, active=True).first()
    if hook is None:
        return None
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: sign(hook.secret, body),
        "User-Agent": "chuxin-webhook/1",
    }
    try:
        return transport(hook.url, body, headers)
    except Exception:  # a chat relay being down must not stop the reminders
        log.warning("webhook %s to %s failed", hook.pk, hook.url, exc_info=True)
        return None


def send_after_commit(unit: Unit, payload: dict[str, Any]) -> bool:
    """Queue the payload for the unit's webhook (if any) once the transaction commits."""
    hook = hook_for(unit)
    if hook is None:
        return False
    payload = payload | {"sent_at": timezone.now().isoformat()}
    hook_id = hook.pk
    transaction.on_commit(lambda: deliver(hook_id, payload))
    return True
