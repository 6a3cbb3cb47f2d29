"""Encryption at rest of the public's contact details, with Fernet (AES-128-CBC with
HMAC-SHA256, authenticated: a changed byte makes decryption fail rather than yield other text)
from the ``cryptography`` package.

The key comes from ``CHUXIN_PORTAL_CONTACT_KEY`` in the environment when set (so that it can
live apart from the database and from ``SECRET_KEY``), else it is derived from ``SECRET_KEY``;
keys named in ``CHUXIN_PORTAL_CONTACT_OLD_KEYS`` (comma-separated) and ``SECRET_KEY_FALLBACKS``
still decrypt, so a key can be rotated. Tokens carry a version prefix (``f1:``) so that another
scheme can be added later without guessing what a stored value is.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class ContactDecryptError(Exception):
    """The token is damaged or was made under a key no longer known."""


def _master_keys() -> list[bytes]:
    """The current key first, then the ones that still decrypt."""
    keys: list[str] = []
    own = os.environ.get("CHUXIN_PORTAL_CONTACT_KEY", "")
    keys.append(own or settings.SECRET_KEY)
    keys += [k for k in os.environ.get("CHUXIN_PORTAL_CONTACT_OLD_KEYS", "").split(",") if k]
    if own:
        keys.append(settings.SECRET_KEY)
    keys += list(getattr(settings, "SECRET_KEY_FALLBACKS", []) or [])
    return list(_derive(tuple(keys)))


@functools.lru_cache(maxsize=8)
def _derive(keys: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(hashlib.sha256(b"chuxin.portal.contact|" + k.encode()).digest() for k in keys)


@functools.lru_cache(maxsize=64)
def _subkey(master: bytes, purpose: bytes) -> bytes:
    return hmac.new(master, b"chuxin.portal." + purpose, hashlib.sha256).digest()


@functools.lru_cache(maxsize=8)
def _fernets(masters: tuple[bytes, ...]) -> MultiFernet:
    """Encrypts with the first key, decrypts with any."""
    return MultiFernet(
        [Fernet(base64.urlsafe_b64encode(_subkey(master, b"fernet"))) for master in masters]
    )


def encrypt_text(plain: str) -> str:
    """A token for ``plain`` under the current key."""
    return "f1:" + _fernets(tuple(_master_keys())).encrypt(plain.encode()).decode()


def decrypt_text(token: str) -> str:
    """The text of a token made by :func:`encrypt_text` under any known key."""
    version, _sep, body = token.partition(":")
    if version != "f1":
        raise ContactDecryptError(f"unknown token version {version!r}")
    try:
        return _fernets(tuple(_master_keys())).decrypt(body.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise ContactDecryptError from exc


CONTACT_FIELDS = ("name", "phone", "email")


def seal_contact(contact: dict[str, str]) -> str:
    """The encrypted form of the contact (empty when nothing was given)."""
    values = {k: (contact.get(k) or "").strip() for k in CONTACT_FIELDS}
    if not any(values.values()):
        return ""
    return encrypt_text(json.dumps(values, ensure_ascii=False))


def open_contact(token: str) -> dict[str, str]:
    """The contact back from its encrypted form ({} when there is none or it cannot be read)."""
    if not token:
        return {}
    try:
        values = json.loads(decrypt_text(token))
    except (ContactDecryptError, ValueError):
        return {"error": "unreadable"}
    return {k: str(values.get(k, "")) for k in CONTACT_FIELDS}


def client_digest(address: str) -> str:
    """A keyed digest of a client address: ratings are recognised per address without the
    address itself being stored."""
    key = _subkey(_master_keys()[0], b"client")
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()
