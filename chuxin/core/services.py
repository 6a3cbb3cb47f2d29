"""Writes of the core: personal API tokens."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import ApiToken


def api_token_issue(*, actor: Any, user: Any, name: str = "") -> tuple[ApiToken, str]:
    """Issue a personal API token; returns the record and the token, which is shown once."""
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(user=user, name=name[:100], digest=ApiToken.digest_of(raw))
    return token, raw


def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token; it stays on record."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
