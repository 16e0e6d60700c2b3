"""Field encryption for personal data (ID-card numbers) and blind indexes for lookups.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256). ``FIELD_ENCRYPTION_KEYS`` is
a comma-separated list: the first key encrypts, all of them decrypt, so keys can rotate.
A blind index (HMAC-SHA256 under a key derived from the first key) lets the database
enforce uniqueness and find a record by the number without ever storing it in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _keys() -> tuple[bytes, ...]:
    keys = tuple(key.strip().encode() for key in settings.FIELD_ENCRYPTION_KEYS if key.strip())
    if not keys:
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS (Fernet keys, comma-separated).")
    return keys


@cache
def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in _keys()])
    except ValueError:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must hold url-safe base64 Fernet keys.") from None


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A value cannot be decrypted with FIELD_ENCRYPTION_KEYS (wrong or missing key)."
        ) from None


def blind_index(text: str) -> str:
    index_key = hashlib.sha256(b"blind-index:" + _keys()[0]).digest()
    return hmac.new(index_key, text.encode(), hashlib.sha256).hexdigest()


def development_key(secret: str) -> str:
    """A deterministic Fernet key for development and tests only (production sets its own)."""
    return base64.urlsafe_b64encode(hashlib.sha256(b"field-encryption:" + secret.encode()).digest()).decode()
