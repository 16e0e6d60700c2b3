"""Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8291).

Keys come from the environment: ``VAPID_PRIVATE_KEY`` (base64url, the raw 32-byte P-256 key or
DER), ``VAPID_PUBLIC_KEY`` (base64url uncompressed point; derived from the private key when
unset) and ``VAPID_SUBJECT`` (``mailto:`` or ``https:`` contact the push services may use).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from urllib.parse import urlparse

import requests
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from services.notify import DeliveryError, Message

# Push services answer 404/410 for subscriptions that were revoked or expired (RFC 8030 §7.3).
GONE_STATUSES = {404, 410}
# 413 (payload too large) and other 4xx except 429 will fail the same way next time.
RETRYABLE_CLIENT_STATUSES = {408, 429}


@dataclass(frozen=True)
class PushTarget:
    """One browser's subscription, as the PushManager gives it (endpoint + keys)."""

    endpoint: str
    p256dh: str
    auth: str


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate_vapid_keys() -> tuple[str, str]:
    """A new key pair as (private, public), both base64url, ready for the environment."""
    vapid = Vapid02()
    vapid.generate_keys()
    private_value = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return b64url(private_value), public_key_of(vapid)


def public_key_of(vapid: Vapid02) -> str:
    point = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(point)


def endpoint_allowed(endpoint: str) -> bool:
    """Whether ``endpoint`` belongs to a known push service (``WEB_PUSH_SERVICE_HOSTS``: host names
    or ``.suffix`` entries). The server posts to subscription endpoints, so an open list would let
    anyone aim it at internal addresses."""
    parsed = urlparse(endpoint)
    host = (parsed.hostname or "").lower()
    if not host or parsed.scheme not in {"https", "http"}:
        return False
    if parsed.scheme == "http" and host not in settings.WEB_PUSH_SERVICE_HOSTS:
        return False  # plain http only for an entry named exactly (a local stand-in)
    return any(
        host == entry or (entry.startswith(".") and host.endswith(entry)) for entry in settings.WEB_PUSH_SERVICE_HOSTS
    )


def is_configured() -> bool:
    return bool(settings.VAPID_PRIVATE_KEY)


def vapid_public_key() -> str:
    """The application server key the browser subscribes with ('' when push is not configured)."""
    if not is_configured():
        return ""
    return settings.VAPID_PUBLIC_KEY or public_key_of(Vapid02.from_string(settings.VAPID_PRIVATE_KEY))


def payload_of(message: Message, *, tag: str) -> str:
    """What the service worker receives (pwa/sw.js reads these fields)."""
    return json.dumps({"title": message.title, "body": message.body, "link": message.link, "tag": tag})


def send_push(target: PushTarget, message: Message, *, tag: str) -> None:
    """Encrypt and post one message to one subscription; raises DeliveryError."""
    if not is_configured():
        raise DeliveryError("Web Push is not configured (VAPID_PRIVATE_KEY is unset).", permanent=True)
    try:
        webpush(
            {"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}},
            data=payload_of(message, tag=tag),
            vapid_private_key=Vapid02.from_string(settings.VAPID_PRIVATE_KEY),
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=settings.WEB_PUSH_TTL_SECONDS,
            timeout=settings.NOTIFY_SEND_TIMEOUT_SECONDS,
            # Urgency (RFC 8030 §5.3): "high" wakes a sleeping phone; our messages are meant to.
            headers={"Urgency": "high"},
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in GONE_STATUSES:
            raise DeliveryError(f"push subscription gone ({status})", gone=True) from error
        permanent = status is not None and 400 <= status < 500 and status not in RETRYABLE_CLIENT_STATUSES
        raise DeliveryError(f"push service answered {status}: {str(error)[:300]}", permanent=permanent) from error
    except (requests.RequestException, ValueError) as error:
        raise DeliveryError(f"push failed: {error}"[:500]) from error
