"""Encryption at rest of the public's contact details.

The key comes from ``CHUXIN_PORTAL_CONTACT_KEY`` in the environment when set (so that it can
live apart from the database and from ``SECRET_KEY``), else it is derived from ``SECRET_KEY``;
keys named in ``CHUXIN_PORTAL_CONTACT_OLD_KEYS`` (comma-separated) and ``SECRET_KEY_FALLBACKS``
still decrypt, so a key can be rotated.

Tokens are versioned by a prefix:

- ``f1:`` -- Fernet (AES-128-CBC with HMAC-SHA256) from the ``cryptography`` package, used
  whenever it is installed;
- ``h1:`` -- the standard library's fallback: a random 16-byte nonce, the plaintext XORed with
  an HMAC-SHA256 keystream in counter mode, then an HMAC-SHA256 tag over version, nonce and
  ciphertext (encrypt-then-MAC, separate encryption and MAC keys). Both are authenticated: a
  changed byte makes decryption fail rather than yield other text.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import secrets
from typing import Any

from django.conf import settings

_NONCE = 16
_TAG = 32


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


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = []
    for counter in range((length + 31) // 32):
        blocks.append(hmac.new(key, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest())
    return b"".join(blocks)[:length]


def _h1_encrypt(master: bytes, plain: bytes) -> str:
    nonce = secrets.token_bytes(_NONCE)
    stream = _keystream(_subkey(master, b"enc"), nonce, len(plain))
    cipher = bytes(a ^ b for a, b in zip(plain, stream, strict=True))
    tag = hmac.new(_subkey(master, b"mac"), b"h1" + nonce + cipher, hashlib.sha256).digest()
    return "h1:" + base64.urlsafe_b64encode(nonce + cipher + tag).decode()


def _h1_decrypt(master: bytes, body: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(body.encode())
    except ValueError as exc:
        raise ContactDecryptError from exc
    if len(raw) < _NONCE + _TAG:
        raise ContactDecryptError
    nonce, cipher, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    expected = hmac.new(_subkey(master, b"mac"), b"h1" + nonce + cipher, hashlib.sha256).digest()
    if not hmac.compare_digest(tag, expected):
        raise ContactDecryptError
    stream = _keystream(_subkey(master, b"enc"), nonce, len(cipher))
    return bytes(a ^ b for a, b in zip(cipher, stream, strict=True))


def _fernet(master: bytes) -> Any:
    from cryptography.fernet import Fernet

    return Fernet(base64.urlsafe_b64encode(_subkey(master, b"fernet")))


@functools.cache
def has_fernet() -> bool:
    try:
        import cryptography.fernet  # noqa: F401
    except ImportError:
        return False
    return True


def encrypt_text(plain: str, *, method: str | None = None) -> str:
    """A token for ``plain`` under the current key (Fernet where available)."""
    master = _master_keys()[0]
    method = method or ("f1" if has_fernet() else "h1")
    if method == "f1":
        return "f1:" + _fernet(master).encrypt(plain.encode()).decode()
    return _h1_encrypt(master, plain.encode())


def decrypt_text(token: str) -> str:
    """The text of a token made by :func:`encrypt_text` under any known key."""
    version, _sep, body = token.partition(":")
    for master in _master_keys():
        try:
            if version == "h1":
                return _h1_decrypt(master, body).decode()
            if version == "f1":
                from cryptography.fernet import InvalidToken

                try:
                    return _fernet(master).decrypt(body.encode()).decode()
                except InvalidToken:
                    continue
        except ContactDecryptError:
            continue
        except ImportError as exc:
            raise ContactDecryptError("cryptography is needed for f1 tokens") from exc
    raise ContactDecryptError


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
