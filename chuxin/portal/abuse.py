"""Abuse limits of the public's portal, needing no outside service:

- a rate limit per client address and action, counted in Django's cache (Redis in production,
  so every app server counts together), answering 429 with a clear message;
- a simple challenge: a small sum whose answer travels signed and time-stamped
  (``django.core.signing``), used once (its nonce is remembered in the cache until it
  expires), plus a honeypot field that people never see and robots fill in.

The client address is ``REMOTE_ADDR``; behind a reverse proxy set
``CHUXIN_PORTAL_CLIENT_IP_HEADER`` (e.g. ``HTTP_X_REAL_IP``) to the header the proxy sets.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

# action: (how many, per how many seconds). Settings may override with PORTAL_RATE_LIMITS.
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "submit": (5, 600),
    "rate": (10, 600),
    "track": (30, 600),
    "track_miss": (10, 600),  # wrong or guessed codes
    "search": (120, 600),
    "challenge": (120, 600),
}
CHALLENGE_MAX_AGE = 3600  # seconds a challenge stays answerable
HONEYPOT = "website"
_SALT = "chuxin.portal.challenge"


class RateLimited(Exception):
    """Too many requests of one kind from one address; ``retry_after`` in seconds."""

    def __init__(self, action: str, retry_after: int) -> None:
        super().__init__(action)
        self.action = action
        self.retry_after = retry_after


def limits() -> dict[str, tuple[int, int]]:
    return DEFAULT_LIMITS | dict(getattr(settings, "PORTAL_RATE_LIMITS", {}) or {})


def client_address(request: HttpRequest) -> str:
    header = os.environ.get("CHUXIN_PORTAL_CLIENT_IP_HEADER", "")
    value = request.META.get(header, "") if header else ""
    if value:
        return str(value).split(",")[0].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")[:64]


def _key(action: str, address: str) -> str:
    return f"portal:rl:{action}:{address}"


def hit(request: HttpRequest, action: str) -> None:
    """Count one request of ``action`` from the client; raise RateLimited past the limit."""
    allowed, window = limits()[action]
    key = _key(action, client_address(request))
    if cache.add(key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)
            count = 1
    if count > allowed:
        raise RateLimited(action, window)


def check(request: HttpRequest, action: str) -> None:
    """Raise RateLimited if the client is already past the limit, without counting."""
    allowed, window = limits()[action]
    if (cache.get(_key(action, client_address(request))) or 0) >= allowed:
        raise RateLimited(action, window)


@dataclass(frozen=True)
class Challenge:
    a: int
    b: int
    token: str

    @property
    def question(self) -> str:
        return _("How much is %(a)d plus %(b)d?") % {"a": self.a, "b": self.b}


def new_challenge() -> Challenge:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.TimestampSigner(salt=_SALT).sign_object(
        {"s": a + b, "n": secrets.token_urlsafe(9)}
    )
    return Challenge(a=a, b=b, token=token)


def verify_challenge(token: str, answer: object) -> str | None:
    """None when the answer is right and the challenge fresh and unused; else the message."""
    try:
        data = signing.TimestampSigner(salt=_SALT).unsign_object(
            token or "", max_age=CHALLENGE_MAX_AGE
        )
    except signing.SignatureExpired:
        return _("The question has expired. Please answer the new one.")
    except signing.BadSignature:
        return _("Please answer the question again.")
    try:
        given = int(str(answer).strip())
    except (TypeError, ValueError):
        return _("Answer the question with a number.")
    if given != data.get("s"):
        return _("That is not the right answer. Please try the new question.")
    if not cache.add(f"portal:ch:{data.get('n')}", 1, timeout=CHALLENGE_MAX_AGE):
        return _("This question was already answered. Please answer the new one.")
    return None


def honeypot_filled(value: object) -> bool:
    return bool(str(value or "").strip())
